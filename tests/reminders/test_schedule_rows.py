"""The services keep each pending request's ReminderSchedule row: due at the next scan after any
change its reminders depend on, gone when it stops waiting; policies and holidays reset every row."""

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.db import connection

from mla_requests import reminder_schedule
from mla_requests.models import Holiday, ReminderPolicy, ReminderSchedule, Request
from mla_requests.reminder_services import scan_reminders
from mla_requests.services import request_send, request_set_response_due, request_transition, request_update
from tests.factories import UserFactory, make_case, make_request
from tests.reminders.conftest import at, send_request

D = datetime.date
REPLAN = ReminderSchedule.REPLAN
pytestmark = pytest.mark.django_db


def schedule(request):
    row = ReminderSchedule.objects.filter(pk=request.pk).first()
    return None if row is None else (row.next_on, row.revision)


def scanned(request, day):
    """The request's row after a scan on `day` (no longer REPLAN: its next firing day)."""
    scan_reminders(now=at(day))
    return schedule(request)


def test_a_draft_has_no_row_and_sending_creates_one_due_at_the_next_scan(investigator_a):
    case = make_case(unit=investigator_a.unit, lead=investigator_a)
    draft = make_request(case=case, actor=investigator_a)
    assert schedule(draft) is None
    request_update(request=draft, actor=investigator_a, summary="Edited while a draft")
    assert schedule(draft) is None
    request_send(request=draft, actor=investigator_a, sent_on=D(2025, 1, 10), response_due=D(2025, 4, 10))
    assert schedule(draft) == (REPLAN, 0)


def test_the_scan_moves_the_row_and_a_moved_deadline_brings_it_back(pending_request, investigator_a):
    assert scanned(pending_request, D(2025, 2, 1))[0] == D(2025, 3, 27)  # before-14 of 10 April
    revision = schedule(pending_request)[1]
    request_set_response_due(
        request=pending_request, actor=investigator_a, response_due=D(2025, 7, 10), reason="Extension agreed"
    )
    assert schedule(pending_request) == (REPLAN, revision + 1)
    assert scanned(pending_request, D(2025, 2, 1))[0] == D(2025, 6, 26)  # before-14 of 10 July


def test_an_acknowledgement_keeps_the_row_due_again(unacknowledged_request, investigator_a):
    assert scanned(unacknowledged_request, D(2025, 1, 20))[0] == D(2025, 2, 9)  # the acknowledgement chase
    request_transition(
        request=unacknowledged_request,
        to_status=Request.Status.ACKNOWLEDGED,
        actor=investigator_a,
        effective_on=D(2025, 1, 25),
    )
    assert schedule(unacknowledged_request)[0] == REPLAN
    assert scanned(unacknowledged_request, D(2025, 1, 26))[0] == D(2025, 3, 27)  # no chase any more


def test_an_edit_of_a_pending_request_brings_its_row_back(pending_request, investigator_a):
    scanned(pending_request, D(2025, 2, 1))
    other = UserFactory(username="inv_a_next", unit=investigator_a.unit, roles=["Investigator"])
    request_update(request=pending_request, actor=investigator_a, responsible_investigator=other)
    assert schedule(pending_request)[0] == REPLAN


def test_a_new_unit_or_lead_for_the_case_brings_its_rows_back(pending_request, investigator_a, administrator, unit_b):
    from cases.services import case_update

    scanned(pending_request, D(2025, 2, 1))
    case_update(case=pending_request.case, actor=investigator_a, title="Renamed")
    assert schedule(pending_request)[0] == D(2025, 3, 27)  # nothing reminders depend on
    # Moving a case to another unit is an administrator's (an investigator opens cases only in their own).
    case_update(case=pending_request.case, actor=administrator, unit=unit_b)
    assert schedule(pending_request)[0] == REPLAN


@pytest.mark.parametrize("to_status", [Request.Status.EXECUTED, Request.Status.REFUSED, Request.Status.WITHDRAWN])
def test_a_request_that_stops_waiting_loses_its_row(pending_request, investigator_a, to_status):
    request_transition(
        request=pending_request,
        to_status=to_status,
        actor=investigator_a,
        effective_on=D(2025, 2, 1),
        refusal_grounds="Dual criminality not met" if to_status == Request.Status.REFUSED else "",
    )
    assert schedule(pending_request) is None


