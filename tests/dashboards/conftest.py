"""A small known dataset for the dashboard tests, built through the services, with every expected
figure worked out by hand in the docstring of `known`.

Unit A (supervisor_a sees A and its sub-unit A1) and unit B (only the analyst sees both).

Requests (all through request_send / request_transition):
  RU, unit A:  r1 sent 2025-01-10, ack +10 d, executed +50 d (on time, due 2025-04-10)
               r2 sent 2025-01-10, ack +20 d, refused +120 d (late)
               r3 sent 2025-02-01, ack +30 d, still pending -> overdue
               r4 sent 2025-02-01, never acknowledged -> overdue
  RU, unit A1: r5 sent 2025-03-01, ack +40 d, partially executed +70 d (on time, due 2025-05-30;
               still pending and past its deadline -> overdue)
  CN, unit A:  r6 sent today-85 through an informal network, due in 5 days
  CN, unit A:  r7 a draft
  UZ, unit B:  r8 sent 2025-01-10, executed 2025-02-10; r9 sent 2025-01-15, pending, overdue
Assets (supervisor A's): a1 CH USD est 1,000,000: frozen 800,000, confiscated 500,000, returned 200,000
  (2025-09-01) + 100,000 (2026-02-01); a2 GB GBP est 2,000,000 frozen 1,500,000; a3 CH EUR est
  400,000 frozen 300,000, confiscated 300,000, retained abroad; a4 AE USD est 50,000 frozen 50,000,
  released. Unit B: b1 CH USD est 9,999 frozen 9,999.
Court decisions in 2025: a1 confiscation USD 500,000 conviction-based; a3 confiscation EUR 300,000
  non-conviction-based; a2 restraint GBP 1,500,000 (basis not recorded); b1 restraint (unit B).
Exchange rates to USD: EUR 1.10 (2025-06-30), EUR 1.20 (2025-12-31), GBP 1.30 (2025-12-31).
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from assets.services import asset_transition, court_decision_create
from mla_requests.services import request_send, request_transition
from recovery.models import ExchangeRate, LegalInstrument
from tests.factories import CrimeCategoryFactory, LegalInstrumentFactory, make_asset, make_case, make_request

D = datetime.date


def send(request, actor, sent_on, *, ack=None, answer=None, answer_status="executed", grounds=""):
    request = request_send(request=request, actor=actor, sent_on=sent_on)
    if ack is not None:
        request = request_transition(
            request=request, to_status="acknowledged", actor=actor, effective_on=sent_on + datetime.timedelta(days=ack)
        )
    if answer is not None:
        request = request_transition(
            request=request,
            to_status=answer_status,
            actor=actor,
            effective_on=sent_on + datetime.timedelta(days=answer),
            refusal_grounds=grounds,
        )
    return request


def move(asset, actor, *steps):
    for to_status, day, amount in steps:
        asset = asset_transition(
            asset=asset,
            to_status=to_status,
            actor=actor,
            effective_on=day,
            amount=None if amount is None else Decimal(amount),
        )
    return asset


@pytest.fixture
def known(investigator_a, investigator_a1, investigator_b, supervisor_a, analyst, unit_a, unit_a1, unit_b):
    today = timezone.localdate()
    corruption = CrimeCategoryFactory(code="corruption", name_en="Corruption", name_ru="Коррупция")
    laundering = CrimeCategoryFactory(code="laundering", name_en="Money laundering")
    network = LegalInstrumentFactory(
        code="carin", kind=LegalInstrument.Kind.INFORMAL_NETWORK, any_other_assistance=True
    )
    case_a = make_case(unit=unit_a, lead=investigator_a, primary_crime_category=corruption)
    case_a1 = make_case(unit=unit_a1, lead=investigator_a1, primary_crime_category=laundering)
    case_b = make_case(unit=unit_b, lead=investigator_b, primary_crime_category=corruption)
    inv = investigator_a
    r = {}
    r[1] = send(make_request(case=case_a, country="RU"), inv, D(2025, 1, 10), ack=10, answer=50)
    r[2] = send(
        make_request(case=case_a, country="RU"),
        inv,
        D(2025, 1, 10),
        ack=20,
        answer=120,
        answer_status="refused",
        grounds="Political offence",
    )
    r[3] = send(make_request(case=case_a, country="RU"), inv, D(2025, 2, 1), ack=30)
    r[4] = send(make_request(case=case_a, country="RU"), inv, D(2025, 2, 1))
    r[5] = send(
        make_request(case=case_a1, country="RU"),
        investigator_a1,
        D(2025, 3, 1),
        ack=40,
        answer=70,
        answer_status="partially_executed",
    )
    r[6] = send(make_request(case=case_a, country="CN", legal_basis=network), inv, today - datetime.timedelta(days=85))
    r[7] = make_request(case=case_a, country="CN")
    r[8] = send(make_request(case=case_b, country="UZ"), investigator_b, D(2025, 1, 10), answer=31)
    r[9] = send(make_request(case=case_b, country="UZ"), investigator_b, D(2025, 1, 15))

    a1 = make_asset(
        case=case_a, location_country="CH", currency="USD", estimated_value="1000000.00", identified_on=D(2025, 3, 1)
    )
    a1 = move(
        a1,
        inv,
        ("frozen", D(2025, 3, 10), "800000"),
        ("confiscated", D(2025, 6, 1), "500000"),
        ("returned", D(2025, 9, 1), "200000"),
        ("returned", D(2026, 2, 1), "100000"),
    )
    a2 = make_asset(
        case=case_a,
        kind="real_estate",
        location_country="GB",
        currency="GBP",
        estimated_value="2000000.00",
        identified_on=D(2025, 3, 1),
    )
    a2 = move(a2, inv, ("frozen", D(2025, 4, 1), "1500000"))
    a3 = make_asset(
        case=case_a1, location_country="CH", currency="EUR", estimated_value="400000.00", identified_on=D(2025, 3, 1)
    )
    a3 = move(
        a3,
        investigator_a1,
        ("frozen", D(2025, 4, 1), "300000"),
        ("confiscated", D(2025, 7, 1), "300000"),
        ("retained_abroad", D(2025, 8, 1), None),
    )
    a4 = make_asset(
        case=case_a,
        kind="vehicle",
        location_country="AE",
        currency="USD",
        estimated_value="50000.00",
        identified_on=D(2025, 3, 1),
    )
    a4 = move(a4, inv, ("frozen", D(2025, 4, 1), "50000"), ("released", D(2025, 10, 1), None))
    b1 = make_asset(
        case=case_b, location_country="CH", currency="USD", estimated_value="9999.00", identified_on=D(2025, 3, 1)
    )
    b1 = move(b1, investigator_b, ("frozen", D(2025, 4, 1), "9999"))

    court_decision_create(
        actor=inv,
        asset=a1,
        kind="confiscation",
        court="Zurich court",
        country="CH",
        decided_on=D(2025, 5, 20),
        conviction_based=True,
        amount=("500000", "USD"),
    )
    court_decision_create(
        actor=investigator_a1,
        asset=a3,
        kind="confiscation",
        court="Geneva court",
        country="CH",
        decided_on=D(2025, 7, 1),
        conviction_based=False,
        amount=("300000", "EUR"),
    )
    court_decision_create(
        actor=inv,
        asset=a2,
        kind="restraint",
        court="High Court",
        country="GB",
        decided_on=D(2025, 4, 1),
        amount=("1500000", "GBP"),
    )
    court_decision_create(
        actor=investigator_b,
        asset=b1,
        kind="restraint",
        court="Zurich court",
        country="CH",
        decided_on=D(2025, 4, 1),
        amount=("9999", "USD"),
    )
    ExchangeRate.objects.create(date=D(2025, 6, 30), currency="EUR", rate=Decimal("1.10"))
    ExchangeRate.objects.create(date=D(2025, 12, 31), currency="EUR", rate=Decimal("1.20"))
    ExchangeRate.objects.create(date=D(2025, 12, 31), currency="GBP", rate=Decimal("1.30"))
    return SimpleNamespace(
        today=today,
        requests=r,
        assets={"a1": a1, "a2": a2, "a3": a3, "a4": a4, "b1": b1},
        corruption=corruption,
        laundering=laundering,
        network=network,
        supervisor=supervisor_a,
        analyst=analyst,
        case_a=case_a,
        case_b=case_b,
    )


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The cast's passwords are hashed once per test; the default hasher is deliberately slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_figures_cache():
    # The rendered figures are cached per process (locmem in the tests); each test starts without.
    from recovery.dashboards.fragments import cache

    cache().clear()
    yield
    cache().clear()


@pytest.fixture
def renders(monkeypatch):
    """The figures sections rendered (not read from the cache) during the test, by template."""
    from recovery.dashboards import fragments

    calls = []
    original = fragments.render_figures

    def counting(template, figures, context_for):
        calls.append(template)
        return original(template, figures, context_for)

    monkeypatch.setattr(fragments, "render_figures", counting)
    return calls
