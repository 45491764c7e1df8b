"""Once sent, a request keeps its country, legal basis and measures; its foreign reference,
summary and urgency can still be edited, even if the instrument's scope has changed since."""

import datetime

import pytest

from mla_requests.models import Request
from mla_requests.services import request_send, request_update
from recovery.errors import InvalidInput
from tests.factories import AssistanceMeasureFactory, LegalInstrumentFactory, make_case, make_request


@pytest.fixture
def sent(investigator_a):
    freezing = AssistanceMeasureFactory(code="freezing")
    treaty = LegalInstrumentFactory(code="treaty", measures=[freezing])
    request = make_request(case=make_case(lead=investigator_a), legal_basis=treaty, measures=[freezing])
    return request_send(request=request, actor=investigator_a, sent_on=datetime.date(2025, 1, 10))


@pytest.mark.django_db
def test_the_foreign_reference_and_summary_can_be_edited(sent, investigator_a):
    updated = request_update(
        request=sent, actor=investigator_a, foreign_reference="BJ-2025-0042", summary="Updated", urgency="urgent"
    )
    updated = Request.objects.get(pk=updated.pk)
    assert (updated.foreign_reference, updated.summary, updated.urgency) == ("BJ-2025-0042", "Updated", "urgent")
    assert updated.status == Request.Status.SENT


@pytest.mark.django_db
def test_a_scope_corrected_after_sending_does_not_block_edits(sent, investigator_a):
    sent.legal_basis.measures.clear()
    updated = request_update(request=sent, actor=investigator_a, foreign_reference="BJ-2025-0042")
    assert Request.objects.get(pk=updated.pk).foreign_reference == "BJ-2025-0042"


@pytest.mark.django_db
def test_the_country_stays_as_sent(sent, investigator_a):
    with pytest.raises(InvalidInput, match="stay as sent"):
        request_update(request=sent, actor=investigator_a, country="DE")
    assert Request.objects.get(pk=sent.pk).country.code == "CH"
