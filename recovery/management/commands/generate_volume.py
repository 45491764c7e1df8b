"""Fill the database with a decade-scale office: 100,000 cases, 1,000,000 requests, 500,000 assets,
200,000 incoming requests (a fifth of the outgoing ones unless --incoming says otherwise).

    manage.py generate_volume                      # the full volume (PostgreSQL; about 10 minutes)
    manage.py generate_volume --cases 1000 --requests 10000 --assets 5000
    manage.py generate_volume --cases 0 --requests 0 --assets 0 --incoming 200000   # only incoming requests
    manage.py generate_volume --schedules-only     # rewrite the reminder schedule of the volume there

Rows are written with COPY, bypassing the services for speed; see recovery/volume.py for why and
for how the rows still satisfy every constraint. Running it again appends another volume.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from recovery import table_versions
from recovery.volume import VolumeGenerator, write_reminder_schedules


class Command(BaseCommand):
    help = "Generate a large, realistic volume of cases, requests, assets and timelines (for benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=100_000)
        parser.add_argument("--requests", type=int, default=1_000_000)
        parser.add_argument("--assets", type=int, default=500_000)
        parser.add_argument(
            "--incoming",
            type=int,
            default=None,
            help="Incoming requests (default: a fifth of --requests). They need no case, so "
            "--cases 0 --requests 0 --assets 0 --incoming N adds them to a volume loaded before they existed.",
        )
        parser.add_argument("--seed", type=int, default=20250118, help="Random seed (the same seed, the same rows).")
        parser.add_argument(
            "--due-share",
            type=float,
            default=0.01,
            help="Share of all requests with a reminder coming today (default 0.01).",
        )
        parser.add_argument(
            "--schedules-only",
            action="store_true",
            help="Generate nothing; rewrite the reminder schedule rows of the requests already in the database "
            "as daily scans up to yesterday would have left them (a volume generated before the table existed).",
        )

    def handle(
        self, *args, cases, requests, assets, seed, due_share, verbosity, schedules_only=False, incoming=None, **options
    ):
        if schedules_only:
            written = write_reminder_schedules()
            table_versions.touch()  # written by COPY (see below)
            self.stdout.write(f"reminder schedule rows written: {written:,}")
            return
        if min(cases, requests, assets, incoming or 0) < 0 or (cases == 0 and (requests or assets)):
            raise CommandError("Counts must be positive, and requests and assets need at least one case.")
        if not 0 <= due_share <= 1:
            raise CommandError("--due-share is a fraction between 0 and 1.")
        if connection.vendor != "postgresql" and cases + requests + assets > 100_000:
            self.stderr.write("Not PostgreSQL: rows go in with INSERT, not COPY; this will be slow.")
        report = VolumeGenerator(
            cases=cases,
            requests=requests,
            assets=assets,
            incoming=incoming,
            seed=seed,
            due_share=due_share,
            quiet=verbosity == 0,
            stream=self.stderr,
        ).run()
        # The rows went in by COPY, past the execute wrapper that moves the table versions: say so,
        # or a cached API page of the tables as they were would still be served.
        table_versions.touch()
        self.stdout.write(
            f"cases {report.cases:,}, requests {report.requests:,}, assets {report.assets:,}, "
            f"incoming requests {report.incoming:,}, "
            f"timeline rows {report.timeline:,} (cases {report.case_timeline:,}, requests "
            f"{report.request_timeline:,}, assets {report.asset_timeline:,}, incoming requests "
            f"{report.incoming_timeline:,}), request measures {report.measures:,}, incoming request measures "
            f"{report.incoming_measures:,}, checklist answers {report.checklist:,}, reminder schedule rows "
            f"{report.schedules:,}; seconds {report.seconds}"
        )
