"""Chasers under a request (/api/v1/requests/{id}/follow-ups/), our deadline for additional
information in the transition and the representation, and /supplementary/ to record it sent."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents import services as documents
from mla_requests.models import FollowUp, Request
from mla_requests.services import request_send, request_transition
from recovery.models import IdempotencyKey
from tests.api.conftest import assert_problem
from tests.documents.conftest import pdf_bytes
from tests.factories import make_request

D = datetime.date
S = Request.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def request_a(case_a, investigator_a, uncac, freezing):
    request = make_request(case=case_a, actor=investigator_a, legal_basis=uncac, measures=[freezing])
    request = request_send(
        request=request, actor=investigator_a, sent_on=D(2025, 1, 10), response_due=D(2025, 4, 10), override_reason="x"
    )
    return request


@pytest.fixture
def request_b(case_b, investigator_b, uncac, freezing):
    request = make_request(case=case_b, actor=investigator_b, legal_basis=uncac, measures=[freezing])
    return request_send(request=request, actor=investigator_b, sent_on=D(2025, 1, 10), override_reason="x")


def url(request):
    return f"/api/v1/requests/{request.pk}/follow-ups/"


def letter(actor, case, title="Chaser to the Swiss authority"):
    upload = SimpleUploadedFile("chaser.pdf", pdf_bytes(title), content_type="application/pdf")
    return documents.document_add(actor=actor, case=case, kind="other", title=title, file=upload)


def test_record_and_list_chasers(client_for, investigator_a, request_a):
    client = client_for(investigator_a)
    document = letter(investigator_a, request_a.case)
    body = {"sent_on": "2025-05-12", "channel": "diplomatic", "document": document.pk, "note": "Note verbale"}
    created = client.post(url(request_a), body, format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["request"], data["sent_on"], data["channel"], data["document"], data["note"]) == (
        request_a.pk,
        "2025-05-12",
        "diplomatic",
        document.pk,
        "Note verbale",
    )
    assert data["created_by"]["id"] == investigator_a.pk and data["channel_label"] == "Diplomatic note"
    client.post(url(request_a), {"sent_on": "2025-06-02", "channel": "email"}, format="json")
    listed = client.get(url(request_a))
    assert listed.status_code == 200
    assert [row["sent_on"] for row in listed.json()] == ["2025-06-02", "2025-05-12"]
    assert Request.objects.get(pk=request_a.pk).last_chaser_on == D(2025, 6, 2)


@pytest.mark.parametrize(
    "body, field",
    [
        ({"sent_on": "2025-01-09", "channel": "letter"}, "sent_on"),  # before the request was sent
        ({"sent_on": "2099-01-01", "channel": "letter"}, "sent_on"),  # in the future
        ({"sent_on": "9999-12-31", "channel": "letter"}, "sent_on"),
        ({"sent_on": "2025-05-12", "channel": "pigeon"}, "channel"),
        ({"sent_on": "2025-05-12"}, "channel"),
        ({"sent_on": "12/05/2025", "channel": "letter"}, "sent_on"),
        ({"sent_on": "2025-05-12", "channel": "letter", "created_by": 1}, "created_by"),
    ],
)
def test_bad_input_is_a_400_and_nothing_is_written(client_for, investigator_a, request_a, body, field):
    response = client_for(investigator_a).post(url(request_a), body, format="json")
    problem = assert_problem(response, 400)
    assert field in problem["errors"], problem
    assert not FollowUp.objects.exists()
    assert Request.objects.get(pk=request_a.pk).last_chaser_on is None


def test_a_document_of_another_unit_is_unknown(client_for, investigator_a, investigator_b, request_a, case_b):
    foreign = letter(investigator_b, case_b, title="Unit B's letter")
    response = client_for(investigator_a).post(
        url(request_a), {"sent_on": "2025-05-12", "channel": "letter", "document": foreign.pk}, format="json"
    )
    problem = assert_problem(response, 400)
    assert "document" in problem["errors"] and "Unit B" not in response.content.decode()
    assert not FollowUp.objects.exists()


def test_another_units_request_is_404_and_learns_nothing(client_for, investigator_a, request_b):
    client = client_for(investigator_a)
    assert_problem(client.get(url(request_b)), 404)
    response = client.post(url(request_b), {"sent_on": "2025-05-12", "channel": "letter"}, format="json")
    assert_problem(response, 404)
    assert request_b.reference not in response.content.decode()
    assert not FollowUp.objects.exists()
    assert_problem(client.get("/api/v1/requests/999999/follow-ups/"), 404)


def test_an_analyst_reads_the_chasers_but_cannot_record_one(client_for, investigator_a, analyst, request_a):
    client_for(investigator_a).post(url(request_a), {"sent_on": "2025-05-12", "channel": "letter"}, format="json")
    client = client_for(analyst)
    assert len(client.get(url(request_a)).json()) == 1
    assert_problem(client.post(url(request_a), {"sent_on": "2025-05-13", "channel": "letter"}, format="json"), 403)
    assert FollowUp.objects.count() == 1


def test_a_retry_with_the_same_idempotency_key_records_one(client_for, investigator_a, request_a):
    client = client_for(investigator_a)
    body = {"sent_on": "2025-05-12", "channel": "letter"}
    first = client.post(url(request_a), body, format="json", HTTP_IDEMPOTENCY_KEY="chaser-1")
    again = client.post(url(request_a), body, format="json", HTTP_IDEMPOTENCY_KEY="chaser-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert FollowUp.objects.count() == 1
    other = client.post(url(request_a), {**body, "channel": "email"}, format="json", HTTP_IDEMPOTENCY_KEY="chaser-1")
    assert assert_problem(other, 422)["code"] == "idempotency_key_reused"
    assert FollowUp.objects.count() == 1


def test_a_refused_chaser_does_not_burn_the_key(client_for, investigator_a, request_a):
    client = client_for(investigator_a)
    bad = {"sent_on": "2025-01-01", "channel": "letter"}
    assert_problem(client.post(url(request_a), bad, format="json", HTTP_IDEMPOTENCY_KEY="chaser-2"), 400)
    assert not IdempotencyKey.objects.exists()


# --- our deadline for additional information ----------------------------------------------------


def test_the_transition_takes_our_deadline_and_the_representation_shows_it(client_for, investigator_a, request_a):
    client = client_for(investigator_a)
    body = {"to_status": "info_requested", "effective_on": "2025-02-01", "supplementary_due": "2025-02-20"}
    response = client.post(f"/api/v1/requests/{request_a.pk}/transitions/", body, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["supplementary_due"]) == ("info_requested", "2025-02-20")
    listed = client.get("/api/v1/requests/", {"status": "info_requested"}).json()["results"]
    assert [row["supplementary_due"] for row in listed] == ["2025-02-20"]


def test_the_default_deadline_comes_from_the_setting(client_for, investigator_a, request_a, settings):
    settings.SUPPLEMENTARY_INFO_DAYS = 10
    body = {"to_status": "info_requested", "effective_on": "2025-02-01"}
    response = client_for(investigator_a).post(f"/api/v1/requests/{request_a.pk}/transitions/", body, format="json")
    assert response.json()["supplementary_due"] == "2025-02-11"


@pytest.mark.parametrize(
    "body",
    [
        {"to_status": "acknowledged", "effective_on": "2025-02-01", "supplementary_due": "2025-03-01"},
        {"to_status": "info_requested", "effective_on": "2025-02-01", "supplementary_due": "2025-01-31"},
        {"to_status": "info_requested", "effective_on": "2025-02-01", "supplementary_due": "9999-12-31"},
    ],
)
def test_a_bad_deadline_is_a_400(client_for, investigator_a, request_a, body):
    response = client_for(investigator_a).post(f"/api/v1/requests/{request_a.pk}/transitions/", body, format="json")
    assert "supplementary_due" in assert_problem(response, 400)["errors"]
    request = Request.objects.get(pk=request_a.pk)
    assert (request.status, request.supplementary_due) == (S.SENT, None)


def test_recording_the_information_sent(client_for, investigator_a, request_a):
    request_transition(request=request_a, to_status=S.INFO_REQUESTED, actor=investigator_a, effective_on=D(2025, 2, 1))
    document = letter(investigator_a, request_a.case, title="Supplementary letter")
    client = client_for(investigator_a)
    path = f"/api/v1/requests/{request_a.pk}/supplementary/"
    body = {"sent_on": "2025-02-15", "documents": [document.pk], "note": "Bank statements"}
    response = client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="supp-1")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["supplementary_due"]) == ("acknowledged", None)
    document.refresh_from_db()
    assert document.request_id == request_a.pk
    assert client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="supp-1").status_code == 200  # replayed
    again = client.post(path, body, format="json")  # nothing is requested any more
    assert "status" in assert_problem(again, 400)["errors"]
    assert Request.objects.get(pk=request_a.pk).timeline.filter(from_status=S.INFO_REQUESTED).count() == 1


def test_another_units_supplementary_is_404(client_for, investigator_a, investigator_b, request_b):
    request_transition(request=request_b, to_status=S.INFO_REQUESTED, actor=investigator_b, effective_on=D(2025, 2, 1))
    response = client_for(investigator_a).post(
        f"/api/v1/requests/{request_b.pk}/supplementary/", {"sent_on": "2025-02-15"}, format="json"
    )
    assert_problem(response, 404)
    assert Request.objects.get(pk=request_b.pk).status == S.INFO_REQUESTED
