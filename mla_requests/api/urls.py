"""Routes of the requests app under /api/v1/ (registered on the shared router)."""

from mla_requests.api.views import RequestViewSet


def register(router):
    router.register("requests", RequestViewSet, basename="request")
