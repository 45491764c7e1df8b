"""Our share received under sharing agreements ("shared") beside what was returned: in the funnel,
the values by year, the assets abroad by year and by country (per currency and converted), the
report with its exports and JSON. Checked against sums made here from the shares this test
records, converted with the rates it creates; a supervisor of another unit sees none of them; the
number of queries does not grow with the assets."""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assets.services import asset_transition
from recovery.dashboards.export import report_sections
from recovery.dashboards.rows import decode_rows
from recovery.models import ExchangeRate
from recovery.stats import SnapshotMiss, Stats, jsonable
from tests.factories import UserFactory, make_asset, make_case

pytestmark = pytest.mark.django_db
D = datetime.date
SHARED = "Shared (our share received)"

RATES = {
    "EUR": {D(2024, 12, 31): Decimal("1.10"), D(2025, 12, 31): Decimal("1.20")},
    "GBP": {D(2024, 12, 31): Decimal("1.25"), D(2025, 12, 31): Decimal("1.30")},
}

# (unit, asset, country, currency, steps): each step (status, day, amount).
PLAN = [
    (
        "A",
        "a_eur",
        "CH",
        "EUR",
        [
            ("frozen", D(2024, 3, 1), "1000"),
            ("confiscated", D(2024, 6, 1), "900"),
            ("returned", D(2024, 9, 1), "200"),
            ("shared", D(2025, 2, 1), "300"),
            ("shared", D(2025, 5, 1), "100"),
            ("retained_abroad", D(2025, 6, 1), None),
        ],
    ),
    (
        "A",
        "a_gbp",
        "GB",
        "GBP",
        [("frozen", D(2024, 2, 1), "500"), ("confiscated", D(2024, 4, 1), "500"), ("shared", D(2024, 12, 1), "250")],
    ),
    (
        "A",
        "a_usd",
        "CH",
        "USD",
        [("frozen", D(2025, 1, 10), "100"), ("confiscated", D(2025, 1, 15), "100"), ("shared", D(2025, 3, 1), "40")],
    ),
    (
        "B",
        "b_usd",
        "CH",
        "USD",
        [("frozen", D(2025, 1, 5), "1000"), ("confiscated", D(2025, 2, 1), "1000"), ("shared", D(2025, 4, 1), "500")],
    ),
    (
        "B",
        "b_eur",
        "AE",
        "EUR",
        [("frozen", D(2025, 1, 5), "800"), ("confiscated", D(2025, 2, 1), "800"), ("shared", D(2025, 4, 1), "80")],
    ),
]


def rate(currency, as_of):
    if currency == "USD":
        return Decimal(1)
    return RATES[currency][max(day for day in RATES[currency] if day <= as_of)]


def converted(totals, as_of):
    """The converted total as the dashboards show it: None when all is in the reporting currency."""
    if set(totals) <= {"USD"}:
        return None
    return sum((amount * rate(currency, as_of) for currency, amount in totals.items()), Decimal(0)).quantize(
        Decimal("0.01")
    )


def expected_shares(units, *, year=None, today, plan=PLAN):
    """{("year", y) | ("country", c): (assets, {currency: total}, converted)}, summed here from
    the plan's shares of `units` (in `year` only, when given)."""
    by = defaultdict(lambda: (set(), defaultdict(Decimal)))
    for unit, name, country, currency, steps in plan:
        if unit not in units:
            continue
        for status, day, amount in steps:
            if status != "shared" or (year and day.year != year):
                continue
            for group in (("year", day.year), ("country", country)):
                assets, money = by[group]
                assets.add(name)
                money[currency] += Decimal(amount)
    out = {}
    for group, (assets, money) in by.items():
        as_of = min(D(group[1], 12, 31), today) if group[0] == "year" else today
        out[group] = (len(assets), dict(money), converted(money, as_of))
    return out


def shown(recovery):
    out = {}
    for group, rows in (("year", recovery["by_year"]), ("country", recovery["by_country"])):
        for row in rows:
            cell = row["shared"]
            if cell["count"]:
                money = {m["currency"]: m["amount"] for m in cell["money"]["totals"]}
                conv = cell["money"]["converted"] and cell["money"]["converted"]["amount"]
                out[(group, row["year"] if group == "year" else row["country"])] = (cell["count"], money, conv)
    return out


def record(plan, leads):
    assets = {}
    for unit, name, country, currency, steps in plan:
        lead = leads[unit]
        asset = make_asset(
            case=make_case(unit=lead.unit, lead=lead),
            actor=lead,
            location_country=country,
            currency=currency,
            identified_on=D(2024, 1, 15),
        )
        for status, day, amount in steps:
            asset = asset_transition(
                asset=asset,
                to_status=status,
                actor=lead,
                effective_on=day,
                amount=None if amount is None else Decimal(amount),
            )
        assets[name] = asset
    return assets


