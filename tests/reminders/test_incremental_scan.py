"""The scan reads only the requests whose schedule row is due, and still sends every reminder the
full re-plan of every pending request (the scan before the schedule) sent, on the same day, once."""

import datetime

import pytest
from django.db import transaction

from mla_requests import reminder_schedule
from mla_requests.models import Holiday, ReminderDelivery, ReminderPolicy, ReminderSchedule, Request
from mla_requests.reminder_services import deliver_reminder, scan_reminders
from mla_requests.services import request_set_response_due, request_transition
from tests.reminders.conftest import at, send_request

D = datetime.date
ONE = datetime.timedelta(days=1)
pytestmark = pytest.mark.django_db


def test_a_row_due_tomorrow_is_not_read_today_and_gets_its_reminder_tomorrow(pending_request):
    # Due 10 April, nothing delivered yet; its row says tomorrow.
    ReminderSchedule.objects.filter(pk=pending_request.pk).update(next_on=D(2025, 4, 11))
    result = scan_reminders(now=at(D(2025, 4, 10)))
    assert (result.read, result.planned) == (0, [])
    assert ReminderSchedule.objects.get(pk=pending_request.pk).next_on == D(2025, 4, 11)
    result = scan_reminders(now=at(D(2025, 4, 11)))
    assert [(p.stage, p.fires_on) for p in result.planned] == [("due", D(2025, 4, 10))]
    assert ReminderSchedule.objects.get(pk=pending_request.pk).next_on == D(2025, 4, 24)  # overdue-14


def test_the_plan_gives_each_request_read_one_next_day(pending_request, unacknowledged_request, supervisor_a):
    from mla_requests.reminder_services import _plan

    plan = _plan(today=D(2025, 5, 10))  # overdue, escalated, and one acknowledgement never came
    assert {p.stage for p in plan.planned} >= {"overdue-28", "escalated"}
    assert sorted(pk for pk, _revision, _day in plan.next_days) == sorted(
        [pending_request.pk, unacknowledged_request.pk]
    )
    assert {day for _pk, _revision, day in plan.next_days} == {D(2025, 5, 22)}  # overdue-42


def test_after_a_scan_next_on_is_the_next_firing_day(pending_request, unacknowledged_request):
    scan_reminders(now=at(D(2025, 2, 1)))
    days = dict(ReminderSchedule.objects.values_list("pk", "next_on"))
    assert days == {pending_request.pk: D(2025, 3, 27), unacknowledged_request.pk: D(2025, 2, 9)}
    # A scan the same day reads nothing; the dry run writes nothing.
    assert scan_reminders(now=at(D(2025, 2, 1), 15)).read == 0
    assert scan_reminders(now=at(D(2025, 3, 27)), dry_run=True).read == 2
    assert dict(ReminderSchedule.objects.values_list("pk", "next_on")) == days
    assert not ReminderDelivery.objects.exists()


class _Rollback(Exception):
    pass


FIRST_DAY, LAST_DAY = D(2025, 1, 10), D(2025, 8, 31)


