"""Recording and editing assets through the API."""

import pytest

from assets.models import Asset
from tests.api.conftest import assert_problem


def new_asset(case, **extra):
    return {
        "case": case.pk,
        "kind": "bank_account",
        "description": "Current account at a private bank",
        "identifier": "CH9300762011623852957",
        "location_country": "CH",
        "currency": "USD",
        "estimated_value": {"amount": "1300000.00", "currency": "USD"},
        "identified_on": "2024-03-01",
        **extra,
    }


@pytest.mark.django_db
def test_record_an_asset(client_for, investigator_a, case_a):
    response = client_for(investigator_a).post("/api/v1/assets/", new_asset(case_a))
    assert response.status_code == 201, response.content
    asset = Asset.objects.get(pk=response.json()["id"])
    assert str(asset.estimated_value) == "1300000.00" and asset.currency == "USD"
    assert response.json()["estimated_value"] == {"amount": "1300000.00", "currency": "USD"}


@pytest.mark.django_db
def test_the_value_must_be_in_the_assets_currency(client_for, investigator_a, case_a):
    data = new_asset(case_a, estimated_value={"amount": "10", "currency": "EUR"})
    assert "estimated_value" in assert_problem(client_for(investigator_a).post("/api/v1/assets/", data), 400)["errors"]


@pytest.mark.django_db
def test_an_unknown_country_is_refused(client_for, investigator_a, case_a):
    data = new_asset(case_a, location_country="XX")
    assert "location_country" in assert_problem(client_for(investigator_a).post("/api/v1/assets/", data), 400)["errors"]


@pytest.mark.django_db
def test_put_an_asset(client_for, investigator_a, asset_a):
    client = client_for(investigator_a)
    etag = client.get(f"/api/v1/assets/{asset_a.pk}/")["ETag"]
    data = {k: v for k, v in new_asset(asset_a.case, description="Savings account").items() if k != "case"}
    response = client.put(f"/api/v1/assets/{asset_a.pk}/", data, HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    assert response.json()["description"] == "Savings account"
