"""The figures against the known dataset of conftest.py (every expectation is worked out by hand there)."""

import datetime
from decimal import Decimal

import pytest

from recovery.stats import Stats, StatsFilter, percentile_cont

pytestmark = pytest.mark.django_db


def by_code(rows, key="country"):
    return {row[key]: row for row in rows}


def money(block):
    return {m["currency"]: m["amount"] for m in block["totals"]}


def test_requests_per_country_are_counted_split_and_ranked_for_the_supervisor(known):
    figures = Stats(known.supervisor).by_country()
    assert [c["country"] for c in figures["countries"]] == ["RU", "CN"]
    ru = by_code(figures["countries"])["RU"]
    assert (ru["total"]["count"], ru["pending"]["count"], ru["overdue"]["count"], ru["answered"]["count"]) == (
        5,
        3,
        3,
        3,
    )
    cn = by_code(figures["countries"])["CN"]
    assert (cn["total"]["count"], cn["pending"]["count"], cn["overdue"]["count"]) == (1, 1, 0)
    assert figures["total"] == 6  # the draft r7 was never sent


def test_a_supervisor_of_unit_a_does_not_count_unit_b(known):
    supervisor = by_code(Stats(known.supervisor).by_country()["countries"])
    analyst = by_code(Stats(known.analyst).by_country()["countries"])
    assert "UZ" not in supervisor
    assert analyst["UZ"]["total"]["count"] == 2
    assert analyst["UZ"]["overdue"]["count"] == 1


def test_median_and_90th_percentile_days_per_country(known):
    ru = by_code(Stats(known.supervisor).by_country()["countries"])["RU"]
    # Acknowledged after 10, 20, 30, 40 days; answered after 50, 70, 120 days.
    assert ru["days_to_acknowledgement"] == {"median": 25.0, "p90": 37.0}
    assert ru["days_to_answer"] == {"median": 70.0, "p90": 110.0}


def test_share_answered_by_the_deadline(known):
    ru = by_code(Stats(known.supervisor).by_country()["countries"])["RU"]
    # r1 and r5 answered in time; r2 late; r3 and r4 still waiting past the deadline.
    assert (ru["answered_on_time"], ru["due"], ru["share_on_time"]) == (2, 5, 0.4)


def test_country_bar_segments_add_up_to_the_total(known):
    for country in Stats(known.analyst).by_country()["countries"]:
        assert sum(s["count"] for s in country["segments"]) == country["total"]["count"]


def test_percentile_matches_postgresql_percentile_cont():
    assert percentile_cont([10, 20, 30, 40], 0.5) == 25
    assert percentile_cont([10, 20, 30, 40], 0.9) == pytest.approx(37)
    assert percentile_cont([7], 0.9) == 7
    assert percentile_cont([], 0.5) is None


def test_share_per_crime_category(known):
    figures = Stats(known.supervisor).by_category()
    rows = by_code(figures["categories"], "code")
    assert figures["total"] == 6
    assert rows["corruption"]["count"] == 5
    assert rows["laundering"]["count"] == 1
    assert rows["laundering"]["share"] == round(1 / 6, 3)


def test_overview_counts(known):
    figures = Stats(known.supervisor).overview()
    assert figures["open_cases"]["count"] == 2
    assert figures["pending"]["count"] == 4  # r3, r4, r5, r6
    assert figures["overdue"]["count"] == 3  # r3, r4, r5
    assert figures["due_this_week"]["count"] == 1  # r6
    statuses = {s["status"]: s["count"] for s in figures["requests_by_status"]}
    assert statuses["draft"] == 1
    assert statuses["executed"] == 1
    assert sum(statuses.values()) == 7


def test_overdue_list_oldest_first_with_days_overdue(known):
    figures = Stats(known.supervisor).overdue()
    refs = [row["reference"] for row in figures["requests"]]
    r = known.requests
    assert refs == [r[3].reference, r[4].reference, r[5].reference]
    first = figures["requests"][0]
    assert first["days_overdue"] == (known.today - r[3].response_due).days
    assert first["country"] == "RU"
    assert first["case"] == known.case_a.register_number
    assert first["reminders_sent"] == 0 and first["escalated"] is False


