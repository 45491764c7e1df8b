"""The scan reads its candidates through the schedule's index on next_on (PostgreSQL): the requests
due today, not every pending request."""

import datetime

import pytest
from django.db import connection

from mla_requests.models import ReminderSchedule, Request
from mla_requests.reminder_services import CANDIDATE_FIELDS, due_schedule, scan_candidates
from tests.reminders.conftest import send_request

D = datetime.date
TODAY = D(2024, 6, 1)
pytestmark = pytest.mark.django_db


def test_the_candidate_query_uses_reminderschedule_next_on_idx(on_postgres, investigator_a):
    template = send_request(investigator=investigator_a, sent_on=D(2024, 1, 10), response_due=D(2024, 4, 10))
    # Volume for the planner: mostly answered requests; the pending ones with schedule rows spread
    # over two years, a few due today. Written in bulk, straight to the tables (test data only; the
    # application writes both through services).
    rows = []
    for n in range(3000):
        pending = n % 5 == 0
        rows.append(
            Request(
                case_id=template.case_id,
                reference=f"TEST-{n:06d}",
                country="CH",
                legal_basis_id=template.legal_basis_id,
                crime_category_id=template.crime_category_id,
                responsible_investigator_id=investigator_a.pk,
                status=Request.Status.SENT if pending else Request.Status.EXECUTED,
                sent_on=D(2024, 1, 1),
                response_due=D(2024, 1, 2) + datetime.timedelta(days=n % 700),
                answered_on=None if pending else D(2024, 2, 1),
                closed_on=None if pending else D(2024, 2, 1),
            )
        )
    Request.objects.bulk_create(rows)
    ReminderSchedule.objects.bulk_create(
        ReminderSchedule(request=r, next_on=TODAY + datetime.timedelta(days=n % 700 - 20))
        for n, r in enumerate(r for r in rows if r.status == Request.Status.SENT)
    )
    ReminderSchedule.objects.filter(pk=template.pk).update(next_on=TODAY)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE requests_request")
        cursor.execute("ANALYZE requests_reminderschedule")
        cursor.execute("SET LOCAL enable_seqscan = off")

    due = due_schedule(today=TODAY)
    plan = due.values_list("request_id", "revision").explain()
    assert "reminderschedule_next_on_idx" in plan, plan
    ids = sorted(due.values_list("request_id", flat=True))
    # What it reads: the pending requests whose row is due, and only those...
    assert set(ids) == {r.pk for r in ReminderSchedule.objects.all() if r.next_on <= TODAY}
    assert template.pk in ids and 20 < len(ids) < 100
    # ...then those requests by id, off the primary key, with what the plan needs of them.
    plan = scan_candidates(ids).values_list(*CANDIDATE_FIELDS).explain()
    assert "requests_request_pkey" in plan, plan
    assert "Seq Scan on requests_request" not in plan, plan
    assert sorted(scan_candidates(ids).values_list("pk", flat=True)) == ids
