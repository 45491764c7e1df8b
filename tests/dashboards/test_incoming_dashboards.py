"""Statistics in both directions: the incoming requests' dashboard, the report's two directions
and the reciprocity table, checked against figures worked out here by hand.

Incoming requests (through the services; the days are from receipt to the outcome):
  unit A:  i1 RU 2025-02-01 executed +30 d        i2 RU 2025-03-01 refused (dual criminality) +60 d
           i3 RU 2025-04-01 partially executed +90 d
           i4 CH 2025-05-01 executed +10 d        i5 CH 2025-06-01 refused (ne bis in idem) +20 d
           i6 CH 2025-01-15 in execution, due 2025-03-01 -> overdue
           i7 TR 2025-07-01 returned without execution +5 d
           i11 RU 2024-12-01 withdrawn 2025-01-10
  unit A1: i8 RU 2025-08-01 postponed (waiting)
  unit B:  i9 UZ 2025-02-01 executed +40 d        i10 UZ 2025-03-01 received, due 2025-04-01 -> overdue
Outgoing requests: the `known` dataset (tests/dashboards/conftest.py): RU r1 executed +50, r2 refused
+120, r3, r4 pending, r5 (A1) partially executed +70; CN r6; UZ (unit B) r8 executed +31 (never
acknowledged), r9 pending.
"""

import datetime
import math

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incoming import services
from incoming.models import IncomingRequest
from recovery.dashboards import snapshots
from recovery.stats import Stats, StatsFilter, jsonable
from tests.dashboards.test_links import linked_figures, records_behind
from tests.factories import AssistanceMeasureFactory, CrimeCategoryFactory, LegalInstrumentFactory, UserFactory

pytestmark = pytest.mark.django_db
S = IncomingRequest.Status
D = datetime.date
DAY = datetime.timedelta(days=1)


def by_hand_percentile(values, fraction):
    """Linear interpolation between closest ranks, written out here independently of the code."""
    ordered = sorted(values)
    rank = fraction * (len(ordered) - 1)
    below, above = ordered[math.floor(rank)], ordered[math.ceil(rank)]
    return round(below + (above - below) * (rank - math.floor(rank)), 1)


def receive(actor, unit, country, received_on, **kwargs):
    measure = AssistanceMeasureFactory(code=f"m-{country}-{received_on}")
    return services.incoming_receive(
        actor=actor,
        unit=unit,
        requesting_country=country,
        requesting_authority="Prosecutor's office",
        legal_basis=LegalInstrumentFactory(measures=[measure]),
        crime_category=kwargs.pop("crime_category"),
        measures=[measure],
        received_on=received_on,
        **kwargs,
    )


def execute(incoming, actor, supervisor, executor, outcome=None, days=None, ground=""):
    day = incoming.received_on
    incoming = services.incoming_transition(incoming=incoming, to_status=S.REGISTERED, actor=actor, effective_on=day)
    incoming = services.incoming_assign(incoming=incoming, actor=supervisor, executor=executor, effective_on=day)
    incoming = services.incoming_transition(
        incoming=incoming, to_status=S.IN_EXECUTION, actor=executor, effective_on=day
    )
    if outcome is not None:
        incoming = services.incoming_transition(
            incoming=incoming,
            to_status=outcome,
            actor=executor,
            effective_on=day + days * DAY,
            refusal_ground=ground,
            note="Postponed: pending trial" if outcome == S.POSTPONED else "",
        )
    return incoming


@pytest.fixture
def supervisor_b(unit_b):
    return UserFactory(username="sup_b", unit=unit_b, roles=["Supervisor"])


