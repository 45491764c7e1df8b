"""Build locale_supplement/kk/LC_MESSAGES/django.po (and .mo): Kazakh strings Django and its
packages do not ship, loaded after the project's own catalogue (settings.LOCALE_PATHS).

- admin_kk.po (hand-written): Django admin and django-import-export strings that their Kazakh
  catalogues lack (import-export ships "kz", not "kk").
- Country names: django-countries has no Kazakh catalogue. The names come from the iso-codes
  project's Kazakh ISO 3166-1 translations (Debian package `iso-codes`, the data pycountry ships),
  matched by country code, with django-countries' English names (official and common) as msgids.

kk/LC_MESSAGES/djangojs.po (hand-written, not built here) gives the admin's date pickers and
selectors their Kazakh month and day names. Compile it with msgfmt after editing.

The result is committed; run this only to refresh it (needs iso-codes and msgfmt):

    python locale_supplement/build_kk.py
"""

import gettext
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
ISO_XML = "/usr/share/xml/iso-codes/iso_3166-1.xml"
ISO_LOCALE = "/usr/share/locale"
OUT = HERE / "kk" / "LC_MESSAGES" / "django.po"


def kazakh_country_names() -> dict[str, str]:
    kk = gettext.translation("iso_3166-1", ISO_LOCALE, languages=["kk"])
    names = {}
    for entry in ET.parse(ISO_XML).getroot():
        english = [entry.get(k) for k in ("common_name", "name", "official_name") if entry.get(k)]
        translated = [kk.gettext(name) for name in english if kk.gettext(name) != name]
        if translated:
            names[entry.get("alpha_2_code")] = translated[0]
    return names


def main() -> int:
    sys.path.insert(0, str(HERE.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from babel.messages.pofile import read_po, write_po
    from django.utils import translation
    from django_countries.base import CountriesBase
    from django_countries.data import COUNTRIES

    with open(HERE / "admin_kk.po", "rb") as source:
        catalog = read_po(source, locale="kk")
    by_code = kazakh_country_names()
    with translation.override("en"):
        for code in sorted(COUNTRIES):
            if code not in by_code:
                continue
            english = [str(COUNTRIES[code])]
            if code in CountriesBase.COMMON_NAMES:
                english.append(str(CountriesBase.COMMON_NAMES[code]))
            for name in dict.fromkeys(english):
                if name not in catalog:
                    catalog.add(name, by_code[code], auto_comments=[f"ISO 3166-1 {code}"])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "wb") as target:
        write_po(target, catalog, width=120)
    subprocess.run(["msgfmt", "--check-format", "-o", str(OUT.with_suffix(".mo")), str(OUT)], check=True)
    print(f"{OUT}: {len(catalog)} messages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
