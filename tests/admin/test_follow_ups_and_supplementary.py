"""The request's admin page: "Record a chaser" and its history inline, the deadline for additional
information on "Record information requested", and "Supplementary information sent"."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents import services as documents
from mla_requests.models import FollowUp, Request
from mla_requests.services import follow_up_create, request_send, request_transition
from tests.documents.conftest import pdf_bytes

D = datetime.date
S = Request.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_a(desk, investigator_a):
    return request_send(request=desk.request_a, actor=investigator_a, sent_on=D(2025, 1, 10), override_reason="urgent")


@pytest.fixture
def sent_b(desk, investigator_b):
    return request_send(request=desk.request_b, actor=investigator_b, sent_on=D(2025, 1, 10), override_reason="urgent")


def letter(actor, case, title="Chaser letter to Bern"):
    upload = SimpleUploadedFile("chaser.pdf", pdf_bytes(title), content_type="application/pdf")
    return documents.document_add(actor=actor, case=case, kind="other", title=title, file=upload)


def test_record_a_chaser_from_the_request_page(sent_a, login, investigator_a):
    client = login(investigator_a)
    url = f"/admin/requests/request/{sent_a.pk}/follow-up/"
    assert url in client.get(f"/admin/requests/request/{sent_a.pk}/change/").content.decode()
    document = letter(investigator_a, sent_a.case)
    form = client.get(url).content.decode()
    assert "Chaser letter to Bern" in form  # the case file's documents are offered
    response = client.post(
        url, {"sent_on": "2025-05-12", "channel": "diplomatic", "document": document.pk, "note": "Note 12-5/77"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    [follow_up] = FollowUp.objects.all()
    assert (follow_up.request, follow_up.sent_on, follow_up.document, follow_up.created_by) == (
        sent_a,
        D(2025, 5, 12),
        document,
        investigator_a,
    )
    page = client.get(f"/admin/requests/request/{sent_a.pk}/change/").content.decode()
    assert "Chasers sent" in page and "Note 12-5/77" in page and "Diplomatic note" in page


@pytest.mark.parametrize(
    "sent_on, message",
    [
        ("2025-01-09", "A chaser cannot precede the request"),
        ("2099-01-01", "The date cannot be in the future"),
        ("9999-12-31", "The date cannot be in the future"),
    ],
)
def test_a_bad_date_is_shown_on_the_form_and_nothing_is_written(sent_a, login, investigator_a, sent_on, message):
    response = login(investigator_a).post(
        f"/admin/requests/request/{sent_a.pk}/follow-up/", {"sent_on": sent_on, "channel": "letter"}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not FollowUp.objects.exists()


def test_another_units_request_is_not_found(sent_b, login, investigator_a, analyst):
    client = login(investigator_a)
    url = f"/admin/requests/request/{sent_b.pk}/follow-up/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"sent_on": "2025-05-12", "channel": "letter"}).status_code == 404
    assert login(analyst).post(url, {"sent_on": "2025-05-12", "channel": "letter"}).status_code == 403
    assert not FollowUp.objects.exists()


def test_the_inline_is_read_only(sent_a, login, investigator_a):
    follow_up_create(request=sent_a, actor=investigator_a, sent_on=D(2025, 5, 12), channel="email")
    page = login(investigator_a).get(f"/admin/requests/request/{sent_a.pk}/change/").content.decode()
    assert "follow_ups-0-sent_on" not in page  # shown, not editable
    assert "2025" in page and "Email" in page


def test_information_requested_with_our_deadline(sent_a, login, investigator_a):
    client = login(investigator_a)
    url = f"/admin/requests/request/{sent_a.pk}/transition/info_requested/"
    assert "supplementary_due" in client.get(url).content.decode()
    response = client.post(
        url, {"effective_on": "2025-02-01", "supplementary_due": "2025-01-20", "expected_version": sent_a.version}
    )
    assert response.status_code == 200 and "cannot precede the day it was asked for" in response.content.decode()
    assert Request.objects.get(pk=sent_a.pk).status == S.SENT
    sent_a.refresh_from_db()
    response = client.post(
        url, {"effective_on": "2025-02-01", "supplementary_due": "2025-02-25", "expected_version": sent_a.version}
    )
    assert response.status_code == 302
    request = Request.objects.get(pk=sent_a.pk)
    assert (request.status, request.supplementary_due) == (S.INFO_REQUESTED, D(2025, 2, 25))
    page = client.get(f"/admin/requests/request/{sent_a.pk}/change/").content.decode()
    assert f"/admin/requests/request/{sent_a.pk}/supplementary/" in page


def test_supplementary_information_sent(sent_a, login, investigator_a):
    request_transition(request=sent_a, to_status=S.INFO_REQUESTED, actor=investigator_a, effective_on=D(2025, 2, 1))
    document = letter(investigator_a, sent_a.case, title="Supplementary letter")
    client = login(investigator_a)
    url = f"/admin/requests/request/{sent_a.pk}/supplementary/"
    response = client.post(url, {"sent_on": "2025-01-31", "documents": [document.pk]})
    assert response.status_code == 200 and "before it was asked for" in response.content.decode()
    assert Request.objects.get(pk=sent_a.pk).status == S.INFO_REQUESTED
    response = client.post(url, {"sent_on": "2025-02-14", "documents": [document.pk], "note": "By courier"})
    assert response.status_code == 302
    request = Request.objects.get(pk=sent_a.pk)
    assert (request.status, request.supplementary_due) == (S.ACKNOWLEDGED, None)
    document.refresh_from_db()
    assert document.request_id == request.pk
