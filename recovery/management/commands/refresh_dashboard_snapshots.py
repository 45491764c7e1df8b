"""Recompute the dashboard snapshots now, as the periodic task does (docs/dashboards.md).

    manage.py refresh_dashboard_snapshots

Useful right after a deployment or a bulk import, and before a benchmark: the first views then read
snapshots instead of each computing the figures live.
"""

from django.core.management.base import BaseCommand

from recovery.dashboards.snapshots import refresh_snapshots


class Command(BaseCommand):
    help = "Recompute the dashboard snapshots in use (and the unfiltered pages of every-case scope)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--budget-seconds", type=float, default=None, help="Stop starting pages after this long (default: none)."
        )

    def handle(self, *args, budget_seconds, **options):
        result = refresh_snapshots(budget_seconds=float("inf") if budget_seconds is None else budget_seconds)
        self.stdout.write(
            f"Refreshed {result['refreshed']} snapshot(s), left {result['skipped']}, deleted {result['deleted']}."
        )
