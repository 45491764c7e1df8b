"""While the requested state waits for our additional information, the scan reminds the investigator
of our own deadline (and escalates it to the supervisors) instead of the foreign answer's, until the
information is recorded as sent."""

import datetime

import pytest
from django.core import mail

from mla_requests.models import ReminderDelivery, Request
from mla_requests.reminder_services import deliver_reminder, scan_reminders
from mla_requests.services import request_send_supplementary, request_transition
from recovery.models import Notification
from tests.reminders.conftest import at, deliveries, send_request

D = datetime.date
S = Request.Status
pytestmark = pytest.mark.django_db

ASKED_ON = D(2025, 2, 1)
OUR_DEADLINE = D(2025, 3, 3)  # 30 days after the information was asked for


def run_scan(day):
    now = at(day)
    result = scan_reminders(now=now)
    return [deliver_reminder(pk, now=now) for pk in result.to_deliver]


@pytest.fixture
def waiting_for_us(investigator_a, settings):
    """Answer due 10 February 2025 (so its own countdown would come in the same weeks); on 1
    February Switzerland asks for more information, which we owe by 3 March."""
    settings.SUPPLEMENTARY_INFO_DAYS = 30
    request = send_request(investigator=investigator_a, sent_on=D(2025, 1, 10), response_due=D(2025, 2, 10))
    return request_transition(request=request, to_status=S.INFO_REQUESTED, actor=investigator_a, effective_on=ASKED_ON)


def test_our_deadline_is_reminded_before_on_and_after_it(waiting_for_us, investigator_a):
    for day in (D(2025, 2, 16), D(2025, 2, 17), D(2025, 2, 28), D(2025, 3, 3), D(2025, 3, 17)):
        run_scan(day)
    rows = deliveries()
    assert [(r.stage, r.deadline, r.recipient, r.status) for r in rows] == [
        (stage, OUR_DEADLINE, investigator_a, ReminderDelivery.Status.SENT)
        for stage in (
            "supplementary-before-14",
            "supplementary-before-3",
            "supplementary-due",
            "supplementary-overdue-14",
        )
    ]
    # None of the foreign answer's stages (its deadline, 10 February, passed meanwhile).
    assert not ReminderDelivery.objects.exclude(stage__startswith="supplementary-").exists()
    assert [m.to for m in mail.outbox] == [[investigator_a.email]] * 4
    overdue = Notification.objects.filter(recipient=investigator_a).latest("pk")
    assert "additional information" in overdue.title and "days overdue: 14" in overdue.title
    assert overdue.link == f"/admin/requests/request/{waiting_for_us.pk}/change/"


def test_escalation_goes_to_the_supervisors(waiting_for_us, investigator_a, supervisor_a):
    run_scan(D(2025, 4, 2))  # 30 days after our deadline
    assert {(r.stage, r.recipient) for r in deliveries()} == {
        ("supplementary-overdue-28", investigator_a),
        ("supplementary-escalated", supervisor_a),
    }
    assert "supervisor" in Notification.objects.get(recipient=supervisor_a).body


def test_a_deadline_the_investigator_set_is_the_one_reminded(investigator_a):
    request = send_request(investigator=investigator_a, sent_on=D(2025, 1, 10), response_due=D(2025, 4, 10))
    request_transition(
        request=request,
        to_status=S.INFO_REQUESTED,
        actor=investigator_a,
        effective_on=ASKED_ON,
        supplementary_due=D(2025, 2, 14),
    )
    run_scan(D(2025, 2, 11))
    [row] = deliveries()
    assert (row.stage, row.deadline) == ("supplementary-before-3", D(2025, 2, 14))


def test_no_more_reminders_once_the_information_is_sent(waiting_for_us, investigator_a):
    run_scan(D(2025, 2, 17))
    assert [r.stage for r in deliveries()] == ["supplementary-before-14"]
    request_send_supplementary(request=waiting_for_us, actor=investigator_a, sent_on=D(2025, 2, 20))
    for day in (D(2025, 2, 28), D(2025, 3, 3), D(2025, 3, 17), D(2025, 4, 2)):
        run_scan(day)
    # Our deadline's reminders stopped; the foreign answer's (due 10 February) came back.
    assert [r.stage for r in deliveries(stage__startswith="supplementary-")] == ["supplementary-before-14"]
    answer = [(r.stage, r.deadline) for r in deliveries() if not r.stage.startswith("supplementary-")]
    assert answer[0] == ("overdue-14", D(2025, 2, 10))


def test_one_planned_but_not_yet_sent_is_cancelled(waiting_for_us, investigator_a):
    result = scan_reminders(now=at(D(2025, 3, 3)))
    request_send_supplementary(request=waiting_for_us, actor=investigator_a, sent_on=D(2025, 3, 3))
    assert [deliver_reminder(pk, now=at(D(2025, 3, 3))) for pk in result.to_deliver] == ["cancelled"]
    assert not mail.outbox


def test_the_scan_plans_each_supplementary_stage_once(waiting_for_us):
    run_scan(D(2025, 3, 3))
    run_scan(D(2025, 3, 3))
    scan_reminders(now=at(D(2025, 3, 4)))
    assert [r.stage for r in deliveries()] == ["supplementary-due"]
