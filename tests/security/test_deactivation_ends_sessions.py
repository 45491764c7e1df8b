"""Deactivating a user ends every session they have open and revokes every API token they hold,
at once, whether an administrator unticks "active" in the admin or code calls the service; the
tokens stay revoked when the account is reactivated."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from recovery.api.services import api_token_create
from recovery.models import ApiToken, AuditEvent
from recovery.security.accounts import user_deactivate
from tests.admin.forms import change_form_data
from tests.security.conftest import client_for


def _set_active_in_the_admin(admin_client, user, active: bool):
    url = reverse("admin:recovery_user_change", args=[user.pk])
    data = change_form_data(admin_client.get(url))
    if active:
        data["is_active"] = "on"
    else:
        data.pop("is_active", None)
    response = admin_client.post(url, data, REMOTE_ADDR="192.0.2.70")
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    user.refresh_from_db()
    assert user.is_active is active


@pytest.fixture
def token(integration_client, administrator):
    _token, text = api_token_create(
        actor=administrator, user=integration_client, name="register", scopes=["cases:read"]
    )
    return text


def _api(text):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {text}")
    return api


def test_deactivation_in_the_admin_ends_all_sessions_of_that_user_only(investigator_a, investigator_b, administrator):
    laptop, phone = Client(), Client()
    laptop.force_login(investigator_a)
    phone.force_login(investigator_a)
    colleague = Client()
    colleague.force_login(investigator_b)
    assert laptop.get("/admin/").status_code == 200
    admin_client = client_for(administrator)
    before = Session.objects.count()

    _set_active_in_the_admin(admin_client, investigator_a, False)

    assert Session.objects.count() == before - 2
    assert laptop.get("/admin/").status_code == 302
    assert phone.get("/admin/").status_code == 302
    assert colleague.get("/admin/").status_code == 200
    assert admin_client.get("/admin/").status_code == 200
    event = AuditEvent.objects.get(action="user_deactivated")
    assert (event.user, event.object_id, event.ip_address) == (administrator, str(investigator_a.pk), "192.0.2.70")
    assert event.extra["sessions_ended"] == 2


def test_saving_an_active_user_ends_nothing(investigator_a, token, integration_client):
    client = Client()
    client.force_login(investigator_a)
    investigator_a.first_name = "Renamed"
    investigator_a.save()
    integration_client.last_name = "Renamed"
    integration_client.save()
    assert client.get("/admin/").status_code == 200
    assert _api(token).get("/api/v1/cases/").status_code == 200
    assert not AuditEvent.objects.filter(action__in=["user_deactivated", "token_revoked"]).exists()


def test_deactivation_in_the_admin_revokes_the_tokens_and_reactivation_does_not_restore_them(
    records_a, integration_client, administrator, token
):
    second, second_text = api_token_create(
        actor=administrator, user=integration_client, name="second", scopes=["cases:read"]
    )
    browser = Client()
    browser.force_login(integration_client)
    case_url = f"/api/v1/cases/{records_a['case'].pk}/"
    assert _api(token).get(case_url).status_code == 200
    assert browser.get(case_url).status_code == 200
    admin_client = client_for(administrator)

    _set_active_in_the_admin(admin_client, integration_client, False)

    assert not ApiToken.objects.filter(user=integration_client, revoked_at__isnull=True).exists()
    revoked = AuditEvent.objects.filter(action="token_revoked").order_by("pk")
    assert [(e.user, e.object_id, e.extra["reason"]) for e in revoked] == [
        (administrator, str(integration_client.pk), "user_deactivated")
    ] * 2
    assert {e.extra["token_id"] for e in revoked} == set(
        ApiToken.objects.filter(user=integration_client).values_list("pk", flat=True)
    )
    deactivated = AuditEvent.objects.get(action="user_deactivated")
    assert deactivated.extra["tokens_revoked"] == 2
    assert _api(token).get(case_url).status_code == 401
    assert browser.get(case_url).status_code in (401, 403)  # the session is gone: anonymous

    # Reactivated: the account may get new tokens, the old ones stay revoked.
    _set_active_in_the_admin(admin_client, integration_client, True)
    for text in (token, second_text):
        response = _api(text).get(case_url)
        assert response.status_code == 401
        assert "revoked" in response.json()["detail"]


def test_deactivation_through_the_service_revokes_the_tokens_with_the_actor(
    records_a, integration_client, administrator, token
):
    user_deactivate(actor=administrator, user=integration_client)

    event = AuditEvent.objects.get(action="token_revoked")
    assert (event.user, event.username, event.extra["reason"]) == (administrator, "admin_user", "user_deactivated")
    assert AuditEvent.objects.get(action="user_deactivated").user == administrator
    integration_client.is_active = True
    integration_client.save()
    assert _api(token).get(f"/api/v1/cases/{records_a['case'].pk}/").status_code == 401
