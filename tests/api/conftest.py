"""Fixtures of the API tests: clients signed in as the cast, tokens, and a small world of records."""

import datetime

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from recovery.api.services import api_token_create
from tests.factories import (
    AssistanceMeasureFactory,
    CrimeCategoryFactory,
    LegalInstrumentFactory,
    make_asset,
    make_case,
    make_request,
)


@pytest.fixture(autouse=True)
def _fresh_throttle_buckets():
    # Throttle counters live in the cache; each test starts with empty buckets.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client_for():
    def build(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return build


@pytest.fixture
def token_for():
    """token_for(user, scopes=[...], **options) -> (ApiToken, APIClient using it)."""

    def build(user, scopes=("cases:write", "requests:write", "assets:write", "reference:read"), **options):
        token, text = api_token_create(
            actor=None, user=user, name=options.pop("name", "test"), scopes=scopes, **options
        )
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {text}")
        return token, client

    return build


@pytest.fixture
def corruption(db):
    return CrimeCategoryFactory(code="corruption", name_en="Corruption", name_ru="Коррупция")


@pytest.fixture
def freezing(db):
    return AssistanceMeasureFactory(code="freezing", name_en="Freezing assets", concerns_assets=True)


@pytest.fixture
def uncac(freezing):
    return LegalInstrumentFactory(code="uncac", name_en="UN Convention against Corruption", measures=[freezing])


@pytest.fixture
def case_a(investigator_a, corruption):
    return make_case(
        actor=investigator_a, lead=investigator_a, unit=investigator_a.unit, primary_crime_category=corruption
    )


@pytest.fixture
def case_b(investigator_b, corruption):
    return make_case(
        actor=investigator_b, lead=investigator_b, unit=investigator_b.unit, primary_crime_category=corruption
    )


@pytest.fixture
def request_a(case_a, uncac, freezing):
    return make_request(case=case_a, legal_basis=uncac, measures=[freezing], country="CH")


@pytest.fixture
def asset_a(case_a):
    return make_asset(case=case_a)


@pytest.fixture
def today():
    from django.utils import timezone

    return timezone.localdate()


@pytest.fixture
def long_ago():
    return datetime.date(2024, 2, 1)


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json"), response["Content-Type"]
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["type"]
    return body


@pytest.fixture
def list_cache_on(settings):
    """The API list cache on, with nothing kept or learned from an earlier test."""
    from recovery.api import list_cache

    settings.RECOVERY_API_LIST_CACHE_SECONDS = 300
    list_cache._learned.clear()
    cache.clear()
    yield
    list_cache._learned.clear()
    cache.clear()
