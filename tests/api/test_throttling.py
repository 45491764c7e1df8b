"""Throttling per token and per user: 429 as problem details with Retry-After."""

import pytest
from django.conf import settings
from django.test import override_settings

from tests.api.conftest import assert_problem


def rates(**overrides):
    return {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "3/minute", "user": "2/minute", "anon": "2/minute", **overrides},
    }


@pytest.mark.django_db
def test_a_token_is_throttled_on_its_own(token_for, integration_client):
    with override_settings(REST_FRAMEWORK=rates()):
        _, first = token_for(integration_client, name="one")
        _, second = token_for(integration_client, name="two")
        for _ in range(3):
            assert first.get("/api/v1/cases/").status_code == 200
        response = first.get("/api/v1/cases/")
        assert_problem(response, 429)
        assert int(response["Retry-After"]) > 0
        # Another token of the same account has its own bucket.
        assert second.get("/api/v1/cases/").status_code == 200


@pytest.mark.django_db
def test_a_user_is_throttled(client_for, investigator_a, investigator_b):
    with override_settings(REST_FRAMEWORK=rates()):
        mine, theirs = client_for(investigator_a), client_for(investigator_b)
        assert mine.get("/api/v1/cases/").status_code == 200
        assert mine.get("/api/v1/cases/").status_code == 200
        assert_problem(mine.get("/api/v1/cases/"), 429)
        assert theirs.get("/api/v1/cases/").status_code == 200
