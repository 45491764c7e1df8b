"""The deadline calendar: the dated items a user must act on or watch, read in their scope.

Three kinds of dates, each from its own app's rules and always through its `visible_to(user)`
(recovery.access), so the month view, the agenda and the iCalendar feed show only what the user
may read, and read the user's scope as it is now:

- an outgoing request's response deadline (`response_due`, while a foreign answer is pending),
  and our own deadline to send the additional information asked of us (`supplementary_due`);
- an incoming request's execution deadline (`execution_due`, while it is ours to execute);
- the expiry of an asset's freeze abroad (`freeze_expires_on`, while the asset is frozen).

One query per kind whatever the number of items; pure helpers for the month grid and the query
string, so the views stay thin.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime
import re

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assets.models import Asset
from incoming.models import IncomingRequest
from mla_requests.models import Request

# The kinds of dated items, with what is due on the date (the feed's SUMMARY, the page's label).
RESPONSE_DUE = "response_due"
SUPPLEMENTARY_DUE = "supplementary_due"
EXECUTION_DUE = "execution_due"
FREEZE_EXPIRES = "freeze_expires"

KIND_LABELS = {
    RESPONSE_DUE: gettext_lazy("Foreign response due"),
    SUPPLEMENTARY_DUE: gettext_lazy("Additional information due from us"),
    EXECUTION_DUE: gettext_lazy("Execution of the incoming request due"),
    FREEZE_EXPIRES: gettext_lazy("Freeze expires"),
}
OVERDUE_LABELS = {
    RESPONSE_DUE: gettext_lazy("Overdue"),
    SUPPLEMENTARY_DUE: gettext_lazy("Overdue"),
    EXECUTION_DUE: gettext_lazy("Overdue"),
    FREEZE_EXPIRES: gettext_lazy("Lapsed"),
}

# The years a page or a query string may name: beyond them a date is a typo, not a plan.
MIN_YEAR = 1900
MAX_YEAR = 2200


@dataclasses.dataclass(frozen=True)
class DeadlineItem:
    kind: str
    pk: int
    date: datetime.date
    reference: str
    title: str
    overdue: bool
    admin_path: str

    @property
    def what(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def overdue_label(self) -> str:
        return str(OVERDUE_LABELS[self.kind])

    @property
    def uid(self) -> str:
        # Stable per record and kind: a moved deadline moves the same event in the client.
        return f"{self.kind}-{self.pk}@asset-recovery"


def _between(field: str, start: datetime.date | None, end: datetime.date | None) -> dict:
    bounds = {f"{field}__isnull": False}
    if start is not None:
        bounds[f"{field}__gte"] = start
    if end is not None:
        bounds[f"{field}__lte"] = end
    return bounds


class DeadlineItems(list):
    """The items, by date; `truncated` says a kind had more than the limit asked for."""

    truncated = False


def _first(queryset, field: str, limit: int | None, found: DeadlineItems):
    if limit is None:
        return list(queryset.order_by(field, "pk"))
    rows = list(queryset.order_by(field, "pk")[: limit + 1])
    if len(rows) > limit:
        found.truncated = True
    return rows[:limit]


def deadline_items(
    user,
    *,
    start: datetime.date | None,
    end: datetime.date | None,
    today: datetime.date | None = None,
    limit: int | None = None,
) -> DeadlineItems:
    """The user's dated items from `start` to `end` (both included; None: unbounded), by date, at
    most `limit` of each kind (the earliest). Four queries whatever the number of items; nothing at
    all for a user who reads no case."""
    today = today or timezone.localdate()
    items = DeadlineItems()

    requests = (
        Request.objects.visible_to(user)
        .pending()
        .filter(**_between("response_due", start, end))
        .select_related("case")
        .only("pk", "reference", "status", "response_due", "case__title")
    )
    for r in _first(requests, "response_due", limit, items):
        items.append(
            DeadlineItem(
                kind=RESPONSE_DUE,
                pk=r.pk,
                date=r.response_due,
                reference=r.reference,
                title=r.case.title,
                overdue=r.response_due < today,
                admin_path=f"/admin/requests/request/{r.pk}/change/",
            )
        )

    supplementary = (
        Request.objects.visible_to(user)
        .filter(status=Request.Status.INFO_REQUESTED, **_between("supplementary_due", start, end))
        .select_related("case")
        .only("pk", "reference", "status", "supplementary_due", "case__title")
    )
    for r in _first(supplementary, "supplementary_due", limit, items):
        items.append(
            DeadlineItem(
                kind=SUPPLEMENTARY_DUE,
                pk=r.pk,
                date=r.supplementary_due,
                reference=r.reference,
                title=r.case.title,
                overdue=r.supplementary_due < today,
                admin_path=f"/admin/requests/request/{r.pk}/change/",
            )
        )

    incoming = (
        IncomingRequest.objects.visible_to(user)
        .open()
        .filter(**_between("execution_due", start, end))
        .only("pk", "reference", "status", "execution_due", "requesting_authority")
    )
    for r in _first(incoming, "execution_due", limit, items):
        items.append(
            DeadlineItem(
                kind=EXECUTION_DUE,
                pk=r.pk,
                date=r.execution_due,
                reference=r.reference,
                title=r.requesting_authority,
                overdue=r.execution_due < today,
                admin_path=f"/admin/incoming/incomingrequest/{r.pk}/change/",
            )
        )

    assets = (
        Asset.objects.visible_to(user)
        .filter(status=Asset.Status.FROZEN, **_between("freeze_expires_on", start, end))
        .select_related("case", "incoming_request")
        .only(
            "pk",
            "kind",
            "description",
            "status",
            "freeze_expires_on",
            "case__register_number",
            "incoming_request__reference",
        )
    )
    for a in _first(assets, "freeze_expires_on", limit, items):
        owner = a.case.register_number if a.case_id else a.incoming_request.reference
        items.append(
            DeadlineItem(
                kind=FREEZE_EXPIRES,
                pk=a.pk,
                date=a.freeze_expires_on,
                reference=owner,
                title=str(a),
                overdue=a.freeze_expires_on < today,
                admin_path=f"/admin/assets/asset/{a.pk}/change/",
            )
        )

    items.sort(key=lambda item: (item.date, item.kind, item.reference, item.pk))
    return items


# --- the month grid -------------------------------------------------------------------------------


class BadMonth(ValueError):
    """The query string names no month the calendar can show."""


_MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$", re.ASCII)


def _int(value: str, what: str) -> int:
    value = (value or "").strip()
    if not value.isascii() or not value.isdigit() or len(value) > 4:
        raise BadMonth(_("“%(value)s” is not a valid %(what)s.") % {"value": value[:20], "what": what})
    return int(value)


def month_from_query(params, today: datetime.date) -> tuple[int, int]:
    """(year, month) from `?month=2026-12` or `?year=2026&month=12`; the current month when none is
    given. Raises BadMonth with a message for anything else (month 13, year 99999, letters)."""
    raw_month = params.get("month", "")
    raw_year = params.get("year", "")
    if not raw_month and not raw_year:
        return today.year, today.month
    found = _MONTH_RE.match(raw_month.strip()) if raw_month and not raw_year else None
    if found:
        year, month = int(found.group(1)), int(found.group(2))
    else:
        year = _int(raw_year, _("year")) if raw_year else today.year
        month = _int(raw_month, _("month")) if raw_month else today.month
    if not 1 <= month <= 12:
        raise BadMonth(_("The month must be from 1 to 12."))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise BadMonth(_("The year must be from %(min)d to %(max)d.") % {"min": MIN_YEAR, "max": MAX_YEAR})
    return year, month


def month_weeks(year: int, month: int) -> list[list[datetime.date]]:
    """The month's weeks, Monday first, with the neighbouring months' days that fill them."""
    return calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(year, month)


def shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + by
    return index // 12, index % 12 + 1
