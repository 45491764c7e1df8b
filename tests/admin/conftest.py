"""Demo data for the admin tests: a case of unit A (with a subject, a request under the Swiss
treaty and an asset) and a case of unit B that unit A must never see."""

import datetime
from types import SimpleNamespace

import pytest

from cases.services import case_add_subject, subject_create
from recovery.models import LegalInstrument
from tests.factories import (
    AssistanceMeasureFactory,
    CrimeCategoryFactory,
    LegalInstrumentFactory,
    RequirementFactory,
    make_asset,
    make_case,
    make_request,
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The cast's passwords are hashed once per test; the real hasher would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def desk(investigator_a, investigator_b, unit_a, unit_b):
    corruption = CrimeCategoryFactory(
        code="corruption", name_en="Corruption", name_ru="Коррупция", name_kk="Сыбайлас жемқорлық"
    )
    freezing = AssistanceMeasureFactory(
        code="freezing",
        name_en="Freezing assets",
        name_ru="Арест имущества",
        name_kk="Мүлікке тыйым салу",
        concerns_assets=True,
    )
    documents = AssistanceMeasureFactory(code="documents", name_en="Documents and records")
    testimony = AssistanceMeasureFactory(code="testimony", name_en="Taking testimony")
    treaty = LegalInstrumentFactory(
        code="kz-ch-mla",
        name_en="Kazakhstan–Switzerland MLA treaty",
        kind=LegalInstrument.Kind.BILATERAL_TREATY,
        open_to_all_states=False,
        measures=[freezing, documents],
        countries=["CH"],
    )
    requirement = RequirementFactory(
        instrument=treaty, code="property-details", name_en="Details and location of the property", mandatory=True
    )
    uncac = LegalInstrumentFactory(
        code="uncac",
        name_en="UN Convention against Corruption",
        kind=LegalInstrument.Kind.MULTILATERAL_CONVENTION,
        open_to_all_states=True,
        measures=[freezing, documents, testimony],
    )
    case_a = make_case(
        lead=investigator_a,
        unit=unit_a,
        register_number="241500031000123",
        title="Embezzlement of budget funds",
        primary_crime_category=corruption,
    )
    subject_a = subject_create(
        actor=investigator_a, name_latin="Ivanov Ivan", name_cyrillic="Иванов Иван", iin_bin="800101300123"
    )
    case_add_subject(case=case_a, subject=subject_a, role="suspect", actor=investigator_a)
    request_a = make_request(case=case_a, actor=investigator_a, country="CH", legal_basis=treaty, measures=[freezing])
    asset_a = make_asset(case=case_a, identifier="CH9300762011623852957", currency="USD")

    case_b = make_case(
        lead=investigator_b,
        unit=unit_b,
        register_number="249900077000999",
        title="Bribery in customs",
        primary_crime_category=corruption,
    )
    subject_b = subject_create(
        actor=investigator_b, name_latin="Petrov Petr", name_cyrillic="Петров Пётр", iin_bin="700202400456"
    )
    case_add_subject(case=case_b, subject=subject_b, role="suspect", actor=investigator_b)
    request_b = make_request(case=case_b, actor=investigator_b, country="AE", legal_basis=uncac, measures=[freezing])
    asset_b = make_asset(case=case_b, identifier="AE070331234567890123456", location_country="AE", currency="AED")
    return SimpleNamespace(
        corruption=corruption,
        freezing=freezing,
        documents=documents,
        testimony=testimony,
        treaty=treaty,
        requirement=requirement,
        uncac=uncac,
        case_a=case_a,
        subject_a=subject_a,
        request_a=request_a,
        asset_a=asset_a,
        case_b=case_b,
        subject_b=subject_b,
        request_b=request_b,
        asset_b=asset_b,
        today=datetime.date.today(),
    )


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login