@pytest.fixture
def two_way(
    known, investigator_a, investigator_a1, investigator_b, supervisor_a, supervisor_b, unit_a, unit_a1, unit_b
):
    cat = known.corruption
    inv, sup = investigator_a, supervisor_a
    i = {}
    i[1] = execute(receive(inv, unit_a, "RU", D(2025, 2, 1), crime_category=cat), inv, sup, inv, S.EXECUTED, 30)
    i[2] = execute(
        receive(inv, unit_a, "RU", D(2025, 3, 1), crime_category=cat),
        inv,
        sup,
        inv,
        S.REFUSED,
        60,
        ground="dual_criminality",
    )
    i[3] = execute(
        receive(inv, unit_a, "RU", D(2025, 4, 1), crime_category=known.laundering),
        inv,
        sup,
        inv,
        S.PARTIALLY_EXECUTED,
        90,
    )
    i[4] = execute(receive(inv, unit_a, "CH", D(2025, 5, 1), crime_category=cat), inv, sup, inv, S.EXECUTED, 10)
    i[5] = execute(
        receive(inv, unit_a, "CH", D(2025, 6, 1), crime_category=cat),
        inv,
        sup,
        inv,
        S.REFUSED,
        20,
        ground="ne_bis_in_idem",
    )
    i[6] = execute(
        receive(inv, unit_a, "CH", D(2025, 1, 15), crime_category=cat, requested_due=D(2025, 3, 1)), inv, sup, inv
    )
    i[7] = receive(inv, unit_a, "TR", D(2025, 7, 1), crime_category=cat, channel="diplomatic")
    i[7] = services.incoming_transition(incoming=i[7], to_status=S.REGISTERED, actor=inv, effective_on=D(2025, 7, 1))
    i[7] = services.incoming_transition(
        incoming=i[7], to_status=S.RETURNED, actor=inv, effective_on=D(2025, 7, 6), note="Not ours to execute"
    )
    i[8] = execute(
        receive(investigator_a1, unit_a1, "RU", D(2025, 8, 1), crime_category=cat),
        investigator_a1,
        sup,
        investigator_a1,
        S.POSTPONED,
        3,
    )
    i[9] = execute(
        receive(investigator_b, unit_b, "UZ", D(2025, 2, 1), crime_category=cat),
        investigator_b,
        supervisor_b,
        investigator_b,
        S.EXECUTED,
        40,
    )
    i[10] = receive(investigator_b, unit_b, "UZ", D(2025, 3, 1), crime_category=cat, requested_due=D(2025, 4, 1))
    i[11] = receive(inv, unit_a, "RU", D(2024, 12, 1), crime_category=cat)
    i[11] = services.incoming_transition(incoming=i[11], to_status=S.WITHDRAWN, actor=inv, effective_on=D(2025, 1, 10))
    known.incoming = i
    known.supervisor_b = supervisor_b
    return known


def counts(figures, key):
    return {row["key"]: row["count"] for row in figures[key]}


# --- The incoming dashboard's figures --------------------------------------------------------------
def test_the_supervisor_sees_their_units_incoming_figures(two_way):
    figures = Stats(two_way.supervisor).incoming_dashboard()
    assert figures["received"]["count"] == 9  # i1-i8 and i11: units A and A1
    assert counts(figures, "outcomes") == {
        "executed": 2,
        "partly": 1,
        "refused": 2,
        "returned": 1,
        "withdrawn": 1,
        "waiting": 1,
        "open": 1,
    }
    assert counts(figures, "by_country") == {"RU": 5, "CH": 3, "TR": 1}
    assert [row["key"] for row in figures["by_country"]] == ["RU", "CH", "TR"]
    assert counts(figures, "refusal_grounds") == {"dual_criminality": 1, "ne_bis_in_idem": 1}
    days = [30, 60, 90, 10, 20, 5]  # i1-i5 and i7: every request with an outcome given
    assert figures["days_to_answer"]["count"] == len(days)
    assert figures["days_to_answer"]["average"] == round(sum(days) / len(days), 1) == 35.8
    assert figures["days_to_answer"]["p90"] == by_hand_percentile(days, 0.9) == 75.0
    assert figures["overdue"]["count"] == 1  # i6; i8 is postponed, not overdue
    ru = next(row for row in figures["by_country"] if row["key"] == "RU")
    assert ru["days_to_answer"]["median"] == by_hand_percentile([30, 60, 90], 0.5) == 60.0
    assert (ru["open"]["count"], ru["answered"]["count"], ru["refused"]["count"]) == (0, 3, 1)


def test_scoping_other_units_supervisor_analyst_and_investigator(two_way, investigator_b, investigator_a1):
    unit_b = Stats(two_way.supervisor_b).incoming_dashboard()
    assert unit_b["received"]["count"] == 2
    assert counts(unit_b, "by_country") == {"UZ": 2}
    assert unit_b["overdue"]["count"] == 1  # i10
    assert unit_b["days_to_answer"]["average"] == 40.0

    everything = Stats(two_way.analyst).incoming_dashboard()
    assert everything["received"]["count"] == 11
    assert counts(everything, "by_country") == {"RU": 5, "CH": 3, "UZ": 2, "TR": 1}
    assert everything["overdue"]["count"] == 2

    # An investigator of unit B sees nothing of unit A: neither its states nor its counts.
    theirs = Stats(investigator_b).incoming_dashboard()
    assert counts(theirs, "by_country") == {"UZ": 2}
    assert counts(theirs, "refusal_grounds") == {}
    # An investigator of the sub-unit sees their unit's only (not the parent unit's).
    assert Stats(investigator_a1).incoming_dashboard()["received"]["count"] == 1


