"""Deactivating a user ends every session they have open, at once."""

from django.contrib.sessions.models import Session
from django.test import Client

from recovery.models import AuditEvent
from tests.security.conftest import client_for


def test_deactivation_ends_all_sessions_of_that_user_only(investigator_a, investigator_b, administrator):
    laptop, phone = Client(), Client()
    laptop.force_login(investigator_a)
    phone.force_login(investigator_a)
    colleague = Client()
    colleague.force_login(investigator_b)
    assert laptop.get("/admin/").status_code == 200
    assert Session.objects.count() == 3

    # An administrator deactivates the account through the admin.
    admin_client = client_for(administrator)
    before = Session.objects.count()
    investigator_a.is_active = False
    investigator_a.save()

    assert Session.objects.count() == before - 2
    assert laptop.get("/admin/").status_code == 302
    assert phone.get("/admin/").status_code == 302
    assert colleague.get("/admin/").status_code == 200
    assert admin_client.get("/admin/").status_code == 200
    event = AuditEvent.objects.get(action="user_deactivated")
    assert event.object_id == str(investigator_a.pk)
    assert event.extra["sessions_ended"] == 2


def test_saving_an_active_user_ends_nothing(investigator_a):
    client = Client()
    client.force_login(investigator_a)
    investigator_a.first_name = "Renamed"
    investigator_a.save()
    assert client.get("/admin/").status_code == 200
    assert not AuditEvent.objects.filter(action="user_deactivated").exists()


def test_deactivation_ends_sessions_and_api_tokens_at_once(records_a, integration_client, administrator):
    """One save of the account: its browser session and its API token stop working together."""
    from rest_framework.test import APIClient

    from recovery.api.services import api_token_create

    _token, text = api_token_create(
        actor=administrator, user=integration_client, name="register", scopes=["cases:read"]
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {text}")
    browser = Client()
    browser.force_login(integration_client)
    case_url = f"/api/v1/cases/{records_a['case'].pk}/"
    assert api.get(case_url).status_code == 200
    assert browser.get(case_url).status_code == 200

    integration_client.is_active = False
    integration_client.save()

    refused = api.get(case_url)
    assert refused.status_code == 401  # the token names an inactive user: not authenticated
    assert browser.get(case_url).status_code in (401, 403)  # the session is gone: anonymous
    assert all(s.get_decoded().get("_auth_user_id") != str(integration_client.pk) for s in Session.objects.all())
    assert AuditEvent.objects.filter(action="user_deactivated", object_id=str(integration_client.pk)).exists()
