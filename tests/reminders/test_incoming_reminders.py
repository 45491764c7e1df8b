"""Reminders of incoming requests: the executor (and on escalation the executing unit's supervisors)
is reminded before and after the execution deadline while the request is open, by the same scan,
delivery rows and guarantees as outgoing requests, under the incoming direction's own policy."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from incoming import services as incoming_services
from incoming.models import IncomingRequest
from mla_requests import reminder_schedule
from mla_requests.models import IncomingReminderSchedule, ReminderDelivery, ReminderDigest, ReminderPolicy
from mla_requests.reminder_admin import delivery_scope
from mla_requests.reminder_services import deliver_reminder, scan_reminders, send_digests
from recovery.models import Notification, NotificationPreference
from recovery.notifications import set_email_mode
from tests.factories import UserFactory, make_incoming
from tests.reminders.conftest import at, deliveries, send_request
from tests.reminders.test_concurrent_claims_postgres import run_in_threads

D = datetime.date
S = IncomingRequest.Status
INCOMING = ReminderPolicy.Direction.INCOMING
OUTGOING = ReminderPolicy.Direction.OUTGOING
RECEIVED, DUE = D(2025, 1, 10), D(2025, 4, 10)
pytestmark = pytest.mark.django_db


def receive(*, investigator, unit=None, due=DUE, country="CH"):
    """An incoming request received 10 January 2025 for `unit` (the investigator's by default), to
    be executed by `due`, registered, not yet assigned."""
    incoming = make_incoming(
        actor=investigator, unit=unit or investigator.unit, country=country, received_on=RECEIVED, requested_due=due
    )
    return incoming_services.incoming_transition(
        incoming=incoming, to_status=S.REGISTERED, actor=investigator, effective_on=RECEIVED
    )


def in_execution(*, investigator, supervisor, executor=None, **kwargs):
    """Received, registered, assigned to `executor` (the investigator) and in execution."""
    incoming = receive(investigator=investigator, **kwargs)
    incoming_services.incoming_assign(
        incoming=incoming, actor=supervisor, executor=executor or investigator, effective_on=RECEIVED
    )
    return incoming_services.incoming_transition(
        incoming=incoming, to_status=S.IN_EXECUTION, actor=investigator, effective_on=RECEIVED
    )


@pytest.fixture
def executing(investigator_a, supervisor_a):
    """In execution by investigator_a of unit A, to be executed by 10 April 2025."""
    return in_execution(investigator=investigator_a, supervisor=supervisor_a)


def run_scan(day, hour=10):
    now = at(day, hour)
    return [deliver_reminder(pk, now=now) for pk in scan_reminders(now=now).to_deliver]


def incoming_deliveries(**filters):
    return deliveries(incoming_request__isnull=False, **filters)


def test_each_stage_comes_once_on_its_day_to_the_executor(executing, investigator_a):
    outcomes = {}
    for day in (D(2025, 3, 26), D(2025, 3, 27), D(2025, 3, 28), D(2025, 4, 7), D(2025, 4, 8), D(2025, 4, 10)):
        outcomes[day] = run_scan(day)
    outcomes[D(2025, 4, 24)] = run_scan(D(2025, 4, 24))
    outcomes[D(2025, 4, 25)] = run_scan(D(2025, 4, 25))
    assert outcomes == {
        D(2025, 3, 26): [],
        D(2025, 3, 27): ["sent"],
        D(2025, 3, 28): [],
        D(2025, 4, 7): ["sent"],
        D(2025, 4, 8): [],
        D(2025, 4, 10): ["sent"],
        D(2025, 4, 24): ["sent"],
        D(2025, 4, 25): [],
    }
    rows = deliveries()
    assert [(r.stage, r.fires_on, r.deadline) for r in rows] == [
        ("before-14", D(2025, 3, 27), DUE),
        ("before-3", D(2025, 4, 7), DUE),
        ("due", DUE, DUE),
        ("overdue-14", D(2025, 4, 24), DUE),
    ]
    assert all(r.incoming_request == executing and r.request is None for r in rows)
    assert {r.recipient for r in rows} == {investigator_a}
    assert [m.to for m in mail.outbox] == [[investigator_a.email]] * 4


def test_the_message_names_the_incoming_request_and_links_to_its_page(executing, investigator_a):
    run_scan(D(2025, 3, 27))
    [message] = mail.outbox
    assert "incoming request" in message.subject and executing.reference in message.subject
    assert "Switzerland" in message.subject and "2025-04-10" in message.subject
    assert "Execution deadline: 2025-04-10" in message.body
    assert "Requesting state: Switzerland" in message.body
    path = f"/admin/incoming/incomingrequest/{executing.pk}/change/"
    assert f"https://recovery.example.org{path}" in message.body
    note = Notification.objects.get(recipient=investigator_a)
    assert note.link == path and note.title == message.subject


def test_escalation_reaches_the_executing_units_supervisors(
    investigator_a1, supervisor_a, unit_a1, unit_b, investigator_a
):
    incoming = in_execution(investigator=investigator_a1, supervisor=supervisor_a)  # executed in sub-unit A1
    sup_a1 = UserFactory(username="sup_a1", unit=unit_a1, roles=["Supervisor"])
    UserFactory(username="sup_b", unit=unit_b, roles=["Supervisor"])  # another branch: not told
    run_scan(D(2025, 5, 9))
    assert [(r.stage, r.recipient) for r in deliveries()] == [("overdue-28", investigator_a1)]
    run_scan(D(2025, 5, 10))
    run_scan(D(2025, 5, 11))
    escalated = incoming_deliveries(stage="escalated")
    assert {r.recipient for r in escalated} == {supervisor_a, sup_a1}
    assert all(r.status == ReminderDelivery.Status.SENT and r.incoming_request == incoming for r in escalated)
    assert "supervisor of the executing unit" in Notification.objects.get(recipient=sup_a1).body
    assert not Notification.objects.filter(recipient=investigator_a).exists()


def test_before_an_executor_is_named_the_units_supervisors_are_reminded(investigator_a, supervisor_a):
    incoming = receive(investigator=investigator_a)
    run_scan(D(2025, 4, 10))
    assert [(r.stage, r.recipient) for r in deliveries()] == [("due", supervisor_a)]
    # Once assigned, the executor is reminded.
    incoming_services.incoming_assign(incoming=incoming, actor=supervisor_a, executor=investigator_a)
    run_scan(D(2025, 4, 24))
    assert [(r.stage, r.recipient) for r in deliveries()] == [("due", supervisor_a), ("overdue-14", investigator_a)]


STOPS = {
    S.POSTPONED: {"note": "Awaiting a court's decision"},
    S.INFO_REQUESTED: {"note": "Account numbers needed"},
    S.EXECUTED: {},
    S.REFUSED: {"refusal_ground": IncomingRequest.RefusalGround.DUAL_CRIMINALITY},
    S.WITHDRAWN: {},
}


@pytest.mark.parametrize("to_status", list(STOPS))
def test_a_request_no_longer_open_gets_no_more_reminders(executing, investigator_a, to_status):
    assert run_scan(DUE) == ["sent"]
    assert IncomingReminderSchedule.objects.filter(pk=executing.pk).exists()
    incoming_services.incoming_transition(
        incoming=executing, to_status=to_status, actor=investigator_a, effective_on=D(2025, 4, 11), **STOPS[to_status]
    )
    assert not IncomingReminderSchedule.objects.filter(pk=executing.pk).exists()
    for day in (D(2025, 4, 24), D(2025, 5, 10), D(2025, 7, 1)):
        assert run_scan(day) == []
    assert len(mail.outbox) == 1
    # Even a schedule row written around the services plans nothing, and is dropped.
    reminder_schedule.replan(executing.pk, pending=True, table=reminder_schedule.INCOMING)
    assert run_scan(D(2025, 7, 2)) == []
    assert not IncomingReminderSchedule.objects.filter(pk=executing.pk).exists()


@pytest.mark.parametrize("to_status", [S.POSTPONED, S.INFO_REQUESTED, S.EXECUTED])
def test_a_planned_reminder_is_cancelled_if_the_request_closes_before_it_goes(executing, investigator_a, to_status):
    now = at(DUE)
    [delivery_id] = scan_reminders(now=now).to_deliver
    incoming_services.incoming_transition(
        incoming=executing, to_status=to_status, actor=investigator_a, effective_on=DUE, **STOPS[to_status]
    )
    assert deliver_reminder(delivery_id, now=now) == "cancelled"
    assert ReminderDelivery.objects.get().status == ReminderDelivery.Status.CANCELLED
    assert not mail.outbox and not Notification.objects.exists()


def test_execution_resumed_after_postponement_is_reminded_again(executing, investigator_a):
    run_scan(DUE)
    incoming_services.incoming_transition(
        incoming=executing, to_status=S.POSTPONED, actor=investigator_a, effective_on=DUE, note="A court decides first"
    )
    assert run_scan(D(2025, 4, 24)) == []
    incoming_services.incoming_transition(
        incoming=executing, to_status=S.IN_EXECUTION, actor=investigator_a, effective_on=D(2025, 5, 2)
    )
    assert run_scan(D(2025, 5, 2)) == ["sent"]
    assert [r.stage for r in deliveries()] == ["due", "overdue-14"]


def test_a_moved_execution_deadline_cancels_the_old_reminder_and_restarts_the_countdown(executing, investigator_a):
    now = at(D(2025, 3, 27))
    [delivery_id] = scan_reminders(now=now).to_deliver
    incoming_services.incoming_set_execution_due(
        incoming=executing, actor=investigator_a, execution_due=D(2025, 6, 10), reason="Agreed with Bern"
    )
    assert deliver_reminder(delivery_id, now=now) == "cancelled"
    assert run_scan(D(2025, 4, 10)) == []
    assert run_scan(D(2025, 5, 27)) == ["sent"]
    assert [(r.stage, r.deadline, r.status) for r in incoming_deliveries(status="sent")] == [
        ("before-14", D(2025, 6, 10), ReminderDelivery.Status.SENT)
    ]


def test_each_direction_has_its_own_policy(executing, investigator_a, pending_request):
    # pending_request: an outgoing request to Switzerland due 10 April 2025 too, same investigator.
    ReminderPolicy.objects.create(direction=OUTGOING, days_before="7", escalate_after_days=60)
    ReminderPolicy.objects.create(direction=INCOMING, days_before="30", escalate_after_days=5)
    ReminderPolicy.objects.create(direction=INCOMING, country="CH", overdue_every_days=3)
    ReminderPolicy.objects.create(direction=INCOMING, legal_instrument=pending_request.legal_basis, days_before="1")
    run_scan(D(2025, 3, 11))
    run_scan(D(2025, 4, 3))
    run_scan(D(2025, 4, 13))
    run_scan(D(2025, 4, 15))
    outgoing = [(r.stage, r.fires_on) for r in deliveries(request__isnull=False)]
    incoming = [(r.stage, r.fires_on) for r in deliveries(incoming_request__isnull=False)]
    # Outgoing: 7 days before (its general row, not the instrument's incoming one), then "due" and
    # not yet overdue on the 13th: every 14 days (settings), not the Swiss incoming row's 3.
    assert outgoing == [("before-7", D(2025, 4, 3)), ("due", D(2025, 4, 10))]
    # Incoming: 30 days before, overdue every 3 days (the Swiss incoming row), escalated after 5.
    assert incoming == [
        ("before-30", D(2025, 3, 11)),
        ("overdue-3", D(2025, 4, 13)),
        ("escalated", D(2025, 4, 15)),
    ]


def test_the_general_row_and_each_scope_exist_once_per_direction(pending_request):
    ReminderPolicy.objects.create(direction=OUTGOING, days_before="7")
    ReminderPolicy.objects.create(direction=INCOMING, days_before="30")
    ReminderPolicy.objects.create(direction=OUTGOING, country="CH")
    ReminderPolicy.objects.create(direction=INCOMING, country="CH")
    ReminderPolicy.objects.create(direction=OUTGOING, legal_instrument=pending_request.legal_basis)
    ReminderPolicy.objects.create(direction=INCOMING, legal_instrument=pending_request.legal_basis)
    for scope in ({}, {"country": "CH"}, {"legal_instrument": pending_request.legal_basis}):
        with pytest.raises(IntegrityError), transaction.atomic():
            ReminderPolicy.objects.create(direction=INCOMING, **scope)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderPolicy.objects.create(direction="sideways", country="DE")
    assert ReminderPolicy.objects.count() == 6


def test_an_incoming_policy_has_no_acknowledgement_to_chase():
    with pytest.raises(ValidationError) as refused:
        ReminderPolicy(direction=INCOMING, ack_chase_after_days=30).full_clean()
    assert "ack_chase_after_days" in refused.value.message_dict
    ReminderPolicy(direction=OUTGOING, ack_chase_after_days=30).full_clean()


def test_a_policy_saved_replans_incoming_requests_too(executing):
    run_scan(D(2025, 3, 1))
    assert IncomingReminderSchedule.objects.get(pk=executing.pk).next_on == D(2025, 3, 27)
    ReminderPolicy.objects.create(direction=INCOMING, days_before="45")
    assert IncomingReminderSchedule.objects.get(pk=executing.pk).next_on == IncomingReminderSchedule.REPLAN
    assert run_scan(D(2025, 3, 1)) == ["sent"]
    assert [r.stage for r in deliveries()] == ["before-45"]


def test_repeated_scans_and_deliveries_send_nothing_twice(executing):
    now = at(DUE)
    first = scan_reminders(now=now)
    second = scan_reminders(now=now)
    later = scan_reminders(now=now + datetime.timedelta(hours=3))
    assert ReminderDelivery.objects.count() == 1
    assert first.to_deliver == second.to_deliver == later.to_deliver
    assert [p.kind for p in first.planned] == [INCOMING] and not second.planned
    [delivery_id] = first.to_deliver
    assert deliver_reminder(delivery_id, now=now) == "sent"
    assert deliver_reminder(delivery_id, now=now) == "not-claimed"
    assert scan_reminders(now=now + datetime.timedelta(minutes=1)).to_deliver == []
    assert len(mail.outbox) == 1 and Notification.objects.count() == 1


def test_a_delivery_is_of_exactly_one_request_and_unique_per_key(executing, investigator_a, pending_request):
    fields = {"stage": "due", "deadline": DUE, "recipient": investigator_a, "fires_on": DUE}
    for kinds in ({}, {"request": pending_request, "incoming_request": executing}):
        with pytest.raises(IntegrityError), transaction.atomic():
            ReminderDelivery.objects.create(**kinds, **fields)
    ReminderDelivery.objects.create(incoming_request=executing, **fields)
    ReminderDelivery.objects.create(request=pending_request, **fields)  # the same key of the other kind
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderDelivery.objects.create(incoming_request=executing, **fields)
    assert ReminderDelivery.objects.count() == 2


def test_the_digest_lists_incoming_and_outgoing_reminders(executing, investigator_a, pending_request):
    set_email_mode(user=investigator_a, email_mode=NotificationPreference.EmailMode.DIGEST)
    assert sorted(run_scan(DUE, hour=7)) == ["queued", "queued"]
    assert not mail.outbox
    assert send_digests(now=at(DUE, hour=9)) == {"sent": 1, "failed": 0, "gave_up": 0}
    [digest] = mail.outbox
    assert f"/admin/incoming/incomingrequest/{executing.pk}/change/" in digest.body
    assert f"/admin/requests/request/{pending_request.pk}/change/" in digest.body
    assert ReminderDigest.objects.get().items.count() == 2


def test_the_delivery_log_shows_an_incoming_reminder_with_its_request(executing, investigator_b, supervisor_a):
    other_unit = receive(investigator=investigator_b)
    UserFactory(username="sup_b", unit=investigator_b.unit, roles=["Supervisor"])
    run_scan(DUE)
    mine = ReminderDelivery.objects.get(incoming_request=executing)
    theirs = ReminderDelivery.objects.get(incoming_request=other_unit)
    seen = set(ReminderDelivery.objects.filter(delivery_scope(supervisor_a)).values_list("pk", flat=True))
    assert seen == {mine.pk}
    seen_b = set(ReminderDelivery.objects.filter(delivery_scope(investigator_b)).values_list("pk", flat=True))
    assert seen_b == {theirs.pk}


def test_the_daily_repair_gives_an_open_incoming_request_its_row(executing):
    IncomingReminderSchedule.objects.all().delete()
    assert reminder_schedule.repair_missing() == 1
    assert IncomingReminderSchedule.objects.get(pk=executing.pk).next_on == IncomingReminderSchedule.REPLAN
    assert reminder_schedule.repair_missing() == 0


def test_an_outgoing_and_an_incoming_request_are_planned_by_one_scan(executing, investigator_a):
    outgoing = send_request(investigator=investigator_a, sent_on=D(2025, 1, 10), response_due=DUE)
    result = scan_reminders(now=at(DUE))
    assert sorted((p.kind, p.request_id, p.stage) for p in result.planned) == [
        (INCOMING, executing.pk, "due"),
        (OUTGOING, outgoing.pk, "due"),
    ]
    assert result.read == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_scans_and_deliveries_send_each_stage_once(on_postgres, investigator_a, supervisor_a):
    incoming = in_execution(investigator=investigator_a, supervisor=supervisor_a)

    def beat(day):
        def round_():
            now = at(day)
            for pk in scan_reminders(now=now).to_deliver:
                deliver_reminder(pk, now=now)

        return round_

    for day in (D(2025, 3, 27), D(2025, 4, 7), DUE):
        run_in_threads(beat(day), count=3)
    rows = ReminderDelivery.objects.filter(incoming_request=incoming)
    assert sorted(rows.values_list("stage", flat=True)) == ["before-14", "before-3", "due"]
    assert set(rows.values_list("status", flat=True)) == {ReminderDelivery.Status.SENT}
    assert len(mail.outbox) == 3
