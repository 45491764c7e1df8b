"""The timeline row and the status change are one transaction: when a service's own rule refuses
the move, neither the status nor the timeline changes (nor the derived fields)."""

import datetime

import pytest
from auditlog.models import LogEntry

from assets.models import Asset
from assets.services import asset_transition
from cases.models import Case
from cases.services import case_transition
from mla_requests.models import Request
from mla_requests.services import request_send, request_transition
from recovery.errors import DomainError, InvalidAmount, InvalidInput, VersionConflict
from tests.factories import make_asset, make_case, make_request


def snapshot(obj, *fields):
    fresh = type(obj).objects.get(pk=obj.pk)
    return (fresh.status, fresh.version, fresh.timeline.count(), *(getattr(fresh, f) for f in fields))


@pytest.mark.django_db
def test_closing_a_case_before_it_opened_changes_nothing(investigator_a):
    case = make_case(lead=investigator_a, opened_on=datetime.date(2024, 1, 15))
    before = snapshot(case, "closed_on")
    logs = LogEntry.objects.count()
    with pytest.raises(InvalidInput, match="cannot close before it was opened"):
        case_transition(
            case=case, to_status=Case.Status.CLOSED, actor=investigator_a, effective_on=datetime.date(2024, 1, 1)
        )
    assert snapshot(case, "closed_on") == before
    assert LogEntry.objects.count() == logs


@pytest.mark.django_db
def test_a_confiscation_above_the_frozen_amount_changes_nothing(investigator_a):
    asset = make_asset(case=make_case(lead=investigator_a))
    asset_transition(asset=asset, to_status=Asset.Status.FROZEN, actor=investigator_a, amount="100.00")
    before = snapshot(asset, "frozen_amount", "confiscated_amount")
    with pytest.raises(InvalidAmount):
        asset_transition(asset=asset, to_status=Asset.Status.CONFISCATED, actor=investigator_a, amount="100.01")
    assert snapshot(asset, "frozen_amount", "confiscated_amount") == before


@pytest.mark.django_db
def test_an_answer_dated_before_sending_changes_nothing(investigator_a):
    request = make_request(case=make_case(lead=investigator_a))
    request_send(request=request, actor=investigator_a, sent_on=datetime.date(2025, 3, 1))
    before = snapshot(request, "acknowledged_on", "answered_on")
    with pytest.raises(InvalidInput, match="cannot precede the sending date"):
        request_transition(
            request=request,
            to_status=Request.Status.EXECUTED,
            actor=investigator_a,
            effective_on=datetime.date(2025, 2, 1),
        )
    assert snapshot(request, "acknowledged_on", "answered_on") == before


@pytest.mark.django_db
def test_a_future_effective_date_changes_nothing(investigator_a):
    case = make_case(lead=investigator_a)
    before = snapshot(case)
    with pytest.raises(InvalidInput, match="future"):
        case_transition(
            case=case,
            to_status=Case.Status.SUSPENDED,
            actor=investigator_a,
            effective_on=datetime.date.today() + datetime.timedelta(days=400),
        )
    assert snapshot(case) == before


@pytest.mark.django_db
def test_a_stale_version_changes_nothing(investigator_a):
    case = make_case(lead=investigator_a)
    case_transition(case=case, to_status=Case.Status.SUSPENDED, actor=investigator_a)
    before = snapshot(case)
    with pytest.raises(VersionConflict):
        case_transition(case=case, to_status=Case.Status.OPEN, actor=investigator_a, expected_version=1)
    assert snapshot(case) == before


@pytest.mark.django_db
def test_an_unknown_status_is_refused_with_its_name(investigator_a):
    case = make_case(lead=investigator_a)
    before = snapshot(case)
    with pytest.raises(DomainError, match="archived"):
        case_transition(case=case, to_status="archived", actor=investigator_a)
    assert snapshot(case) == before
