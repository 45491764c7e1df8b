"""Changelists make the same number of queries whatever the page size (no query per row)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assets.services import asset_release_part, asset_transition
from tests.factories import make_asset, make_request


def fill(desk, investigator, count):
    for _ in range(count):
        request = make_request(
            case=desk.case_a, actor=investigator, country="CH", legal_basis=desk.treaty, measures=[desk.freezing]
        )
        request.subjects.add(desk.subject_a)
        asset = make_asset(case=desk.case_a, actor=investigator, holder=desk.subject_a)
        asset_transition(asset=asset, to_status="frozen", actor=investigator, amount="10.00")
        # Partially frozen and partially returned rows show their remaining amounts from the row.
        asset_release_part(asset=asset, actor=investigator, amount="2.00")
        asset_transition(asset=asset, to_status="confiscated", actor=investigator, amount="8.00")
        asset_transition(asset=asset, to_status="returned", actor=investigator, amount="3.00")


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


LARGE_LISTS = ["/admin/cases/case/", "/admin/requests/request/", "/admin/assets/asset/"]


def captured_sql(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries]


@pytest.mark.django_db
@pytest.mark.parametrize("url", LARGE_LISTS)
def test_for_someone_who_sees_everything_5_and_50_rows_make_the_same_queries(
    url, desk, login, investigator_a, administrator
):
    # The administrator's filters list units, people and reference data from their own tables.
    client = login(administrator)
    fill(desk, investigator_a, 4)
    five = captured_sql(client, url)
    fill(desk, investigator_a, 45)
    fifty = captured_sql(client, url)
    assert len(fifty) == len(five), (five, fifty)


@pytest.mark.django_db
@pytest.mark.parametrize("url", LARGE_LISTS)
def test_a_large_list_reads_no_column_of_the_whole_table_for_its_filters(
    url, desk, login, investigator_a, administrator
):
    """No date hierarchy (SELECT DISTINCT of dates over the table), no choices by SELECT DISTINCT of
    a foreign key over the table, and on PostgreSQL no SELECT DISTINCT at all (the country and
    currency choices come from a loose index scan)."""
    client = login(administrator)
    fill(desk, investigator_a, 3)
    statements = captured_sql(client, url)
    assert not [s for s in statements if "datefield" in s or "IN (SELECT DISTINCT" in s], statements
    if connection.vendor == "postgresql":
        assert not [s for s in statements if "SELECT DISTINCT" in s], statements


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "field"),
    [("requests.Request", "country"), ("assets.Asset", "location_country"), ("assets.Asset", "currency")],
)
def test_distinct_values_agree_with_select_distinct(model, field, desk, investigator_a, investigator_b):
    from django.apps import apps

    from recovery.admin_base import distinct_values

    fill(desk, investigator_a, 2)
    # desk.request_b (another unit) goes to AE; an asset of that unit is in Germany, in euros.
    make_asset(case=desk.case_b, actor=investigator_b, location_country="DE", currency="EUR")
    qs = apps.get_model(model).objects.all()
    expected = sorted({v for v in qs.values_list(field, flat=True) if v})
    assert len(expected) >= 2
    assert sorted(distinct_values(qs, field)) == expected
    # A scoped (filtered) list names only its own values.
    scoped = qs.filter(case=desk.case_a)
    assert sorted(distinct_values(scoped, field)) == sorted({v for v in scoped.values_list(field, flat=True) if v})
