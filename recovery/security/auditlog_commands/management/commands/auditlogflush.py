"""`manage.py auditlogflush` refused: django-auditlog's command deletes or truncates the change
log, which is append-only here (docs/security.md). This one takes its name and only says so."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Refused: the change log is append-only and is never flushed."

    def add_arguments(self, parser):
        # auditlog's options, accepted so that any way of calling it gets the same answer.
        parser.add_argument("-y", "--yes", action="store_true")
        parser.add_argument("-b", "--before-date", default=None)
        parser.add_argument("-t", "--truncate", action="store_true")

    def handle(self, *args, **options):
        raise CommandError(
            _(
                "The change log is append-only: its entries are never deleted (docs/security.md). "
                "auditlogflush is disabled."
            )
        )
