"""The seed's figure 2 in miniature: requests per country in the seed's proportions (Russia 961,
Uzbekistan 156, Turkey 135, China 99, UAE 97, Germany 77, Ukraine 74, UK 65, US 57), divided by a
scale. At every scale the ranking is the seed's: formal requests first, states with as many in the
figure's order (China before the UAE at a twentieth, where both have 4), never the alphabet; and
informal inquiries are counted apart, without moving a state up."""

import datetime

import pytest
from django.urls import reverse

from mla_requests.services import request_send
from recovery.models import LegalInstrument
from recovery.stats import Stats
from tests.factories import LegalInstrumentFactory, make_case, make_request

pytestmark = pytest.mark.django_db

SEED = {"RU": 961, "UZ": 156, "TR": 135, "CN": 99, "AE": 97, "DE": 77, "UA": 74, "GB": 65, "US": 57}


def _send(case, actor, code, basis, n, start):
    for i in range(n):
        request = make_request(case=case, country=code, legal_basis=basis)
        request_send(request=request, actor=actor, sent_on=start + datetime.timedelta(i))


@pytest.mark.parametrize("divisor", [20, 40, 64])
def test_the_country_page_ranks_as_the_seed_at_every_scale(client, supervisor_a, unit_a, investigator_a, divisor):
    case = make_case(unit=unit_a, lead=investigator_a)
    basis = LegalInstrumentFactory(code="uncac", any_other_assistance=True)
    carin = LegalInstrumentFactory(code="carin", kind=LegalInstrument.Kind.INFORMAL_NETWORK, any_other_assistance=True)
    expected = {code: n // divisor for code, n in SEED.items()}
    # Sent in reverse order, so that neither the order of the rows nor their ids gives the ranking.
    for code, n in reversed(expected.items()):
        _send(case, investigator_a, code, basis, n, datetime.date(2025, 1, 1))
    # Informal inquiries to the US, more than any formal count but Russia's: counted apart.
    _send(case, investigator_a, "US", carin, 10, datetime.date(2025, 3, 1))

    client.force_login(supervisor_a)
    figures = client.get(reverse("dashboard:countries")).context["stats"]
    ranked = [(c["country"], c["formal"]["count"]) for c in figures["countries"] if c["formal"]["count"]]
    seed_order = list(SEED)
    assert ranked == sorted(
        ((code, n) for code, n in expected.items() if n), key=lambda item: (-item[1], seed_order.index(item[0]))
    )
    assert ranked[0] == ("RU", 961 // divisor)
    counted = {
        c["country"]: (c["formal"]["count"], c["informal"]["count"], c["total"]["count"]) for c in figures["countries"]
    }
    assert counted["US"] == (expected["US"], 10, expected["US"] + 10)
    assert counted["RU"] == (expected["RU"], 0, expected["RU"])
    assert (figures["formal"], figures["informal"]) == (sum(expected.values()), 10)


def test_the_report_ranks_ties_in_the_seed_order(supervisor_a, unit_a, investigator_a):
    case = make_case(unit=unit_a, lead=investigator_a)
    basis = LegalInstrumentFactory(code="uncac", any_other_assistance=True)
    for code in ("US", "GB", "UA", "DE", "AE", "CN"):
        _send(case, investigator_a, code, basis, 2, datetime.date(2025, 1, 1))
    report = Stats(supervisor_a).report(2025)
    assert [r["key"] for r in report["by_country"]] == ["CN", "AE", "DE", "UA", "GB", "US"]


def test_categories_count_formal_requests_and_informal_inquiries_apart(supervisor_a, unit_a, investigator_a):
    from tests.factories import CrimeCategoryFactory

    case = make_case(unit=unit_a, lead=investigator_a)
    basis = LegalInstrumentFactory(code="uncac", any_other_assistance=True)
    carin = LegalInstrumentFactory(code="carin", kind=LegalInstrument.Kind.INFORMAL_NETWORK, any_other_assistance=True)
    corruption, fraud = CrimeCategoryFactory(code="corruption"), CrimeCategoryFactory(code="fraud")
    plan = [(corruption, basis, 3), (corruption, carin, 1), (fraud, basis, 1), (fraud, carin, 4)]
    for category, legal_basis, n in plan:
        for i in range(n):
            request = make_request(case=case, country="DE", legal_basis=legal_basis, crime_category=category)
            request_send(request=request, actor=investigator_a, sent_on=datetime.date(2025, 2, 1 + i))
    figures = Stats(supervisor_a).by_category()
    rows = {c["code"]: c for c in figures["categories"]}
    assert (figures["formal"], figures["informal"], figures["total"]) == (4, 5, 9)
    assert (rows["corruption"]["formal"]["count"], rows["corruption"]["informal"]["count"]) == (3, 1)
    assert (rows["fraud"]["formal"]["count"], rows["fraud"]["informal"]["count"]) == (1, 4)
    # Figure 1's share is of formal requests: 3 of 4, not 4 of 9.
    assert rows["corruption"]["formal_share"] == 0.75 and rows["fraud"]["formal_share"] == 0.25
