"""Indexes for lists at volume (docs/perf.md); raw SQL so models.py is untouched (recovery/perf_indexes.py)."""

from django.db import migrations

from recovery.perf_indexes import create

INDEXES = (
    # The case changelist in its default order (Meta.ordering = -opened_on, -pk).
    ("case_opened_idx", "cases_case", "(opened_on DESC, id DESC)"),
    # An investigator's or a unit's cases in that order (scoping filters on the unit).
    ("case_unit_opened_idx", "cases_case", "(unit_id, opened_on DESC, id DESC)"),
)


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [("cases", "0002_initial")]

    operations = [migrations.RunPython(*create(*INDEXES))]
