from django.contrib import admin
from django.urls import include, path

from recovery import views as recovery_views

urlpatterns = [
    path("healthz", recovery_views.healthz, name="healthz"),
    path("readyz", recovery_views.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Security (issue 7): two-factor setup and verification pages.
    path("security/", include("recovery.security.urls")),
    path("", recovery_views.home, name="home"),
]
