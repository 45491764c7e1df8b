"""Permission refusals (from the admin, the API and CSRF), token events and views of personal
data are audit events: each through the real admin pages and API views that produce them."""

import pytest
from django.test import Client
from django.urls import reverse

from recovery.models import ApiToken, AuditEvent
from tests.security.conftest import client_for


def test_a_403_is_recorded_as_permission_denied(investigator_a):
    client = client_for(investigator_a)
    response = client.get(reverse("admin:auth_group_changelist"), REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 403

    event = AuditEvent.objects.get(action="permission_denied")
    assert event.user == investigator_a
    assert event.outcome == "denied"
    assert event.ip_address == "192.0.2.10"
    assert event.path == "/admin/auth/group/"
    assert event.extra == {"method": "GET", "view": "admin:auth_group_changelist"}


def test_an_allowed_page_records_no_refusal(administrator):
    client = client_for(administrator)
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 200
    assert not AuditEvent.objects.filter(action="permission_denied").exists()


def test_an_api_403_is_recorded_as_permission_denied(records_a, analyst):
    # An analyst reads cases but may not open one.
    response = client_for(analyst).post(
        "/api/v1/cases/", {"title": "x"}, content_type="application/json", REMOTE_ADDR="192.0.2.11"
    )
    assert response.status_code == 403
    event = AuditEvent.objects.get(action="permission_denied")
    assert (event.user, event.outcome, event.ip_address) == (analyst, "denied", "192.0.2.11")
    assert event.path == "/api/v1/cases/"
    assert event.extra == {"method": "POST", "view": "api:case-list"}


def test_an_api_call_with_a_token_outside_its_addresses_is_recorded(records_a, integration_client, administrator):
    from rest_framework.test import APIClient

    from recovery.api.services import api_token_create

    _token, text = api_token_create(
        actor=administrator, user=integration_client, name="register", scopes=["cases:read"], allowed_ips="10.0.0.0/8"
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {text}")
    assert api.get("/api/v1/cases/", REMOTE_ADDR="192.0.2.12").status_code == 403
    event = AuditEvent.objects.get(action="permission_denied")
    assert (event.ip_address, event.extra["view"]) == ("192.0.2.12", "api:case-list")


def test_a_csrf_refusal_in_the_admin_is_recorded(records_a, investigator_a):
    client = client_for(investigator_a, csrf_checks=True)
    case = records_a["case"]
    response = client.post(reverse("admin:cases_case_change", args=[case.pk]), {"title": "x"}, REMOTE_ADDR="192.0.2.13")
    assert response.status_code == 403
    event = AuditEvent.objects.get(action="permission_denied")
    assert (event.user, event.ip_address) == (investigator_a, "192.0.2.13")
    assert event.extra == {"method": "POST", "view": "admin:cases_case_change"}
    case.refresh_from_db()
    assert case.title != "x"


def test_a_csrf_refusal_of_a_session_api_call_is_recorded(records_a, investigator_a):
    # The API takes the browser's session too; without the CSRF token DRF refuses the write.
    client = client_for(investigator_a, csrf_checks=True)
    response = client.post("/api/v1/subjects/", {"name_latin": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    event = AuditEvent.objects.get(action="permission_denied")
    assert (event.user, event.extra) == (investigator_a, {"method": "POST", "view": "api:subject-list"})


def test_a_csrf_refusal_of_the_login_form_is_recorded_without_a_user(db):
    response = Client(enforce_csrf_checks=True).post(
        reverse("admin:login"), {"username": "someone", "password": "x"}, REMOTE_ADDR="192.0.2.14"
    )
    assert response.status_code == 403
    event = AuditEvent.objects.get(action="permission_denied")
    assert (event.user, event.username, event.ip_address) == (None, "", "192.0.2.14")
    assert event.extra["view"] == "admin:login"


def test_issuing_and_revoking_a_token_in_the_admin_are_recorded(integration_client, administrator):
    client = client_for(administrator)
    response = client.post(
        reverse("admin:recovery_apitoken_add"),
        {"name": "register", "user": integration_client.pk, "scopes": ["cases:read"], "allowed_ips": ""},
        REMOTE_ADDR="192.0.2.20",
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    token = ApiToken.objects.get(user=integration_client)
    created = AuditEvent.objects.get(action="token_created")
    assert (created.user, created.ip_address, created.object_id) == (
        administrator,
        "192.0.2.20",
        str(integration_client.pk),
    )
    assert created.object_repr == str(integration_client)
    assert (created.extra["token_id"], created.extra["name"]) == (token.pk, "register")

    response = client.post(
        reverse("admin:recovery_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
        REMOTE_ADDR="192.0.2.21",
    )
    assert response.status_code == 302
    revoked = AuditEvent.objects.get(action="token_revoked")
    assert (revoked.user, revoked.ip_address, revoked.extra["token_id"]) == (administrator, "192.0.2.21", token.pk)


def test_viewing_a_subject_page_records_personal_data_viewed(records_a, investigator_a):
    subject = records_a["subject"]
    response = client_for(investigator_a).get(
        reverse("admin:cases_subject_change", args=[subject.pk]), REMOTE_ADDR="192.0.2.30"
    )
    assert response.status_code == 200

    event = AuditEvent.objects.get(action="personal_data_viewed")
    assert (event.user, event.ip_address) == (investigator_a, "192.0.2.30")
    assert event.object_id == str(subject.pk)
    assert event.content_type.model == "subject"


@pytest.mark.parametrize(("who", "shown"), [("analyst", "•••••••••123"), ("investigator_a", "860101300123")])
def test_the_subject_list_shows_identifiers_as_the_role_may_see_them(request, records_a, who, shown):
    html = client_for(request.getfixturevalue(who)).get(reverse("admin:cases_subject_changelist")).content.decode()
    assert shown in html
    if shown != "860101300123":
        assert "860101300123" not in html
    # A list is not a view of each person's page.
    assert not AuditEvent.objects.filter(action="personal_data_viewed").exists()


def test_reading_a_subject_through_the_api_records_personal_data_viewed(records_a, analyst):
    subject = records_a["subject"]
    response = client_for(analyst).get(f"/api/v1/subjects/{subject.pk}/", REMOTE_ADDR="192.0.2.31")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="personal_data_viewed")
    assert (event.user, event.username, event.ip_address, event.object_id) == (
        analyst,
        "analyst",
        "192.0.2.31",
        str(subject.pk),
    )
