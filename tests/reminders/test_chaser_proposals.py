"""The reminder policy proposes chasers: once the answer is overdue by the policy's threshold the
investigator is told a chaser is due (with a link to the form that records it), and again a period
after each chaser recorded, or after the last proposal while none is."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from mla_requests import reminders
from mla_requests.models import ReminderDelivery, ReminderPolicy
from mla_requests.reminder_services import deliver_reminder, scan_reminders
from mla_requests.services import follow_up_create
from recovery.models import Notification
from tests.reminders.conftest import at, deliveries, send_request

D = datetime.date
DUE = D(2025, 4, 10)
pytestmark = pytest.mark.django_db


def run_scan(day):
    now = at(day)
    result = scan_reminders(now=now)
    return [deliver_reminder(pk, now=now) for pk in result.to_deliver]


def chasers():
    return [(r.stage, r.deadline, r.fires_on) for r in deliveries(stage__startswith="chaser-")]


@pytest.fixture
def proposing(db):
    return ReminderPolicy.objects.create(direction="outgoing", propose_chaser_after_days=21)


@pytest.fixture
def overdue_request(investigator_a):
    return send_request(investigator=investigator_a, sent_on=D(2025, 1, 10), response_due=DUE)


# --- the arithmetic, without the database -----------------------------------------------------


@pytest.mark.parametrize(
    "last_chaser, today, expected",
    [
        (None, D(2025, 4, 30), (None, D(2025, 5, 1))),  # 20 days overdue: not yet
        (None, D(2025, 5, 1), (("chaser-21", D(2025, 5, 1)), D(2025, 5, 22))),
        (None, D(2025, 5, 30), (("chaser-42", D(2025, 5, 22)), D(2025, 6, 12))),  # none recorded: again
        (D(2025, 5, 5), D(2025, 5, 25), (None, D(2025, 5, 26))),  # a chaser resets the period
        (D(2025, 5, 5), D(2025, 5, 26), (("chaser-21", D(2025, 5, 26)), D(2025, 6, 16))),
        (D(2025, 3, 1), D(2025, 5, 1), (("chaser-21", D(2025, 5, 1)), D(2025, 5, 22))),  # before the deadline
    ],
)
def test_proposal_days(last_chaser, today, expected):
    policy = reminders.Policy(propose_chaser_after_days=21)
    stage, next_day = reminders.chaser_stage_and_next_day(DUE, last_chaser, policy, today)
    assert ((stage.name, stage.fires_on) if stage else None, next_day) == expected


def test_no_threshold_no_proposal():
    assert reminders.chaser_stage_and_next_day(DUE, None, reminders.Policy(), D(2026, 1, 1)) == (None, None)


def test_working_days_count_from_the_basis():
    policy = reminders.Policy(propose_chaser_after_days=5, working_days=True)
    stage, next_day = reminders.chaser_stage_and_next_day(D(2025, 4, 11), None, policy, D(2025, 4, 18))
    # Friday 11 April + 5 working days = Friday 18 April; the next, 25 April.
    assert (stage.name, stage.fires_on, next_day) == ("chaser-5", D(2025, 4, 18), D(2025, 4, 25))


# --- the scan ---------------------------------------------------------------------------------


def test_the_investigator_is_told_a_chaser_is_due(proposing, overdue_request, investigator_a):
    run_scan(D(2025, 4, 30))
    assert chasers() == []
    run_scan(D(2025, 5, 1))
    [row] = deliveries(stage__startswith="chaser-")
    assert (row.stage, row.deadline, row.recipient, row.status) == (
        "chaser-21",
        DUE,
        investigator_a,
        ReminderDelivery.Status.SENT,
    )
    notification = Notification.objects.filter(recipient=investigator_a, title__startswith="A chaser is due").get()
    assert notification.link == f"/admin/requests/request/{overdue_request.pk}/follow-up/"
    [email] = [m for m in mail.outbox if m.subject.startswith("A chaser is due")]
    assert f"https://recovery.example.org/admin/requests/request/{overdue_request.pk}/follow-up/" in email.body
    assert "days overdue: 21" in email.subject


def test_a_recorded_chaser_puts_the_next_proposal_off_a_period(proposing, overdue_request, investigator_a):
    run_scan(D(2025, 5, 1))
    follow_up_create(request=overdue_request, actor=investigator_a, sent_on=D(2025, 5, 6), channel="letter")
    for day in (D(2025, 5, 22), D(2025, 5, 26), D(2025, 5, 27)):
        run_scan(day)
    assert chasers() == [
        ("chaser-21", DUE, D(2025, 5, 1)),
        ("chaser-21", D(2025, 5, 6), D(2025, 5, 27)),  # 21 days after the chaser, not after the proposal
    ]


def test_without_a_chaser_the_proposal_comes_again(proposing, overdue_request):
    for day in (D(2025, 5, 1), D(2025, 5, 21), D(2025, 5, 22)):
        run_scan(day)
    assert [stage for stage, _deadline, _day in chasers()] == ["chaser-21", "chaser-42"]


def test_no_policy_no_proposal(overdue_request):
    for day in (D(2025, 5, 1), D(2025, 6, 1), D(2025, 9, 1)):
        run_scan(day)
    assert chasers() == []
    assert deliveries(stage__startswith="overdue-")


def test_a_country_row_can_set_the_threshold(overdue_request, investigator_a):
    ReminderPolicy.objects.create(direction="outgoing", country="CH", propose_chaser_after_days=10)
    ReminderPolicy.objects.create(direction="outgoing", country="DE", propose_chaser_after_days=3)
    run_scan(D(2025, 4, 20))
    assert chasers() == [("chaser-10", DUE, D(2025, 4, 20))]


def test_a_proposal_planned_before_a_chaser_is_recorded_is_cancelled(proposing, overdue_request, investigator_a):
    result = scan_reminders(now=at(D(2025, 5, 1)))
    follow_up_create(request=overdue_request, actor=investigator_a, sent_on=D(2025, 4, 30), channel="email")
    outcomes = {
        ReminderDelivery.objects.get(pk=pk).stage: deliver_reminder(pk, now=at(D(2025, 5, 1)))
        for pk in result.to_deliver
    }
    assert outcomes["chaser-21"] == "cancelled"


def test_no_proposal_while_the_requested_state_waits_for_us(proposing, overdue_request, investigator_a):
    from mla_requests.services import request_transition

    request_transition(
        request=overdue_request, to_status="info_requested", actor=investigator_a, effective_on=D(2025, 4, 20)
    )
    run_scan(D(2025, 5, 1))
    assert chasers() == []


def test_an_incoming_policy_refuses_the_threshold():
    policy = ReminderPolicy(direction="incoming", propose_chaser_after_days=10)
    with pytest.raises(ValidationError) as refused:
        policy.full_clean()
    assert "propose_chaser_after_days" in refused.value.message_dict
