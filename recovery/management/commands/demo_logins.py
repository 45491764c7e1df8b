"""manage.py demo_logins: the demo accounts present in the database and their shared password.

`make run` (bin/run) prints them at every start: the demo data is seeded only the first time, and
the accounts should not vanish from the console on the second."""

from django.conf import settings
from django.core.management.base import BaseCommand

from recovery.demo_data import DEMO_PASSWORD, demo_logins


class Command(BaseCommand):
    help = "List the demo accounts in the database, with the demo password."

    def handle(self, *args, **options):
        lines = demo_logins()
        if not lines:
            self.stdout.write("No demo accounts in this database (manage.py seed_demo_data creates them).")
            return
        if settings.PRODUCTION:
            # The password is public: a production database with the demo accounts is a finding.
            self.stderr.write("Warning: demo accounts with the public demo password exist on a production database.")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for line in lines:
            self.stdout.write(line)