def test_the_filter_narrows_the_incoming_figures(two_way, unit_a1):
    period = Stats(two_way.supervisor, StatsFilter(date_from=D(2025, 1, 1), date_to=D(2025, 4, 30)))
    assert period.incoming_dashboard()["received"]["count"] == 4  # i1, i2, i3, i6
    country = Stats(two_way.supervisor, StatsFilter(country="CH")).incoming_dashboard()
    assert country["received"]["count"] == 3 and country["overdue"]["count"] == 1
    unit = Stats(two_way.supervisor, StatsFilter(unit_ids=frozenset({unit_a1.pk}))).incoming_dashboard()
    assert counts(unit, "outcomes")["waiting"] == 1 and unit["received"]["count"] == 1
    laundering = Stats(two_way.supervisor, StatsFilter(crime_category_id=two_way.laundering.pk))
    assert laundering.incoming_dashboard()["received"]["count"] == 1  # i3
    diplomatic = Stats(two_way.supervisor, StatsFilter(channel="diplomatic")).incoming_dashboard()
    assert diplomatic["received"]["count"] == 1  # i7
    # The outgoing form's "police" has no incoming counterpart: no incoming request, not all of them.
    assert Stats(two_way.supervisor, StatsFilter(channel="police")).incoming_dashboard()["received"]["count"] == 0


# --- Links ---------------------------------------------------------------------------------------
def test_the_links_carry_the_filtersets_parameters(two_way):
    flt = StatsFilter(country="CH", date_from=D(2025, 1, 1))
    figures = Stats(two_way.supervisor, flt).incoming_dashboard()
    assert figures["received"]["url"].startswith("/admin/incoming/incomingrequest/?")
    assert "requesting_country__exact=CH" in figures["received"]["url"]
    assert "received_on__gte=2025-01-01" in figures["received"]["url"]
    assert "due=overdue" in figures["overdue"]["url"]
    assert "answered=true" in figures["days_to_answer"]["url"]
    outcome = {row["key"]: row["url"] for row in figures["outcomes"]}
    assert "open=true" in outcome["open"]
    assert "status__exact=refused" in outcome["refused"]
    ground = figures["refusal_grounds"][0]["url"]
    assert "refusal_ground__exact=ne_bis_in_idem" in ground and "status__exact=refused" in ground


@pytest.mark.parametrize("who", ["supervisor", "analyst", "supervisor_b"])
@pytest.mark.parametrize(
    "flt",
    [StatsFilter(), StatsFilter(country="RU"), StatsFilter(date_from=D(2025, 1, 1), date_to=D(2025, 6, 30))],
    ids=["none", "country", "period"],
)
def test_every_incoming_link_selects_exactly_its_records(two_way, who, flt):
    """Through the registered admin of incoming requests, or until there is one a stand-in with the
    FilterSet's read rules as list filters (tests/dashboards/test_links.py)."""
    user = getattr(two_way, who)
    stats = Stats(user, flt)
    pages = [stats.incoming_dashboard(), stats.by_country()["reciprocity"], stats.report(2025)]
    checked = 0
    for page in pages:
        for count, url in linked_figures(page):
            if "/incoming/" in url:
                checked += 1
            assert records_behind(url, user) == count, url
    assert checked > 10


def test_the_admin_path_is_the_registered_changelists_when_there_is_one(two_way, settings):
    from recovery import stats

    assert reverse("admin:index") + "incoming/incomingrequest/" == "/admin/incoming/incomingrequest/"
    if IncomingRequest in admin.site._registry:
        assert stats.incoming_url({}) == reverse("admin:incoming_incomingrequest_changelist")
    else:
        assert stats.incoming_url({}) == "/admin/incoming/incomingrequest/"


