"""One error shape for every 4xx, in the request's language where a translation exists."""

import pytest
from rest_framework.test import APIClient

from tests.api.conftest import assert_problem


@pytest.mark.django_db
def test_404_405_and_validation_errors_are_problem_json(client_for, investigator_a):
    client = client_for(investigator_a)
    assert_problem(client.get("/api/v1/cases/999999/"), 404)
    assert_problem(client.delete("/api/v1/cases/999999/"), 405)
    body = assert_problem(client.post("/api/v1/cases/", {}), 400)
    assert {"register_number", "title", "unit", "opened_on"} <= set(body["errors"])
    assert body["instance"] == "/api/v1/cases/"


@pytest.mark.django_db
def test_errors_in_the_requests_language(db):
    response = APIClient().get("/api/v1/cases/", HTTP_ACCEPT_LANGUAGE="ru")
    body = assert_problem(response, 401)
    assert body["detail"] == "Учетные данные не были предоставлены."


@pytest.mark.django_db
def test_unsupported_media_type_is_415(client_for, investigator_a):
    response = client_for(investigator_a).generic("POST", "/api/v1/cases/", "a=b", content_type="text/plain")
    assert_problem(response, 415)


@pytest.mark.django_db
def test_the_apis_own_messages_in_russian_and_kazakh(client_for, investigator_a, case_a):
    client = client_for(investigator_a)
    ru = assert_problem(client.patch(f"/api/v1/cases/{case_a.pk}/", {"title": "x"}, HTTP_ACCEPT_LANGUAGE="ru"), 428)
    assert ru["title"] == "Требуется предусловие."
    assert ru["detail"] == "Чтобы изменить запись, передайте её ETag в заголовке If-Match."
    kk = assert_problem(
        client.patch(f"/api/v1/cases/{case_a.pk}/", {"colour": "red"}, HTTP_IF_MATCH='"v1"', HTTP_ACCEPT_LANGUAGE="kk"),
        400,
    )
    assert kk["errors"]["colour"] == ["Белгісіз өріс."]
