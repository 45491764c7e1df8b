"""manage.py touch_tables [TABLE ...]: announce writes made outside Django (a pg_restore, psql).

The API's list cache serves a kept page while none of the tables it was read from has a new
version (recovery/table_versions.py); writes through Django move those versions themselves, a
restore or a hand-made UPDATE does not. Run this after one: every table (or those named) gets a
new version, so no page kept before is served again.
"""

from django.core.management.base import BaseCommand, CommandError

from recovery import table_versions


class Command(BaseCommand):
    help = "Give tables a new version after writes made outside Django (every table by default)."

    def add_arguments(self, parser):
        parser.add_argument("tables", nargs="*", help="Table names (default: every table of the installed models).")

    def handle(self, *args, tables, **options):
        unknown = sorted(set(tables) - table_versions.known_tables())
        if unknown:
            raise CommandError(f"Not a table of this project: {', '.join(unknown)}.")
        table_versions.touch(*tables)
        count = len(tables) or len(table_versions.known_tables())
        self.stdout.write(f"New versions for {count} table(s); API list pages kept before are no longer served.")
