"""No lost updates: PUT/PATCH need the ETag in If-Match; 428 without, 412 when stale."""

import pytest

from tests.api.conftest import assert_problem


@pytest.mark.django_db
def test_update_without_if_match_is_428(client_for, investigator_a, case_a):
    response = client_for(investigator_a).patch(f"/api/v1/cases/{case_a.pk}/", {"title": "x"})
    assert_problem(response, 428)


@pytest.mark.django_db
def test_stale_if_match_is_412_and_changes_nothing(client_for, investigator_a, supervisor_a, case_a):
    mine, theirs = client_for(investigator_a), client_for(supervisor_a)
    etag = mine.get(f"/api/v1/cases/{case_a.pk}/")["ETag"]
    first = theirs.patch(f"/api/v1/cases/{case_a.pk}/", {"title": "Theirs"}, HTTP_IF_MATCH=etag)
    assert first.status_code == 200
    second = mine.patch(f"/api/v1/cases/{case_a.pk}/", {"title": "Mine"}, HTTP_IF_MATCH=etag)
    assert_problem(second, 412)
    case_a.refresh_from_db()
    assert case_a.title == "Theirs"


@pytest.mark.django_db
def test_success_bumps_the_version_and_returns_the_new_etag(client_for, investigator_a, asset_a):
    client = client_for(investigator_a)
    etag = client.get(f"/api/v1/assets/{asset_a.pk}/")["ETag"]
    response = client.patch(f"/api/v1/assets/{asset_a.pk}/", {"institution": "UBS"}, HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["version"] == asset_a.version + 1
    assert response["ETag"] == f'"v{asset_a.version + 1}"' != etag
    assert client.get(f"/api/v1/assets/{asset_a.pk}/")["ETag"] == response["ETag"]


@pytest.mark.django_db
def test_if_match_star_is_not_enough(client_for, investigator_a, case_a):
    assert_problem(
        client_for(investigator_a).patch(f"/api/v1/cases/{case_a.pk}/", {"title": "x"}, HTTP_IF_MATCH="*"), 428
    )


@pytest.mark.django_db
def test_a_transition_with_a_stale_if_match_is_412(client_for, investigator_a, case_a):
    client = client_for(investigator_a)
    etag = client.get(f"/api/v1/cases/{case_a.pk}/")["ETag"]
    client.patch(f"/api/v1/cases/{case_a.pk}/", {"title": "Changed"}, HTTP_IF_MATCH=etag)
    response = client.post(f"/api/v1/cases/{case_a.pk}/transitions/", {"to_status": "closed"}, HTTP_IF_MATCH=etag)
    assert_problem(response, 412)
    case_a.refresh_from_db()
    assert case_a.status == "open"
