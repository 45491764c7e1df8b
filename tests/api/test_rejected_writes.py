"""Writes that are refused: unknown or read-only fields, DELETE, analysts and read-only tokens."""

import pytest

from tests.api.conftest import assert_problem


@pytest.mark.django_db
def test_unknown_and_read_only_fields_are_rejected(client_for, investigator_a, case_a):
    client = client_for(investigator_a)
    etag = client.get(f"/api/v1/cases/{case_a.pk}/")["ETag"]
    response = client.patch(
        f"/api/v1/cases/{case_a.pk}/", {"title": "x", "status": "closed", "colour": "red"}, HTTP_IF_MATCH=etag
    )
    body = assert_problem(response, 400)
    assert body["errors"]["status"] == ["This field is read-only."]
    assert body["errors"]["colour"] == ["Unknown field."]
    case_a.refresh_from_db()
    assert case_a.title != "x" and case_a.status == "open"


@pytest.mark.django_db
def test_unknown_fields_in_a_create_are_rejected(client_for, investigator_a, case_a):
    response = client_for(investigator_a).post(
        "/api/v1/assets/",
        {
            "case": case_a.pk,
            "kind": "cash",
            "description": "x",
            "location_country": "CH",
            "currency": "USD",
            "identified_on": "2024-01-01",
            "frozen_amount": {"amount": "5", "currency": "USD"},
        },
    )
    assert assert_problem(response, 400)["errors"]["frozen_amount"] == ["This field is read-only."]


@pytest.mark.django_db
@pytest.mark.parametrize("resource", ["cases", "requests", "assets", "subjects"])
def test_nothing_is_deleted(client_for, administrator, request_a, asset_a, resource):
    from cases.services import case_add_subject, subject_create

    subject = subject_create(actor=administrator, name_latin="Ivan Petrov")
    case_add_subject(case=request_a.case, subject=subject, role="suspect", actor=administrator)
    pk = {"cases": request_a.case_id, "requests": request_a.pk, "assets": asset_a.pk, "subjects": subject.pk}[resource]
    response = client_for(administrator).delete(f"/api/v1/{resource}/{pk}/", HTTP_IF_MATCH='"v1"')
    assert_problem(response, 405)
    assert client_for(administrator).get(f"/api/v1/{resource}/{pk}/").status_code == 200


@pytest.mark.django_db
def test_analysts_read_but_do_not_write(client_for, analyst, case_a, corruption):
    client = client_for(analyst)
    assert client.get(f"/api/v1/cases/{case_a.pk}/").status_code == 200
    assert_problem(client.post(f"/api/v1/cases/{case_a.pk}/transitions/", {"to_status": "closed"}), 403)
    assert_problem(client.patch(f"/api/v1/cases/{case_a.pk}/", {"title": "x"}, HTTP_IF_MATCH='"v1"'), 403)


@pytest.mark.django_db
def test_a_body_that_is_not_an_object_is_400(client_for, investigator_a):
    response = client_for(investigator_a).post("/api/v1/cases/", [1, 2], format="json")
    assert_problem(response, 400)


@pytest.mark.django_db
def test_malformed_json_is_400(client_for, investigator_a):
    response = client_for(investigator_a).generic(
        "POST", "/api/v1/cases/", "{not json", content_type="application/json"
    )
    assert_problem(response, 400)
