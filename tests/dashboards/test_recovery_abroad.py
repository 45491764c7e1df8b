"""Assets abroad: frozen, confiscated (the value ordered), returned (the value realised) and retained
by the requested state, per year the step took effect and per country where the assets are, per
currency with the converted total; checked against sums made here from the timeline rows, on the
assets page, the report, its export and the JSON, in a constant number of queries."""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assets.models import Asset, AssetStatusChange
from assets.services import asset_transition
from recovery.dashboards.export import report_sections
from recovery.stats import Stats, jsonable
from tests.factories import make_asset, make_case

pytestmark = pytest.mark.django_db
D = datetime.date
STEPS = {
    "frozen": "frozen",
    "confiscated": "confiscated",
    "returned": "returned",
    "shared": "shared",
    "retained_abroad": "retained",
}


def expected_from_the_timeline(user, *, year=None):
    """{(group, step): (assets, {currency: value})} for group = year and group = country, summed
    here in Python from the timeline rows the user may see (not with the code under test)."""
    from recovery.access import readable

    by = defaultdict(lambda: (set(), defaultdict(Decimal)))
    rows = readable(user, AssetStatusChange.objects.select_related("asset")).filter(to_status__in=list(STEPS))
    for row in rows:
        if year and row.effective_on.year != year:
            continue
        asset, step = row.asset, STEPS[row.to_status]
        if step == "retained":
            value = asset.confiscated_amount - asset.returned_amount - asset.shared_amount
        elif row.amount is None:
            continue
        else:
            value = row.amount.amount
        for group in (("year", row.effective_on.year), ("country", str(asset.location_country))):
            assets, money = by[(group, step)]
            assets.add(asset.pk)
            money[asset.currency] += value
    return {key: (len(assets), {c: v for c, v in money.items() if v}) for key, (assets, money) in by.items()}


def figures_as_expected(recovery):
    out = {}
    for group, rows in (("year", recovery["by_year"]), ("country", recovery["by_country"])):
        for row in rows:
            key = row["year"] if group == "year" else row["country"]
            for step in STEPS.values():
                cell = row[step]
                if cell["count"]:
                    money = {m["currency"]: m["amount"] for m in cell["money"]["totals"]}
                    out[((group, key), step)] = (cell["count"], money)
    return out


def test_the_known_figures_by_year_and_by_country(known):
    recovery = Stats(known.supervisor).recovery_abroad()
    years = {y["year"]: y for y in recovery["by_year"]}
    y2025 = years[2025]
    assert (y2025["frozen"]["count"], y2025["confiscated"]["count"]) == (4, 2)
    assert (y2025["returned"]["count"], y2025["retained"]["count"]) == (1, 1)
    # Converted at the end of 2025: EUR 1.20, GBP 1.30.
    assert y2025["frozen"]["money"]["converted"]["amount"] == Decimal("3160000.00")  # 850,000 + 1,950,000 + 360,000
    assert y2025["confiscated"]["money"]["converted"]["amount"] == Decimal("860000.00")  # 500,000 + 360,000
    assert y2025["retained"]["money"]["totals"] == [
        {"currency": "EUR", "amount": Decimal("300000.00"), "url": y2025["retained"]["money"]["totals"][0]["url"]}
    ]
    assert y2025["retained"]["money"]["converted"]["amount"] == Decimal("360000.00")
    assert {m["currency"]: m["amount"] for m in years[2026]["returned"]["money"]["totals"]} == {
        "USD": Decimal("100000.00")
    }
    countries = {c["country"]: c for c in recovery["by_country"]}
    ch = countries["CH"]
    # a1's two returns (2025 and 2026) are one asset; its value both returns.
    assert (ch["returned"]["count"], ch["returned"]["money"]["totals"][0]["amount"]) == (1, Decimal("300000.00"))
    assert ch["confiscated"]["count"] == 2 and ch["retained"]["count"] == 1
    # CH has confiscations; the UAE and the UK one freeze each: the UAE first, in the seed's order.
    assert [c["country"] for c in recovery["by_country"]] == ["CH", "AE", "GB"]