def test_information_requested_then_acknowledged_again(pending_request, investigator_a):
    request_transition(
        request=pending_request,
        to_status=Request.Status.INFO_REQUESTED,
        actor=investigator_a,
        effective_on=D(2025, 2, 1),
    )
    # The answer's reminders stop, but our own deadline to send the information is reminded.
    assert schedule(pending_request)[0] == REPLAN
    request_transition(
        request=pending_request, to_status=Request.Status.ACKNOWLEDGED, actor=investigator_a, effective_on=D(2025, 2, 5)
    )
    assert schedule(pending_request)[0] == REPLAN
    request_transition(
        request=pending_request,
        to_status=Request.Status.PARTIALLY_EXECUTED,
        actor=investigator_a,
        effective_on=D(2025, 2, 6),
    )
    assert schedule(pending_request)[0] == REPLAN


@pytest.mark.parametrize("change", ["policy saved", "policy deleted", "holiday saved", "holiday deleted"])
def test_a_policy_or_holiday_change_makes_every_row_due(investigator_a, change):
    requests = [
        send_request(investigator=investigator_a, sent_on=D(2025, 1, 10), response_due=D(2025, 4, n)) for n in (1, 9)
    ]
    policy = ReminderPolicy.objects.create(country="DE", days_before="7")
    holiday = Holiday.objects.create(day=D(2025, 3, 21), name="Nauryz")
    scan_reminders(now=at(D(2025, 2, 1)))
    assert all(schedule(r)[0] > D(2025, 2, 1) for r in requests)
    if change == "policy saved":
        policy.days_before = "30"
        policy.save()
    elif change == "policy deleted":
        policy.delete()
    elif change == "holiday saved":
        Holiday.objects.create(day=D(2025, 3, 24), name="Nauryz")
    else:
        Holiday.objects.filter(pk=holiday.pk).delete()  # a queryset delete (the admin's action) too
    assert [schedule(r)[0] for r in requests] == [REPLAN, REPLAN]


def test_a_scan_does_not_overwrite_a_change_made_while_it_ran(pending_request, investigator_a):
    """The scan read revision r; a service changed the request (r + 1) before the scan wrote next_on."""
    _day, revision = schedule(pending_request)
    request_set_response_due(request=pending_request, actor=investigator_a, response_due=D(2025, 7, 10), reason="x")
    reminder_schedule.move_next_days([(pending_request.pk, revision, D(2025, 3, 27))], today=D(2025, 2, 1))
    assert schedule(pending_request)[0] == REPLAN
    reminder_schedule.move_next_days([(pending_request.pk, revision + 1, D(2025, 6, 26))], today=D(2025, 2, 1))
    assert schedule(pending_request)[0] == D(2025, 6, 26)


def test_the_scan_deletes_due_rows_of_requests_no_longer_pending(pending_request, investigator_a):
    # A request closed around the services (a bulk fix in the database) keeps its row.
    Request.objects.filter(pk=pending_request.pk).update(status=Request.Status.EXECUTED, answered_on=D(2025, 2, 1))
    assert scan_reminders(now=at(D(2025, 4, 10))).planned == []
    assert schedule(pending_request) is None


def test_repair_gives_a_pending_request_without_a_row_one_due_now(pending_request, investigator_a):
    ReminderSchedule.objects.filter(pk=pending_request.pk).delete()
    assert scan_reminders(now=at(D(2025, 4, 10))).planned == []  # not read without its row
    assert reminder_schedule.repair_missing() == 1
    assert schedule(pending_request) == (REPLAN, 0)
    assert reminder_schedule.repair_missing() == 0
    assert [p.stage for p in scan_reminders(now=at(D(2025, 4, 10))).planned] == ["due"]


def test_the_daily_repair_task_writes_missing_rows(pending_request, caplog):
    from mla_requests.tasks import repair_reminder_schedule

    assert repair_reminder_schedule() == 0
    ReminderSchedule.objects.all().delete()
    assert repair_reminder_schedule() == 1
    assert schedule(pending_request) == (REPLAN, 0)
    assert "1 pending requests had no row" in caplog.text


def test_the_migration_backfills_every_pending_request(pending_request, investigator_a):
    draft = make_request(case=pending_request.case, actor=investigator_a)
    closed = send_request(investigator=investigator_a, sent_on=D(2025, 1, 10), response_due=D(2025, 4, 10))
    request_transition(request=closed, to_status=Request.Status.WITHDRAWN, actor=investigator_a)
    ReminderSchedule.objects.all().delete()
    migration = importlib.import_module("mla_requests.migrations.0004_reminder_schedule")
    migration.backfill(None, SimpleNamespace(connection=connection))
    assert list(ReminderSchedule.objects.values_list("pk", "next_on")) == [(pending_request.pk, REPLAN)]
    assert schedule(draft) is None and schedule(closed) is None
