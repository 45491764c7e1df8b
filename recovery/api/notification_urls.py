"""Routes of /api/v1/notifications/ (included by config/urls.py at api/v1/notifications/)."""

from rest_framework.routers import SimpleRouter

from recovery.api.notifications import NotificationViewSet

router = SimpleRouter()
router.register("", NotificationViewSet, basename="notification")

urlpatterns = router.urls
