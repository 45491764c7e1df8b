"""The asset's legal terms over the API: agreements on return or sharing (nested under the asset),
a Korean asset's return refused without one, accepted with one or with an override; pending and
upheld claims; what caused a step (another unit's request or decision: 400, nothing written, no
hint it exists); the confiscation recording its court decision; the amounts at each stage."""

import datetime

import pytest

from assets.models import Asset, AssetAgreement, AssetStatusChange, CourtDecision
from assets.services import asset_transition, claim_create, claim_decide
from tests.api.conftest import assert_problem
from tests.factories import AssistanceMeasureFactory, LegalInstrumentFactory, make_asset, make_case, make_request

S = Asset.Status
D = datetime.date


def krw(amount):
    return {"amount": amount, "currency": "KRW"}


@pytest.fixture
def korean_asset(investigator_a):
    measure = AssistanceMeasureFactory(code="confiscation")
    treaty = LegalInstrumentFactory(
        code="kz-kr-mla",
        kind="bilateral_treaty",
        open_to_all_states=False,
        countries=["KR"],
        measures=[measure],
        requested_party_retains_proceeds=True,
    )
    case = make_case(lead=investigator_a)
    asset = make_asset(case=case, location_country="KR", currency="KRW", identifier="KR-110-222-333")
    make_request(case=case, country="KR", legal_basis=treaty, measures=[measure], assets=[asset])
    asset = asset_transition(
        asset=asset, to_status=S.FROZEN, actor=investigator_a, amount="1000000.00", effective_on=D(2025, 3, 1)
    )
    return asset_transition(
        asset=asset, to_status=S.CONFISCATED, actor=investigator_a, amount="800000.00", effective_on=D(2025, 6, 1)
    )


