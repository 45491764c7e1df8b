"""Indexes for lists at volume (docs/perf.md); raw SQL so models.py is untouched (recovery/perf_indexes.py)."""

from django.db import migrations

from recovery.perf_indexes import create

INDEXES = (
    # API list and admin changelist with the usual filters, newest first: the first 50 rows come
    # straight off the index instead of sorting every matching row.
    ("request_country_status_created_idx", "requests_request", "(country, status, created_at DESC, id DESC)"),
    ("request_status_created_idx", "requests_request", "(status, created_at DESC, id DESC)"),
    # The unfiltered list in its default order (Meta.ordering = -created_at, -pk).
    ("request_created_idx", "requests_request", "(created_at DESC, id DESC)"),
    # A case's requests, newest first (case page inline, API filter by case).
    ("request_case_created_idx", "requests_request", "(case_id, created_at DESC, id DESC)"),
)


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [("requests", "0002_reminders")]

    operations = [migrations.RunPython(*create(*INDEXES))]
