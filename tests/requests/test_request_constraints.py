"""The database itself rejects bad request rows, even when the services are bypassed."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from mla_requests.models import ChecklistAnswer, Request
from mla_requests.services import request_send
from tests.factories import LegalInstrumentFactory, RequirementFactory, make_case, make_request

SENT = datetime.date(2025, 1, 10)


def rejected(action):
    with pytest.raises(IntegrityError), transaction.atomic():
        action()


@pytest.fixture
def case(investigator_a):
    return make_case(lead=investigator_a)


@pytest.fixture
def sent(case, investigator_a):
    return request_send(request=make_request(case=case), actor=investigator_a, sent_on=SENT)


@pytest.mark.django_db
def test_a_duplicate_reference_is_rejected(case, sent):
    other = make_request(case=case)
    rejected(lambda: Request.objects.filter(pk=other.pk).update(reference=sent.reference))
    assert Request.objects.filter(reference=sent.reference).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["acknowledged_on", "answered_on", "response_due"])
def test_a_date_before_sending_is_rejected(sent, field):
    rejected(lambda: Request.objects.filter(pk=sent.pk).update(**{field: SENT - datetime.timedelta(days=1)}))
    Request.objects.filter(pk=sent.pk).update(**{field: SENT})  # the same day is fine


@pytest.mark.django_db
def test_refused_without_grounds_is_rejected(sent):
    rejected(lambda: Request.objects.filter(pk=sent.pk).update(status=Request.Status.REFUSED, refusal_grounds=""))
    Request.objects.filter(pk=sent.pk).update(status=Request.Status.REFUSED, refusal_grounds="Statute of limitation")


@pytest.mark.django_db
def test_sent_without_a_sending_date_is_rejected(case):
    draft = make_request(case=case)
    rejected(lambda: Request.objects.filter(pk=draft.pk).update(status=Request.Status.SENT))
    assert Request.objects.get(pk=draft.pk).status == Request.Status.DRAFT


@pytest.mark.django_db
def test_a_duplicate_checklist_answer_is_rejected(case):
    instrument = LegalInstrumentFactory(code="with-checklist", any_other_assistance=True)
    requirement = RequirementFactory(instrument=instrument, code="facts")
    request = make_request(case=case, legal_basis=instrument)
    assert request.checklist.count() == 1
    rejected(lambda: ChecklistAnswer.objects.bulk_create([ChecklistAnswer(request=request, requirement=requirement)]))
    assert request.checklist.count() == 1
