from django.contrib import admin
from django.urls import include, path

from recovery import calendar_views
from recovery import views as recovery_views

urlpatterns = [
    path("healthz", recovery_views.healthz, name="healthz"),
    path("readyz", recovery_views.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The desk and the notifications inbox, in the admin's look (ahead of the admin's own routes).
    path("admin/", include("recovery.desk_urls")),
    # The deadline calendar's pages (before the admin's catch-all) and its iCalendar feed, which
    # calendar clients fetch without signing in: the secret address is the credential.
    path("admin/calendar/", include("recovery.calendar_urls")),
    path("admin/", admin.site.urls),
    path("calendar/feed/<str:token>.ics", calendar_views.feed_view, name="calendar-feed"),
    path("api/v1/notifications/", include("recovery.api.notification_urls")),  # reminders
    # Supervisors' dashboards and the statistics report.
    path("dashboard/", include("recovery.dashboards.urls")),
    # The same figures as JSON.
    path("api/v1/stats/", include("recovery.api.stats_urls")),
    # REST API: resources, schema at /api/v1/schema/, docs at /api/v1/docs/ and /api/v1/redoc/.
    path("api/v1/", include("recovery.api.urls", namespace="api")),
    # Security: two-factor setup and verification pages.
    path("security/", include("recovery.security.urls")),
    path("", recovery_views.home, name="home"),
]

# Unmatched URLs under /api/ answer problem+json like the rest of the API.
handler404 = "recovery.api.exceptions.not_found_handler"
