"""Celery tasks of the shared app: thin, they call the code that does the work."""

from celery import shared_task

from recovery.dashboards import snapshots


@shared_task(name="recovery.tasks.refresh_dashboard_snapshots")
def refresh_dashboard_snapshots() -> dict:
    """Recompute the dashboard snapshots in use and delete the others (docs/dashboards.md).
    Safe to run twice: each snapshot is an upsert under its unique key."""
    return snapshots.refresh_snapshots()
