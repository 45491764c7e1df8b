""" "Additional information requested" starts our own deadline; sending the information records it,
links its documents to the request, clears the deadline and puts the request back to waiting."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from documents import services as documents
from documents.models import Document
from mla_requests.models import ReminderSchedule, Request
from mla_requests.services import request_send_supplementary, request_transition
from recovery.errors import AccessDenied, InvalidInput, TransitionNotAllowed
from tests.documents.conftest import pdf_bytes
from tests.factories import make_case
from tests.reminders.conftest import send_request

D = datetime.date
S = Request.Status
pytestmark = pytest.mark.django_db


ASKED_ON = D(2025, 2, 1)


def ask_for_more(request, actor, *, on=ASKED_ON, **kwargs):
    return request_transition(
        request=request, to_status=S.INFO_REQUESTED, actor=actor, effective_on=on, note="Bank statements", **kwargs
    )


def add_document(actor, case, title="Supplementary letter to Switzerland", kind="supplementary_letter"):
    upload = SimpleUploadedFile("letter.pdf", pdf_bytes(title), content_type="application/pdf")
    return documents.document_add(actor=actor, case=case, kind=kind, title=title, file=upload)


@pytest.fixture
def request_a(investigator_a):
    return send_request(investigator=investigator_a, sent_on=D(2025, 1, 10), response_due=D(2025, 4, 10))


def test_the_deadline_comes_from_the_setting(request_a, investigator_a, settings):
    settings.SUPPLEMENTARY_INFO_DAYS = 21
    request = ask_for_more(request_a, investigator_a)
    request.refresh_from_db()
    assert (request.status, request.supplementary_due) == (S.INFO_REQUESTED, D(2025, 2, 22))
    assert request.timeline.latest("pk").note == "Bank statements"
    # Waiting for us is still followed by the reminder scan.
    assert ReminderSchedule.objects.filter(request=request).exists()


def test_the_investigator_sets_the_deadline(request_a, investigator_a):
    request = ask_for_more(request_a, investigator_a, supplementary_due=D(2025, 2, 15))
    assert Request.objects.get(pk=request.pk).supplementary_due == D(2025, 2, 15)


@pytest.mark.parametrize(
    "due, field_message",
    [
        (D(2025, 1, 31), "Before the day it was asked for."),  # before the day it was asked for
        (D(9999, 12, 31), "Too far away."),
    ],
)
def test_a_bad_deadline_is_refused_and_nothing_changes(request_a, investigator_a, due, field_message):
    version = Request.objects.get(pk=request_a.pk).version
    with pytest.raises(InvalidInput) as refused:
        ask_for_more(request_a, investigator_a, supplementary_due=due)
    assert [str(m) for m in refused.value.field_errors["supplementary_due"]] == [field_message]
    request = Request.objects.get(pk=request_a.pk)
    assert (request.status, request.supplementary_due, request.version) == (S.ACKNOWLEDGED, None, version)
    assert not request.timeline.filter(to_status=S.INFO_REQUESTED).exists()


def test_a_deadline_with_another_status_is_refused(request_a, investigator_a):
    with pytest.raises(InvalidInput) as refused:
        request_transition(
            request=request_a,
            to_status=S.PARTIALLY_EXECUTED,
            actor=investigator_a,
            effective_on=D(2025, 2, 1),
            supplementary_due=D(2025, 3, 1),
        )
    assert "supplementary_due" in refused.value.field_errors
    assert Request.objects.get(pk=request_a.pk).status == S.ACKNOWLEDGED


def test_the_database_refuses_a_deadline_outside_the_status(request_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Request.objects.filter(pk=request_a.pk).update(supplementary_due=D(2025, 3, 1))


def test_sending_the_information_links_documents_and_clears_the_deadline(request_a, investigator_a):
    ask_for_more(request_a, investigator_a)
    letter = add_document(investigator_a, request_a.case)
    annex = add_document(investigator_a, request_a.case, title="Bank statements", kind="execution_material")
    request = request_send_supplementary(
        request=request_a,
        actor=investigator_a,
        sent_on=D(2025, 2, 20),
        documents=[letter, annex],
        note="Sent through the central authority",
    )
    request.refresh_from_db()
    assert (request.status, request.supplementary_due) == (S.ACKNOWLEDGED, None)
    entry = request.timeline.latest("pk")
    assert (entry.from_status, entry.to_status, entry.effective_on) == (
        S.INFO_REQUESTED,
        S.ACKNOWLEDGED,
        D(2025, 2, 20),
    )
    assert "Supplementary letter to Switzerland" in entry.note and "central authority" in entry.note
    for document in (letter, annex):
        document.refresh_from_db()
        assert (document.request_id, document.request_event_id) == (request.pk, entry.pk)
    assert ReminderSchedule.objects.get(request=request).next_on == ReminderSchedule.REPLAN


def test_a_partially_executed_request_goes_back_to_partially_executed(request_a, investigator_a):
    request_transition(
        request=request_a, to_status=S.PARTIALLY_EXECUTED, actor=investigator_a, effective_on=D(2025, 1, 25)
    )
    ask_for_more(request_a, investigator_a)
    request = request_send_supplementary(request=request_a, actor=investigator_a, sent_on=D(2025, 2, 3))
    assert Request.objects.get(pk=request.pk).status == S.PARTIALLY_EXECUTED


@pytest.mark.parametrize(
    "problem",
    ["not requested", "before it was asked", "in the future", "document of another case", "of another request"],
)
def test_bad_input_is_refused_and_nothing_changes(request_a, investigator_a, problem):
    if problem != "not requested":
        ask_for_more(request_a, investigator_a)
    kwargs = {"sent_on": D(2025, 2, 20), "documents": []}
    if problem == "before it was asked":
        kwargs["sent_on"] = D(2025, 1, 31)
    elif problem == "in the future":
        kwargs["sent_on"] = datetime.date.today() + datetime.timedelta(days=3)
    elif problem == "document of another case":
        kwargs["documents"] = [add_document(investigator_a, make_case(unit=investigator_a.unit, lead=investigator_a))]
    elif problem == "of another request":
        other = send_request(
            investigator=investigator_a, case=request_a.case, sent_on=D(2025, 1, 10), response_due=D(2025, 4, 10)
        )
        document = add_document(investigator_a, request_a.case)
        documents.document_update(actor=investigator_a, document=document, request=other)
        kwargs["documents"] = [document]
    before = Request.objects.get(pk=request_a.pk)
    timeline = before.timeline.count()
    with pytest.raises(InvalidInput):
        request_send_supplementary(request=request_a, actor=investigator_a, **kwargs)
    after = Request.objects.get(pk=request_a.pk)
    assert (after.status, after.supplementary_due, after.version) == (
        before.status,
        before.supplementary_due,
        before.version,
    )
    assert after.timeline.count() == timeline
    assert not Document.objects.filter(request=request_a).exists()


def test_another_units_investigator_cannot_send_it(request_a, investigator_a, investigator_b):
    ask_for_more(request_a, investigator_a)
    with pytest.raises(AccessDenied) as refused:
        request_send_supplementary(request=request_a, actor=investigator_b, sent_on=D(2025, 2, 20))
    assert refused.value.code == "not_found"
    assert Request.objects.get(pk=request_a.pk).status == S.INFO_REQUESTED


def test_a_second_request_for_information_gets_a_new_deadline(request_a, investigator_a, settings):
    settings.SUPPLEMENTARY_INFO_DAYS = 30
    ask_for_more(request_a, investigator_a)
    request_send_supplementary(request=request_a, actor=investigator_a, sent_on=D(2025, 2, 20))
    ask_for_more(request_a, investigator_a, on=D(2025, 3, 5))
    assert Request.objects.get(pk=request_a.pk).supplementary_due == D(2025, 4, 4)
    with pytest.raises(InvalidInput):  # the second round was asked on 5 March
        request_send_supplementary(request=request_a, actor=investigator_a, sent_on=D(2025, 3, 1))


def test_leaving_the_status_otherwise_clears_the_deadline(request_a, investigator_a):
    ask_for_more(request_a, investigator_a)
    request_transition(
        request=request_a,
        to_status=S.REFUSED,
        actor=investigator_a,
        effective_on=D(2025, 2, 10),
        refusal_grounds="No answer to the request for more information",
    )
    request = Request.objects.get(pk=request_a.pk)
    assert (request.status, request.supplementary_due) == (S.REFUSED, None)
    with pytest.raises((InvalidInput, TransitionNotAllowed)):
        request_send_supplementary(request=request, actor=investigator_a, sent_on=D(2025, 2, 20))
