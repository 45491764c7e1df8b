"""Each page, export and JSON endpoint costs a fixed number of SQL queries, whatever the data volume."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assets.services import asset_transition, court_decision_create
from mla_requests.services import request_send, request_transition
from tests.factories import CrimeCategoryFactory, make_asset, make_case, make_request

pytestmark = pytest.mark.django_db

URLS = [
    reverse("dashboard:overview"),
    reverse("dashboard:countries"),
    reverse("dashboard:categories"),
    reverse("dashboard:overdue"),
    reverse("dashboard:assets"),
    reverse("dashboard:trends"),
    reverse("dashboard:report") + "?year=2025",
    reverse("dashboard:report-csv") + "?year=2025",
    reverse("dashboard:report-xlsx") + "?year=2025",
    "/api/v1/stats/overview/",
    "/api/v1/stats/countries/",
    "/api/v1/stats/overdue/",
    "/api/v1/stats/assets/",
    "/api/v1/stats/trends/",
    "/api/v1/stats/report/?year=2025",
]
COUNTRIES = ["RU", "UZ", "TR", "CN", "AE", "DE", "UA", "GB", "US"]
CURRENCIES = ["USD", "EUR", "GBP", "CHF"]


def add_records(case, actor, start, count):
    """`count` requests in varied countries and states, each with an asset along the funnel."""
    for i in range(start, start + count):
        sent_on = datetime.date(2025, 1, 1) + datetime.timedelta(days=i)
        request = request_send(
            request=make_request(case=case, country=COUNTRIES[i % len(COUNTRIES)]), actor=actor, sent_on=sent_on
        )
        if i % 3 == 0:
            request_transition(
                request=request,
                to_status="executed",
                actor=actor,
                effective_on=sent_on + datetime.timedelta(days=i + 5),
            )
        asset = make_asset(
            case=case, currency=CURRENCIES[i % len(CURRENCIES)], identified_on=sent_on, location_country="CH"
        )
        if i % 2 == 0:
            asset = asset_transition(
                asset=asset, to_status="frozen", actor=actor, effective_on=sent_on, amount=Decimal(1000 + i)
            )
            court_decision_create(
                actor=actor,
                asset=asset,
                kind="restraint",
                court="Court",
                country="CH",
                decided_on=sent_on,
                conviction_based=bool(i % 4),
                amount=(Decimal(1000 + i), asset.currency),
            )


def test_query_counts_do_not_grow_with_the_rows(client, supervisor_a, unit_a, investigator_a, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The live computation (snapshots off); test_snapshots.py guards the pages served from snapshots.
    settings.RECOVERY_DASHBOARD_MAX_AGE_SECONDS = 0
    case = make_case(unit=unit_a, lead=investigator_a, primary_crime_category=CrimeCategoryFactory(code="bribery"))
    add_records(case, investigator_a, 0, 5)
    client.force_login(supervisor_a)
    baseline = {}
    for url in URLS:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        baseline[url] = len(ctx.captured_queries)
    add_records(case, investigator_a, 5, 45)
    for url in URLS:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        assert len(ctx.captured_queries) <= baseline[url], (url, baseline[url], len(ctx.captured_queries))


@pytest.mark.parametrize("rows", [5, 50])
def test_the_country_page_stays_within_its_query_budget(
    client, supervisor_a, unit_a, investigator_a, settings, django_assert_max_num_queries, rows
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.RECOVERY_DASHBOARD_MAX_AGE_SECONDS = 0  # the live computation; snapshots: test_snapshots.py
    case = make_case(unit=unit_a, lead=investigator_a)
    add_records(case, investigator_a, 0, rows)
    client.force_login(supervisor_a)
    # session + user + roles, the unit tree (2), the form's units and categories, the figures (2);
    # the reciprocity's incoming requests: their scope's unit tree (1-2), their figures (1), and on
    # SQLite their durations (1).
    with django_assert_max_num_queries(13):
        assert client.get(reverse("dashboard:countries")).status_code == 200
