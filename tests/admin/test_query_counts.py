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


def add_subjects(desk, investigator, count, start):
    from cases.services import case_add_subject, subject_create

    for number in range(start, start + count):
        subject = subject_create(actor=investigator, name_latin=f"Subject {number}", iin_bin=f"9001013{number:05d}")
        case_add_subject(case=desk.case_a, subject=subject, role="witness", actor=investigator)


@pytest.mark.django_db
@pytest.mark.parametrize("reader", ["investigator_a", "analyst"])
def test_masked_identifiers_are_decided_once_per_subjects_page(reader, request, desk, login, investigator_a):
    """The IIN/BIN column masks per reader and subject, but decides for the whole page at once: the
    list of 20 subjects makes no more queries than the list of 2."""
    from cases.models import Subject

    user = request.getfixturevalue(reader)
    client = login(user)
    add_subjects(desk, investigator_a, 1, start=0)
    assert Subject.objects.visible_to(user).count() == (2 if reader == "investigator_a" else 3)
    two = count_queries(client, "/admin/cases/subject/")
    add_subjects(desk, investigator_a, 18, start=1)
    assert Subject.objects.visible_to(user).count() >= 20
    assert count_queries(client, "/admin/cases/subject/") <= two

    page = client.get("/admin/cases/subject/").content.decode()
    if reader == "investigator_a":  # subjects of the case they lead: in full
        assert "800101300123" in page and "900101300018" in page
    else:  # an analyst sees every subject, each identifier masked
        assert "800101300123" not in page and "900101300018" not in page
        assert "•••••••••123" in page and "•••••••••018" in page
