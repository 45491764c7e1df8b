"""The desk and the notifications inbox, under /admin/ (included by config/urls.py ahead of the
admin site, whose gate they pass through)."""

from django.urls import path

from recovery.admin_desk import (
    admin_only,
    desk_view,
    inbox_view,
    mark_all_read_view,
    mark_read_view,
    open_view,
)

app_name = "desk"

urlpatterns = [
    path("desk/", admin_only(desk_view), name="home"),
    path("notifications/", admin_only(inbox_view), name="inbox"),
    path("notifications/read-all/", admin_only(mark_all_read_view), name="read-all"),
    path("notifications/<int:pk>/read/", admin_only(mark_read_view), name="read"),
    path("notifications/<int:pk>/open/", admin_only(open_view), name="open"),
]
