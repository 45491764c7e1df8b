"""Opening and editing cases and subjects through the API (the services do the work)."""

import pytest

from cases.models import Case, Subject
from tests.api.conftest import assert_problem


def new_case(unit, lead, category, **extra):
    return {
        "register_number": "241500031000123",
        "title": "Embezzlement of budget funds",
        "unit": unit.pk,
        "lead_investigator": lead.pk,
        "primary_crime_category": category.pk,
        "opened_on": "2024-01-15",
        "estimated_damage": {"amount": "1300000.00", "currency": "USD"},
        **extra,
    }


@pytest.mark.django_db
def test_open_a_case(client_for, investigator_a, corruption):
    response = client_for(investigator_a).post(
        "/api/v1/cases/", new_case(investigator_a.unit, investigator_a, corruption)
    )
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(pk=body["id"])
    assert case.estimated_damage.amount == 1300000 and str(case.estimated_damage.currency) == "USD"
    assert [row.to_status for row in case.timeline.all()] == ["open"]
    assert response["Location"] == f"/api/v1/cases/{case.pk}/"
    assert response["ETag"] == '"v1"'


@pytest.mark.django_db
def test_a_duplicate_register_number_is_refused_with_the_field(client_for, investigator_a, corruption, case_a):
    data = new_case(investigator_a.unit, investigator_a, corruption, register_number=case_a.register_number)
    body = assert_problem(client_for(investigator_a).post("/api/v1/cases/", data), 400)
    assert "register_number" in body["errors"]


@pytest.mark.django_db
def test_money_as_a_float_is_refused(client_for, investigator_a, corruption):
    data = new_case(
        investigator_a.unit, investigator_a, corruption, estimated_damage={"amount": 1.5, "currency": "USD"}
    )
    body = assert_problem(client_for(investigator_a).post("/api/v1/cases/", data), 400)
    assert "estimated_damage" in body["errors"]
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_future_opening_date_is_refused(client_for, investigator_a, corruption):
    data = new_case(investigator_a.unit, investigator_a, corruption, opened_on="2999-01-01")
    body = assert_problem(client_for(investigator_a).post("/api/v1/cases/", data), 400)
    assert "opened_on" in body["errors"]


@pytest.mark.django_db
def test_patch_a_case_with_if_match(client_for, investigator_a, case_a):
    response = client_for(investigator_a).patch(
        f"/api/v1/cases/{case_a.pk}/", {"title": "New title"}, HTTP_IF_MATCH=f'"v{case_a.version}"'
    )
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "New title"
    case_a.refresh_from_db()
    assert case_a.title == "New title"


@pytest.mark.django_db
def test_record_a_subject_linked_to_a_case(client_for, investigator_a, case_a):
    client = client_for(investigator_a)
    response = client.post(
        "/api/v1/subjects/",
        {
            "kind": "company",
            "name_latin": "Alpha Holdings Ltd",
            "nationality": "AE",
            "case": case_a.pk,
            "role": "nominee",
        },
    )
    assert response.status_code == 201, response.content
    subject = Subject.objects.get(pk=response.json()["id"])
    assert subject.nationality == "AE"
    assert client.get(f"/api/v1/subjects/{subject.pk}/").json()["cases"] == [{"case": case_a.pk, "role": "nominee"}]
    etag = client.get(f"/api/v1/subjects/{subject.pk}/")["ETag"]
    patched = client.patch(f"/api/v1/subjects/{subject.pk}/", {"is_pep": True}, HTTP_IF_MATCH=etag)
    assert patched.status_code == 200 and patched.json()["is_pep"] is True


@pytest.mark.django_db
def test_give_an_existing_subject_a_role(client_for, investigator_a, case_a):
    from cases.services import case_add_subject, subject_create

    subject = subject_create(actor=investigator_a, name_latin="Ivan Petrov")
    case_add_subject(case=case_a, subject=subject, role="suspect", actor=investigator_a)
    response = client_for(investigator_a).post(
        f"/api/v1/cases/{case_a.pk}/subjects/", {"subject": subject.pk, "role": "beneficial_owner"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["role"] == "beneficial_owner"
    again = client_for(investigator_a).post(
        f"/api/v1/cases/{case_a.pk}/subjects/", {"subject": subject.pk, "role": "beneficial_owner"}
    )
    assert "role" in assert_problem(again, 400)["errors"]


@pytest.mark.django_db
@pytest.mark.parametrize("damage", [2.5e-262, "1300000.00", ["1", "USD"], {"amount": "1", "currency": "USD", "x": 1}])
def test_money_in_the_wrong_shape_is_a_400_naming_the_expected_shape(client_for, investigator_a, corruption, damage):
    # Found by Schemathesis: the message's own braces broke DRF's self.fail() formatting (a 500).
    data = new_case(investigator_a.unit, investigator_a, corruption, estimated_damage=damage)
    body = assert_problem(client_for(investigator_a).post("/api/v1/cases/", data, format="json"), 400)
    assert "estimated_damage" in body["errors"]
    assert not Case.objects.exists()
