from django.contrib import admin
from django.urls import include, path

from recovery import views as recovery_views

urlpatterns = [
    path("healthz", recovery_views.healthz, name="healthz"),
    path("readyz", recovery_views.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/notifications/", include("recovery.api.notification_urls")),  # reminders (issue 5)
    path("", recovery_views.home, name="home"),
]
