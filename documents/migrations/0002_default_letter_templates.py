"""The default request letter templates: one active LetterTemplate row per kind of letter, purpose
and language (4 x 2 x 3), with the text shipped in documents/letter_templates/. Administrators edit
these rows; a kind, purpose and language without an active row falls back to the shipped file."""

from pathlib import Path

from django.db import migrations

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "letter_templates"
# The file's kind of letter -> the LetterTemplate.instrument_kind its row is kept under (an
# agreement's letters are the convention's, documents/letters.py).
ROW_KINDS = {
    "bilateral_treaty": "bilateral_treaty",
    "convention": "multilateral_convention",
    "reciprocity": "reciprocity",
    "informal_network": "informal_network",
}
PURPOSES = ("request", "supplementary")
LANGUAGES = ("en", "ru", "kk")


def _defaults():
    for letter_kind, row_kind in ROW_KINDS.items():
        for purpose in PURPOSES:
            for language in LANGUAGES:
                body = (TEMPLATE_DIR / f"{letter_kind}_{purpose}_{language}.html").read_text(encoding="utf-8")
                yield row_kind, purpose, language, body


def create_defaults(apps, schema_editor):
    LetterTemplate = apps.get_model("documents", "LetterTemplate")
    rows = LetterTemplate.objects.using(schema_editor.connection.alias)
    for kind, purpose, language, body in _defaults():
        # An active row already there (made by hand) is kept.
        if not rows.filter(instrument_kind=kind, purpose=purpose, language=language, active=True).exists():
            rows.create(instrument_kind=kind, purpose=purpose, language=language, body=body, active=True)


def remove_defaults(apps, schema_editor):
    LetterTemplate = apps.get_model("documents", "LetterTemplate")
    rows = LetterTemplate.objects.using(schema_editor.connection.alias)
    for kind, purpose, language, body in _defaults():
        # Only the rows still as shipped: an administrator's edit is not lost.
        rows.filter(instrument_kind=kind, purpose=purpose, language=language, body=body).delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
