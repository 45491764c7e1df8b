"""One unambiguous date style per language: English "4 Dec 2026", Russian and Kazakh
"04.12.2026", in lists, forms and timelines alike; inputs accept ISO dates and the shown style;
no template writes a day/month order of its own."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import formats, translation

from tests.factories import make_case

EXPECTED = {
    "en": ("4 Dec 2026", "4 Dec 2026 14:05", "2026-12-04"),
    "ru": ("04.12.2026", "04.12.2026 14:05", "04.12.2026"),
    "kk": ("04.12.2026", "04.12.2026 14:05", "04.12.2026"),
}
DAY = datetime.date(2026, 12, 4)
MOMENT = datetime.datetime(2026, 12, 4, 14, 5)


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_every_format_name_gives_the_one_style_of_the_language(language):
    day, moment, shown_in_inputs = EXPECTED[language]
    with translation.override(language):
        assert formats.date_format(DAY) == day
        assert formats.date_format(DAY, "SHORT_DATE_FORMAT") == day
        assert formats.date_format(MOMENT, "DATETIME_FORMAT") == moment
        assert formats.date_format(MOMENT, "SHORT_DATETIME_FORMAT") == moment
        assert formats.localize_input(DAY) == shown_in_inputs


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
@pytest.mark.parametrize("typed", ["2026-12-04", "SHOWN"])
def test_date_inputs_accept_iso_and_the_shown_style(language, typed):
    from django import forms

    with translation.override(language):
        text = EXPECTED[language][0] if typed == "SHOWN" else typed
        assert forms.DateField().clean(text) == DAY


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_the_case_list_and_form_show_the_language_style(client, investigator_a, unit_a, language):
    case = make_case(unit=unit_a, lead=investigator_a, opened_on=DAY)
    client.force_login(investigator_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    day, _, shown_in_inputs = EXPECTED[language]
    listing = client.get("/admin/cases/case/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert day in listing
    form = client.get(f"/admin/cases/case/{case.pk}/change/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'value="{shown_in_inputs}"' in form
    for html in (listing, form):
        assert "12/04/2026" not in html and "04/12/2026" not in html and "Dec. 4, 2026" not in html


TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("*/templates")]
# A date filter whose format has a slash, or numeric day and month in an order of its own.
AMBIGUOUS_FILTER = re.compile(r"""\|date:["'][^"']*[dmjn][/.\-][dmjn]""")
AMBIGUOUS_STRFTIME = re.compile(r"%[dm]/%[dm]")


def test_no_template_or_module_writes_a_day_month_order_of_its_own():
    offenders = []
    for folder in TEMPLATE_DIRS:
        for path in folder.rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            if AMBIGUOUS_FILTER.search(text) or AMBIGUOUS_STRFTIME.search(text) or "dd/mm" in text.lower():
                offenders.append(str(path))
    for app in ("recovery", "cases", "mla_requests", "assets", "incoming", "documents", "config"):
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            if AMBIGUOUS_STRFTIME.search(path.read_text(encoding="utf-8")):
                offenders.append(str(path))
    assert offenders == []
