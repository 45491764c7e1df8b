"""The scan on the database: what is due, what is not, who receives it, and when it stops."""

import datetime

import pytest
from django.core import mail

from mla_requests.models import ReminderDelivery, Request
from mla_requests.reminder_services import deliver_reminder, scan_reminders
from mla_requests.services import request_transition
from recovery.models import Notification
from tests.factories import UnitFactory, UserFactory
from tests.reminders.conftest import at, deliveries, send_request

D = datetime.date
pytestmark = pytest.mark.django_db


def run_scan(day, hour=10):
    """One beat: scan, then deliver what the scan handed out."""
    now = at(day, hour)
    result = scan_reminders(now=now)
    return [deliver_reminder(pk, now=now) for pk in result.to_deliver]


def test_a_request_not_yet_due_gets_nothing(pending_request):
    assert run_scan(D(2025, 3, 26)) == []
    assert not ReminderDelivery.objects.exists()


def test_fourteen_days_before_the_investigator_is_reminded(pending_request, investigator_a):
    assert run_scan(D(2025, 3, 27)) == ["sent"]
    [row] = deliveries()
    assert (row.stage, row.deadline, row.recipient, row.status) == (
        "before-14",
        D(2025, 4, 10),
        investigator_a,
        ReminderDelivery.Status.SENT,
    )
    assert Notification.objects.get(recipient=investigator_a).title.startswith("Reminder:")
    assert [m.to for m in mail.outbox] == [[investigator_a.email]]


def test_each_stage_comes_once_on_its_day(pending_request):
    for day in (D(2025, 3, 27), D(2025, 3, 28), D(2025, 4, 7), D(2025, 4, 8), D(2025, 4, 10), D(2025, 4, 24)):
        run_scan(day)
    assert [r.stage for r in deliveries()] == ["before-14", "before-3", "due", "overdue-14"]
    assert len(mail.outbox) == 4


def test_escalation_goes_to_supervisors_of_the_unit_and_above(investigator_a1, supervisor_a, unit_a1, unit_b):
    request = send_request(
        investigator=investigator_a1, sent_on=D(2025, 1, 10), response_due=D(2025, 4, 10)
    )  # case of sub-unit A1
    UserFactory(username="sup_b", unit=unit_b, roles=["Supervisor"])  # another branch: not told
    UserFactory(username="sup_a1_gone", unit=unit_a1, roles=["Supervisor"], is_active=False)
    sup_a1 = UserFactory(username="sup_a1", unit=unit_a1, roles=["Supervisor"])
    run_scan(D(2025, 5, 9))
    assert [r.stage for r in deliveries()] == ["overdue-28"]
    run_scan(D(2025, 5, 10))
    escalated = deliveries(stage="escalated")
    assert {r.recipient.username for r in escalated} == {supervisor_a.username, sup_a1.username}
    assert all(r.status == ReminderDelivery.Status.SENT and r.request == request for r in escalated)
    assert "supervisor" in Notification.objects.get(recipient=supervisor_a).body


def test_acknowledgement_is_chased_once_when_none_came(unacknowledged_request, investigator_a):
    run_scan(D(2025, 2, 9))
    run_scan(D(2025, 2, 10))
    [row] = deliveries()
    assert (row.stage, row.deadline) == ("ack-chase", D(2025, 2, 9))
    assert "acknowledgement" in mail.outbox[0].subject


def test_an_acknowledged_request_is_not_chased(unacknowledged_request, investigator_a):
    request_transition(
        request=unacknowledged_request,
        to_status=Request.Status.ACKNOWLEDGED,
        actor=investigator_a,
        effective_on=D(2025, 2, 1),
    )
    run_scan(D(2025, 2, 20))
    assert not ReminderDelivery.objects.exists()


@pytest.mark.parametrize("to_status", [Request.Status.EXECUTED, Request.Status.WITHDRAWN, Request.Status.REFUSED])
def test_reminders_stop_when_the_request_leaves_pending(pending_request, investigator_a, to_status):
    run_scan(D(2025, 4, 10))
    assert len(mail.outbox) == 1
    request_transition(
        request=pending_request,
        to_status=to_status,
        actor=investigator_a,
        effective_on=D(2025, 4, 11),
        refusal_grounds="Dual criminality not met" if to_status == Request.Status.REFUSED else "",
    )
    for day in (D(2025, 4, 24), D(2025, 5, 10), D(2025, 7, 1)):
        assert run_scan(day) == []
    assert len(mail.outbox) == 1


def test_a_planned_reminder_is_cancelled_if_the_request_is_answered_before_it_goes(pending_request, investigator_a):
    now = at(D(2025, 4, 10))
    [delivery_id] = scan_reminders(now=now).to_deliver
    request_transition(
        request=pending_request, to_status=Request.Status.EXECUTED, actor=investigator_a, effective_on=D(2025, 4, 10)
    )
    assert deliver_reminder(delivery_id, now=now) == "cancelled"
    assert ReminderDelivery.objects.get().status == ReminderDelivery.Status.CANCELLED
    assert not mail.outbox and not Notification.objects.exists()


def test_an_inactive_responsible_investigator_is_replaced_by_the_case_lead(investigator_a, unit_a):
    other = UserFactory(username="inv_a_other", unit=unit_a, roles=["Investigator"])
    request = send_request(
        investigator=investigator_a, sent_on=D(2025, 1, 10), response_due=D(2025, 4, 10), responsible_investigator=other
    )
    other.is_active = False
    other.save()
    run_scan(D(2025, 4, 10))
    assert [r.recipient for r in deliveries()] == [request.case.lead_investigator]


def test_the_scan_reads_the_deliveries_in_a_bounded_number_of_queries(investigator_a, django_assert_max_num_queries):
    for n in range(6):
        send_request(
            investigator=investigator_a, sent_on=D(2025, 1, 10), response_due=D(2025, 4, 1) + datetime.timedelta(days=n)
        )
    UnitFactory(code="unused")
    with django_assert_max_num_queries(15):
        result = scan_reminders(now=at(D(2025, 4, 10)))
    assert len(result.planned) == 6
