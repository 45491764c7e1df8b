"""Forget the stored responses of POSTs sent with an Idempotency-Key, after a retention period.

    manage.py purge_idempotency_keys --older-than-days 7

Clients retry within minutes or hours; a week is generous. Run it daily (cron or Celery beat).
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from recovery.api.services import idempotency_keys_purge


class Command(BaseCommand):
    help = "Delete idempotency keys (and their stored responses) older than N days."

    def add_arguments(self, parser):
        parser.add_argument("--older-than-days", type=int, default=7)

    def handle(self, *args, older_than_days, **options):
        if older_than_days < 1:
            raise CommandError("--older-than-days must be at least 1.")
        deleted = idempotency_keys_purge(older_than=datetime.timedelta(days=older_than_days))
        self.stdout.write(f"Deleted {deleted} idempotency key(s).")