@pytest.fixture
def supervisor_b(unit_b):
    return UserFactory(username="sup_b", unit=unit_b, roles=["Supervisor"])


@pytest.fixture
def shares(investigator_a, investigator_b):
    for currency, days in RATES.items():
        for day, value in days.items():
            ExchangeRate.objects.create(date=day, currency=currency, rate=value)
    return record(PLAN, {"A": investigator_a, "B": investigator_b})


def test_the_shares_by_year_and_by_country_equal_the_shares_summed_apart(shares, supervisor_a):
    stats = Stats(supervisor_a)
    recovery = stats.recovery_abroad()
    assert [s["key"] for s in recovery["steps"]] == ["frozen", "confiscated", "returned", "shared", "retained"]
    assert shown(recovery) == expected_shares({"A"}, today=stats.today)
    # Worked by hand: 2024 GBP 250 at 1.25; 2025 EUR 300 + 100 at 1.20 and USD 40; in CH today EUR
    # at 1.20 and USD 40; in GB GBP 250 at 1.30.
    years = {y["year"]: y["shared"] for y in recovery["by_year"]}
    assert (years[2024]["count"], years[2024]["money"]["converted"]["amount"]) == (1, Decimal("312.50"))
    assert (years[2025]["count"], years[2025]["money"]["converted"]["amount"]) == (2, Decimal("520.00"))
    countries = {c["country"]: c for c in recovery["by_country"]}
    assert countries["CH"]["shared"]["money"]["converted"]["amount"] == Decimal("520.00")
    assert countries["GB"]["shared"]["money"]["converted"]["amount"] == Decimal("325.00")
    # Retained: what the requested state keeps is what it confiscated less returns and shares.
    retained = countries["CH"]["retained"]["money"]["totals"]
    assert [(m["currency"], m["amount"]) for m in retained] == [("EUR", Decimal("300.00"))]


def test_the_funnel_and_the_values_by_year_show_the_share_received(shares, supervisor_a):
    stats = Stats(supervisor_a)
    page = stats.asset_recovery()
    stages = {s["stage"]: s for s in page["funnel"]}
    assert [s["stage"] for s in page["funnel"]][3:5] == ["returned", "shared"]
    shared = stages["shared"]
    assert shared["count"] == 3 and "stage=shared" in shared["url"]
    totals = {m["currency"]: m["amount"] for m in shared["money"]["totals"]}
    assert totals == {"EUR": Decimal("400.00"), "GBP": Decimal("250.00"), "USD": Decimal("40.00")}
    assert shared["money"]["converted"]["amount"] == converted(totals, stats.today) == Decimal("845.00")
    assert page["shared"] == shared["money"]
    assert stages["retained"]["money"]["totals"][0]["amount"] == Decimal("300.00")
    by_country = {g["key"]: {s["stage"]: s for s in g["stages"]} for g in page["by_country"]}
    assert by_country["GB"]["shared"]["count"] == 1 and by_country["CH"]["shared"]["count"] == 2
    assert {s["stage"]: s["count"] for s in stats.overview()["assets"]}["shared"] == 3

    years = {y["year"]: y for y in stats.trends()["years"]}
    expected = expected_shares({"A"}, today=stats.today)
    for year in (2024, 2025):
        cell = years[year]["shared"]
        count, money, conv = expected[("year", year)]
        assert cell["count"] == count
        assert {m["currency"]: m["amount"] for m in cell["money"]["totals"]} == money
        assert (cell["money"]["converted"] or {}).get("amount") == conv


def test_a_supervisor_of_another_unit_sees_none_of_them(shares, supervisor_a, supervisor_b):
    stats_b = Stats(supervisor_b)
    recovery_b = stats_b.recovery_abroad()
    assert shown(recovery_b) == expected_shares({"B"}, today=stats_b.today)
    assert "GB" not in {c["country"] for c in recovery_b["by_country"]}
    ch = next(c for c in recovery_b["by_country"] if c["country"] == "CH")["shared"]
    assert [(m["currency"], m["amount"]) for m in ch["money"]["totals"]] == [("USD", Decimal("500.00"))]
    funnel_b = {s["stage"]: s for s in stats_b.asset_recovery()["funnel"]}["shared"]
    assert funnel_b["count"] == 2
    assert {m["currency"] for m in funnel_b["money"]["totals"]} == {"USD", "EUR"}
    # And unit A's supervisor none of unit B's.
    funnel_a = {s["stage"]: s for s in Stats(supervisor_a).asset_recovery()["funnel"]}["shared"]
    assert funnel_a["count"] == 3 and Decimal("500.00") not in [m["amount"] for m in funnel_a["money"]["totals"]]


