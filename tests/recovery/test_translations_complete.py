"""The Russian and Kazakh catalogues are complete, compiled, and used.

Every entry of locale/{ru,kk}/LC_MESSAGES/django.po is translated and none is fuzzy (a fuzzy entry
is ignored by gettext, so its English would show through); placeholders survive translation; the
committed .mo matches the .po; and key strings of the dashboards, the reminder emails and the
request statuses come out in Russian and Kazakh. The .po files are read with a small parser so the
check needs no extra dependency.
"""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from mla_requests.models import ReminderDelivery, Request

LANGUAGES = ("ru", "kk")
LOCALE = Path(settings.BASE_DIR) / "locale"
KEYWORD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$')
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w*)\}")


def _unquote(text):
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def read_po(path):
    """The catalogue's entries (header excluded) as dicts: msgid, msgid_plural, msgstr (a list of
    forms), flags, and `obsolete` for "#~" entries."""
    entries = []
    for block in path.read_text(encoding="utf-8").strip("\n").split("\n\n"):
        entry = {"flags": set(), "msgstr": [], "obsolete": False}
        current = None
        for line in block.split("\n"):
            if line.startswith("#~"):
                entry["obsolete"] = True
                continue
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
                continue
            if line.startswith("#"):
                continue
            match = KEYWORD.match(line)
            if match:
                current = match.group(1)
                value = _unquote(match.group(2))
                if current.startswith("msgstr"):
                    entry["msgstr"].append(value)
                else:
                    entry[current] = value
            elif line.startswith('"') and current:
                value = _unquote(line[1:-1])
                if current.startswith("msgstr"):
                    entry["msgstr"][-1] += value
                else:
                    entry[current] += value
        entries.append(entry)
    header, *rest = entries
    assert header["msgid"] == "", f"{path}: the first entry should be the header"
    return header, rest


def nplurals(header):
    return int(re.search(r"nplurals=(\d+)", header["msgstr"][0]).group(1))


@pytest.fixture(params=LANGUAGES)
def catalogue(request):
    path = LOCALE / request.param / "LC_MESSAGES" / "django.po"
    header, entries = read_po(path)
    return request.param, path, header, entries


def test_the_parser_sees_untranslated_and_fuzzy_entries(tmp_path):
    """The completeness checks below rely on the parser; it must not read gaps as translations."""
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n!=1);\\n"\n\n'
        '#, fuzzy, python-format\nmsgid "A %(x)s"\nmsgstr "Б %(x)s"\n\n'
        'msgid "Long "\n"text"\nmsgstr ""\n\n'
        'msgid "one"\nmsgid_plural "many"\nmsgstr[0] "бір"\nmsgstr[1] ""\n',
        encoding="utf-8",
    )
    header, entries = read_po(po)
    assert nplurals(header) == 2
    assert [e["msgid"] for e in entries] == ["A %(x)s", "Long text", "one"]
    assert "fuzzy" in entries[0]["flags"]
    assert entries[1]["msgstr"] == [""]
    assert entries[2]["msgstr"] == ["бір", ""]


def test_every_entry_is_translated_and_none_is_fuzzy(catalogue):
    language, path, header, entries = catalogue
    assert len(entries) > 500, f"{path} looks truncated"
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    untranslated = [e["msgid"] for e in entries if not e["obsolete"] and not all(e["msgstr"])]
    assert not fuzzy, f"{language}: fuzzy entries {fuzzy}"
    assert not untranslated, f"{language}: untranslated entries {untranslated}"
    assert not any(e["obsolete"] for e in entries), f"{language}: obsolete (#~) entries left"


def test_plural_entries_have_every_form_of_the_language(catalogue):
    language, path, header, entries = catalogue
    expected = nplurals(header)
    assert expected == {"ru": 4, "kk": 2}[language]  # Django's own ru catalogue uses four forms
    for entry in entries:
        if "msgid_plural" in entry:
            assert len(entry["msgstr"]) == expected, f"{language}: {entry['msgid']!r}"
        else:
            assert len(entry["msgstr"]) == 1, f"{language}: {entry['msgid']!r}"