def run_scenario(people, *, full_replan: bool):
    """Scan and deliver every day from FIRST_DAY to LAST_DAY over requests that meet every track and
    every change (acknowledgement, deadline moved either way and back, answer, policy and holiday
    changes, working days). With full_replan every row is made due before each scan: every pending
    request is planned every day, as the scan did before the schedule. Returns the deliveries and
    how many request reads the scans made; everything is rolled back."""
    investigator, _supervisor = people
    outcome = {}
    try:
        with transaction.atomic():
            req = {}
            req["plain"] = send_request(investigator=investigator, sent_on=D(2025, 1, 10), response_due=D(2025, 4, 10))
            req["unacknowledged"] = send_request(
                investigator=investigator, sent_on=D(2025, 1, 10), response_due=D(2025, 4, 10), acknowledged_on=None
            )
            req["late-ack"] = send_request(
                investigator=investigator, sent_on=D(2025, 1, 20), response_due=D(2025, 3, 1), acknowledged_on=None
            )
            req["working-days"] = send_request(
                investigator=investigator, sent_on=D(2025, 1, 10), response_due=D(2025, 4, 10)
            )
            ReminderPolicy.objects.create(legal_instrument=req["working-days"].legal_basis, working_days=True)
            req["extended"] = send_request(
                investigator=investigator, sent_on=D(2025, 1, 10), response_due=D(2025, 4, 7)
            )
            req["brought-forward"] = send_request(
                investigator=investigator, sent_on=D(2025, 1, 10), response_due=D(2025, 5, 20)
            )
            req["answered"] = send_request(
                investigator=investigator, sent_on=D(2025, 1, 10), response_due=D(2025, 3, 20)
            )
            names = {r.pk: name for name, r in req.items()}

            def events(day):
                if day == D(2025, 3, 1):
                    for holiday in (D(2025, 3, 21), D(2025, 3, 24), D(2025, 3, 25)):
                        Holiday.objects.create(day=holiday, name="Nauryz")
                if day == D(2025, 3, 15):
                    request_transition(
                        request=req["late-ack"],
                        to_status=Request.Status.ACKNOWLEDGED,
                        actor=investigator,
                        effective_on=day,
                    )
                if day == D(2025, 3, 28):
                    request_set_response_due(
                        request=req["extended"], actor=investigator, response_due=D(2025, 6, 30), reason="Extension"
                    )
                if day == D(2025, 4, 30):
                    request_set_response_due(
                        request=req["brought-forward"], actor=investigator, response_due=D(2025, 5, 6), reason="Fix"
                    )
                if day == D(2025, 6, 20):
                    request_set_response_due(
                        request=req["extended"], actor=investigator, response_due=D(2025, 4, 7), reason="Withdrawn"
                    )
                if day == D(2025, 5, 1):
                    request_transition(
                        request=req["answered"], to_status=Request.Status.EXECUTED, actor=investigator, effective_on=day
                    )
                if day == D(2025, 6, 1):
                    ReminderPolicy.objects.create(overdue_every_days=10, escalate_after_days=90)

            reads = 0
            day = FIRST_DAY
            while day <= LAST_DAY:
                events(day)
                if full_replan:
                    reminder_schedule.replan_all()
                result = scan_reminders(now=at(day))
                reads += result.read
                for pk in result.to_deliver:
                    deliver_reminder(pk, now=at(day))
                day += ONE
            outcome["deliveries"] = sorted(
                (
                    names[r.request_id],
                    r.stage,
                    r.deadline,
                    r.recipient.username,
                    r.fires_on,
                    r.status,
                    r.created_at.date(),
                )
                for r in ReminderDelivery.objects.select_related("recipient")
            )
            outcome["reads"] = reads
            raise _Rollback
    except _Rollback:
        pass
    return outcome


def test_daily_scans_send_what_the_full_replan_sends(investigator_a, supervisor_a):
    people = (investigator_a, supervisor_a)
    full = run_scenario(people, full_replan=True)
    incremental = run_scenario(people, full_replan=False)
    assert incremental["deliveries"] == full["deliveries"]
    stages = {}
    for name, stage, deadline, *_rest in full["deliveries"]:
        stages.setdefault(name, []).append((stage, deadline))
    # Exactly once per stage and deadline, every track met (the scenario is not vacuous).
    assert all(len(set(found)) == len(found) for found in stages.values())
    assert {"before-14", "before-3", "due", "overdue-14", "escalated", "ack-chase"} <= {
        stage for found in stages.values() for stage, _deadline in found
    }
    assert ("before-14", D(2025, 6, 30)) in stages["extended"]  # the extension's countdown
    assert ("overdue-70", D(2025, 4, 7)) in stages["extended"]  # ...and the old deadline once it came back
    assert ("before-3", D(2025, 5, 6)) in stages["brought-forward"]
    # Working days, with the holidays added on 1 March: before-14 of 10 April on 18 March.
    assert ("working-days", "before-14", D(2025, 4, 10), "inv_a", D(2025, 3, 18)) in [d[:5] for d in full["deliveries"]]
    assert not any(deadline > D(2025, 5, 1) for _s, deadline in stages["answered"])
    # ...reading a fraction of what the full re-plan reads.
    assert incremental["reads"] * 5 < full["reads"], (incremental["reads"], full["reads"])