def test_overdue_list_counts_reminders_sent_and_escalation(known):
    from mla_requests.models import ReminderDelivery

    r = known.requests[3]
    stages = (("upcoming", "sent"), ("due", "sent"), ("escalated", "sent"), ("overdue", "cancelled"))
    for stage, status in stages:
        ReminderDelivery.objects.create(
            request=r,
            stage=stage,
            deadline=r.response_due,
            recipient=known.supervisor if stage == "escalated" else r.responsible_investigator,
            fires_on=r.response_due,
            status=status,
        )
    row = next(row for row in Stats(known.supervisor).overdue()["requests"] if row["id"] == r.pk)
    assert row["reminders_sent"] == 3 and row["escalated"] is True


def test_asset_funnel_values_per_currency(known):
    funnel = {s["stage"]: s for s in Stats(known.supervisor).asset_recovery()["funnel"]}
    assert funnel["identified"]["count"] == 4
    assert money(funnel["identified"]["money"]) == {
        "EUR": Decimal("400000.00"),
        "GBP": Decimal("2000000.00"),
        "USD": Decimal("1050000.00"),
    }
    assert funnel["frozen"]["count"] == 4
    assert money(funnel["frozen"]["money"]) == {
        "EUR": Decimal("300000.00"),
        "GBP": Decimal("1500000.00"),
        "USD": Decimal("850000.00"),
    }
    assert funnel["confiscated"]["count"] == 2
    assert money(funnel["confiscated"]["money"]) == {"EUR": Decimal("300000.00"), "USD": Decimal("500000.00")}
    assert funnel["returned"]["count"] == 1
    assert money(funnel["returned"]["money"]) == {"USD": Decimal("300000.00")}
    # Only the reporting currency: nothing to convert.
    assert funnel["returned"]["money"]["converted"] is None
    assert (funnel["released"]["count"], money(funnel["released"]["money"])) == (1, {"USD": Decimal("50000.00")})
    assert (funnel["retained"]["count"], money(funnel["retained"]["money"])) == (1, {"EUR": Decimal("300000.00")})


def test_converted_total_uses_the_latest_rate_and_shows_its_date(known):
    frozen = {s["stage"]: s for s in Stats(known.supervisor).asset_recovery()["funnel"]}["frozen"]["money"]
    converted = frozen["converted"]
    # 850,000 USD + 1,500,000 GBP x 1.30 + 300,000 EUR x 1.20
    assert converted["amount"] == Decimal("3160000.00")
    assert converted["complete"] is True
    assert {(r["currency"], r["rate"], r["date"]) for r in converted["rates"]} == {
        ("EUR", Decimal("1.2"), datetime.date(2025, 12, 31)),
        ("GBP", Decimal("1.3"), datetime.date(2025, 12, 31)),
    }


def test_an_earlier_rate_is_used_for_an_earlier_year(known):
    from recovery.models import ExchangeRate

    # Mid-2025 EUR rate is 1.10; the year-end one is removed, so 2025 converts at 1.10 of 2025-06-30.
    ExchangeRate.objects.filter(currency="EUR", date=datetime.date(2025, 12, 31)).delete()
    years = {y["year"]: y for y in Stats(known.supervisor).trends()["years"]}
    converted = years[2025]["confiscated"]["money"]["converted"]
    assert converted["amount"] == Decimal("830000.00")  # 500,000 + 300,000 x 1.10
    assert converted["rates"] == [{"currency": "EUR", "rate": Decimal("1.1"), "date": datetime.date(2025, 6, 30)}]


def test_a_currency_without_a_rate_is_named_not_guessed(known):
    from recovery.models import ExchangeRate

    ExchangeRate.objects.filter(currency="GBP").delete()
    frozen = {s["stage"]: s for s in Stats(known.supervisor).asset_recovery()["funnel"]}["frozen"]["money"]
    assert frozen["converted"]["missing"] == ["GBP"]
    assert frozen["converted"]["complete"] is False
    assert frozen["converted"]["amount"] == Decimal("1210000.00")


def test_asset_funnel_by_country_and_kind(known):
    figures = Stats(known.supervisor).asset_recovery()
    ch = {s["stage"]: s for s in by_code(figures["by_country"], "key")["CH"]["stages"]}
    assert ch["identified"]["count"] == 2
    assert money(ch["confiscated"]["money"]) == {"EUR": Decimal("300000.00"), "USD": Decimal("500000.00")}
    vehicle = {s["stage"]: s for s in by_code(figures["by_kind"], "key")["vehicle"]["stages"]}
    assert vehicle["released"]["count"] == 1


