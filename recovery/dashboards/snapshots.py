"""Dashboard snapshots: the pages' database results, stored so that a page view reads one row
instead of grouping a million requests (issue 8; docs/dashboards.md, "Snapshots").

A snapshot is keyed by the page, the viewer's scope, the filter and the day the figures were
counted for (overdue and due-this-week depend on it). It holds the rows that Stats read from the
database, not the figures: labels, names, links and converted totals are made at render time in the
viewer's language, exactly as from a live read (Stats(..., replay=rows)).

- A view serves a snapshot younger than RECOVERY_DASHBOARD_MAX_AGE_SECONDS; otherwise it computes
  the figures live and stores them (an upsert: concurrent views do not collide).
- recovery.tasks.refresh_dashboard_snapshots (every RECOVERY_DASHBOARD_REFRESH_SECONDS) recomputes
  the unfiltered pages of scope "all" and every snapshot viewed in the last day, and prunes the rest.
- The overdue list is never snapshotted: it is an actionable list and reads an index live.
- RECOVERY_DASHBOARD_MAX_AGE_SECONDS=0 turns snapshots off: every view is computed live.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from recovery.access import reads_everything
from recovery.roles import role_names
from recovery.stats import SnapshotMiss, Stats, StatsFilter, may_view_dashboards

log = logging.getLogger(__name__)

ALL = "all"
# page -> the Stats method that makes its figures; "report:<year>" pages call Stats.report(year).
PAGES = {
    "overview": "overview",
    "countries": "by_country",
    "categories": "by_category",
    "assets": "asset_recovery",
    "trends": "trends",
    "incoming": "incoming_dashboard",
}
REPORT = "report:"
LIVE = "overdue"  # an actionable list, read live from the deadline index: never stored
# Snapshots viewed within this time are kept and refreshed; the others are deleted.
KEEP_VIEWED = datetime.timedelta(days=1)
# last_viewed_at is written at most this often per snapshot, not on every view.
TOUCH_EVERY = datetime.timedelta(hours=1)


# --- Keys ----------------------------------------------------------------------------------------
def scope_key(user) -> str:
    """What the user may see, as a key: "all" for everyone who sees every case (their figures are
    the same), else the user with the unit and roles their scope follows from, so that a moved or
    re-roled user never reads figures computed for their former scope."""
    if reads_everything(user):
        return ALL
    roles = ",".join(sorted(role_names(user)))
    return f"user:{user.pk}|unit:{user.unit_id or '-'}|roles:{roles}"


def filter_params(flt: StatsFilter) -> dict:
    """The filter as canonical JSON (only the parts in use), from which the task rebuilds it."""
    params = {
        "date_from": flt.date_from.isoformat() if flt.date_from else None,
        "date_to": flt.date_to.isoformat() if flt.date_to else None,
        "unit_ids": sorted(flt.unit_ids),
        "country": flt.country,
        "crime_category_id": flt.crime_category_id,
        "channel": flt.channel,
        "legal_basis_kind": flt.legal_basis_kind,
    }
    return {k: v for k, v in params.items() if v not in (None, "", [])}


def filter_key(params: dict) -> str:
    if not params:
        return ""
    return hashlib.sha256(json.dumps(params, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def filter_from_params(params: dict) -> StatsFilter:
    def day(name):
        return datetime.date.fromisoformat(params[name]) if params.get(name) else None

    return StatsFilter(
        date_from=day("date_from"),
        date_to=day("date_to"),
        unit_ids=frozenset(params.get("unit_ids", ())),
        country=params.get("country", ""),
        crime_category_id=params.get("crime_category_id"),
        channel=params.get("channel", ""),
        legal_basis_kind=params.get("legal_basis_kind", ""),
    )


def report_page(year: int) -> str:
    return f"{REPORT}{year}"


def _compute(stats: Stats, page: str) -> dict:
    if page.startswith(REPORT):
        return stats.report(int(page.removeprefix(REPORT)))
    return getattr(stats, PAGES[page])()


# --- Serving a page ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Stored:
    """A fresh snapshot's identity, read without its rows. A stored row is never changed in place
    except by a refresh, which gives it a new `computed_at`: (pk, computed_at) names its content."""

    pk: int
    computed_at: datetime.datetime
    page: str
    scope_key: str
    filter_key: str
    as_of: datetime.date


@dataclass(frozen=True)
class Figures:
    figures: dict
    computed_at: datetime.datetime  # when the rows behind the figures were read
    from_snapshot: bool
    stored: Stored | None = None  # the snapshot they were made from


def max_age() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.RECOVERY_DASHBOARD_MAX_AGE_SECONDS)


def enabled() -> bool:
    return settings.RECOVERY_DASHBOARD_MAX_AGE_SECONDS > 0


def _key(user, flt: StatsFilter, page: str, today: datetime.date) -> tuple[dict, dict]:
    params = filter_params(flt)
    return {"page": page, "scope_key": scope_key(user), "filter_key": filter_key(params), "as_of": today}, params


def _touch(pk: int, last_viewed_at, now) -> None:
    if last_viewed_at is None or last_viewed_at < now - TOUCH_EVERY:
        from recovery.models import DashboardSnapshot

        DashboardSnapshot.objects.filter(pk=pk).update(last_viewed_at=now)


def find(user, flt: StatsFilter, page: str, *, today: datetime.date | None = None) -> Stored | None:
    """The fresh snapshot of this page, scope, filter and day, without its rows (one query), or
    None. Counts as a view of it (the refresh task keeps viewed snapshots warm)."""
    from recovery.models import DashboardSnapshot

    if page == LIVE or not enabled():
        return None
    today = today or timezone.localdate()
    key, _params = _key(user, flt, page, today)
    now = timezone.now()
    row = (
        DashboardSnapshot.objects.filter(**key, computed_at__gt=now - max_age())
        .values_list("pk", "computed_at", "last_viewed_at")
        .first()
    )
    if row is None:
        return None
    pk, computed_at, last_viewed_at = row
    _touch(pk, last_viewed_at, now)
    return Stored(pk, computed_at, **key)


_LOOK = object()  # figures_for's default: look for a fresh snapshot (with its rows) itself


def figures_for(
    user,
    flt: StatsFilter,
    page: str,
    *,
    today: datetime.date | None = None,
    rates=None,
    stored=_LOOK,
) -> Figures:
    """One page's figures for `user` and `flt`: from a fresh snapshot of the same page, scope,
    filter and day if there is one (one query), else computed live and stored.

    `stored` is what `find` answered, when the caller asked already: a Stored (its rows are read
    by pk, and only if it has not been refreshed since) or None (no fresh snapshot: compute live).
    `rates` is a RateBook the caller has read already."""
    from recovery.models import DashboardSnapshot

    today = today or timezone.localdate()
    if page == LIVE:
        return Figures(Stats(user, flt, today=today, rates=rates).overdue(), timezone.now(), from_snapshot=False)
    key, params = _key(user, flt, page, today)
    now = timezone.now()
    if enabled() and stored is not None:
        fields = ("pk", "rows", "computed_at", "last_viewed_at")
        fresh = DashboardSnapshot.objects.filter(**key, computed_at__gt=now - max_age()).only(*fields)
        snapshot = None
        if stored is not _LOOK:
            same = DashboardSnapshot.objects.filter(pk=stored.pk, computed_at=stored.computed_at)
            snapshot = same.only(*fields).first()
        if snapshot is None:
            # Not asked yet, or refreshed since `find`: whatever fresh snapshot there is now.
            snapshot = fresh.first()
        if snapshot is not None:
            try:
                figures = _compute(Stats(user, flt, today=today, replay=snapshot.rows, rates=rates), page)
            except SnapshotMiss:
                log.info("dashboard snapshot %s lacks a read; computing live", snapshot.pk)
            else:
                _touch(snapshot.pk, snapshot.last_viewed_at, now)
                identity = Stored(snapshot.pk, snapshot.computed_at, **key)
                return Figures(figures, snapshot.computed_at, from_snapshot=True, stored=identity)
    stats = Stats(user, flt, today=today, rates=rates)
    figures = _compute(stats, page)
    if enabled():
        store(key, params, stats.recorded, computed_at=now, viewed_at=now)
    return Figures(figures, now, from_snapshot=False)


def store(key: dict, params: dict, rows: dict, *, computed_at, viewed_at=None) -> None:
    """Insert or replace the snapshot of `key` in one statement (INSERT ... ON CONFLICT DO UPDATE),
    so two views computing the same page at once both succeed. The task passes no `viewed_at`
    and leaves the last view as it was."""
    from recovery.models import DashboardSnapshot

    update = ["rows", "computed_at", "filter_params"] + (["last_viewed_at"] if viewed_at else [])
    try:
        with transaction.atomic():
            DashboardSnapshot.objects.bulk_create(
                [
                    DashboardSnapshot(
                        **key, filter_params=params, rows=rows, computed_at=computed_at, last_viewed_at=viewed_at
                    )
                ],
                update_conflicts=True,
                unique_fields=["page", "scope_key", "filter_key", "as_of"],
                update_fields=update,
            )
    except DatabaseError:
        # The figures are computed and shown; failing to keep them only costs the next view time.
        log.exception("dashboard snapshot %s not stored", key)


# --- The refresh task ----------------------------------------------------------------------------
def default_pages(today: datetime.date) -> list[str]:
    """The pages kept warm for scope "all" without a filter, viewed or not."""
    return [*PAGES, report_page(today.year)]


def _viewer(scope: str, users: dict):
    """A user whose scope is `scope` now, or None (gone, deactivated, moved or re-roled)."""
    from recovery.models import User

    if scope == ALL:
        # Everyone who sees everything sees the same figures; an unsaved superuser stands for them.
        return User(username="dashboard-refresh", is_superuser=True, is_active=True)
    try:
        pk = int(scope.removeprefix("user:").split("|", 1)[0])
    except ValueError:
        return None
    if pk not in users:
        users[pk] = User.objects.filter(pk=pk, is_active=True).first()
    user = users[pk]
    if user is None or not may_view_dashboards(user) or scope_key(user) != scope:
        return None
    return user


def refresh_snapshots(*, now: datetime.datetime | None = None, budget_seconds: float | None = None) -> dict:
    """Recompute the default snapshots and those viewed in the last day, for today; delete the
    rest. Snapshots computed less than half a refresh period ago (by a view) are left as they are.
    Stops starting new pages after `budget_seconds` (default: the refresh period), most recently
    viewed first, so that one run never overlaps the next."""
    from recovery.models import DashboardSnapshot

    now = now or timezone.now()
    today = timezone.localdate(now)
    period = settings.RECOVERY_DASHBOARD_REFRESH_SECONDS or 300
    budget = period if budget_seconds is None else budget_seconds
    started = time.monotonic()

    # (page, scope, filter_key) -> (filter params, last viewed); defaults first, then by last view.
    wanted: dict[tuple, tuple[dict, datetime.datetime | None]] = {
        (page, ALL, ""): ({}, None) for page in default_pages(today)
    }
    viewed = (
        DashboardSnapshot.objects.filter(last_viewed_at__gte=now - KEEP_VIEWED)
        .order_by("-last_viewed_at")
        .values_list("page", "scope_key", "filter_key", "filter_params", "last_viewed_at")
    )
    for page, scope, fkey, params, last_viewed in viewed:
        previous = wanted.get((page, scope, fkey))
        if previous is None or previous[1] is None:
            wanted[(page, scope, fkey)] = (params, last_viewed)
    recent = set(
        DashboardSnapshot.objects.filter(
            as_of=today, computed_at__gt=now - datetime.timedelta(seconds=period / 2)
        ).values_list("page", "scope_key", "filter_key")
    )

    refreshed = skipped = 0
    users: dict = {}
    for (page, scope, fkey), (params, last_viewed) in wanted.items():
        if (page, scope, fkey) in recent:
            continue
        if time.monotonic() - started > budget:
            skipped += 1
            continue
        user = _viewer(scope, users)
        if user is None:
            continue
        stats = Stats(user, filter_from_params(params), today=today)
        computed_at = timezone.now()
        _compute(stats, page)
        key = {"page": page, "scope_key": scope, "filter_key": fkey, "as_of": today}
        store(key, params, stats.recorded, computed_at=computed_at, viewed_at=last_viewed)
        refreshed += 1

    # Yesterday's rows are kept one more day: they carry the last views of pages not refreshed yet.
    stale = DashboardSnapshot.objects.filter(as_of__lt=today - datetime.timedelta(days=1))
    unviewed = DashboardSnapshot.objects.exclude(last_viewed_at__gte=now - KEEP_VIEWED).exclude(
        scope_key=ALL, filter_key="", page__in=default_pages(today), as_of=today
    )
    deleted = stale.delete()[0] + unviewed.delete()[0]
    if skipped:
        log.warning("dashboard refresh: %s snapshots left for the next run (budget %s s)", skipped, budget)
    return {"refreshed": refreshed, "skipped": skipped, "deleted": deleted}
