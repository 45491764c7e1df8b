"""The scan reads pending requests through the partial index on response_due (PostgreSQL)."""

import datetime

import pytest
from django.db import connection

from mla_requests.models import Request
from mla_requests.reminder_services import CANDIDATE_FIELDS, PolicyBook, due_requests, scan_candidates
from tests.reminders.conftest import send_request

D = datetime.date
pytestmark = pytest.mark.django_db


def test_the_due_request_query_uses_request_pending_due_idx(on_postgres, investigator_a):
    template = send_request(investigator=investigator_a, sent_on=D(2024, 1, 10), response_due=D(2024, 4, 10))
    # Volume for the planner: mostly answered requests, some pending. Written in bulk, straight to
    # the table (test data only; the application changes statuses through services).
    rows = []
    for n in range(3000):
        pending = n % 10 == 0
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
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE requests_request")
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = due_requests(today=D(2024, 6, 1), horizon_days=14).values_list("pk", flat=True).explain()
    assert "request_pending_due_idx" in plan, plan
    assert (
        due_requests(today=D(2024, 6, 1), horizon_days=14).count()
        == len([r for r in rows if r.status == Request.Status.SENT and r.response_due <= D(2024, 6, 15)]) + 1
    )

    # The scan's one read of its candidates (due, or unacknowledged too long) starts from that index
    # too, not from a scan of the whole table.
    today = D(2024, 6, 1)
    candidates = scan_candidates(today=today, book=PolicyBook.load(today=today)).values_list(*CANDIDATE_FIELDS)
    plan = candidates.explain()
    assert "request_pending_due_idx" in plan, plan
    assert "Seq Scan on requests_request" not in plan, plan
