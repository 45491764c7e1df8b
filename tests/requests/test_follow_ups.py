"""Chasers to a requested state that has not answered, recorded through the service: what it
checks, what it writes, and who may record one."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents import services as documents
from mla_requests.models import FollowUp, ReminderSchedule, Request
from mla_requests.services import follow_up_create, request_transition
from recovery import access
from recovery.errors import AccessDenied, InvalidInput
from tests.documents.conftest import pdf_bytes
from tests.factories import make_case, make_request
from tests.reminders.conftest import send_request

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def request_a(investigator_a):
    return send_request(investigator=investigator_a, sent_on=D(2025, 1, 10), response_due=D(2025, 4, 10))


def chaser_letter(actor, case, title="Chaser to the Swiss Federal Office of Justice"):
    upload = SimpleUploadedFile("chaser.pdf", pdf_bytes(title), content_type="application/pdf")
    return documents.document_add(actor=actor, case=case, kind="other", title=title, file=upload)


def test_a_chaser_is_recorded_with_its_letter(request_a, investigator_a):
    letter = chaser_letter(investigator_a, request_a.case)
    version = Request.objects.get(pk=request_a.pk).version
    follow_up = follow_up_create(
        request=request_a,
        actor=investigator_a,
        sent_on=D(2025, 5, 12),
        channel=FollowUp.Channel.DIPLOMATIC,
        document=letter,
        note="Note verbale 12-5/77",
    )
    assert (follow_up.request, follow_up.sent_on, follow_up.channel, follow_up.created_by) == (
        request_a,
        D(2025, 5, 12),
        "diplomatic",
        investigator_a,
    )
    request = Request.objects.get(pk=request_a.pk)
    assert request.last_chaser_on == D(2025, 5, 12)
    assert request.version == version  # derived, not an edit: API clients' If-Match still holds
    entry = request.timeline.latest("pk")
    assert (entry.from_status, entry.to_status, entry.effective_on) == ("acknowledged", "acknowledged", D(2025, 5, 12))
    assert "Diplomatic note" in entry.note and "12-5/77" in entry.note
    letter.refresh_from_db()
    assert letter.request_id == request.pk
    assert ReminderSchedule.objects.get(request=request).next_on == ReminderSchedule.REPLAN


def test_an_older_chaser_recorded_later_keeps_the_newest_date(request_a, investigator_a):
    follow_up_create(request=request_a, actor=investigator_a, sent_on=D(2025, 5, 12), channel="email")
    follow_up_create(request=request_a, actor=investigator_a, sent_on=D(2025, 4, 20), channel="letter")
    assert Request.objects.get(pk=request_a.pk).last_chaser_on == D(2025, 5, 12)
    assert list(request_a.follow_ups.values_list("sent_on", flat=True)) == [D(2025, 5, 12), D(2025, 4, 20)]


@pytest.mark.parametrize(
    "problem",
    [
        "before the request was sent",
        "in the future",
        "year 9999",
        "unknown channel",
        "document of another case",
        "document of another request",
        "draft",
        "after it was closed",
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(request_a, investigator_a, problem):
    kwargs = {"request": request_a, "sent_on": D(2025, 5, 12), "channel": "letter"}
    if problem == "before the request was sent":
        kwargs["sent_on"] = D(2025, 1, 9)
    elif problem == "in the future":
        kwargs["sent_on"] = datetime.date.today() + datetime.timedelta(days=1)
    elif problem == "year 9999":
        kwargs["sent_on"] = D(9999, 12, 31)
    elif problem == "unknown channel":
        kwargs["channel"] = "pigeon"
    elif problem == "document of another case":
        kwargs["document"] = chaser_letter(investigator_a, make_case(unit=investigator_a.unit, lead=investigator_a))
    elif problem == "document of another request":
        other = make_request(case=request_a.case, actor=investigator_a)
        letter = chaser_letter(investigator_a, request_a.case)
        documents.document_update(actor=investigator_a, document=letter, request=other)
        kwargs["document"] = letter
    elif problem == "draft":
        kwargs["request"] = make_request(case=request_a.case, actor=investigator_a)
    elif problem == "after it was closed":
        request_transition(
            request=request_a, to_status=Request.Status.EXECUTED, actor=investigator_a, effective_on=D(2025, 5, 1)
        )
    timeline = request_a.timeline.count()
    with pytest.raises(InvalidInput) as refused:
        follow_up_create(actor=investigator_a, **kwargs)
    assert refused.value.field_errors
    assert not FollowUp.objects.exists()
    assert Request.objects.get(pk=request_a.pk).last_chaser_on is None
    assert request_a.timeline.count() == timeline


def test_another_units_investigator_learns_nothing(request_a, investigator_b):
    with pytest.raises(AccessDenied) as refused:
        follow_up_create(request=request_a, actor=investigator_b, sent_on=D(2025, 5, 12), channel="letter")
    assert refused.value.code == "not_found"
    assert not FollowUp.objects.exists()


def test_chasers_are_seen_as_their_request_is(request_a, investigator_a, investigator_b, supervisor_a, analyst):
    follow_up_create(request=request_a, actor=investigator_a, sent_on=D(2025, 5, 12), channel="letter")
    for user, seen in ((investigator_a, 1), (supervisor_a, 1), (analyst, 1), (investigator_b, 0)):
        assert access.readable(user, FollowUp.objects.all()).count() == seen, user
