"""The reads that must stay fast at volume come off their indexes (PostgreSQL).

At a few hundred rows a sequential scan and a sort are the cheapest plan, at a million they are
not; the tests switch them off (SET LOCAL, this transaction only) so the planner shows which index
it would take at volume, and assert it is the one built for the query.
"""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from mla_requests.models import Request
from mla_requests.reminder_services import CANDIDATE_FIELDS, due_schedule, scan_candidates
from recovery.volume import VolumeGenerator


@pytest.fixture
def requests_400(db, on_postgres):
    # A due share that leaves some requests overdue whatever the random stream (1% of 400 can be none).
    VolumeGenerator(cases=20, requests=400, assets=0, seed=5, due_share=0.05, quiet=True).run()  # ends with ANALYZE


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        try:
            return queryset.explain()
        finally:
            cursor.execute("SET LOCAL enable_seqscan = on")
            cursor.execute("SET LOCAL enable_sort = on")


def test_reminder_scan_reads_its_candidates_off_the_schedule_index(requests_400):
    today = timezone.localdate()
    due = due_schedule(today=today)
    assert "reminderschedule_next_on_idx" in _plan(due.values_list("request_id", "revision"))
    ids = sorted(due.values_list("request_id", flat=True))
    # The volume's schedule has some requests due today (its deadline passed, or a stage today).
    assert 0 < len(ids) < Request.objects.pending().count()
    plan = _plan(scan_candidates(ids).values_list(*CANDIDATE_FIELDS))
    assert "requests_request_pkey" in plan, plan
    assert "Seq Scan on requests_request" not in plan, plan


def test_overdue_requests_come_off_their_partial_index(requests_400):
    # The overdue dashboard's read (the reminder scan's before it had the schedule).
    today = timezone.localdate()
    scan = Request.objects.filter(status__in=Request.PENDING_STATUSES, response_due__lte=today).order_by("response_due")
    plan = _plan(scan)
    assert "request_pending_due_idx" in plan, plan
    assert scan.count() > 0
    # The index holds pending requests only: a request that is answered leaves it.
    assert not Request.objects.filter(status="executed", response_due__lte=today + datetime.timedelta(days=1)).filter(
        pk__in=scan.values("pk")
    )


def test_list_with_typical_filters_reads_its_first_page_from_an_index(requests_400):
    page = Request.objects.filter(country="RU", status="sent").order_by("-created_at", "-pk")[:50]
    plan = _plan(page)
    assert "request_country_status_created_idx" in plan, plan
    assert "Sort" not in plan  # the first 50 rows in order, straight off the index


def test_unfiltered_list_reads_its_first_page_from_an_index(requests_400):
    plan = _plan(Request.objects.order_by("-created_at", "-pk")[:100])
    assert "request_created_idx" in plan, plan