def test_trends_per_month_and_values_per_year(known):
    figures = Stats(known.supervisor).trends()
    months = {m["month"]: m for m in figures["months"]}
    assert months["2025-01"]["sent"]["count"] == 2
    assert months["2025-02"]["sent"]["count"] == 2
    assert months["2025-03"]["answered"]["count"] == 1  # r1
    assert months["2025-04"]["sent"]["count"] == 0  # a quiet month is shown, as zero
    assert list(months) == sorted(months)
    years = {y["year"]: y for y in figures["years"]}
    assert money(years[2025]["returned"]["money"]) == {"USD": Decimal("200000.00")}
    assert money(years[2026]["returned"]["money"]) == {"USD": Decimal("100000.00")}
    assert money(years[2025]["frozen"]["money"]) == {
        "EUR": Decimal("300000.00"),
        "GBP": Decimal("1500000.00"),
        "USD": Decimal("850000.00"),
    }
    # Converted at the rates of the year's end.
    assert years[2025]["confiscated"]["money"]["converted"]["amount"] == Decimal("860000.00")


def test_yearly_report(known):
    report = Stats(known.supervisor).report(2025)
    assert report["requests_sent"]["count"] == 5
    assert [(c["key"], c["count"]) for c in report["by_country"]] == [("RU", 5)]
    outcomes = {o["key"]: o["count"] for o in report["outcomes"]}
    assert outcomes == {"executed": 1, "partly": 1, "refused": 1, "withdrawn": 0, "pending": 2}
    timeliness = {t["key"]: t["count"] for t in report["timeliness"]}
    assert timeliness == {"on_time": 2, "late": 1, "not_yet_due": 0, "overdue": 2}
    assert [(g["grounds"], g["count"]) for g in report["refusal_grounds"]] == [("Political offence", 1)]
    formality = {f["key"]: f["count"] for f in report["by_formality"]}
    assert formality == {"formal": 5, "informal": 0}
    orders = {o["kind"]: o for o in report["orders"]}
    assert orders["restraint"]["count"] == 1  # unit B's restraint is not counted
    assert orders["confiscation"]["count"] == 2
    assert orders["return"]["count"] == 0
    basis = {b["basis"]: b for b in orders["confiscation"]["by_basis"]}
    assert basis["conviction_based"]["count"] == 1
    assert money(basis["conviction_based"]["money"]) == {"USD": Decimal("500000.00")}
    assert money(basis["non_conviction_based"]["money"]) == {"EUR": Decimal("300000.00")}
    assert money(orders["restraint"]["by_basis"][2]["money"]) == {"GBP": Decimal("1500000.00")}
    # 500,000 USD + 300,000 EUR x 1.20 (the rate at the end of 2025)
    assert orders["confiscation"]["money"]["converted"]["amount"] == Decimal("860000.00")


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (lambda k: StatsFilter(channel="informal_network"), {"CN": 1}),
        (lambda k: StatsFilter(legal_basis_kind="informal_network"), {"CN": 1}),
        (lambda k: StatsFilter(country="RU"), {"RU": 5}),
        (lambda k: StatsFilter(crime_category_id=k.laundering.pk), {"RU": 1}),
        (lambda k: StatsFilter(date_from=datetime.date(2025, 2, 1), date_to=datetime.date(2025, 2, 28)), {"RU": 2}),
    ],
)
def test_filters_narrow_the_figures(known, flt, expected):
    figures = Stats(known.supervisor, flt(known)).by_country()
    assert {c["country"]: c["total"]["count"] for c in figures["countries"]} == expected


def test_the_unit_filter_includes_sub_units(known, unit_a, unit_a1):
    from recovery.access import unit_and_descendant_ids

    whole = Stats(known.analyst, StatsFilter(unit_ids=frozenset(unit_and_descendant_ids(unit_a.pk)))).by_country()
    sub = Stats(known.analyst, StatsFilter(unit_ids=frozenset({unit_a1.pk}))).by_country()
    assert {c["country"]: c["total"]["count"] for c in whole["countries"]} == {"RU": 5, "CN": 1}
    assert {c["country"]: c["total"]["count"] for c in sub["countries"]} == {"RU": 1}


def test_an_investigator_counts_only_what_they_may_see(known, investigator_b):
    figures = Stats(investigator_b).by_country()
    assert {c["country"]: c["total"]["count"] for c in figures["countries"]} == {"UZ": 2}
