"""Another unit's records are not found (404), and cannot be named in a write."""

import pytest

from tests.api.conftest import assert_problem
from tests.factories import make_asset, make_request


@pytest.mark.django_db
@pytest.mark.parametrize("resource", ["cases", "requests", "assets", "subjects"])
def test_another_units_record_is_404(client_for, investigator_a, investigator_b, case_b, uncac, freezing, resource):
    from cases.services import subject_create

    records = {
        "cases": case_b,
        "requests": make_request(case=case_b, legal_basis=uncac, measures=[freezing]),
        "assets": make_asset(case=case_b),
    }
    if resource == "subjects":
        from cases.services import case_add_subject

        subject = subject_create(actor=investigator_b, name_latin="Ivan Petrov")
        case_add_subject(case=case_b, subject=subject, role="suspect", actor=investigator_b)
        records["subjects"] = subject
    pk = records[resource].pk
    assert client_for(investigator_b).get(f"/api/v1/{resource}/{pk}/").status_code == 200
    assert_problem(client_for(investigator_a).get(f"/api/v1/{resource}/{pk}/"), 404)
    assert client_for(investigator_a).get(f"/api/v1/{resource}/").json()["count"] == 0


@pytest.mark.django_db
def test_supervisor_sees_sub_units_and_analyst_sees_everything(
    client_for, supervisor_a, analyst, investigator_a1, case_b, corruption
):
    from tests.factories import make_case

    case_a1 = make_case(actor=investigator_a1, lead=investigator_a1, unit=investigator_a1.unit)
    sup_ids = {c["id"] for c in client_for(supervisor_a).get("/api/v1/cases/").json()["results"]}
    assert sup_ids == {case_a1.pk}
    all_ids = {c["id"] for c in client_for(analyst).get("/api/v1/cases/").json()["results"]}
    assert all_ids == {case_a1.pk, case_b.pk}


@pytest.mark.django_db
def test_a_request_cannot_be_filed_on_another_units_case(
    client_for, investigator_a, case_b, uncac, freezing, corruption
):
    response = client_for(investigator_a).post(
        "/api/v1/requests/",
        {
            "case": case_b.pk,
            "country": "CH",
            "legal_basis": uncac.pk,
            "crime_category": corruption.pk,
            "measures": [freezing.pk],
        },
    )
    body = assert_problem(response, 400)
    assert "case" in body["errors"]


@pytest.mark.django_db
def test_a_case_cannot_be_opened_in_another_unit(client_for, investigator_a, unit_b, corruption):
    response = client_for(investigator_a).post(
        "/api/v1/cases/",
        {
            "register_number": "555",
            "title": "x",
            "unit": unit_b.pk,
            "lead_investigator": investigator_a.pk,
            "primary_crime_category": corruption.pk,
            "opened_on": "2024-01-01",
        },
    )
    assert "unit" in assert_problem(response, 400)["errors"]