def test_the_report_its_exports_and_the_json_show_the_share_received(client, shares, supervisor_a, settings):
    settings.RECOVERY_DASHBOARD_MAX_AGE_SECONDS = 0
    today = Stats(supervisor_a).today
    report = Stats(supervisor_a).report(2025)
    assert shown(report["recovery"]) == expected_shares({"A"}, year=2025, today=today)
    values = {y["year"]: y for y in report["values"]}
    assert {m["currency"]: m["amount"] for m in values[2025]["shared"]["money"]["totals"]} == {
        "EUR": Decimal("400.00"),
        "USD": Decimal("40.00"),
    }
    assert 2024 not in values

    sections = {str(title): rows for title, _header, rows in report_sections(report)}
    recovery_rows = next(rows for title, rows in sections.items() if "retained" in title)
    plain = [[str(c) for c in row[:2]] + list(row[2:]) for row in recovery_rows]
    assert ["CH", SHARED, 2, "", ""] in plain and [2025, SHARED, 2, "", ""] in [
        [row[0], str(row[1]), *row[2:]] for row in recovery_rows
    ]
    assert ["CH", SHARED, "", "EUR", Decimal("400.00")] in plain
    value_rows = sections["Values frozen, confiscated, returned and shared"]
    assert [2025, SHARED, "", "USD", Decimal("40.00")] in [[r[0], str(r[1]), *r[2:]] for r in value_rows]

    client.force_login(supervisor_a)
    page = client.get(reverse("dashboard:report") + "?year=2025")
    assert page.status_code == 200 and SHARED in page.content.decode()
    csv = client.get(reverse("dashboard:report-csv") + "?year=2025").content.decode("utf-8-sig")
    assert f"CH,{SHARED},,EUR,400.00" in csv and f"2025,{SHARED},2,," in csv
    xlsx = client.get(reverse("dashboard:report-xlsx") + "?year=2025")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    api = client.get("/api/v1/stats/report/?year=2025").json()
    assert api["recovery"] == jsonable(report["recovery"])
    assert api["values"][0]["shared"]["money"]["converted"]["amount"] == "520.00"
    assets_api = client.get("/api/v1/stats/assets/").json()
    assert {s["stage"]: s["count"] for s in assets_api["funnel"]}["shared"] == 3
    assets_page = client.get(reverse("dashboard:assets")).content.decode()
    assert "Value realised (our share received)" in assets_page and SHARED in assets_page


def test_a_snapshot_stored_before_the_shares_is_computed_live(shares, supervisor_a):
    live = Stats(supervisor_a)
    live.asset_recovery()
    stored = decode_rows(live.recorded)
    # The same rows replay as they were read...
    assert Stats(supervisor_a, replay=stored).asset_recovery()["funnel"] == live.asset_recovery()["funnel"]
    # ...but rows stored before the share received was counted are not taken for no share at all.
    for row in stored["asset_values"]:
        row.pop("shared_count"), row.pop("shared_value")
    with pytest.raises(SnapshotMiss):
        Stats(supervisor_a, replay=stored).asset_recovery()


def test_the_query_counts_do_not_grow_with_the_shares(client, shares, supervisor_a, investigator_a, settings):
    settings.RECOVERY_DASHBOARD_MAX_AGE_SECONDS = 0
    client.force_login(supervisor_a)
    urls = [
        reverse("dashboard:assets"),
        reverse("dashboard:trends"),
        reverse("dashboard:report") + "?year=2025",
        reverse("dashboard:report-csv") + "?year=2025",
        "/api/v1/stats/assets/",
        "/api/v1/stats/report/?year=2025",
    ]

    def counts():
        out = {}
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            out[url] = len(ctx.captured_queries)
        return out

    few = counts()
    more = [
        (
            "A",
            f"more_{i}",
            ["CH", "GB", "AE", "RU"][i % 4],
            ["USD", "EUR", "GBP"][i % 3],
            [
                ("frozen", D(2024, 1, 20), "100"),
                ("confiscated", D(2024, 2, 1), "90"),
                ("shared", D(2024 + i % 2, 6, 1), "30"),
                ("shared", D(2025, 7, 1), "20"),
            ],
        )
        for i in range(12)
    ]
    record(more, {"A": investigator_a})
    assert counts() == few
    stats = Stats(supervisor_a)
    assert shown(stats.recovery_abroad()) == expected_shares({"A"}, today=stats.today, plan=PLAN + more)
