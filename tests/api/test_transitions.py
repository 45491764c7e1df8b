"""Status changes POSTed to /{id}/transitions/, with the same rules and messages as the admin."""

import pytest

from mla_requests.services import request_send
from recovery.errors import TransitionNotAllowed
from tests.api.conftest import assert_problem


@pytest.mark.django_db
def test_case_transition_and_timeline(client_for, investigator_a, case_a):
    client = client_for(investigator_a)
    response = client.post(
        f"/api/v1/cases/{case_a.pk}/transitions/",
        {"to_status": "in_court", "effective_on": "2024-06-01", "note": "Indictment approved"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_court"
    timeline = client.get(f"/api/v1/cases/{case_a.pk}/timeline/").json()
    assert [(r["from_status"], r["to_status"]) for r in timeline] == [("", "open"), ("open", "in_court")]
    assert timeline[1]["effective_on"] == "2024-06-01" and timeline[1]["note"] == "Indictment approved"
    assert timeline[1]["recorded_by_id"] == investigator_a.pk


@pytest.mark.django_db
def test_a_refused_transition_has_the_admins_message(client_for, investigator_a, request_a):
    from mla_requests.services import request_transition

    try:
        request_transition(request=request_a, to_status="executed", actor=investigator_a)
    except TransitionNotAllowed as exc:
        admin_message = str(exc)
    response = client_for(investigator_a).post(
        f"/api/v1/requests/{request_a.pk}/transitions/", {"to_status": "executed"}
    )
    body = assert_problem(response, 409)
    assert body["code"] == "transition_not_allowed"
    assert body["detail"] == admin_message
    request_a.refresh_from_db()
    assert request_a.status == "draft" and request_a.timeline.count() == 1


@pytest.mark.django_db
def test_an_unknown_target_status_is_400(client_for, investigator_a, case_a):
    response = client_for(investigator_a).post(f"/api/v1/cases/{case_a.pk}/transitions/", {"to_status": "lost"})
    assert "to_status" in assert_problem(response, 400)["errors"]


@pytest.mark.django_db
def test_an_amount_is_not_a_case_transition_field(client_for, investigator_a, case_a):
    response = client_for(investigator_a).post(
        f"/api/v1/cases/{case_a.pk}/transitions/",
        {"to_status": "suspended", "amount": {"amount": "1", "currency": "USD"}},
    )
    assert "amount" in assert_problem(response, 400)["errors"]


@pytest.mark.django_db
def test_a_future_effective_date_is_refused(client_for, investigator_a, case_a):
    response = client_for(investigator_a).post(
        f"/api/v1/cases/{case_a.pk}/transitions/", {"to_status": "suspended", "effective_on": "2999-01-01"}
    )
    assert "effective_on" in assert_problem(response, 400)["errors"]


@pytest.mark.django_db
def test_refusal_needs_grounds(client_for, investigator_a, request_a):
    request_send(request=request_a, actor=investigator_a)
    client = client_for(investigator_a)
    url = f"/api/v1/requests/{request_a.pk}/transitions/"
    assert "refusal_grounds" in assert_problem(client.post(url, {"to_status": "refused"}), 400)["errors"]
    ok = client.post(url, {"to_status": "refused", "refusal_grounds": "Dual criminality not met"})
    assert ok.status_code == 200, ok.content
    assert ok.json()["refusal_grounds"] == "Dual criminality not met"


@pytest.mark.django_db
def test_asset_freeze_confiscate_return_with_amounts(client_for, investigator_a, asset_a):
    client = client_for(investigator_a)
    url = f"/api/v1/assets/{asset_a.pk}/transitions/"
    no_amount = client.post(url, {"to_status": "frozen"})
    assert assert_problem(no_amount, 422)["errors"]["amount"]
    wrong_currency = client.post(url, {"to_status": "frozen", "amount": {"amount": "100.00", "currency": "EUR"}})
    assert assert_problem(wrong_currency, 422)["code"] == "invalid_amount"
    frozen = client.post(url, {"to_status": "frozen", "amount": {"amount": "1000000.00", "currency": "USD"}})
    assert frozen.json()["frozen_amount"] == {"amount": "1000000.00", "currency": "USD"}
    order = {"court": "Zurich District Court", "decided_on": "2024-05-20", "conviction_based": True}
    no_decision = client.post(url, {"to_status": "confiscated", "amount": {"amount": "900000.00", "currency": "USD"}})
    assert assert_problem(no_decision, 400)["errors"]["new_court_decision"]
    too_much = client.post(
        url,
        {
            "to_status": "confiscated",
            "amount": {"amount": "2000000.00", "currency": "USD"},
            "new_court_decision": order,
        },
    )
    assert assert_problem(too_much, 422)["errors"]["amount"]
    overridden = client.post(
        url,
        {
            "to_status": "confiscated",
            "amount": {"amount": "2000000.00", "currency": "USD"},
            "override_reason": "Value-based confiscation order",
            "new_court_decision": order,
        },
    )
    assert overridden.status_code == 200, overridden.content
    returned = client.post(url, {"to_status": "returned", "amount": {"amount": "500000.00", "currency": "USD"}})
    assert returned.json()["returned_amount"] == {"amount": "500000.00", "currency": "USD"}
    timeline = client.get(f"/api/v1/assets/{asset_a.pk}/timeline/").json()
    assert timeline[2]["override_reason"] == "Value-based confiscation order"
    assert timeline[3]["amount"] == {"amount": "500000.00", "currency": "USD"}


@pytest.mark.django_db
def test_another_units_record_cannot_transition(client_for, investigator_b, case_a):
    response = client_for(investigator_b).post(f"/api/v1/cases/{case_a.pk}/transitions/", {"to_status": "closed"})
    assert_problem(response, 404)
