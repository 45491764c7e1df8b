"""The request form offers the legal bases that can bind the requested state, refuses any other
next to the field, never offers or accepts the home state, takes the case's crime category when
opened from the case, and returns to the case after saving."""

import pytest

from mla_requests.models import Request
from recovery.models import LegalInstrument
from recovery.selectors import instruments_applicable_to
from tests.admin.forms import change_form_data
from tests.factories import CrimeCategoryFactory, LegalInstrumentFactory, make_case


def legal_bases(client, **extra):
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "requests", "model_name": "request", "field_name": "legal_basis", "term": "", **extra},
    )
    assert response.status_code == 200
    return {int(item["id"]) for item in response.json()["results"]}


@pytest.fixture
def instruments(desk):
    egmont = LegalInstrumentFactory(
        code="carin", name_en="CARIN", kind=LegalInstrument.Kind.INFORMAL_NETWORK, open_to_all_states=True
    )
    uae_treaty = LegalInstrumentFactory(
        code="kz-ae-mla",
        name_en="Kazakhstan–UAE MLA treaty",
        kind=LegalInstrument.Kind.BILATERAL_TREATY,
        open_to_all_states=False,
        measures=[desk.freezing],
        countries=["AE"],
    )
    return {"network": egmont, "uae_treaty": uae_treaty}


@pytest.mark.django_db
def test_the_autocomplete_offers_what_binds_the_chosen_state(desk, instruments, login, investigator_a):
    client = login(investigator_a)
    everything = legal_bases(client)
    assert {desk.treaty.pk, desk.uncac.pk, instruments["uae_treaty"].pk} <= everything
    switzerland = legal_bases(client, country="CH")
    assert switzerland == {desk.treaty.pk, desk.uncac.pk, instruments["network"].pk}
    emirates = legal_bases(client, country="ae")
    assert emirates == {desk.uncac.pk, instruments["network"].pk, instruments["uae_treaty"].pk}
    assert legal_bases(client, country="KZ") == set()
    assert legal_bases(client, country="not-a-country") == set()


@pytest.mark.django_db
def test_the_selector_follows_the_instruments_own_rule(desk, instruments):
    for code in ("CH", "AE", "TR"):
        narrowed = set(instruments_applicable_to(code))
        assert narrowed == {i for i in LegalInstrument.objects.all() if i.applies_to(code)}


def request_form_data(client, desk, investigator, url, **changes):
    data = change_form_data(client.get(url))
    data.update(
        {
            "case": desk.case_a.pk,
            "country": "CH",
            "legal_basis": desk.treaty.pk,
            "channel": "central_authority",
            "crime_category": desk.corruption.pk,
            "measures": [desk.freezing.pk],
            "urgency": "normal",
            "responsible_investigator": investigator.pk,
            **changes,
        }
    )
    return data


@pytest.mark.django_db
def test_a_treaty_that_does_not_bind_the_state_is_refused_on_the_form(desk, login, investigator_a):
    client = login(investigator_a)
    url = f"/admin/requests/request/add/?case={desk.case_a.pk}"
    before = Request.objects.count()
    response = client.post(url, request_form_data(client, desk, investigator_a, url, country="AE"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "legal_basis" in errors and "cannot be the legal basis" in str(errors["legal_basis"])
    assert Request.objects.count() == before


@pytest.mark.django_db
def test_the_home_state_is_not_offered_and_refused(desk, login, investigator_a, settings):
    client = login(investigator_a)
    url = f"/admin/requests/request/add/?case={desk.case_a.pk}"
    page = client.get(url)
    codes = [code for code, _name in page.context["adminform"].form.fields["country"].choices]
    assert settings.HOME_COUNTRY not in codes and "CH" in codes
    assert "recovery/legal_basis_by_country.js" in page.content.decode()
    before = Request.objects.count()
    response = client.post(url, request_form_data(client, desk, investigator_a, url, country="KZ"))
    assert response.status_code == 200
    assert "country" in response.context["adminform"].form.errors
    assert Request.objects.count() == before


@pytest.mark.django_db
def test_opened_from_a_case_it_takes_its_crime_category_and_returns_to_it(desk, login, investigator_a):
    laundering = CrimeCategoryFactory(code="laundering", name_en="Money laundering")
    case = make_case(lead=investigator_a, unit=desk.case_a.unit, primary_crime_category=laundering)
    client = login(investigator_a)
    url = f"/admin/requests/request/add/?case={case.pk}"
    form = client.get(url).context["adminform"].form
    assert form.initial["crime_category"] == laundering.pk
    data = request_form_data(client, desk, investigator_a, url, case=case.pk, crime_category=laundering.pk)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert response["Location"] == f"/admin/cases/case/{case.pk}/change/"


@pytest.mark.django_db
def test_another_units_case_gives_no_default_and_no_return(desk, login, investigator_a):
    client = login(investigator_a)
    url = f"/admin/requests/request/add/?case={desk.case_b.pk}"
    form = client.get(url).context["adminform"].form
    assert "crime_category" not in form.initial
    # Without ?case= the admin's own redirect (the list) stands.
    plain = "/admin/requests/request/add/"
    response = client.post(plain, request_form_data(client, desk, investigator_a, plain))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/requests/request/")
