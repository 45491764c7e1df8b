"""manage.py import_exchange_rates FILE [--source nbk|ecb]: store a central bank's published rates
as ExchangeRate rows in the reporting currency (recovery/exchange_rates.py says how they are
converted). All or nothing, and idempotent: importing a file again changes nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from recovery.errors import DomainError
from recovery.exchange_rates import SOURCES, exchange_rates_import

# The ECB's whole history is about 2 MB; anything much larger is not a rates file.
MAX_BYTES = 20 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Import exchange rates from the National Bank of Kazakhstan's daily XML (nbk) or the ECB's "
        "eurofxref CSV (ecb), converted to the reporting currency."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The rates file (XML from nationalbank.kz, or eurofxref[-hist].csv).")
        parser.add_argument(
            "--source",
            choices=SOURCES,
            help="Which bank published it (default: XML is the National Bank's, CSV the ECB's).",
        )

    def handle(self, *args, file, source=None, **options):
        path = Path(file)
        try:
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(f"{file}: larger than {MAX_BYTES} bytes, not a rates file.")
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror or exc}.") from None
        try:
            result = exchange_rates_import(actor=None, content=content, source=source)
        except DomainError as exc:
            raise CommandError(f"{file}: {exc} Nothing was imported.") from None
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(f"{file}: {warning}"))
        self.stdout.write(
            f"{file} ({result.source}): {result.days} day(s), {result.created} rate(s) created, "
            f"{result.updated} updated, {result.unchanged} unchanged."
        )
