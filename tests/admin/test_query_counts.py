"""Changelists make the same number of queries whatever the page size (no query per row)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assets.services import asset_transition
from tests.factories import make_asset, make_request


def fill(desk, investigator, count):
    for _ in range(count):
        request = make_request(
            case=desk.case_a, actor=investigator, country="CH", legal_basis=desk.treaty, measures=[desk.freezing]
        )
        request.subjects.add(desk.subject_a)
        asset = make_asset(case=desk.case_a, actor=investigator, holder=desk.subject_a)
        asset_transition(asset=asset, to_status="frozen", actor=investigator, amount="10.00")


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/admin/requests/request/", "/admin/assets/asset/", "/admin/cases/case/", "/admin/cases/subject/"]
)
def test_changelist_queries_do_not_grow_with_the_page(url, desk, login, investigator_a, django_assert_max_num_queries):
    client = login(investigator_a)
    fill(desk, investigator_a, 4)  # about 5 rows
    small = count_queries(client, url)
    fill(desk, investigator_a, 45)  # about 50 rows
    with django_assert_max_num_queries(small):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_requests_changelist_with_5_and_50_rows_uses_the_same_queries(desk, login, investigator_a):
    from mla_requests.models import Request

    client = login(investigator_a)
    fill(desk, investigator_a, 4)
    assert Request.objects.visible_to(investigator_a).count() == 5
    five = count_queries(client, "/admin/requests/request/")
    fill(desk, investigator_a, 45)
    assert Request.objects.visible_to(investigator_a).count() == 50
    assert count_queries(client, "/admin/requests/request/") == five
