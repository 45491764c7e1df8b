"""The shipped letter templates now print the addressee block (the authority recorded for the
request's channel, with its address): the default rows made by 0002 still carrying the former
"To:" line get the new one. A row an administrator rewrote without that line is left as it is."""

import re
from pathlib import Path

from django.db import migrations

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "letter_templates"
ROW_KINDS = {
    "bilateral_treaty": "bilateral_treaty",
    "convention": "multilateral_convention",
    "reciprocity": "reciprocity",
    "informal_network": "informal_network",
}
# The former addressee lines: the central authority's name alone, or the network's contact point.
FORMER = re.compile(
    r"<p>(?:To|Кому|Кімге): <b>(?:\{% if requested_authority\.name %\}\{\{ requested_authority\.name \}\}"
    r"\{% else %\}[^{]*\{% endif %\}|\{\{ instrument\.short_name \}\} — [^<]*)</b><br>\{\{ country\.name \}\}</p>"
)
ADDRESSEE_LINE = re.compile(r"^<p>(?:To|Кому|Кімге): .*$", re.MULTILINE)


def print_the_addressee(apps, schema_editor):
    LetterTemplate = apps.get_model("documents", "LetterTemplate")
    rows = LetterTemplate.objects.using(schema_editor.connection.alias)
    for path in sorted(TEMPLATE_DIR.glob("*.html")):
        stem = path.stem
        language = stem[-2:]
        purpose = "supplementary" if stem.endswith(f"_supplementary_{language}") else "request"
        letter_kind = stem[: -len(f"_{purpose}_{language}")]
        found = ADDRESSEE_LINE.search(path.read_text(encoding="utf-8"))
        if found is None:
            continue
        for row in rows.filter(instrument_kind=ROW_KINDS[letter_kind], purpose=purpose, language=language):
            body = FORMER.sub(lambda _match: found.group(0), row.body, count=1)
            if body != row.body:
                row.body = body
                row.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [("documents", "0004_documents_of_incoming_requests")]

    operations = [migrations.RunPython(print_the_addressee, migrations.RunPython.noop)]
