"""Export one case as a bundle (JSON + printable HTML + the case file's documents with their
SHA-256) for a court or another agency."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cases.models import Case
from recovery.security.bundle import documents_folder, export_case
from recovery.security.events import command_operator


class Command(BaseCommand):
    help = (
        "Write one case (subjects, requests, assets, timelines, audit trail) to JSON and HTML, and its documents "
        "(each version's file, checked against its SHA-256) to a folder beside them; the export is audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("reference", help="The case's register number.")
        parser.add_argument("--output-dir", default=None, help="Directory for the files (default: var/exports).")
        parser.add_argument(
            "--as-user",
            default=None,
            help="Export as this user: their masking rules apply and the export is recorded under their name.",
        )

    def handle(self, *args, reference, output_dir, as_user, **options):
        case = Case.objects.filter(register_number=reference).first()
        if case is None:
            raise CommandError(f"No case with register number {reference!r}.")
        user = None
        if as_user:
            user = get_user_model().objects.filter(username=as_user, is_active=True).first()
            if user is None:
                raise CommandError(f"No active user {as_user!r}.")
            if not Case.objects.visible_to(user).filter(pk=case.pk).exists():
                raise CommandError(f"User {as_user!r} may not see case {reference!r}.")
        out_dir = Path(output_dir) if output_dir else Path(settings.VAR_DIR) / "exports"
        operator = command_operator("export_case")
        problems = []
        json_path, html_path = export_case(case, out_dir=out_dir, user=user, operator=operator, problems=problems)
        self.stdout.write(self.style.SUCCESS(f"Wrote {json_path} and {html_path}"))
        folder = out_dir / documents_folder(case)
        if folder.exists():
            self.stdout.write(f"Documents in {folder} (manifest.json, SHA256SUMS)")
        for problem in problems:
            # Packed never: a court must not receive a file that is not the one recorded at upload.
            what = "missing" if problem["problem"] == "missing" else "changed since upload (SHA-256 differs)"
            self.stdout.write(
                self.style.ERROR(
                    f"NOT PACKED: document {problem['document']} version {problem['version']} "
                    f"({problem['filename']}): {what}"
                )
            )