@pytest.mark.parametrize("who", ["supervisor", "analyst"])
def test_every_figure_equals_the_timeline_summed_apart(known, who):
    user = getattr(known, who)
    assert figures_as_expected(Stats(user).recovery_abroad()) == expected_from_the_timeline(user)
    report = Stats(user).report(2025)
    assert figures_as_expected(report["recovery"]) == expected_from_the_timeline(user, year=2025)


def test_the_report_page_export_and_json_show_them(client, known):
    client.force_login(known.supervisor)
    page = client.get(reverse("dashboard:report") + "?year=2025")
    html = page.content.decode()
    assert 'id="recovery-abroad"' in html and 'data-country="CH"' in html
    report = page.context["stats"]
    sections = {title: rows for title, _header, rows in report_sections(report)}
    title = next(t for t in sections if "retained" in str(t))
    rows = sections[title]
    assert ["CH", "Retained by the requested state", 1, "", ""] in [[str(c) for c in r[:2]] + r[2:] for r in rows]
    assert any(r[0] == "CH" and r[3] == "EUR" and r[4] == Decimal("300000.00") for r in rows)
    api = client.get("/api/v1/stats/report/?year=2025").json()
    assert api["recovery"] == jsonable(report["recovery"])
    assets_page = client.get(reverse("dashboard:assets")).content.decode()
    assert 'id="recovery-abroad"' in assets_page


def _assets_abroad(case, actor, start, count):
    countries = ["RU", "CH", "AE", "GB", "LV"]
    for i in range(start, start + count):
        day = D(2023 + i % 3, 1 + i % 12, 1 + i % 27)
        asset = make_asset(
            case=case,
            actor=actor,
            currency=["USD", "EUR", "GBP"][i % 3],
            location_country=countries[i % len(countries)],
            identified_on=day,
        )
        asset = asset_transition(
            asset=asset, to_status="frozen", actor=actor, effective_on=day, amount=Decimal(900 + i)
        )
        if i % 2:
            later = day + datetime.timedelta(days=200)
            asset = asset_transition(
                asset=asset, to_status="confiscated", actor=actor, effective_on=later, amount=Decimal(800 + i)
            )
            if i % 4 == 1:
                asset = asset_transition(
                    asset=asset, to_status="returned", actor=actor, effective_on=later, amount=Decimal(100)
                )
                asset_transition(asset=asset, to_status="retained_abroad", actor=actor, effective_on=later)


def test_the_query_count_does_not_grow_with_the_assets(client, supervisor_a, unit_a, investigator_a, settings):
    settings.RECOVERY_DASHBOARD_MAX_AGE_SECONDS = 0
    case = make_case(unit=unit_a, lead=investigator_a)
    _assets_abroad(case, investigator_a, 0, 3)
    client.force_login(supervisor_a)
    urls = [
        reverse("dashboard:assets"),
        reverse("dashboard:report") + "?year=2024",
        reverse("dashboard:report-csv") + "?year=2024",
        "/api/v1/stats/assets/",
    ]

    def counts():
        out = {}
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            out[url] = len(ctx.captured_queries)
        fresh = type(supervisor_a).objects.get(pk=supervisor_a.pk)  # its roles are read once per object
        with CaptureQueriesContext(connection) as ctx:
            Stats(fresh).recovery_abroad()
        out["recovery_abroad"] = len(ctx.captured_queries)
        return out

    few = counts()
    _assets_abroad(case, investigator_a, 3, 30)
    assert Asset.objects.filter(status="retained_abroad").count() >= 5
    assert counts() == few
    # The user's roles, the unit tree, one query per grouping (year, country), the rate table.
    assert few["recovery_abroad"] == 5
    # And the figures of the bigger set still equal the timeline summed apart.
    assert figures_as_expected(Stats(supervisor_a).recovery_abroad()) == expected_from_the_timeline(supervisor_a)
