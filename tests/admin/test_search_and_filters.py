"""Search finds references, register numbers, identifiers and names in Latin and Cyrillic; filters
return the right rows."""

import datetime

import pytest

from mla_requests.services import request_answer_checklist, request_send
from tests.factories import make_request


def rows(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return {obj.pk for obj in response.context["cl"].result_list}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("Иванов", True),
        ("Ivanov", True),
        ("800101300123", True),  # IIN
        ("241500031000123", True),  # register number
        ("CH9300762011623852957", True),  # asset identifier (IBAN)
        ("Петров", False),  # unit B's subject
        ("249900077000999", False),  # unit B's register number
    ],
)
def test_case_search(term, found, desk, login, investigator_a):
    result = rows(login(investigator_a), "/admin/cases/case/", q=term)
    assert (desk.case_a.pk in result) is found
    assert desk.case_b.pk not in result


@pytest.mark.django_db
def test_request_search_by_reference_and_subject_names(desk, login, investigator_a):
    client = login(investigator_a)
    desk.request_a.subjects.add(desk.subject_a)
    assert rows(client, "/admin/requests/request/", q=desk.request_a.reference) == {desk.request_a.pk}
    assert rows(client, "/admin/requests/request/", q="Иванов") == {desk.request_a.pk}
    assert rows(client, "/admin/requests/request/", q="Ivanov") == {desk.request_a.pk}
    assert rows(client, "/admin/requests/request/", q=desk.request_b.reference) == set()


@pytest.mark.django_db
def test_subject_and_asset_search(desk, login, investigator_a):
    client = login(investigator_a)
    assert rows(client, "/admin/cases/subject/", q="Иван") == {desk.subject_a.pk}
    assert rows(client, "/admin/cases/subject/", q="Petrov") == set()
    assert rows(client, "/admin/assets/asset/", q="CH93007620") == {desk.asset_a.pk}


@pytest.mark.django_db
def test_deadline_filters(desk, login, investigator_a):
    client = login(investigator_a)
    today = desk.today
    request_answer_checklist(request=desk.request_a, actor=investigator_a, answers={desk.requirement.code: True})
    overdue = request_send(
        request=desk.request_a,
        actor=investigator_a,
        sent_on=today - datetime.timedelta(days=100),
        response_due=today - datetime.timedelta(days=10),
    )
    soon = make_request(
        case=desk.case_a, actor=investigator_a, country="DE", legal_basis=desk.uncac, measures=[desk.freezing]
    )
    soon = request_send(
        request=soon,
        actor=investigator_a,
        sent_on=today - datetime.timedelta(days=30),
        response_due=today + datetime.timedelta(days=3),
    )
    draft = make_request(
        case=desk.case_a, actor=investigator_a, country="TR", legal_basis=desk.uncac, measures=[desk.freezing]
    )
    assert rows(client, "/admin/requests/request/", due="overdue") == {overdue.pk}
    assert rows(client, "/admin/requests/request/", due="week") == {soon.pk}
    assert rows(client, "/admin/requests/request/", due="none") == {draft.pk}
    page = client.get("/admin/requests/request/", {"due": "overdue"}).content.decode()
    assert "10 days overdue" in page


@pytest.mark.django_db
def test_country_status_legal_basis_and_unit_filters(desk, login, investigator_a, administrator, unit_b):
    client = login(investigator_a)
    to_germany = make_request(
        case=desk.case_a, actor=investigator_a, country="DE", legal_basis=desk.uncac, measures=[desk.freezing]
    )
    assert rows(client, "/admin/requests/request/", country="DE") == {to_germany.pk}
    assert rows(client, "/admin/requests/request/", legal_basis__id__exact=desk.treaty.pk) == {desk.request_a.pk}
    assert rows(client, "/admin/requests/request/", status__exact="draft") == {desk.request_a.pk, to_germany.pk}
    everyone = login(administrator)
    assert rows(everyone, "/admin/requests/request/", case__unit__id__exact=unit_b.pk) == {desk.request_b.pk}
    assert rows(everyone, "/admin/assets/asset/", location_country="AE") == {desk.asset_b.pk}
    assert rows(everyone, "/admin/cases/case/", status__exact="open") == {desk.case_a.pk, desk.case_b.pk}


@pytest.mark.django_db
def test_the_case_list_counts_requests_assets_and_overdue_requests(desk, login, investigator_a):
    today = desk.today
    request_send(
        request=desk.request_a,
        actor=investigator_a,
        sent_on=today - datetime.timedelta(days=100),
        response_due=today - datetime.timedelta(days=1),
        override_reason="urgent",
    )
    response = login(investigator_a).get("/admin/cases/case/")
    (case,) = response.context["cl"].result_list
    assert (case._request_count, case._overdue_count, case._asset_count) == (1, 1, 1)
