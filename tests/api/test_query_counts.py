"""Every list endpoint uses the same number of queries at page sizes 5 and 50."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_countries import countries

from assets.services import asset_record_sale, asset_release_part, asset_transition
from cases.services import case_add_subject, subject_create
from mla_requests.services import request_send
from tests.factories import (
    AssistanceMeasureFactory,
    CountryProfileFactory,
    CrimeCategoryFactory,
    LegalInstrumentFactory,
    RequirementFactory,
    UnitFactory,
    make_asset,
    make_case,
    make_request,
)

ROWS = 52


def build_domain(investigator, supervisor, uncac, freezing):
    RequirementFactory(instrument=uncac, code="facts")
    for n in range(ROWS):
        case = make_case(
            actor=investigator,
            lead=investigator,
            unit=investigator.unit,
            other_crime_categories=[CrimeCategoryFactory(code=f"cat-{n % 3}")],
            team=[supervisor],
        )
        subject = subject_create(actor=investigator, name_latin=f"Subject {n}", nationality="AE")
        case_add_subject(case=case, subject=subject, role="suspect", actor=investigator)
        asset = make_asset(case=case, holder=subject)
        if n % 2:
            asset_transition(asset=asset, to_status="frozen", actor=investigator, amount="10.00")
            # The later steps' amounts are columns of the row: a page of them costs no query more.
            if n % 4 == 1:
                asset_release_part(asset=asset, actor=investigator, amount="3.00")
            else:
                asset_record_sale(asset=asset, actor=investigator, amount="8.00")
                asset_transition(asset=asset, to_status="confiscated", actor=investigator, amount="8.00")
                asset_transition(asset=asset, to_status="restituted", actor=investigator, amount="2.00")
                asset_transition(asset=asset, to_status="retained_abroad", actor=investigator)
        request = make_request(case=case, legal_basis=uncac, measures=[freezing], subjects=[subject], assets=[asset])
        if n % 2:
            request_send(request=request, actor=investigator, override_reason="urgent")


def build_reference(freezing):
    codes = [code for code, _ in countries][:ROWS]
    for n, code in enumerate(codes):
        UnitFactory(code=f"unit-x{n}")
        CrimeCategoryFactory(code=f"crime-x{n}")
        AssistanceMeasureFactory(code=f"measure-x{n}")
        profile = CountryProfileFactory(country=code)
        treaty = LegalInstrumentFactory(code=f"treaty-{n}", measures=[freezing], open_to_all_states=False)
        treaty.counterpart_countries.set([profile])
        RequirementFactory(instrument=treaty, code=f"req-{n}")


def count_queries(client, url, limit):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"limit": limit})
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == limit
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/cases/", "/api/v1/subjects/", "/api/v1/requests/", "/api/v1/assets/"])
def test_domain_lists_do_not_grow_with_the_page(
    client_for, supervisor_a, investigator_a, uncac, freezing, url, django_assert_max_num_queries
):
    build_domain(investigator_a, supervisor_a, uncac, freezing)
    client = client_for(supervisor_a)
    small = count_queries(client, url, 5)
    with django_assert_max_num_queries(small):
        count_queries(client, url, 50)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/legal-instruments/",
        "/api/v1/countries/",
        "/api/v1/units/",
        "/api/v1/measures/",
        "/api/v1/crime-categories/",
    ],
)
def test_reference_lists_do_not_grow_with_the_page(client_for, analyst, freezing, url, django_assert_max_num_queries):
    build_reference(freezing)
    client = client_for(analyst)
    small = count_queries(client, url, 5)
    with django_assert_max_num_queries(small):
        count_queries(client, url, 50)
