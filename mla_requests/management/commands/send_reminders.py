"""Run the reminder scan once (for cron, or to see what would go): `manage.py send_reminders [--dry-run]`.

Without --dry-run it plans the due reminders and delivers them in this process (no worker needed);
the delivery rows make it safe to run alongside Celery beat and workers.
"""

from django.core.management.base import BaseCommand

from mla_requests import reminder_services


class Command(BaseCommand):
    help = "Scan pending requests and send the reminders that are due (once each)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List the reminders that would be planned; write and send nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        result = reminder_services.scan_reminders(dry_run=dry_run)
        for item in result.planned:
            self.stdout.write(
                f"{item.reference}\t{item.stage}\tdeadline {item.deadline}\tdue {item.fires_on}\t{item.recipient}"
            )
        if dry_run:
            self.stdout.write(f"{len(result.planned)} reminder(s) would be planned for {result.today} (dry run).")
            return
        outcomes: dict[str, int] = {}
        for delivery_id in result.to_deliver:
            outcome = reminder_services.deliver_reminder(delivery_id)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        summary = ", ".join(f"{k}: {v}" for k, v in sorted(outcomes.items())) or "nothing to send"
        self.stdout.write(f"{len(result.planned)} planned for {result.today}; deliveries: {summary}.")
