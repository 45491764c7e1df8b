"""Reading requests: representation and every filter the issue names."""

import datetime

import pytest

from mla_requests.services import request_send
from recovery.models import LegalInstrument
from tests.factories import CrimeCategoryFactory, LegalInstrumentFactory, make_case, make_request


@pytest.fixture
def world(investigator_a, case_a, uncac, freezing, corruption, unit_a1):
    treaty = LegalInstrumentFactory(
        code="kz-ae",
        kind=LegalInstrument.Kind.BILATERAL_TREATY,
        open_to_all_states=False,
        countries=["AE"],
        measures=[freezing],
    )
    laundering = CrimeCategoryFactory(code="laundering")
    to_ch = make_request(case=case_a, legal_basis=uncac, measures=[freezing], country="CH")
    to_ae = make_request(
        case=case_a,
        legal_basis=treaty,
        measures=[freezing],
        country="AE",
        crime_category=laundering,
        channel="diplomatic",
    )
    other_case = make_case(actor=investigator_a, lead=investigator_a, unit=investigator_a.unit)
    to_tr = make_request(case=other_case, legal_basis=uncac, measures=[freezing], country="TR")
    # Both sent long ago: their deadlines have passed, so they are overdue; the TR one is a draft.
    to_ch = request_send(request=to_ch, actor=investigator_a, sent_on=datetime.date(2024, 2, 1))
    to_ae = request_send(request=to_ae, actor=investigator_a, sent_on=datetime.date(2024, 2, 1))
    return {"ch": to_ch, "ae": to_ae, "tr": to_tr, "treaty": treaty, "laundering": laundering, "case": case_a}


def ids(response):
    assert response.status_code == 200, response.content
    return {r["id"] for r in response.json()["results"]}


@pytest.mark.django_db
def test_request_representation(client_for, investigator_a, world):
    body = client_for(investigator_a).get(f"/api/v1/requests/{world['ch'].pk}/").json()
    assert body["country"] == {"code": "CH", "name": "Switzerland"}
    assert body["reference"].startswith("MLA-")
    assert body["status"] == "sent" and body["sent_on"] == "2024-02-01"
    assert body["response_due"] == "2024-05-01"
    assert body["is_overdue"] is True
    assert body["legal_basis"]["code"] == "uncac"
    assert body["case"]["id"] == world["case"].pk


@pytest.mark.django_db
def test_request_filters(client_for, investigator_a, world):
    c = client_for(investigator_a)
    ch, ae, tr = world["ch"].pk, world["ae"].pk, world["tr"].pk
    assert ids(c.get("/api/v1/requests/", {"country": ["CH", "AE"]})) == {ch, ae}
    assert ids(c.get("/api/v1/requests/", {"status": ["draft"]})) == {tr}
    assert ids(c.get("/api/v1/requests/", {"crime_category": world["laundering"].pk})) == {ae}
    assert ids(c.get("/api/v1/requests/", {"legal_basis": world["treaty"].pk})) == {ae}
    assert ids(c.get("/api/v1/requests/", {"legal_basis_kind": "bilateral_treaty"})) == {ae}
    assert ids(c.get("/api/v1/requests/", {"channel": "diplomatic"})) == {ae}
    assert ids(c.get("/api/v1/requests/", {"case": world["case"].pk})) == {ch, ae}
    assert ids(c.get("/api/v1/requests/", {"unit": investigator_a.unit_id})) == {ch, ae, tr}
    assert ids(c.get("/api/v1/requests/", {"sent_on_after": "2024-01-01", "sent_on_before": "2024-03-01"})) == {ch, ae}
    assert ids(c.get("/api/v1/requests/", {"response_due_before": "2024-04-01"})) == set()
    assert ids(c.get("/api/v1/requests/", {"overdue": "true"})) == {ch, ae}
    assert ids(c.get("/api/v1/requests/", {"overdue": "false"})) == {tr}
    assert ids(c.get("/api/v1/requests/", {"q": world["tr"].reference})) == {tr}


@pytest.mark.django_db
def test_request_ordering_by_country(client_for, investigator_a, world):
    rows = client_for(investigator_a).get("/api/v1/requests/", {"ordering": "-country"}).json()["results"]
    assert [r["country"]["code"] for r in rows] == ["TR", "CH", "AE"]
