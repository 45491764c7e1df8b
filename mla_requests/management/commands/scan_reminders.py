"""`manage.py scan_reminders [--dry-run]`: the same one-off scan as send_reminders (an alias)."""

from mla_requests.management.commands.send_reminders import Command as SendRemindersCommand


class Command(SendRemindersCommand):
    pass