@pytest.mark.django_db
def test_a_korean_assets_return_needs_an_agreement(client_for, investigator_a, korean_asset):
    client = client_for(investigator_a)
    url = f"/api/v1/assets/{korean_asset.pk}/transitions/"
    refused = client.post(url, {"to_status": "returned", "amount": krw("300000.00"), "effective_on": "2025-08-01"})
    body = assert_problem(refused, 400)
    assert "retains confiscated proceeds" in body["detail"] and "override_reason" in body["errors"]
    korean_asset.refresh_from_db()
    assert korean_asset.status == S.CONFISCATED

    agreements = f"/api/v1/assets/{korean_asset.pk}/agreements/"
    created = client.post(
        agreements,
        {
            "kind": "return",
            "concluded_on": "2025-07-01",
            "home_share_percent": "100.00",
            "home_amount": krw("800000.00"),
            "note": "Exchange of notes",
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["other_state"]["code"] == "KR"
    assert created.json()["other_share_percent"] == "0.00"
    assert created.json()["home_amount"] == krw("800000.00")
    listed = client.get(agreements)
    assert listed.status_code == 200 and [a["kind"] for a in listed.json()] == ["return"]

    accepted = client.post(url, {"to_status": "returned", "amount": krw("300000.00"), "effective_on": "2025-08-01"})
    assert accepted.status_code == 200, accepted.content
    amounts = accepted.json()["amounts"]
    assert amounts["returned"] == krw("300000.00")
    assert amounts["returnable"] == krw("500000.00")
    assert amounts["partially_returned"] is True


@pytest.mark.django_db
def test_an_override_shares_without_an_agreement_and_keeps_the_reason(client_for, investigator_a, korean_asset):
    reason = "Shared by a Korean court order; the exchange of notes follows"
    response = client_for(investigator_a).post(
        f"/api/v1/assets/{korean_asset.pk}/transitions/",
        {"to_status": "shared", "amount": krw("400000.00"), "override_reason": reason},
    )
    assert response.status_code == 200, response.content
    assert response.json()["shared_amount"] == krw("400000.00")
    timeline = client_for(investigator_a).get(f"/api/v1/assets/{korean_asset.pk}/timeline/").json()
    assert timeline[-1]["override_reason"] == reason and timeline[-1]["to_status"] == "shared"


@pytest.mark.django_db
def test_bad_agreements_are_400_and_nothing_is_written(client_for, investigator_a, korean_asset):
    url = f"/api/v1/assets/{korean_asset.pk}/agreements/"
    client = client_for(investigator_a)
    for body, field in (
        ({"kind": "sharing", "concluded_on": "2025-07-01", "home_share_percent": "70", "other_share_percent": "40"},
         "other_share_percent"),
        ({"kind": "sharing", "concluded_on": "2025-07-01", "home_share_percent": "170"}, "home_share_percent"),
        ({"kind": "return", "concluded_on": "2025-07-01"}, "home_share_percent"),
        ({"kind": "return", "concluded_on": "2025-07-01", "home_share_percent": "100", "surprise": 1}, "surprise"),
    ):  # fmt: skip
        response = client.post(url, body)
        assert response.status_code == 400, response.content
        assert field in response.json()["errors"]
    wrong_currency = client.post(
        url, {"kind": "return", "concluded_on": "2025-07-01", "home_amount": {"amount": "5.00", "currency": "USD"}}
    )
    assert assert_problem(wrong_currency, 422)["errors"]["home_amount"]
    assert not AssetAgreement.objects.exists()


@pytest.mark.django_db
def test_another_units_investigator_neither_sees_nor_records_agreements(
    client_for, investigator_a, investigator_b, analyst, korean_asset
):
    url = f"/api/v1/assets/{korean_asset.pk}/agreements/"
    body = {"kind": "return", "concluded_on": "2025-07-01", "home_share_percent": "100"}
    assert client_for(investigator_a).post(url, body).status_code == 201
    assert_problem(client_for(investigator_b).get(url), 404)
    assert_problem(client_for(investigator_b).post(url, body), 404)
    assert client_for(analyst).get(url).status_code == 200
    assert_problem(client_for(analyst).post(url, body), 403)
    assert AssetAgreement.objects.count() == 1


@pytest.mark.django_db
def test_a_pending_claim_blocks_confiscation_and_an_upheld_one_reduces_the_return(client_for, investigator_a):
    asset = make_asset(case=make_case(lead=investigator_a))
    asset_transition(asset=asset, to_status=S.FROZEN, actor=investigator_a, amount="1000.00")
    claim = claim_create(
        actor=investigator_a, asset=asset, claimant="A bona fide buyer", basis="Bought", filed_on=D(2024, 4, 1)
    )
    client = client_for(investigator_a)
    url = f"/api/v1/assets/{asset.pk}/transitions/"
    order = {"court": "Zurich District Court", "decided_on": "2025-05-20"}
    usd = {"amount": "1000.00", "currency": "USD"}
    blocked = client.post(url, {"to_status": "confiscated", "amount": usd, "new_court_decision": order})
    assert "A bona fide buyer" in assert_problem(blocked, 400)["detail"]
    assert not CourtDecision.objects.exists()
    claim_decide(actor=investigator_a, claim=claim, status="upheld", decided_on=D(2024, 9, 1), upheld_amount="400.00")
    confiscated = client.post(url, {"to_status": "confiscated", "amount": usd, "new_court_decision": order})
    assert confiscated.status_code == 200, confiscated.content
    assert confiscated.json()["amounts"]["upheld_claims"] == {"amount": "400.00", "currency": "USD"}
    assert confiscated.json()["amounts"]["returnable"] == {"amount": "600.00", "currency": "USD"}
    too_much = client.post(url, {"to_status": "returned", "amount": {"amount": "600.01", "currency": "USD"}})
    assert "upheld" in assert_problem(too_much, 422)["detail"]
    ok = client.post(url, {"to_status": "returned", "amount": {"amount": "600.00", "currency": "USD"}})
    assert ok.status_code == 200 and ok.json()["amounts"]["partially_returned"] is True


@pytest.mark.django_db
def test_the_confiscation_records_its_court_decision_and_the_request(client_for, investigator_a):
    asset = make_asset(case=make_case(lead=investigator_a))
    request = make_request(case=asset.case, assets=[asset])
    response = client_for(investigator_a).post(
        f"/api/v1/assets/{asset.pk}/transitions/",
        {
            "to_status": "confiscated",
            "amount": {"amount": "700.00", "currency": "USD"},
            "request": request.pk,
            "new_court_decision": {
                "court": "Zurich District Court",
                "decided_on": "2025-05-20",
                "reference": "DG250123",
                "conviction_based": False,
            },
        },
    )
    assert response.status_code == 200, response.content
    decision = CourtDecision.objects.get(asset=asset)
    assert (decision.kind, decision.reference, decision.conviction_based, str(decision.amount.amount)) == (
        "confiscation",
        "DG250123",
        False,
        "700.00",
    )
    step = AssetStatusChange.objects.filter(asset=asset).last()
    assert (step.court_decision, step.request) == (decision, request)


@pytest.mark.django_db
def test_another_units_request_or_decision_is_400_and_reveals_nothing(client_for, investigator_a, investigator_b):
    asset = make_asset(case=make_case(lead=investigator_a))
    other_asset = make_asset(case=make_case(lead=investigator_b))
    other_request = make_request(case=other_asset.case)
    other_decision = CourtDecision.objects.create(
        asset=other_asset, kind="confiscation", court="Secret court", country="CH", decided_on=D(2024, 5, 1)
    )
    client = client_for(investigator_a)
    url = f"/api/v1/assets/{asset.pk}/transitions/"
    usd = {"amount": "10.00", "currency": "USD"}
    answers = []
    for field, real_id in (("request", other_request.pk), ("court_decision", other_decision.pk)):
        for pk in (real_id, 987654321):  # another unit's record, and none at all
            response = client.post(url, {"to_status": "frozen", "amount": usd, field: pk})
            body = assert_problem(response, 400)
            assert field in body["errors"]
            answers.append(str(body["errors"][field]).replace(str(pk), "ID"))
    assert answers[0] == answers[1] and answers[2] == answers[3]  # the same words for both
    asset.refresh_from_db()
    assert asset.status == S.IDENTIFIED and asset.timeline.count() == 1
    # Same unit, another case: also refused, by the service.
    same_unit = make_request(case=make_case(lead=investigator_a))
    response = client.post(url, {"to_status": "frozen", "amount": usd, "request": same_unit.pk})
    assert "request" in assert_problem(response, 400)["errors"]
    assert asset.timeline.count() == 1


@pytest.mark.django_db
def test_the_asset_records_the_request_that_identified_it(client_for, investigator_a, investigator_b):
    case = make_case(lead=investigator_a)
    request = make_request(case=case)
    client = client_for(investigator_a)
    body = {
        "case": case.pk,
        "kind": "bank_account",
        "description": "Account found in the Swiss reply",
        "location_country": "CH",
        "currency": "USD",
        "identified_on": "2024-03-01",
    }
    created = client.post("/api/v1/assets/", {**body, "identified_by_request": request.pk})
    assert created.status_code == 201, created.content
    assert created.json()["identified_by_request"] == request.pk
    other = make_request(case=make_case(lead=investigator_b))
    refused = client.post("/api/v1/assets/", {**body, "identified_by_request": other.pk})
    assert "identified_by_request" in assert_problem(refused, 400)["errors"]
    assert Asset.objects.filter(case=case).count() == 1
