"""Drafting, editing, checklist and sending of requests through the API."""

import pytest

from mla_requests.models import Request
from tests.api.conftest import assert_problem
from tests.factories import AssistanceMeasureFactory, RequirementFactory


def draft(case, basis, category, measures, **extra):
    return {
        "case": case.pk,
        "country": "CH",
        "legal_basis": basis.pk,
        "crime_category": category.pk,
        "measures": [m.pk for m in measures],
        "summary": "Proceeds moved to Geneva",
        **extra,
    }


@pytest.mark.django_db
def test_draft_a_request(client_for, investigator_a, case_a, uncac, corruption, freezing):
    response = client_for(investigator_a).post("/api/v1/requests/", draft(case_a, uncac, corruption, [freezing]))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["reference"].startswith("MLA-")
    assert body["responsible_investigator"]["id"] == investigator_a.pk
    assert Request.objects.get(pk=body["id"]).timeline.count() == 1


@pytest.mark.django_db
def test_a_measure_outside_the_scope_is_422_with_the_field(client_for, investigator_a, case_a, uncac, corruption):
    testimony = AssistanceMeasureFactory(code="testimony")
    response = client_for(investigator_a).post("/api/v1/requests/", draft(case_a, uncac, corruption, [testimony]))
    body = assert_problem(response, 422)
    assert body["code"] == "measure_outside_scope"
    assert "measures" in body["errors"]
    assert not Request.objects.exists()


@pytest.mark.django_db
def test_the_home_state_is_refused(client_for, investigator_a, case_a, uncac, corruption, freezing):
    response = client_for(investigator_a).post(
        "/api/v1/requests/", draft(case_a, uncac, corruption, [freezing], country="KZ")
    )
    assert "country" in assert_problem(response, 400)["errors"]


@pytest.mark.django_db
def test_checklist_then_send(client_for, investigator_a, request_a, uncac):
    RequirementFactory(instrument=uncac, code="facts", name_en="Summary of the facts")
    client = client_for(investigator_a)
    # The checklist follows the legal basis: answer it through the API.
    refused = client.post(f"/api/v1/requests/{request_a.pk}/transitions/", {"to_status": "sent"})
    body = assert_problem(refused, 422)
    assert body["code"] == "requirements_missing"
    answered = client.post(
        f"/api/v1/requests/{request_a.pk}/checklist/", {"answers": {"facts": {"provided": True, "note": "p. 2"}}}
    )
    assert answered.status_code == 200, answered.content
    assert answered.json()["checklist"][0]["provided"] is True
    sent = client.post(
        f"/api/v1/requests/{request_a.pk}/transitions/",
        {"to_status": "sent", "effective_on": "2025-01-10", "document_reference": "2-17/123"},
    )
    assert sent.status_code == 200, sent.content
    assert sent.json()["status"] == "sent"
    assert sent.json()["response_due"] == "2025-04-10"


@pytest.mark.django_db
def test_country_is_fixed_once_sent(client_for, investigator_a, request_a):
    from mla_requests.services import request_send

    request_send(request=request_a, actor=investigator_a)
    client = client_for(investigator_a)
    etag = client.get(f"/api/v1/requests/{request_a.pk}/")["ETag"]
    response = client.patch(f"/api/v1/requests/{request_a.pk}/", {"country": "DE"}, HTTP_IF_MATCH=etag)
    assert "country" in assert_problem(response, 400)["errors"]
    ok = client.patch(f"/api/v1/requests/{request_a.pk}/", {"foreign_reference": "B-77"}, HTTP_IF_MATCH=etag)
    assert ok.status_code == 200 and ok.json()["foreign_reference"] == "B-77"
