"""The deadline calendar's pages, under /admin/calendar/ (the admin's sign-in and look)."""

from django.urls import path

from recovery import calendar_views

app_name = "calendar"

urlpatterns = [
    path("", calendar_views.month_view, name="month"),
    path("agenda/", calendar_views.agenda_view, name="agenda"),
    path("feed/", calendar_views.feed_settings_view, name="feed-settings"),
]
