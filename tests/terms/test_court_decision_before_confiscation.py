"""Where the legal basis requires a court decision (the UK treaty; UNCAC art. 55(1)(b); UNTOC;
the 1988 Vienna Convention) a request to confiscate is sent only with a certified copy of the court
decision in the case file (linked to the request or to one of its checklist items), unless an
override reason is given (kept on the timeline). Other measures, and bases without the term (the
US treaty), do not need it."""

import pytest
from django.contrib.messages import get_messages
from rest_framework.test import APIClient

from documents.models import Document
from mla_requests import case_file
from mla_requests.models import Request
from mla_requests.services import request_send
from recovery.errors import RequirementsMissing
from tests.terms.conftest import SENT_ON, answer_all, attach, attach_letter_and_translation, state

DECISION = "A certified copy of the court decision on confiscation"


@pytest.fixture
def uk_confiscation(draft):
    request = draft("mlat-kz-gb", "GB", ["confiscate_assets"])
    answer_all(request)
    attach_letter_and_translation(request)
    return request


@pytest.mark.django_db
def test_refused_without_the_certified_decision_and_nothing_changes(uk_confiscation, investigator_a):
    before = state(uk_confiscation)
    with pytest.raises(RequirementsMissing) as excinfo:
        request_send(request=uk_confiscation, actor=investigator_a, sent_on=SENT_ON)
    assert DECISION in str(excinfo.value)
    assert excinfo.value.documents == [case_file.COURT_DECISION]
    assert state(uk_confiscation) == before


@pytest.mark.django_db
def test_sent_once_the_certified_decision_is_in_the_case_file(uk_confiscation, investigator_a):
    attach(uk_confiscation, Document.Kind.CERTIFIED_COURT_DECISION, title="Verdict of the Almaty court")
    assert case_file.documents_missing_before_sending(uk_confiscation) == []
    sent = request_send(request=uk_confiscation, actor=investigator_a, sent_on=SENT_ON)
    assert sent.status == Request.Status.SENT
    assert sent.timeline.last().override_reason == ""


@pytest.mark.django_db
def test_a_decision_provided_through_a_checklist_item_counts(uk_confiscation, investigator_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents.services import document_add
    from tests.documents.conftest import pdf_bytes

    item = uk_confiscation.checklist.get(requirement__code="court_decision_copy")
    document_add(
        actor=investigator_a,
        case=uk_confiscation.case,
        kind=Document.Kind.CERTIFIED_COURT_DECISION,
        title="Confiscation order, certified",
        checklist_item=item,
        file=SimpleUploadedFile("order.pdf", pdf_bytes("order"), content_type="application/pdf"),
    )
    assert request_send(request=uk_confiscation, actor=investigator_a, sent_on=SENT_ON).status == "sent"


@pytest.mark.django_db
def test_an_override_reason_sends_it_and_is_kept_on_the_timeline(uk_confiscation, investigator_a):
    reason = "The verdict is under appeal; the certified copy follows once final"
    sent = request_send(request=uk_confiscation, actor=investigator_a, sent_on=SENT_ON, override_reason=reason)
    assert sent.status == Request.Status.SENT
    assert sent.timeline.last().override_reason == reason


@pytest.mark.django_db
def test_not_needed_for_freezing_nor_under_a_basis_without_the_term(draft, investigator_a):
    freezing = draft("mlat-kz-gb", "GB", ["freeze_seize_assets"])
    assert case_file.COURT_DECISION not in dict(case_file.documents_missing_before_sending(freezing))
    us = draft("mlat-kz-us", "US", ["confiscate_assets"])
    assert not us.legal_basis.court_decision_required
    assert case_file.COURT_DECISION not in dict(case_file.documents_missing_before_sending(us))
    uncac = draft("uncac", "CH", ["confiscate_assets"])
    assert case_file.COURT_DECISION in dict(case_file.documents_missing_before_sending(uncac))


@pytest.mark.django_db
def test_the_api_refuses_with_422_names_the_document_and_lists_it_on_the_request(uk_confiscation, investigator_a):
    client = APIClient()
    client.force_authenticate(investigator_a)
    shown = client.get(f"/api/v1/requests/{uk_confiscation.pk}/").json()
    assert shown["documents_missing_before_sending"] == [DECISION]
    listed = client.get("/api/v1/requests/", {"country": "GB"}).json()["results"]
    assert [row["documents_missing_before_sending"] for row in listed] == [[DECISION]]
    url = f"/api/v1/requests/{uk_confiscation.pk}/transitions/"
    refused = client.post(url, {"to_status": "sent", "effective_on": SENT_ON.isoformat()}, format="json")
    assert refused.status_code == 422
    body = refused.json()
    assert body["code"] == "requirements_missing" and body["errors"]["documents"] == [DECISION]
    assert Request.objects.get(pk=uk_confiscation.pk).status == Request.Status.DRAFT
    reason = "Urgent: the account is being emptied"
    sent = client.post(
        url, {"to_status": "sent", "effective_on": SENT_ON.isoformat(), "override_reason": reason}, format="json"
    )
    assert sent.status_code == 200, sent.content
    assert Request.objects.get(pk=uk_confiscation.pk).timeline.last().override_reason == reason


@pytest.mark.django_db
def test_the_admin_send_action_refuses_then_accepts_with_a_reason(uk_confiscation, client, investigator_a):
    client.force_login(investigator_a)
    url = f"/admin/requests/request/{uk_confiscation.pk}/transition/sent/"
    page = client.get(url).content.decode()
    assert DECISION in page  # the override field says what is missing
    response = client.post(url, {"effective_on": SENT_ON.isoformat()})
    assert response.status_code == 200
    errors = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
    assert any(DECISION in m for m in errors)
    assert Request.objects.get(pk=uk_confiscation.pk).status == Request.Status.DRAFT
    items = {f"req_{a.requirement_id}": "on" for a in uk_confiscation.checklist.all() if a.requirement.mandatory}
    response = client.post(url, {"effective_on": SENT_ON.isoformat(), "override_reason": "Copy by courier", **items})
    assert response.status_code == 302
    request = Request.objects.get(pk=uk_confiscation.pk)
    assert request.status == Request.Status.SENT
    assert request.timeline.last().override_reason == "Copy by courier"


@pytest.mark.django_db
def test_another_units_investigator_can_neither_see_nor_send_it(uk_confiscation, investigator_b, client):
    api = APIClient()
    api.force_authenticate(investigator_b)
    url = f"/api/v1/requests/{uk_confiscation.pk}/transitions/"
    response = api.post(url, {"to_status": "sent", "override_reason": "x"}, format="json")
    assert response.status_code == 404
    assert "court" not in response.content.decode().lower()
    client.force_login(investigator_b)
    page = client.get(f"/admin/requests/request/{uk_confiscation.pk}/transition/sent/")
    assert page.status_code in (302, 403, 404)
    assert Request.objects.get(pk=uk_confiscation.pk).status == Request.Status.DRAFT
