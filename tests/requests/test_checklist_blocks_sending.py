"""A request is not sent while a mandatory item of its legal basis's checklist is unanswered,
unless an override reason is given; the reason goes on the timeline row."""

import datetime

import pytest

from mla_requests.models import ChecklistAnswer, Request
from mla_requests.services import missing_requirements, request_answer_checklist, request_send
from recovery.errors import InvalidInput, RequirementsMissing
from tests.factories import (
    AssistanceMeasureFactory,
    LegalInstrumentFactory,
    RequirementFactory,
    make_case,
    make_request,
)

SENT_ON = datetime.date(2025, 5, 5)


@pytest.fixture
def treaty(db):
    measure = AssistanceMeasureFactory(code="freezing")
    instrument = LegalInstrumentFactory(code="treaty-uk", name_en="UK treaty", measures=[measure])
    RequirementFactory(instrument=instrument, code="authority", name_en="Name of the requesting authority")
    RequirementFactory(instrument=instrument, code="facts", name_en="Summary of the facts")
    RequirementFactory(instrument=instrument, code="identity", name_en="Identity of the persons", mandatory=False)
    return instrument


@pytest.fixture
def draft(treaty, investigator_a):
    return make_request(case=make_case(lead=investigator_a), legal_basis=treaty, measures=list(treaty.measures.all()))


def state(request):
    fresh = Request.objects.get(pk=request.pk)
    return (fresh.status, fresh.version, fresh.timeline.count(), fresh.sent_on, fresh.response_due)


@pytest.mark.django_db
def test_the_draft_gets_one_unanswered_row_per_required_item(draft):
    assert sorted(draft.checklist.values_list("requirement__code", "satisfied")) == [
        ("authority", False),
        ("facts", False),
        ("identity", False),
    ]


@pytest.mark.django_db
def test_sending_with_a_mandatory_item_unanswered_is_refused_and_changes_nothing(draft, investigator_a):
    request_answer_checklist(request=draft, actor=investigator_a, answers={"authority": True})
    before = state(draft)

    with pytest.raises(RequirementsMissing) as excinfo:
        request_send(request=draft, actor=investigator_a, sent_on=SENT_ON)

    assert "Summary of the facts" in str(excinfo.value)
    assert "Name of the requesting authority" not in str(excinfo.value)
    assert [r.code for r in excinfo.value.missing] == ["facts"]
    assert state(draft) == before
    assert before[0] == Request.Status.DRAFT and before[3] is None


@pytest.mark.django_db
def test_optional_items_do_not_block(draft, investigator_a):
    request_answer_checklist(request=draft, actor=investigator_a, answers={"authority": True, "facts": (True, "p. 2")})
    assert missing_requirements(draft) == []
    sent = request_send(request=draft, actor=investigator_a, sent_on=SENT_ON)
    assert sent.status == Request.Status.SENT
    assert sent.timeline.last().override_reason == ""
    assert ChecklistAnswer.objects.get(request=draft, requirement__code="facts").note == "p. 2"


@pytest.mark.django_db
def test_an_override_reason_lets_it_through_and_is_recorded(draft, investigator_a):
    reason = "Urgent freezing: the facts follow by diplomatic note"
    sent = request_send(request=draft, actor=investigator_a, sent_on=SENT_ON, override_reason=reason)
    assert sent.status == Request.Status.SENT
    row = sent.timeline.last()
    assert (row.to_status, row.override_reason) == ("sent", reason)


@pytest.mark.django_db
def test_a_blank_override_reason_is_no_reason(draft, investigator_a):
    before = state(draft)
    with pytest.raises(RequirementsMissing):
        request_send(request=draft, actor=investigator_a, sent_on=SENT_ON, override_reason="   ")
    assert state(draft) == before


@pytest.mark.django_db
def test_an_override_that_sets_nothing_aside_is_not_recorded(draft, investigator_a):
    request_answer_checklist(request=draft, actor=investigator_a, answers={"authority": True, "facts": True})
    sent = request_send(request=draft, actor=investigator_a, sent_on=SENT_ON, override_reason="Just in case")
    assert sent.timeline.last().override_reason == ""


@pytest.mark.django_db
def test_unticking_an_item_blocks_again(draft, investigator_a):
    request_answer_checklist(request=draft, actor=investigator_a, answers={"authority": True, "facts": True})
    request_answer_checklist(request=draft, actor=investigator_a, answers={"facts": False})
    with pytest.raises(RequirementsMissing):
        request_send(request=draft, actor=investigator_a, sent_on=SENT_ON)


@pytest.mark.django_db
def test_an_item_of_another_instrument_is_refused(draft, investigator_a):
    with pytest.raises(InvalidInput, match="not-an-item"):
        request_answer_checklist(request=draft, actor=investigator_a, answers={"not-an-item": True})


@pytest.mark.django_db
def test_the_checklist_is_fixed_once_sent(draft, investigator_a):
    request_send(request=draft, actor=investigator_a, sent_on=SENT_ON, override_reason="Urgent")
    with pytest.raises(InvalidInput, match="fixed once the request is sent"):
        request_answer_checklist(request=draft, actor=investigator_a, answers={"facts": True})
    assert not ChecklistAnswer.objects.get(request=draft, requirement__code="facts").satisfied
