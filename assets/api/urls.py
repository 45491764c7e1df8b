"""Routes of the assets app under /api/v1/ (registered on the shared router)."""

from assets.api.views import AssetViewSet


def register(router):
    router.register("assets", AssetViewSet, basename="asset")