def test_placeholders_survive_translation(catalogue):
    language, path, header, entries = catalogue
    for entry in entries:
        wanted = set(PLACEHOLDER.findall(entry["msgid"]))
        for form in entry["msgstr"]:
            assert set(PLACEHOLDER.findall(form)) == wanted, f"{language}: {entry['msgid']!r} -> {form!r}"


def test_the_committed_mo_matches_the_po(catalogue):
    """compilemessages was run after the last edit: the .mo gettext loads says what the .po says."""
    language, path, header, entries = catalogue
    with open(path.with_suffix(".mo"), "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for entry in entries:
        if "msgid_plural" in entry:
            for n in (1, 2, 5, 11, 21):
                form = entry["msgstr"][compiled.plural(n)]
                assert compiled.ngettext(entry["msgid"], entry["msgid_plural"], n) == form, f"{language}: {n}"
        else:
            assert compiled.gettext(entry["msgid"]) == entry["msgstr"][0], f"{language}: {entry['msgid']!r}"


# Key strings as a Russian or Kazakh user meets them.
EXPECTED = {
    "ru": {
        "dashboards": "Аналитические панели",
        "dashboards_header": "Аналитические панели по возврату активов",
        "partially_executed": "Исполнен частично",
        "partly_executed": "Исполнен частично",
        "delivery_failed": "Ошибка, будет повторная попытка",
        "subject": (
            "Напоминание: ответ по запросу MLA-2025-000001 (Швейцария) ожидается до 2025-04-10, осталось дней: 14"
        ),
        "overdue": ["1 просроченный запрос", "3 просроченных запроса", "5 просроченных запросов"],
    },
    "kk": {
        "dashboards": "Талдау панельдері",
        "dashboards_header": "Активтерді қайтару бойынша талдау панельдері",
        "partially_executed": "Ішінара орындалды",
        "partly_executed": "Ішінара орындалды",
        "delivery_failed": "Қате, қайта жіберіледі",
        "subject": (
            "Еске салу: MLA-2025-000001 сұрауы бойынша жауап (Швейцария) 2025-04-10 дейін күтіледі, қалған күн: 14"
        ),
        "overdue": ["1 мерзімі өткен сұрау салу", "3 мерзімі өткен сұрау салу", "5 мерзімі өткен сұрау салу"],
    },
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_key_strings_are_translated_at_run_time(language):
    expected = EXPECTED[language]
    template = Template(
        '{% load i18n %}{% translate "Dashboards" %}|{% translate "Asset recovery dashboards" %}|'
        "{% for n in counts %}{% blocktranslate count n=n %}{{ n }} overdue request{% plural %}"
        "{{ n }} overdue requests{% endblocktranslate %};{% endfor %}"
    )
    with translation.override(language):
        dashboards, header, overdue = template.render(Context({"counts": [1, 3, 5]})).split("|")
        assert dashboards == expected["dashboards"]
        assert header == expected["dashboards_header"]
        assert overdue.rstrip(";").split(";") == expected["overdue"]
        assert str(Request.Status.PARTIALLY_EXECUTED.label) == expected["partially_executed"]
        assert _("Partly executed") == expected["partly_executed"]
        assert str(ReminderDelivery.Status.FAILED.label) == expected["delivery_failed"]
        subject = _("Reminder: the answer to %(ref)s (%(country)s) is due on %(due)s, days left: %(days)s") % {
            "ref": "MLA-2025-000001",
            "country": _("Switzerland"),
            "due": "2025-04-10",
            "days": 14,
        }
        assert subject == expected["subject"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "phrases"),
    [
        ("ru", ["Аналитические панели по возврату активов", "Обзор", "Дела в производстве", "Фильтры"]),
        ("kk", ["Активтерді қайтару бойынша талдау панельдері", "Шолу", "Тергеуі жүргізілетін істер", "Сүзгілер"]),
    ],
)
def test_the_dashboard_page_is_served_in_the_language(client, supervisor_a, language, phrases):
    client.force_login(supervisor_a)
    response = client.get(reverse("dashboard:overview"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    page = response.content.decode()
    for phrase in phrases:
        assert phrase in page
    assert "Asset recovery dashboards" not in page