# --- The report in both directions ------------------------------------------------------------------
def test_the_report_puts_both_directions_side_by_side(two_way):
    report = Stats(two_way.supervisor, StatsFilter(country="RU")).report(2025)
    outgoing, incoming = report["both_directions"]["outgoing"], report["both_directions"]["incoming"]
    # Made: r1-r5, all sent in 2025; answered after 50 (executed), 120 (refused), 70 (partly) days.
    assert outgoing["requests"]["count"] == 5
    assert (outgoing["executed"]["count"], outgoing["partly"]["count"], outgoing["refused"]["count"]) == (1, 1, 1)
    sent_days = [50, 120, 70]
    assert outgoing["days_to_answer"]["average"] == round(sum(sent_days) / 3, 1) == 80.0
    assert outgoing["days_to_answer"]["p90"] == by_hand_percentile(sent_days, 0.9) == 110.0
    # Received in 2025 from Russia: i1, i2, i3, i8 (i11 was received in 2024).
    assert incoming["requests"]["count"] == 4
    assert (incoming["executed"]["count"], incoming["partly"]["count"], incoming["refused"]["count"]) == (1, 1, 1)
    received_days = [30, 60, 90]
    assert incoming["days_to_answer"]["average"] == 60.0
    assert incoming["days_to_answer"]["p90"] == by_hand_percentile(received_days, 0.9) == 84.0
    assert counts(report["incoming"], "refusal_grounds") == {"dual_criminality": 1}
    assert "received_on__gte=2025-01-01" in incoming["requests"]["url"]
    assert "received_on__lte=2025-12-31" in incoming["requests"]["url"]


def test_the_report_page_and_its_exports_show_the_other_direction(client, two_way):
    client.force_login(two_way.supervisor)
    params = {"year": 2025, "country": "RU"}
    page = client.get(reverse("dashboard:report"), params)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="both-directions-table"' in html and "/admin/incoming/incomingrequest/?" in html
    csv_text = client.get(reverse("dashboard:report-csv"), params).content.decode("utf-8-sig")
    rows = [line.split(",") for line in csv_text.replace("\r", "").split("\n")]
    first = [r[0] for r in rows].index("Both directions in 2025")
    assert rows[first + 1] == ["Figure", "Requests we made", "Requests we received"]
    assert rows[first + 2] == ["Requests", "5", "4"]
    assert rows[first + 5] == ["Refused", "1", "1"]
    assert rows[first + 8] == ["Days to answer: 90th percentile", "110.0", "84.0"]
    grounds = [r[0] for r in rows].index("Requests received: refusals by ground")
    assert rows[grounds + 2] == ["dual_criminality", "No dual criminality", "1"]
    assert client.get(reverse("dashboard:report-xlsx"), params).status_code == 200


def test_assets_at_foreign_request_by_year(two_way, investigator_a):
    """An asset in Kazakhstan frozen for a foreign request and for no case of ours is counted for
    those who see the incoming request (its executing unit's supervisor), not for another unit's."""
    from decimal import Decimal

    from assets.services import asset_create, asset_transition

    asset = asset_create(
        actor=investigator_a,
        incoming_request=two_way.incoming[1],
        kind="bank_account",
        description="Account at a bank in Almaty",
        location_country="KZ",
        identified_on=D(2025, 2, 10),
        currency="USD",
        identifier="KZ86125KZT5004100100",
    )
    assert asset.case_id is None
    asset = asset_transition(
        asset=asset,
        to_status="frozen",
        actor=investigator_a,
        effective_on=D(2025, 2, 20),
        amount=Decimal("1000"),
    )
    years = Stats(two_way.supervisor).report(2025)["foreign_request_values"]
    assert [(y["year"], y["frozen"]["count"], y["confiscated"]["count"]) for y in years] == [(2025, 1, 0)]
    assert years[0]["frozen"]["money"]["totals"][0]["amount"] == Decimal("1000.00")
    assert "incoming_request__isnull=False" in years[0]["frozen"]["url"]
    assert Stats(two_way.supervisor_b).report(2025)["foreign_request_values"] == []


# --- Reciprocity -------------------------------------------------------------------------------------
def side_counts(side):
    return (
        side["requests"]["count"],
        side["executed"]["count"],
        side["partly"]["count"],
        side["refused"]["count"],
        side["median_days"],
    )


def test_reciprocity_per_state(two_way):
    table = {c["country"]: c for c in Stats(two_way.supervisor).by_country()["reciprocity"]["countries"]}
    assert set(table) == {"RU", "CH", "CN", "TR"}
    # What we asked of Russia (r1-r5) and how it answered; what it asked of us (i1-i3, i8, i11).
    assert side_counts(table["RU"]["we_asked"]) == (5, 1, 1, 1, by_hand_percentile([50, 120, 70], 0.5))
    assert side_counts(table["RU"]["they_asked"]) == (5, 1, 1, 1, by_hand_percentile([30, 60, 90], 0.5))
    assert side_counts(table["CH"]["we_asked"]) == (0, 0, 0, 0, None)
    assert side_counts(table["CH"]["they_asked"]) == (3, 1, 0, 1, by_hand_percentile([10, 20], 0.5))
    assert table["CN"]["they_asked"]["requests"]["count"] == 0
    assert "requesting_country__exact=RU" in table["RU"]["they_asked"]["executed"]["url"]
    assert "country__exact=RU" in table["RU"]["we_asked"]["executed"]["url"]
    # The analyst sees Uzbekistan both ways: r8 was answered without an acknowledgement (31 days).
    everything = {c["country"]: c for c in Stats(two_way.analyst).by_country()["reciprocity"]["countries"]}
    assert side_counts(everything["UZ"]["we_asked"]) == (2, 1, 0, 0, 31.0)
    assert side_counts(everything["UZ"]["they_asked"]) == (2, 1, 0, 0, 40.0)
    uz = next(c for c in Stats(two_way.analyst).by_country()["countries"] if c["country"] == "UZ")
    assert uz["days_to_answer"]["median"] == 31.0


