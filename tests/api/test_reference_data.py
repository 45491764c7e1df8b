"""Reference data is readable by every role and read-only."""

import pytest

from recovery.models import LegalInstrument
from tests.api.conftest import assert_problem
from tests.factories import LegalInstrumentFactory, RequirementFactory


@pytest.mark.django_db
def test_legal_instruments_with_scope_and_requirements(client_for, analyst, uncac, freezing):
    treaty = LegalInstrumentFactory(
        code="kz-gb",
        kind=LegalInstrument.Kind.BILATERAL_TREATY,
        open_to_all_states=False,
        countries=["GB"],
        measures=[freezing],
    )
    RequirementFactory(instrument=treaty, code="property-details", name_en="Details of the property")
    c = client_for(analyst)
    body = c.get(f"/api/v1/legal-instruments/{treaty.pk}/").json()
    assert body["counterpart_countries"] == [{"code": "GB", "name": "United Kingdom"}]
    assert body["measures"][0]["code"] == "freezing"
    assert body["requirements"][0]["code"] == "property-details"
    binding_gb = {i["code"] for i in c.get("/api/v1/legal-instruments/", {"country": "GB"}).json()["results"]}
    assert binding_gb == {"uncac", "kz-gb"}
    binding_fr = {i["code"] for i in c.get("/api/v1/legal-instruments/", {"country": "FR"}).json()["results"]}
    assert binding_fr == {"uncac"}


@pytest.mark.django_db
def test_countries_by_code_and_reference_lists(client_for, investigator_a, uncac, corruption, freezing):
    from tests.factories import CountryProfileFactory

    CountryProfileFactory(country="CH", central_authority="Federal Office of Justice")
    c = client_for(investigator_a)
    body = c.get("/api/v1/countries/ch/").json()
    assert body["country"] == {"code": "CH", "name": "Switzerland"}
    assert c.get("/api/v1/crime-categories/").json()["results"][0]["code"] == "corruption"
    assert c.get("/api/v1/measures/").json()["results"][0]["code"] == "freezing"
    assert c.get("/api/v1/units/").json()["results"][0]["code"] == "unit-a"


@pytest.mark.django_db
def test_reference_data_cannot_be_written(client_for, administrator):
    response = client_for(administrator).post("/api/v1/crime-categories/", {"code": "x", "name_en": "X"})
    assert_problem(response, 405)


@pytest.mark.django_db
def test_russian_names_follow_accept_language(client_for, analyst, corruption):
    body = client_for(analyst).get(f"/api/v1/crime-categories/{corruption.pk}/", HTTP_ACCEPT_LANGUAGE="ru").json()
    assert body["name"] == "Коррупция"
