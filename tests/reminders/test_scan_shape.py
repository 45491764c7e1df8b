"""The scan is set-based: its number of queries does not grow with the number of due requests, and
the beat task hands the deliveries to workers in chunks, not one message per reminder."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mla_requests import tasks
from mla_requests.models import ReminderDelivery
from mla_requests.reminder_services import scan_reminders
from recovery.models import Notification
from tests.factories import UserFactory
from tests.reminders.conftest import at, send_request

D = datetime.date
TODAY = D(2025, 6, 2)
pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


def add_due_requests(groups, *, investigators):
    """`groups` times three requests, each with work for the scan today: a deadline today (the
    investigator), one passed 40 days ago (overdue and escalated to the supervisors), one sent 45
    days ago and never acknowledged (the acknowledgement chase), spread over the investigators."""
    for n in range(groups):
        person = investigators[n % len(investigators)]
        send_request(investigator=person, sent_on=TODAY - datetime.timedelta(days=90), response_due=TODAY)
        send_request(investigator=person, sent_on=D(2025, 1, 10), response_due=TODAY - datetime.timedelta(days=40))
        send_request(
            investigator=person,
            sent_on=TODAY - datetime.timedelta(days=45),
            response_due=TODAY + datetime.timedelta(days=60),
            acknowledged_on=None,
        )


def scan_in_rollback(groups, investigators):
    """(queries, delivery rows) of one scan over `groups` * 3 due requests; nothing is kept."""
    outcome = {}
    try:
        with transaction.atomic():
            add_due_requests(groups, investigators=investigators)
            with CaptureQueriesContext(connection) as queries:
                result = scan_reminders(now=at(TODAY))
            outcome = {
                "queries": len(queries),
                "planned": len(result.planned),
                "rows": ReminderDelivery.objects.count(),
            }
            raise _Rollback
    except _Rollback:
        pass
    return outcome


def test_the_scan_query_count_does_not_grow_with_the_due_requests(
    investigator_a, investigator_a1, supervisor_a, unit_a1, unit_b
):
    # Investigators in a unit and its sub-unit and in another branch, a supervisor at each level.
    investigators = [
        investigator_a,
        investigator_a1,
        UserFactory(username="inv_b_shape", unit=unit_b, roles=["Investigator"]),
    ]
    UserFactory(username="sup_a1_shape", unit=unit_a1, roles=["Supervisor"])
    UserFactory(username="sup_b_shape", unit=unit_b, roles=["Supervisor"])

    three = scan_in_rollback(1, investigators[:1])
    thirty = scan_in_rollback(10, investigators)

    # 3 due: the deadline, the overdue and the acknowledgement reminders, the escalation to sup_a.
    assert (three["planned"], three["rows"]) == (4, 4)
    # 30 due: 10 of each, and escalations to the supervisors of each case's unit and above it.
    assert thirty["planned"] == thirty["rows"] > 30
    assert thirty["queries"] == three["queries"], (three, thirty)


def test_the_beat_task_hands_out_deliveries_in_chunks(monkeypatch, investigator_a):
    for n in range(5):
        send_request(
            investigator=investigator_a,
            sent_on=timezone.localdate() - datetime.timedelta(days=90),
            response_due=timezone.localdate() - datetime.timedelta(days=n),
        )
    sent_chunks = []
    monkeypatch.setattr(tasks, "DELIVERY_CHUNK", 2)
    monkeypatch.setattr(tasks.deliver_reminders, "delay", sent_chunks.append)

    assert tasks.scan_reminders() == 5
    assert [len(chunk) for chunk in sent_chunks] == [2, 2, 1]
    assert sorted(pk for chunk in sent_chunks for pk in chunk) == sorted(
        ReminderDelivery.objects.values_list("pk", flat=True)
    )
    # Each chunk is delivered by one task; a redelivered chunk sends nothing twice.
    outcomes = [tasks.deliver_reminders(chunk) for chunk in sent_chunks]
    assert sum(o.get("sent", 0) for o in outcomes) == 5
    assert tasks.deliver_reminders(sent_chunks[0]) == {"not-claimed": 2}
    assert Notification.objects.filter(recipient=investigator_a).count() == 5
