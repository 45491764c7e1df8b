"""manage.py grant_app_role [ROLE]: give the application's database role exactly its row privileges.

Run by the tables' owner after every migrate (with DATABASE_OWNER_URL set, this command connects as
the owner by itself: config/database.py). ROLE defaults to the user of DATABASE_URL. What is granted,
and why nothing more: recovery/db_roles.py. Idempotent.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from recovery.db_roles import RoleRefused, grant_app_role


class Command(BaseCommand):
    help = "Grant the application's PostgreSQL role its row privileges (append-only tables: SELECT and INSERT)."

    def add_arguments(self, parser):
        parser.add_argument("role", nargs="?", help="The application's role (default: the user of DATABASE_URL).")
        parser.add_argument("--database", default="default", help="Database alias (default: default).")

    def handle(self, *args, role, database, **options):
        role = role or (settings.DATABASE_APP_ROLE if settings.DATABASE_OWNER_URL else "")
        if not role:
            raise CommandError("Name the application's role (with DATABASE_OWNER_URL set: DATABASE_URL's user).")
        try:
            grant = grant_app_role(role, using=database)
        except RoleRefused as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(
            f"{grant.role}: SELECT, INSERT, UPDATE, DELETE on the {grant.tables} tables of schema {grant.schema} "
            f"owned by {grant.owner}, except SELECT and INSERT only on {', '.join(grant.append_only)} and SELECT "
            "only on django_migrations; USAGE on its sequences."
        )
