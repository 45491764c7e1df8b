"""Schemathesis over the project's own OpenAPI schema: generated requests for every operation,
checked against the schema (no 500, documented status codes, content types, response shapes,
invalid data rejected). Runs in-process against the WSGI app, on whichever database the suite uses.
"""

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.errors import Unsatisfiable
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode

from mla_requests.services import request_send
from recovery.api.services import api_token_create
from tests.factories import CountryProfileFactory, make_asset, make_incoming, make_request

# Hypothesis keeps its caches under var/ (ignored by git), not in a .hypothesis/ of the work tree.
set_hypothesis_home_dir(django_settings.VAR_DIR / "hypothesis")


@pytest.fixture
def api_token(integration_client, case_a, uncac, freezing, corruption):
    """A world with one record of each kind the token's account may see, and a full-scope token."""
    case_a.team.add(integration_client)
    CountryProfileFactory(country="CH")
    make_asset(case=case_a)
    request = make_request(case=case_a, legal_basis=uncac, measures=[freezing])
    request_send(request=request, actor=case_a.lead_investigator)
    make_incoming(actor=integration_client, legal_basis=uncac, measures=[freezing], crime_category=corruption)
    _, text = api_token_create(
        actor=None,
        user=integration_client,
        name="schemathesis",
        scopes=["cases:write", "requests:write", "assets:write", "incoming:write", "reference:read"],
    )
    return text


@pytest.fixture
def keep_test_connection():
    """The real WSGI handler closes "old" database connections when a request ends; inside a test
    that would close the connection holding the test's transaction (Django's test client does the
    same disconnection)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(api_token, keep_test_connection):
    config = SchemathesisConfig.from_dict(
        {
            # Declared as configuration, so the auth checks know which header carries the token.
            "headers": {"Authorization": f"Token {api_token}"},
            "checks": {
                # The schema cannot say that an id must name an existing, visible record, or that a
                # request must fit its legal basis: those valid-looking inputs get the documented
                # 400/409/412/422/428 problem responses, which is the right answer.
                "positive_data_acceptance": {
                    "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "412", "422", "428", "429"]
                }
            },
        }
    )
    return schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application(), config=config)


def run_operations(api_schema, token, mode, examples_per_operation):
    """Every operation, with generated data (positive: valid by the schema; negative: invalid)."""
    failures = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=examples_per_operation,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case):
            case.call_and_validate()

        try:
            check()
        except Unsatisfiable:
            # Negative mode on an operation that takes no input at all (GET .../unread-count/):
            # there is nothing to make invalid, so nothing to check.
            if mode is not GenerationMode.NEGATIVE:
                failures.append(f"{operation.label}: no valid input could be generated")
        except Exception as exc:  # collect them all: one report for the whole schema
            failures.append(f"{operation.label}: {exc}")
    return failures


@pytest.mark.django_db
def test_valid_requests_conform_to_the_schema(api_schema, api_token):
    failures = run_operations(api_schema, api_token, GenerationMode.POSITIVE, 12)
    assert not failures, "\n\n".join(failures)


@pytest.mark.django_db
def test_invalid_requests_are_rejected_cleanly(api_schema, api_token):
    failures = run_operations(api_schema, api_token, GenerationMode.NEGATIVE, 12)
    assert not failures, "\n\n".join(failures)


@pytest.mark.django_db
def test_stateful_sequences_conform_to_the_schema(api_schema, api_token):
    """Sequences that follow the schema's links: create a record, then read, edit, move and list it."""
    base = api_schema.as_state_machine()

    base.run(
        settings=settings(
            max_examples=25,
            stateful_step_count=6,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
    )
