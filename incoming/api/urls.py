"""Routes of the incoming requests under /api/v1/ (registered on the shared router)."""

from incoming.api.views import IncomingRequestViewSet


def register(router):
    router.register("incoming-requests", IncomingRequestViewSet, basename="incoming-request")
