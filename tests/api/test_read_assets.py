"""Reading assets: money representation and filters, value ranges included."""

import pytest

from assets.services import asset_transition
from tests.factories import make_asset


@pytest.fixture
def assets(investigator_a, case_a):
    account = make_asset(case=case_a, estimated_value="1300000.00", location_country="CH")
    villa = make_asset(
        case=case_a,
        kind="real_estate",
        description="Villa",
        estimated_value="4000000.00",
        location_country="AE",
        currency="AED",
        identifier="",
    )
    account = asset_transition(asset=account, to_status="frozen", actor=investigator_a, amount="1250000.00")
    return account, villa


def ids(response):
    assert response.status_code == 200, response.content
    return {r["id"] for r in response.json()["results"]}


@pytest.mark.django_db
def test_asset_amounts_are_money(client_for, investigator_a, assets):
    account, _ = assets
    body = client_for(investigator_a).get(f"/api/v1/assets/{account.pk}/").json()
    assert body["estimated_value"] == {"amount": "1300000.00", "currency": "USD"}
    assert body["frozen_amount"] == {"amount": "1250000.00", "currency": "USD"}
    assert body["confiscated_amount"] == {"amount": "0.00", "currency": "USD"}
    assert body["location_country"] == {"code": "CH", "name": "Switzerland"}
    assert body["status"] == "frozen"


@pytest.mark.django_db
def test_asset_filters(client_for, investigator_a, assets):
    account, villa = assets
    c = client_for(investigator_a)
    assert ids(c.get("/api/v1/assets/", {"country": ["AE"]})) == {villa.pk}
    assert ids(c.get("/api/v1/assets/", {"status": ["frozen", "confiscated"]})) == {account.pk}
    assert ids(c.get("/api/v1/assets/", {"kind": "real_estate"})) == {villa.pk}
    assert ids(c.get("/api/v1/assets/", {"estimated_value_min": "2000000"})) == {villa.pk}
    assert ids(c.get("/api/v1/assets/", {"estimated_value_max": "2000000"})) == {account.pk}
    assert ids(c.get("/api/v1/assets/", {"frozen_amount_min": "1"})) == {account.pk}
    assert ids(c.get("/api/v1/assets/", {"currency": "aed"})) == {villa.pk}
    assert ids(c.get("/api/v1/assets/", {"q": "villa"})) == {villa.pk}
    assert ids(c.get("/api/v1/assets/", {"ordering": "-estimated_value"})) == {villa.pk, account.pk}
