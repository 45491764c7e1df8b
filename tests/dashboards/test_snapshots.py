"""Dashboard snapshots (issue 8): the pages served from stored database results give exactly the
live figures, per scope, filter and language; stale or foreign snapshots are never shown; the
refresh task recomputes and prunes; the cost of a page served from a snapshot does not grow."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from config.beat import dashboard_refresh_entry
from recovery.dashboards import snapshots
from recovery.dashboards.rows import decode_rows, encode_rows
from recovery.models import DashboardSnapshot
from recovery.stats import SnapshotMiss, Stats, StatsFilter
from tests.dashboards.test_query_counts import add_records
from tests.factories import CrimeCategoryFactory, make_case, make_request

pytestmark = pytest.mark.django_db

PAGES = ["overview", "countries", "categories", "assets", "trends", "report:2025"]
FILTERS = [StatsFilter(), StatsFilter(country="RU", date_from=datetime.date(2025, 1, 1))]


def live(user, flt, page):
    return snapshots._compute(Stats(user, flt), page)


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("page", PAGES)
def test_figures_from_a_snapshot_equal_the_live_figures(known, page, language):
    for user in (known.supervisor, known.analyst):
        for flt in FILTERS:
            with translation.override(language):
                first = snapshots.figures_for(user, flt, page)
                second = snapshots.figures_for(user, flt, page)
                expected = live(user, flt, page)
            assert not first.from_snapshot and second.from_snapshot
            assert second.computed_at == first.computed_at
            assert first.figures == expected
            assert second.figures == expected, (page, user, flt)


def test_a_snapshot_stored_in_one_language_renders_in_another(known):
    with translation.override("en"):
        english = snapshots.figures_for(known.supervisor, StatsFilter(), "countries").figures
    with translation.override("ru"):
        served = snapshots.figures_for(known.supervisor, StatsFilter(), "countries")
        expected = live(known.supervisor, StatsFilter(), "countries")
    assert served.from_snapshot
    assert served.figures == expected
    assert [c["name"] for c in english["countries"]] == ["Russia", "China"]
    assert [c["name"] for c in served.figures["countries"]] == ["Россия", "Китай"]


def test_the_pages_say_when_their_figures_were_read(client, known, settings):
    client.force_login(known.supervisor)
    client.get(reverse("dashboard:overview"))
    response = client.get(reverse("dashboard:overview"))
    html = response.content.decode()
    # In each language's one date style (config/formats).
    moment = timezone.localtime(response.context["computed_at"])
    assert f"Figures as of {moment:%-d %b %Y %H:%M} (refreshed every 5 minutes)." in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    assert (
        f"Данные на {moment:%d.%m.%Y %H:%M} (обновляются каждые 5 минут)."
        in client.get(reverse("dashboard:overview")).content.decode()
    )


def test_a_stale_snapshot_is_recomputed(known, settings):
    user, flt = known.supervisor, StatsFilter()
    before = snapshots.figures_for(user, flt, "overview")
    make_request(case=known.case_a, country="DE")  # a new draft
    assert snapshots.figures_for(user, flt, "overview").figures == before.figures  # fresh: served as stored
    DashboardSnapshot.objects.update(
        computed_at=timezone.now() - datetime.timedelta(seconds=settings.RECOVERY_DASHBOARD_MAX_AGE_SECONDS + 1)
    )
    after = snapshots.figures_for(user, flt, "overview")
    assert not after.from_snapshot
    assert after.figures["requests_total"]["count"] == before.figures["requests_total"]["count"] + 1
    assert DashboardSnapshot.objects.get().computed_at == after.computed_at


def test_yesterdays_snapshot_is_not_todays(known):
    snapshots.figures_for(known.supervisor, StatsFilter(), "overview")
    DashboardSnapshot.objects.update(as_of=timezone.localdate() - datetime.timedelta(days=1))
    assert not snapshots.figures_for(known.supervisor, StatsFilter(), "overview").from_snapshot


def test_another_scopes_snapshot_is_never_shown(known, client):
    # The analyst sees everything: scope "all". Make its snapshot unmistakable.
    snapshots.figures_for(known.analyst, StatsFilter(), "countries")
    row = DashboardSnapshot.objects.get(scope_key="all")
    row.rows["countries"] = [{**r, "total": 999} for r in row.rows["countries"]]
    row.save()
    assert all(
        c["total"]["count"] == 999
        for c in snapshots.figures_for(known.analyst, StatsFilter(), "countries").figures["countries"]
    )

    supervisor = snapshots.figures_for(known.supervisor, StatsFilter(), "countries")
    assert not supervisor.from_snapshot
    assert [c["country"] for c in supervisor.figures["countries"]] == ["RU", "CN"]
    assert snapshots.scope_key(known.supervisor).startswith(f"user:{known.supervisor.pk}|")
    client.force_login(known.supervisor)
    html = client.get(reverse("dashboard:countries")).content.decode()
    assert "999" not in html and "Uzbekistan" not in html.split('id="country-table"')[1].split("</table>")[0]


def test_a_change_of_unit_or_role_changes_the_scope_key(known, unit_b):
    before = snapshots.scope_key(known.supervisor)
    known.supervisor.unit = unit_b
    assert snapshots.scope_key(known.supervisor) != before


def test_an_old_snapshot_missing_a_read_is_recomputed(known):
    snapshots.figures_for(known.supervisor, StatsFilter(), "overview")
    row = DashboardSnapshot.objects.get()
    del row.rows["pending_counts"]
    row.save()
    with pytest.raises(SnapshotMiss):
        Stats(known.supervisor, replay=row.rows).overview()
    served = snapshots.figures_for(known.supervisor, StatsFilter(), "overview")
    assert not served.from_snapshot
    assert "pending_counts" in DashboardSnapshot.objects.get().rows


def test_snapshots_off_means_always_live(known, settings):
    settings.RECOVERY_DASHBOARD_MAX_AGE_SECONDS = 0
    assert not snapshots.figures_for(known.supervisor, StatsFilter(), "overview").from_snapshot
    assert not snapshots.figures_for(known.supervisor, StatsFilter(), "overview").from_snapshot
    assert not DashboardSnapshot.objects.exists()


def test_concurrent_stores_of_one_key_do_not_collide(known):
    key = {"page": "overview", "scope_key": "all", "filter_key": "", "as_of": timezone.localdate()}
    first, second = timezone.now(), timezone.now() + datetime.timedelta(seconds=1)
    snapshots.store(key, {}, {"a": 1}, computed_at=first, viewed_at=first)
    snapshots.store(key, {}, {"a": 2}, computed_at=second)  # the task: keeps the last view
    row = DashboardSnapshot.objects.get()
    assert (row.rows, row.computed_at, row.last_viewed_at) == ({"a": 2}, second, first)


def test_decimal_dates_and_datetimes_round_trip_exactly():
    moment = timezone.now()
    rows = [
        {"amount": Decimal("1500000.10"), "tiny": Decimal("0.00000001"), "zero": Decimal("0.00"), "n": 3},
        {"on": datetime.date(2025, 2, 1), "at": moment, "p50": 12.5, "none": None, "flag": False},
        ("RU", 10, None),
    ]
    stored = DashboardSnapshot.objects.create(
        page="x", scope_key="all", as_of=timezone.localdate(), computed_at=moment, rows={"r": encode_rows(rows)}
    )
    back = DashboardSnapshot.objects.get(pk=stored.pk).rows["r"]
    assert decode_rows(encode_rows(rows)) == back
    assert back[0] == rows[0] and all(isinstance(v, Decimal) for k, v in back[0].items() if k != "n")
    assert str(back[0]["amount"]) == "1500000.10" and str(back[0]["zero"]) == "0.00"
    assert back[1] == rows[1] and type(back[1]["on"]) is datetime.date and back[1]["at"] == moment
    assert back[2] == ["RU", 10, None]


def test_money_totals_from_a_snapshot_are_decimals(known):
    snapshots.figures_for(known.supervisor, StatsFilter(), "assets")
    served = snapshots.figures_for(known.supervisor, StatsFilter(), "assets")
    assert served.from_snapshot
    frozen = next(s for s in served.figures["funnel"] if s["stage"] == "frozen")
    gbp = next(m for m in frozen["money"]["totals"] if m["currency"] == "GBP")
    assert gbp["amount"] == Decimal("1500000.00") and isinstance(gbp["amount"], Decimal)
    assert frozen["money"]["converted"]["amount"] == Decimal("3160000.00")


# --- The refresh task --------------------------------------------------------------------------
def test_the_task_recomputes_the_default_and_viewed_snapshots(known, settings):
    from recovery.tasks import refresh_dashboard_snapshots

    flt = FILTERS[1]
    viewed = snapshots.figures_for(known.supervisor, flt, "countries")
    result = refresh_dashboard_snapshots()
    # The defaults (scope "all", no filter) exist now; the supervisor's view was just computed.
    assert result["refreshed"] == len(snapshots.default_pages(timezone.localdate()))
    assert set(DashboardSnapshot.objects.filter(scope_key="all").values_list("page", flat=True)) == set(
        snapshots.default_pages(timezone.localdate())
    )
    analyst = snapshots.figures_for(known.analyst, StatsFilter(), "countries")
    assert analyst.from_snapshot

    # New data, then a refresh a period later: the pages show it without computing live.
    case = make_case(unit=known.case_a.unit, lead=known.case_a.lead_investigator)
    add_records(case, known.case_a.lead_investigator, 0, 3)
    later = timezone.now() + datetime.timedelta(seconds=settings.RECOVERY_DASHBOARD_REFRESH_SECONDS)
    result = snapshots.refresh_snapshots(now=later)
    assert result["refreshed"] == len(snapshots.default_pages(timezone.localdate())) + 1
    for user, f in ((known.analyst, StatsFilter()), (known.supervisor, flt)):
        served = snapshots.figures_for(user, f, "countries")
        assert served.from_snapshot
        assert served.figures == live(user, f, "countries")
    assert served.figures != viewed.figures
    assert DashboardSnapshot.objects.get(scope_key__startswith="user:").last_viewed_at == viewed.computed_at


def test_the_task_prunes_unviewed_old_and_foreign_snapshots(known, unit_b):
    today = timezone.localdate()
    now = timezone.now()
    for user in (known.supervisor, known.analyst):
        snapshots.figures_for(user, FILTERS[1], "overview")
    DashboardSnapshot.objects.filter(scope_key="all").update(last_viewed_at=now - datetime.timedelta(days=2))
    DashboardSnapshot.objects.create(
        page="overview", scope_key="all", as_of=today - datetime.timedelta(days=3), computed_at=now, last_viewed_at=now
    )
    # The supervisor moves to another unit: their old scope's snapshot is not refreshed any more
    # (and goes a day after its last view).
    old_scope = snapshots.scope_key(known.supervisor)
    computed = DashboardSnapshot.objects.get(scope_key=old_scope).computed_at
    known.supervisor.unit = unit_b
    known.supervisor.save()
    result = snapshots.refresh_snapshots(now=now + datetime.timedelta(minutes=5))
    left = set(DashboardSnapshot.objects.values_list("page", "scope_key", "filter_key", "as_of"))
    filtered = snapshots.filter_key(snapshots.filter_params(FILTERS[1]))
    assert left == {(page, "all", "", today) for page in snapshots.default_pages(today)} | {
        ("overview", old_scope, filtered, today)
    }
    assert result == {"refreshed": len(snapshots.default_pages(today)), "skipped": 0, "deleted": 2}
    assert DashboardSnapshot.objects.get(scope_key=old_scope).computed_at == computed


def test_the_task_keeps_within_its_time_budget(known):
    result = snapshots.refresh_snapshots(budget_seconds=0)
    assert result["refreshed"] <= 1 and result["skipped"] >= len(snapshots.default_pages(timezone.localdate())) - 1


def test_the_refresh_is_on_the_beat_schedule(settings):
    assert settings.CELERY_BEAT_SCHEDULE["refresh-dashboard-snapshots"]["task"] == (
        "recovery.tasks.refresh_dashboard_snapshots"
    )
    assert dashboard_refresh_entry(120)["refresh-dashboard-snapshots"]["schedule"] == 120.0
    assert dashboard_refresh_entry(0) == {}


# --- Shape guards --------------------------------------------------------------------------------
SNAPSHOT_URLS = [
    reverse("dashboard:overview"),
    reverse("dashboard:countries"),
    reverse("dashboard:categories"),
    reverse("dashboard:assets"),
    reverse("dashboard:trends"),
    reverse("dashboard:report") + "?year=2025",
    reverse("dashboard:report-csv") + "?year=2025",
    "/api/v1/stats/overview/",
    "/api/v1/stats/countries/",
    "/api/v1/stats/assets/",
    "/api/v1/stats/trends/",
    "/api/v1/stats/report/?year=2025",
]


def served_queries(client, url) -> int:
    client.get(url)  # computes and stores
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_a_page_from_a_snapshot_costs_the_same_whatever_the_data(
    client, supervisor_a, unit_a, investigator_a, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    case = make_case(unit=unit_a, lead=investigator_a, primary_crime_category=CrimeCategoryFactory(code="bribery"))
    # Four records: frozen amounts in USD and GBP already, so the rate table is read in both runs.
    add_records(case, investigator_a, 0, 4)
    client.force_login(supervisor_a)
    small = {url: served_queries(client, url) for url in SNAPSHOT_URLS}
    DashboardSnapshot.objects.all().delete()
    add_records(case, investigator_a, 4, 20)
    large = {url: served_queries(client, url) for url in SNAPSHOT_URLS}
    assert large == small
    # Session, user, roles, the snapshot, the filter form's units and categories (the rates where money is shown).
    client.get(reverse("dashboard:countries"))
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("dashboard:countries"))
    assert len(ctx.captured_queries) <= 6, [q["sql"] for q in ctx.captured_queries]
    # No figure query.
    with CaptureQueriesContext(connection) as ctx:
        client.get("/api/v1/stats/countries/")
    assert sum("dashboardsnapshot" in q["sql"] for q in ctx.captured_queries) == 1
    assert not any("requests_request" in q["sql"] for q in ctx.captured_queries)


def test_the_overdue_list_is_capped_with_the_full_count(client, known, monkeypatch):
    monkeypatch.setattr(Stats, "OVERDUE_LIST_LIMIT", 2)
    figures = Stats(known.supervisor).overdue()
    assert figures["count"] == 3 and figures["shown"] == 2
    assert [r["id"] for r in figures["requests"]] == [known.requests[3].pk, known.requests[4].pk]
    client.force_login(known.supervisor)
    html = client.get(reverse("dashboard:overdue")).content.decode()
    assert "Only the 2 most overdue are listed here" in html
    monkeypatch.setattr(Stats, "OVERDUE_LIST_LIMIT", 200)
    assert Stats(known.supervisor).overdue()["shown"] == 3


def test_the_management_command_refreshes_now(known):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("refresh_dashboard_snapshots", stdout=out)
    pages = snapshots.default_pages(timezone.localdate())
    assert f"Refreshed {len(pages)} snapshot(s)" in out.getvalue()
    assert snapshots.figures_for(known.analyst, StatsFilter(), "trends").from_snapshot
