"""Issuing and revoking an API token leave security audit events, whoever does it (admin or command)."""

import pytest

from recovery.api.services import api_token_create, api_token_revoke
from recovery.models import AuditEvent


@pytest.mark.django_db
def test_token_creation_and_revocation_are_audited(administrator, integration_client):
    token, _text = api_token_create(
        actor=administrator, user=integration_client, name="register", scopes=["cases:read"]
    )
    created = AuditEvent.objects.get(action="token_created")
    assert created.user == administrator and created.extra["token_id"] == token.pk
    api_token_revoke(actor=administrator, token=token)
    api_token_revoke(actor=administrator, token=token)  # a second revocation changes nothing
    assert AuditEvent.objects.filter(action="token_revoked", user=administrator).count() == 1


def test_revoking_in_the_admin_records_who_and_from_where(administrator, integration_client):
    """The service has no request at hand; the event still names the address of the admin request."""
    from django.urls import reverse

    from tests.security.conftest import client_for

    token, _text = api_token_create(
        actor=administrator, user=integration_client, name="register", scopes=["cases:read"]
    )
    response = client_for(administrator).post(
        reverse("admin:recovery_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
        REMOTE_ADDR="192.0.2.61",
        HTTP_USER_AGENT="pytest-admin",
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="token_revoked")
    assert (event.user, event.outcome, event.ip_address, event.user_agent) == (
        administrator,
        "success",
        "192.0.2.61",
        "pytest-admin",
    )
    assert event.object_id == str(integration_client.pk) and event.extra["token_id"] == token.pk
    # Outside a web request (a command, a task) there is no address to record.
    assert AuditEvent.objects.get(action="token_created").ip_address is None


def test_change_log_records_the_client_address_as_the_security_events_do(settings):
    from django.test import RequestFactory

    from recovery.security.middleware import TrustedAddressAuditlogMiddleware

    assert "recovery.security.middleware.TrustedAddressAuditlogMiddleware" in settings.MIDDLEWARE
    assert "auditlog.middleware.AuditlogMiddleware" not in settings.MIDDLEWARE
    forged = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.4")
    settings.RECOVERY_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert TrustedAddressAuditlogMiddleware._get_remote_addr(forged) == "198.51.100.4"  # not the forged 1.1.1.1
    settings.RECOVERY_TRUSTED_PROXIES = []
    assert TrustedAddressAuditlogMiddleware._get_remote_addr(forged) == "10.0.0.2"


def test_the_api_token_command_records_who_ran_it(integration_client, monkeypatch):
    """No user signs in to run a command: the events name the command and the OS login, as
    export_case's do."""
    import getpass
    import io

    from django.core.management import call_command

    from recovery.models import ApiToken

    monkeypatch.setattr(getpass, "getuser", lambda: "ops-anna")
    out = io.StringIO()
    call_command(
        "api_token", "create", "--user", "svc_register", "--name", "register", "--scope", "cases:read", stdout=out
    )
    token = ApiToken.objects.get(user=integration_client)
    call_command("api_token", "revoke", token.prefix, stdout=out)

    created = AuditEvent.objects.get(action="token_created")
    revoked = AuditEvent.objects.get(action="token_revoked")
    for event in (created, revoked):
        assert event.user is None
        assert event.username == "manage.py api_token (ops-anna)"
        assert event.object_id == str(integration_client.pk) and event.extra["token_id"] == token.pk
    token.refresh_from_db()
    assert token.revoked_at is not None