def test_the_country_page_shows_the_reciprocity_table(client, two_way):
    client.force_login(two_way.supervisor)
    html = client.get(reverse("dashboard:countries")).content.decode()
    assert 'id="reciprocity-table"' in html and 'data-country="CH"' in html


# --- The page, the API, bad input ----------------------------------------------------------------------
def test_the_incoming_page_and_its_json(client, two_way):
    client.force_login(two_way.supervisor)
    page = client.get(reverse("dashboard:incoming"), {"country": "RU"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-figure="incoming_received">5<' in html
    assert 'id="incoming-country-table"' in html
    api = client.get("/api/v1/stats/incoming/", {"country": "RU"})
    assert api.status_code == 200
    body = api.json()
    body.pop("computed_at")
    assert body == jsonable(page.context["stats"])
    # Every dashboard page links to the incoming page.
    overview = client.get(reverse("dashboard:overview")).content.decode()
    assert reverse("dashboard:incoming") in overview


def test_the_navigation_carries_a_channel_only_where_it_means_something(client, two_way):
    client.force_login(two_way.supervisor)
    html = client.get(reverse("dashboard:overview"), {"channel": "informal_network"}).content.decode()
    assert reverse("dashboard:incoming") + "?channel=network" in html
    html = client.get(reverse("dashboard:overview"), {"channel": "police"}).content.decode()
    assert f'href="{reverse("dashboard:incoming")}?"' in html


@pytest.mark.parametrize(
    "params",
    [
        {"channel": "police"},  # an outgoing channel: incoming requests never come that way
        {"date_from": "2025-13-01"},
        {"date_from": "2025-06-01", "date_to": "2025-01-01"},
        {"unit": "abc"},
        {"unit": "999999"},
        {"country": "XX"},
        {"crime_category": "1.5"},
    ],
)
def test_bad_filter_parameters_answer_400(client, two_way, params):
    client.force_login(two_way.supervisor)
    assert client.get(reverse("dashboard:incoming"), params).status_code == 400
    api = client.get("/api/v1/stats/incoming/", params)
    assert api.status_code == 400
    assert api["Content-Type"].startswith("application/problem+json")


def test_an_unknown_api_parameter_is_refused(client, two_way):
    client.force_login(two_way.supervisor)
    assert client.get("/api/v1/stats/incoming/", {"requesting_country": "RU"}).status_code == 400


def test_the_incoming_page_is_snapshotted_like_the_others(two_way):
    first = snapshots.figures_for(two_way.supervisor, StatsFilter(), "incoming")
    second = snapshots.figures_for(two_way.supervisor, StatsFilter(), "incoming")
    assert not first.from_snapshot and second.from_snapshot
    assert jsonable(second.figures) == jsonable(first.figures)
    # Another unit's supervisor is another scope: not served the first one's snapshot.
    other = snapshots.figures_for(two_way.supervisor_b, StatsFilter(), "incoming")
    assert not other.from_snapshot and other.figures["received"]["count"] == 2


def test_the_incoming_figures_cost_the_same_queries_whatever_the_rows(two_way, investigator_a, unit_a):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            Stats(two_way.analyst).incoming_dashboard()
            Stats(two_way.analyst).by_country()
            Stats(two_way.analyst).report(2025)
        return len(ctx)

    queries()  # the first reads what the process caches (the admin's root URL...)
    before = queries()
    category = CrimeCategoryFactory(code="fraud")
    for n in range(6):
        execute(
            receive(investigator_a, unit_a, ["DE", "FR", "US"][n % 3], D(2025, 9, 1 + n), crime_category=category),
            investigator_a,
            two_way.supervisor,
            investigator_a,
            S.EXECUTED,
            n + 1,
        )
    assert queries() == before
