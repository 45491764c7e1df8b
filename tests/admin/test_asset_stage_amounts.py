"""The asset's amounts at each stage (frozen, still frozen, confiscated, returned, released) on its
page and in the list, in its currency and in the reporting currency; a partial return says so."""

import datetime
from decimal import Decimal

import pytest

from assets.models import Asset
from assets.services import asset_release_part, asset_transition
from recovery.models import ExchangeRate
from tests.factories import make_asset

S = Asset.Status


@pytest.fixture
def euro_asset(desk, investigator_a, settings):
    settings.REPORTING_CURRENCY = "USD"
    ExchangeRate.objects.create(currency="EUR", date=datetime.date(2024, 1, 1), rate=Decimal("1.10"))
    asset = make_asset(case=desk.case_a, currency="EUR", identifier="DE-STAGES-1", location_country="DE")
    asset = asset_transition(asset=asset, to_status=S.FROZEN, actor=investigator_a, amount="1000.00")
    asset = asset_release_part(asset=asset, actor=investigator_a, amount="200.00")
    asset = asset_transition(asset=asset, to_status=S.CONFISCATED, actor=investigator_a, amount="800.00")
    return asset_transition(asset=asset, to_status=S.RETURNED, actor=investigator_a, amount="300.00")


def amounts_table(page):
    start = page.index('class="asset-amounts"')
    return page[start : page.index("</table>", start)]


@pytest.mark.django_db
def test_the_asset_page_shows_each_stage_in_both_currencies(euro_asset, login, investigator_a):
    page = login(investigator_a).get(f"/admin/assets/asset/{euro_asset.pk}/change/").content.decode()
    table = amounts_table(page)
    # Confiscated 800 EUR is 880 USD at 1.10; returned 300 EUR is 330 USD; released 200 is 220.
    for euros, dollars in (("800.00", "880.00"), ("300.00", "330.00"), ("200.00", "220.00")):
        assert euros in table and dollars in table
    assert "in USD" in table
    assert "Partially returned" in page


@pytest.mark.django_db
def test_the_list_shows_the_stages_with_the_reporting_value(euro_asset, login, investigator_a):
    page = login(investigator_a).get("/admin/assets/asset/").content.decode()
    row = page[page.index("DE-STAGES-1") :]
    row = row[: row.index("</tr>")]
    assert "partially returned" in row
    for dollars in ("880.00", "330.00", "220.00"):
        assert dollars in row
    assert "column-released" in page


@pytest.mark.django_db
def test_without_a_rate_the_page_says_so(desk, login, investigator_a, settings):
    settings.REPORTING_CURRENCY = "USD"
    asset = make_asset(case=desk.case_a, currency="CHF", identifier="CH-NORATE-1")
    asset_transition(asset=asset, to_status=S.FROZEN, actor=investigator_a, amount="500.00")
    page = login(investigator_a).get(f"/admin/assets/asset/{asset.pk}/change/").content.decode()
    assert "no exchange rate" in amounts_table(page)


@pytest.mark.django_db
def test_adding_an_asset_from_a_case_returns_to_it(desk, login, investigator_a):
    client = login(investigator_a)
    url = f"/admin/assets/asset/add/?case={desk.case_a.pk}"
    from tests.admin.forms import change_form_data

    data = change_form_data(client.get(url))
    data.update(
        {
            "case": desk.case_a.pk,
            "kind": "bank_account",
            "description": "Account in Zurich",
            "identifier": "CH-RETURN-1",
            "location_country": "CH",
            "currency": "CHF",
            "identified_on": "2024-03-01",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert response["Location"] == f"/admin/cases/case/{desk.case_a.pk}/change/"
    assert Asset.objects.get(identifier="CH-RETURN-1").currency == "CHF"
