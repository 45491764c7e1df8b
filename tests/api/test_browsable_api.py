"""People use the same API from the browser, signed in with their admin session."""

import pytest

from tests.api.conftest import assert_problem


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "",
        "cases/",
        "cases/{case}/",
        "requests/",
        "requests/{request}/",
        "assets/{asset}/",
        "cases/{case}/timeline/",
        "legal-instruments/",
    ],
)
def test_pages_render_as_html(client, investigator_a, request_a, asset_a, path):
    client.force_login(investigator_a)
    url = "/api/v1/" + path.format(case=request_a.case_id, request=request_a.pk, asset=asset_a.pk)
    response = client.get(url, HTTP_ACCEPT="text/html")
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_options_describes_an_endpoint(client_for, investigator_a, case_a):
    response = client_for(investigator_a).options(f"/api/v1/cases/{case_a.pk}/")
    assert response.status_code == 200
    assert response.json()["name"]


@pytest.mark.django_db
def test_session_writes_need_the_csrf_token(investigator_a, case_a):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(investigator_a)
    response = client.post(f"/api/v1/cases/{case_a.pk}/transitions/", {"to_status": "suspended"}, format="json")
    assert "CSRF" in assert_problem(response, 403)["detail"]
