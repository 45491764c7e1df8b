"""Routes of the documents app under /api/v1/ (registered on the shared router)."""

from documents.api.views import DocumentViewSet


def register(router):
    router.register("documents", DocumentViewSet, basename="document")
