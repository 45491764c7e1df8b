"""The deadline calendar's pages in the admin (month view, agenda, the feed's address) and the
iCalendar feed itself (outside the admin: calendar clients cannot sign in; the secret address is
the credential). Every item comes from recovery.deadline_calendar, which reads through each app's
`visible_to(user)`."""

from __future__ import annotations

import datetime
from collections import defaultdict
from functools import wraps

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from recovery import access
from recovery.calendar_feed import (
    calendar_feed_token_create,
    calendar_feed_token_revoke,
    feed_ics,
    feed_url,
    live_token,
    user_for_token,
)
from recovery.deadline_calendar import BadMonth, deadline_items, month_from_query, month_weeks, shift_month
from recovery.errors import DomainError

# How far ahead the agenda looks unless ?days= says otherwise, and the most it may say.
AGENDA_DAYS = 60
AGENDA_MAX_DAYS = 366
# The most items of each kind a page lists: a reader of every unit could otherwise ask for tens of
# thousands (the page says when it shows fewer than there are).
PAGE_LIMIT = 500


def _calendar_access(view):
    """Signed-in staff through the admin's own gate; users who read no case get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not access.is_case_reader(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return admin.site.admin_view(wrapper)


def _context(request, title: str, **extra) -> dict:
    return {**admin.site.each_context(request), "title": title, **extra}


@_calendar_access
@require_GET
def month_view(request):
    today = timezone.localdate()
    try:
        year, month = month_from_query(request.GET, today)
    except BadMonth as exc:
        context = _context(request, _("Deadline calendar"), error=str(exc), today=today)
        return TemplateResponse(request, "admin/calendar/bad_month.html", context, status=400)
    weeks = month_weeks(year, month)
    items = deadline_items(request.user, start=weeks[0][0], end=weeks[-1][-1], today=today, limit=PAGE_LIMIT)
    by_day = defaultdict(list)
    for item in items:
        by_day[item.date].append(item)
    grid = [
        [{"date": day, "in_month": day.month == month, "is_today": day == today, "items": by_day[day]} for day in week]
        for week in weeks
    ]
    prev_year, prev_month = shift_month(year, month, -1)
    next_year, next_month = shift_month(year, month, 1)
    month_name = str(MONTHS[month])
    title = f"{month_name[:1].upper()}{month_name[1:]} {year}"
    context = _context(
        request,
        title,
        grid=grid,
        weekdays=[WEEKDAYS_ABBR[i] for i in range(7)],
        prev_query=f"?month={prev_year:04d}-{prev_month:02d}",
        next_query=f"?month={next_year:04d}-{next_month:02d}",
        this_month_query=f"?month={today.year:04d}-{today.month:02d}",
        item_count=len(items),
        overdue_count=sum(1 for item in items if item.overdue),
        truncated=items.truncated,
        limit=PAGE_LIMIT,
    )
    return TemplateResponse(request, "admin/calendar/month.html", context)


@_calendar_access
@require_GET
def agenda_view(request):
    """What is overdue, then what falls due in the coming days."""
    today = timezone.localdate()
    raw = (request.GET.get("days") or "").strip()
    days = AGENDA_DAYS
    if raw:
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 3 and 1 <= int(raw) <= AGENDA_MAX_DAYS):
            context = _context(
                request,
                _("Upcoming deadlines"),
                error=_("The number of days must be from 1 to %(max)d.") % {"max": AGENDA_MAX_DAYS},
                today=today,
            )
            return TemplateResponse(request, "admin/calendar/bad_month.html", context, status=400)
        days = int(raw)
    # Read apart, so that a long overdue list does not crowd out what is coming.
    overdue = deadline_items(
        request.user, start=None, end=today - datetime.timedelta(days=1), today=today, limit=PAGE_LIMIT
    )
    upcoming = deadline_items(
        request.user, start=today, end=today + datetime.timedelta(days=days), today=today, limit=PAGE_LIMIT
    )
    context = _context(
        request,
        _("Upcoming deadlines"),
        overdue=overdue,
        upcoming=upcoming,
        days=days,
        today=today,
        truncated=overdue.truncated or upcoming.truncated,
        limit=PAGE_LIMIT,
    )
    return TemplateResponse(request, "admin/calendar/agenda.html", context)


@_calendar_access
@never_cache
@require_http_methods(["GET", "POST"])
def feed_settings_view(request):
    """The feed's address: "Subscribe" shows it once when made; "Revoke" ends it at once."""
    new_url = webcal_url = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "create":
                _row, token = calendar_feed_token_create(actor=request.user, user=request.user)
                new_url = feed_url(token)
                webcal_url = "webcal://" + new_url.split("://", 1)[1]
            elif action == "revoke":
                if calendar_feed_token_revoke(actor=request.user, user=request.user):
                    messages.success(request, _("The calendar address is revoked: it no longer works."))
                return redirect(reverse("calendar:feed-settings"))
            else:
                messages.error(request, _("Unknown action."))
                return redirect(reverse("calendar:feed-settings"))
        except DomainError as exc:
            messages.error(request, str(exc))
            return redirect(reverse("calendar:feed-settings"))
    context = _context(
        request,
        _("Subscribe to the deadline calendar"),
        live=live_token(request.user),
        new_url=new_url,
        webcal_url=webcal_url,
    )
    response = TemplateResponse(request, "admin/calendar/feed_settings.html", context)
    # The page may carry the secret address: no cache keeps it.
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_safe
def feed_view(request, token: str):
    user = user_for_token(token)
    if user is None:
        # No detail: an unknown, revoked or deactivated address all look the same.
        return HttpResponseNotFound(b"", content_type="text/plain; charset=utf-8")
    response = HttpResponse(feed_ics(user), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    return response
