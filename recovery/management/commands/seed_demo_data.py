"""manage.py seed_demo_data [--scale N | --scale large]: demo units, users, cases, requests and
assets (see recovery/demo_data.py).

Deterministic and idempotent: a second run creates nothing. The scale multiplies the number of
requests (the seed article's figure 2 spread); the default gives about a tenth of the figure.
`--scale large` is the benchmark's volume instead (100,000 cases, 1,000,000 requests, 500,000
assets, bulk-loaded by `generate_volume`; docs/perf.md); --cases/--requests/--assets change it.
Refused when DJANGO_ENV=production (the demo users' password is public).
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from recovery.demo_data import DEFAULT_SCALE, seed_demo_data

LARGE = "large"


def _scale(value: str) -> float | str:
    if value == LARGE:
        return LARGE
    try:
        scale = float(value)
    except ValueError:
        raise CommandError(f"--scale must be a number, not {value!r}.") from None
    if not 0 < scale <= 100:
        raise CommandError("--scale must be greater than 0 and at most 100.")
    return scale


class Command(BaseCommand):
    help = "Create the demo data (units, users of every role, cases, requests, assets, the Swiss case)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=_scale,
            default=DEFAULT_SCALE,
            help=f"Multiplier for the number of requests (default {DEFAULT_SCALE}: about 1/10 of the seed's figure 2),"
            " or 'large' for the benchmark's volume (generate_volume).",
        )
        for name, default in (("cases", 100_000), ("requests", 1_000_000), ("assets", 500_000)):
            parser.add_argument(f"--{name}", type=int, default=default, help="With --scale large: how many.")

    def handle(self, *args, scale, **options):
        if settings.PRODUCTION:
            # The demo creates a superuser (and users of every role) whose password is printed
            # here and written in the repository: never on a real deployment's database.
            raise CommandError(
                _(
                    "seed_demo_data refuses to run when DJANGO_ENV=production: it creates a superuser "
                    "with the public demo password."
                )
            )
        # call_command(scale=...) passes the value without the parser's type check.
        scale = _scale(str(scale))
        if scale == LARGE:
            call_command(
                "generate_volume",
                cases=options.get("cases", 100_000),
                requests=options.get("requests", 1_000_000),
                assets=options.get("assets", 500_000),
                stdout=self.stdout,
            )
            return
        result = seed_demo_data(scale=scale, stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data: {cases_created} cases created, {cases_skipped} already there "
                "({requests_planned} requests and {assets_planned} assets planned); "
                "{incoming_created} incoming requests created.".format(**result)
            )
        )
        call_command("demo_logins", stdout=self.stdout)
