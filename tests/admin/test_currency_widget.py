"""One currency select everywhere in the admin: current ISO 4217 codes only, the office's usual
ones first, named by CLDR (Babel) in the user's language; no currency preselected where the user
must choose; the services (and so the API) refuse a withdrawn currency."""

import pytest
from babel.numbers import get_currency_name
from django.utils import translation
from djmoney.money import Money

from cases.services import case_update
from recovery.cleaning import clean_currency
from recovery.currencies import CurrencyChoiceField, currency_choices, current_currency_codes
from recovery.errors import InvalidInput

WITHDRAWN = ("ATS", "SUR", "DEM", "FRF", "XEU", "YUN", "BGN")


def test_only_current_codes_with_the_common_ones_first(settings):
    settings.COMMON_CURRENCIES = ["KZT", "USD", "EUR", "GBP", "CHF", "RUB", "CNY", "AED", "TRY"]
    codes = [code for code, _label in currency_choices()]
    assert codes[0] == ""  # a blank first: nothing chosen for the user
    assert codes[1:10] == ["KZT", "USD", "EUR", "GBP", "CHF", "RUB", "CNY", "AED", "TRY"]
    assert 100 < len(codes) < 200  # not django-money's ~300
    assert not set(WITHDRAWN) & set(codes)
    rest = codes[10:]
    assert rest == sorted(rest) and len(set(codes)) == len(codes)


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_labels_are_babels_names_in_the_users_language(language):
    with translation.override(language):
        labels = dict(CurrencyChoiceField().choices)
    assert labels["KZT"] == f"KZT — {get_currency_name('KZT', locale=language)}"
    assert labels["EUR"] == f"EUR — {get_currency_name('EUR', locale=language)}"


def test_the_russian_and_kazakh_names_differ_from_the_english():
    names = {}
    for language in ("en", "ru", "kk"):
        with translation.override(language):
            names[language] = dict(currency_choices())["KZT"]
    assert names["en"] == "KZT — Kazakhstani Tenge" or names["en"].lower() == "kzt — kazakhstani tenge"
    assert len(set(names.values())) == 3


def test_the_service_refuses_a_withdrawn_currency():
    assert clean_currency("kzt") == "KZT"
    for code in WITHDRAWN:
        with pytest.raises(InvalidInput) as refused:
            clean_currency(code)
        assert code in str(refused.value.message)
    # A rate table may still name one (old amounts are converted with it).
    assert clean_currency("ATS", current_only=False) == "ATS"


def test_the_field_refuses_a_withdrawn_currency_unless_it_is_the_records_own():
    field = CurrencyChoiceField()
    assert field.clean("usd") == "USD"
    with pytest.raises(Exception, match="not a currency in use"):
        field.clean("ATS")
    field.keep_recorded("BGN")
    assert field.clean("BGN") == "BGN"
    assert "BGN" in dict(field.choices)


def options_of(html, name):
    start = html.index(f'name="{name}"')
    return html[start : html.index("</select>", start)]


@pytest.mark.django_db
def test_the_asset_form_has_the_select_with_nothing_preselected(desk, login, investigator_a):
    page = login(investigator_a).get(f"/admin/assets/asset/add/?case={desk.case_a.pk}")
    assert page.status_code == 200
    options = options_of(page.content.decode(), "currency")
    assert "<select" in page.content.decode()[: page.content.decode().index('name="currency"') + 200]
    assert "selected" not in options.split("</option>", 1)[1]  # only the blank choice may be
    assert 'value="KZT"' in options and 'value="ATS"' not in options
    assert "KZT — " in options


@pytest.mark.django_db
def test_the_case_form_offers_current_currencies_only(desk, login, investigator_a):
    page = login(investigator_a).get("/admin/cases/case/add/").content.decode()
    options = options_of(page, "estimated_damage_1")
    assert 'value="KZT"' in options and "KZT — " in options
    assert 'value="ATS"' not in options and 'value="SUR"' not in options
    assert options.count("<option") == len(current_currency_codes()) + 1


@pytest.mark.django_db
def test_an_asset_posted_with_a_withdrawn_currency_is_refused(desk, login, investigator_a):
    client = login(investigator_a)
    body = {
        "case": desk.case_a.pk,
        "kind": "bank_account",
        "description": "Account in schillings",
        "location_country": "AT",
        "currency": "ATS",
        "identified_on": "2024-03-01",
    }
    response = client.post("/api/v1/assets/", body, content_type="application/json")
    assert response.status_code == 400
    assert "currency" in response.json()["errors"]
    response = client.post("/api/v1/assets/", {**body, "currency": "EUR"}, content_type="application/json")
    assert response.status_code == 201, response.content


@pytest.mark.django_db
def test_a_cases_damage_in_a_withdrawn_currency_is_refused(desk, investigator_a):
    with pytest.raises(InvalidInput):
        case_update(case=desk.case_a, actor=investigator_a, estimated_damage=Money("100.00", "SUR"))


@pytest.mark.django_db
def test_the_claims_and_agreements_inlines_use_the_same_select(desk, login, investigator_a):
    import re

    page = login(investigator_a).get(f"/admin/assets/asset/{desk.asset_a.pk}/change/").content.decode()
    names = re.findall(r'<select name="([^"]*amount_1)"', page)
    assert names, "the asset page has money fields in its inlines"
    for name in names:
        options = options_of(page, name)
        assert "KZT — " in options and 'value="ATS"' not in options
