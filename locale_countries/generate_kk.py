"""Build locale_countries/kk/LC_MESSAGES/django.po: Kazakh names for django-countries' countries.

django-countries ships no Kazakh catalogue. The names come from the iso-codes project's Kazakh
translations of ISO 3166-1 (Debian package `iso-codes`, the same data pycountry ships), matched by
country code, with django-countries' English name as the msgid so its lazy names translate.
The generated .po and its .mo are committed; run this again only to refresh them:

    python locale_countries/generate_kk.py && django-admin compilemessages (from locale_countries/)
"""

import gettext
import os
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ISO_XML = "/usr/share/xml/iso-codes/iso_3166-1.xml"
ISO_LOCALE = "/usr/share/locale"
OUT = Path(__file__).resolve().parent / "kk" / "LC_MESSAGES" / "django.po"


def po_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.utils import translation
    from django_countries.base import CountriesBase
    from django_countries.data import COUNTRIES

    COMMON_NAMES = CountriesBase.COMMON_NAMES

    kk = gettext.translation("iso_3166-1", ISO_LOCALE, languages=["kk"])
    by_code = {}
    for entry in ET.parse(ISO_XML).getroot():
        names = [entry.get(k) for k in ("common_name", "name", "official_name") if entry.get(k)]
        translated = [kk.gettext(name) for name in names if kk.gettext(name) != name]
        if translated:
            by_code[entry.get("alpha_2_code")] = translated[0]
    lines = [
        "# Kazakh country names for django-countries, from iso-codes' ISO 3166-1 translations.",
        'msgid ""',
        'msgstr ""',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Language: kk\\n"',
        '"Plural-Forms: nplurals=2; plural=(n!=1);\\n"',
        "",
    ]
    with translation.override("en"):
        for code in sorted(COUNTRIES):
            if code not in by_code:
                continue
            # Both the ISO name and django-countries' common name ("United Kingdom") are msgids.
            names = dict.fromkeys([str(COUNTRIES[code]), *([str(COMMON_NAMES[code])] if code in COMMON_NAMES else [])])
            for english in names:
                lines += [f"# {code}", f"msgid {po_quote(english)}", f"msgstr {po_quote(by_code[code])}", ""]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print(f"{OUT}: {len(by_code)} names")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
