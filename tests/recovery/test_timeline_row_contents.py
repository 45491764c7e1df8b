"""A timeline row records what changed, when it took effect, who recorded it and why."""

import datetime

import pytest
from django.utils import timezone
from djmoney.money import Money

from assets.models import Asset
from assets.services import asset_transition
from cases.models import Case
from cases.services import case_transition
from mla_requests.models import Request
from mla_requests.services import request_send, request_transition
from tests.factories import make_asset, make_case, make_request


@pytest.mark.django_db
def test_creation_writes_the_first_row_from_no_status(investigator_a):
    case = make_case(lead=investigator_a, opened_on=datetime.date(2024, 1, 15))
    first = case.timeline.get()
    assert (first.from_status, first.to_status) == ("", Case.Status.OPEN)
    assert first.effective_on == datetime.date(2024, 1, 15)
    assert first.actor == investigator_a
    assert first.actor_name == str(investigator_a)


@pytest.mark.django_db
def test_a_case_row_carries_status_date_actor_note_and_document(investigator_a):
    case = make_case(lead=investigator_a, opened_on=datetime.date(2024, 1, 15))
    before = timezone.now()
    case_transition(
        case=case,
        to_status=Case.Status.IN_COURT,
        actor=investigator_a,
        effective_on=datetime.date(2024, 6, 3),
        note="Indictment approved by the prosecutor",
        document_reference="IND-2024/117",
    )
    row = case.timeline.last()
    assert row.from_status == Case.Status.OPEN
    assert row.to_status == Case.Status.IN_COURT
    assert row.effective_on == datetime.date(2024, 6, 3)
    assert row.recorded_at >= before
    assert row.actor == investigator_a
    assert row.actor_name == str(investigator_a) and row.actor_name
    assert row.note == "Indictment approved by the prosecutor"
    assert row.document_reference == "IND-2024/117"
    assert row.amount is None
    assert row.override_reason == ""


@pytest.mark.django_db
def test_an_asset_row_carries_the_amount_in_the_asset_currency(investigator_a):
    asset = make_asset(case=make_case(lead=investigator_a), currency="CHF")
    asset_transition(
        asset=asset,
        to_status=Asset.Status.FROZEN,
        actor=investigator_a,
        amount="250000.50",
        effective_on=datetime.date(2024, 4, 2),
        note="Freezing order executed by the bank",
        document_reference="OAG SV.17.0123",
    )
    row = asset.timeline.last()
    assert (row.from_status, row.to_status) == (Asset.Status.IDENTIFIED, Asset.Status.FROZEN)
    assert row.amount == Money("250000.50", "CHF")
    assert row.effective_on == datetime.date(2024, 4, 2)
    assert row.actor == investigator_a
    assert row.note == "Freezing order executed by the bank"
    assert row.document_reference == "OAG SV.17.0123"


@pytest.mark.django_db
def test_a_request_row_carries_the_dates_of_sending_and_answer(investigator_a):
    request = make_request(case=make_case(lead=investigator_a))
    request_send(
        request=request, actor=investigator_a, sent_on=datetime.date(2025, 1, 10), document_reference="OUT-17/2025"
    )
    request_transition(
        request=request,
        to_status=Request.Status.REFUSED,
        actor=investigator_a,
        effective_on=datetime.date(2025, 2, 1),
        refusal_grounds="Political offence",
        note="Letter of the Federal Office of Justice",
    )
    sent, refused = request.timeline.all()[1:]
    assert (sent.to_status, sent.effective_on, sent.document_reference) == (
        "sent",
        datetime.date(2025, 1, 10),
        "OUT-17/2025",
    )
    assert (refused.from_status, refused.to_status, refused.effective_on) == (
        "sent",
        "refused",
        datetime.date(2025, 2, 1),
    )
    assert refused.note == "Letter of the Federal Office of Justice"


@pytest.mark.django_db
def test_a_change_recorded_by_the_system_has_no_actor(investigator_a):
    case = make_case(lead=investigator_a)
    case_transition(case=case, to_status=Case.Status.SUSPENDED, actor=None)
    row = case.timeline.last()
    assert row.actor is None and row.actor_name == ""
