"""Indexes for lists at volume (docs/perf.md); raw SQL so models.py is untouched (recovery/perf_indexes.py)."""

from django.db import migrations

from recovery.perf_indexes import create

INDEXES = (
    # The asset changelist in its default order (Meta.ordering = -identified_on, -pk).
    ("asset_identified_idx", "assets_asset", "(identified_on DESC, id DESC)"),
    # Status filters (frozen, confiscated...) newest first.
    ("asset_status_identified_idx", "assets_asset", "(status, identified_on DESC, id DESC)"),
)


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [("assets", "0003_initial")]

    operations = [migrations.RunPython(*create(*INDEXES))]
