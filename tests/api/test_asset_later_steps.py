"""The later steps over the API: `/assets/{id}/transitions/` takes part of a freeze released and the
sale (`step`), restitution and the retained amount (`to_status`); bad amounts are problem documents
with nothing written; another unit's asset is 404; the representation shows every stage's amount
and whether the asset is partially frozen or returned; the timeline says which step each row was."""

import pytest

from assets.models import Asset
from assets.services import asset_transition
from tests.api.conftest import assert_problem
from tests.factories import make_asset, make_case, make_request

S = Asset.Status


def usd(amount):
    return {"amount": amount, "currency": "USD"}


@pytest.fixture
def frozen_asset(investigator_a):
    asset = make_asset(case=make_case(lead=investigator_a), currency="USD", identifier="CH-API-STEPS")
    return asset_transition(asset=asset, to_status=S.FROZEN, actor=investigator_a, amount="1000.00")


def url(asset):
    return f"/api/v1/assets/{asset.pk}/transitions/"


def snapshot(asset):
    fresh = Asset.objects.get(pk=asset.pk)
    return (fresh.status, fresh.version, fresh.timeline.count(), fresh.released_amount, fresh.realised_amount)


@pytest.mark.django_db
def test_part_of_the_freeze_released_then_the_sale(client_for, investigator_a, frozen_asset):
    client = client_for(investigator_a)
    request = make_request(case=frozen_asset.case)
    response = client.post(
        url(frozen_asset),
        {"step": "partial_release", "amount": usd("300.00"), "effective_on": "2025-05-01", "request": request.pk},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "frozen"
    assert body["released_amount"] == usd("300.00")
    assert body["still_frozen_amount"] == usd("700.00")
    assert body["amounts"]["still_frozen"] == usd("700.00")
    assert body["amounts"]["partially_frozen"] is True
    response = client.post(url(frozen_asset), {"step": "sale", "amount": usd("650.00"), "effective_on": "2025-05-02"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["realised_amount"], body["sold_at_stage"], body["still_frozen_amount"]) == (
        usd("650.00"),
        "frozen",
        usd("650.00"),
    )
    timeline = client.get(f"/api/v1/assets/{frozen_asset.pk}/timeline/").json()
    assert [(row["step"], row["step_amount"], row["amount"]) for row in timeline[-2:]] == [
        ("partial_release", usd("300.00"), None),
        ("sale", usd("650.00"), None),
    ]
    assert timeline[-1]["from_status"] == timeline[-1]["to_status"] == "frozen"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body, field",
    [
        ({"step": "partial_release", "amount": usd("1000.01")}, "amount"),
        ({"step": "partial_release", "amount": usd("0")}, "amount"),
        ({"step": "partial_release", "amount": usd("-5")}, "amount"),
        ({"step": "partial_release", "amount": {"amount": "10", "currency": "EUR"}}, "amount"),
        ({"step": "partial_release"}, "amount"),
        ({"step": "partial_release", "amount": usd("1001"), "override_reason": "arithmetic"}, "override_reason"),
        ({"step": "sale", "amount": usd("0")}, "amount"),
        ({"step": "sale", "to_status": "frozen", "amount": usd("5")}, "to_status"),
        ({"step": "melt", "amount": usd("5")}, "step"),
        ({"amount": usd("5")}, "to_status"),
    ],
)
def test_bad_steps_are_problem_documents_and_write_nothing(client_for, investigator_a, frozen_asset, body, field):
    before = snapshot(frozen_asset)
    response = client_for(investigator_a).post(url(frozen_asset), body)
    assert response.status_code in (400, 422), response.content
    problem = assert_problem(response, response.status_code)
    assert field in str(problem)
    assert snapshot(frozen_asset) == before


@pytest.mark.django_db
def test_a_step_the_status_does_not_allow_is_refused(client_for, investigator_a):
    asset = make_asset(case=make_case(lead=investigator_a), identifier="CH-API-2")
    before = snapshot(asset)
    response = client_for(investigator_a).post(url(asset), {"step": "sale", "amount": usd("5")})
    assert 400 <= response.status_code < 500
    assert_problem(response, response.status_code)
    assert snapshot(asset) == before


@pytest.mark.django_db
def test_another_units_asset_is_404_and_learns_nothing(client_for, investigator_b, frozen_asset):
    before = snapshot(frozen_asset)
    client = client_for(investigator_b)
    for body in ({"step": "partial_release", "amount": usd("5")}, {"step": "sale", "amount": usd("5")}):
        assert_problem(client.post(url(frozen_asset), body), 404)
    missing = client.post(f"/api/v1/assets/{frozen_asset.pk + 10_000}/transitions/", {"step": "sale"})
    assert missing.status_code == 404
    assert snapshot(frozen_asset) == before


@pytest.mark.django_db
def test_restitution_and_the_retained_amount(client_for, investigator_a, frozen_asset):
    asset_transition(asset=frozen_asset, to_status=S.CONFISCATED, actor=investigator_a, amount="1000.00")
    client = client_for(investigator_a)
    refused = client.post(url(frozen_asset), {"to_status": "restituted", "amount": usd("1000.01")})
    assert_problem(refused, 422)
    accepted = client.post(url(frozen_asset), {"to_status": "restituted", "amount": usd("100.00")})
    assert accepted.status_code == 200, accepted.content
    returned = client.post(url(frozen_asset), {"to_status": "returned", "amount": usd("300.00")})
    assert returned.json()["amounts"]["partially_returned"] is True
    retained = client.post(url(frozen_asset), {"to_status": "retained_abroad"}).json()
    assert retained["retained_amount"] == usd("600.00")
    assert retained["amounts"]["restituted"] == usd("100.00")
    assert retained["amounts"]["returnable"] == usd("600.00")
    # A later agreed return comes out of what was retained.
    later = client.post(url(frozen_asset), {"to_status": "returned", "amount": usd("250.00")}).json()
    assert later["retained_amount"] == usd("350.00")
    listed = client.get("/api/v1/assets/", {"case": frozen_asset.case_id}).json()["results"][0]
    assert listed["amounts"]["retained"] == usd("350.00") and listed["restituted_amount"] == usd("100.00")
