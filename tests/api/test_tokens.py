"""Service-account tokens: hashed, scoped, expiring, revocable, IP-limited, with last use recorded."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from recovery.api.services import api_token_create, api_token_revoke
from recovery.api.tokens import hash_token
from recovery.errors import InvalidInput
from recovery.models import ApiToken
from tests.api.conftest import assert_problem


@pytest.mark.django_db
def test_only_the_hash_is_stored(integration_client):
    token, text = api_token_create(actor=None, user=integration_client, name="register", scopes=["cases:read"])
    assert text not in {token.key_hash, token.prefix}
    assert token.key_hash == hash_token(text)
    assert text.startswith(f"ar_{token.prefix}_")


@pytest.mark.django_db
def test_a_token_reads_within_its_scopes_and_records_its_use(token_for, integration_client, case_a):
    case_a.team.add(integration_client)
    token, client = token_for(integration_client, scopes=["cases:read"])
    assert client.get(f"/api/v1/cases/{case_a.pk}/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_ip == "127.0.0.1"
    assert_problem(client.get("/api/v1/assets/"), 403)
    assert_problem(client.get("/api/v1/units/"), 403)


@pytest.mark.django_db
def test_a_read_scope_cannot_write(token_for, integration_client, case_a):
    _, client = token_for(integration_client, scopes=["cases:read", "requests:read"])
    assert_problem(client.post(f"/api/v1/cases/{case_a.pk}/transitions/", {"to_status": "suspended"}), 403)
    _, writer = token_for(integration_client, scopes=["cases:write"], name="writer")
    assert writer.post(f"/api/v1/cases/{case_a.pk}/transitions/", {"to_status": "suspended"}).status_code == 200


@pytest.mark.django_db
def test_a_revoked_token_is_401_on_its_next_call(token_for, integration_client):
    token, client = token_for(integration_client)
    assert client.get("/api/v1/cases/").status_code == 200
    api_token_revoke(actor=None, token=token)
    body = assert_problem(client.get("/api/v1/cases/"), 401)
    assert "revoked" in body["detail"]


@pytest.mark.django_db
def test_an_expired_token_is_401(token_for, integration_client):
    token, client = token_for(integration_client, expires_at=timezone.now() + datetime.timedelta(hours=1))
    assert client.get("/api/v1/cases/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert "expired" in assert_problem(client.get("/api/v1/cases/"), 401)["detail"]


@pytest.mark.django_db
def test_a_deactivated_account_is_401(token_for, integration_client):
    _, client = token_for(integration_client)
    integration_client.is_active = False
    integration_client.save()
    assert_problem(client.get("/api/v1/cases/"), 401)


@pytest.mark.django_db
def test_an_unknown_token_or_none_is_401(db):
    client = APIClient()
    response = client.get("/api/v1/cases/")
    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Token")
    client.credentials(HTTP_AUTHORIZATION="Token ar_deadbeef_nope")
    assert_problem(client.get("/api/v1/cases/"), 401)


@pytest.mark.django_db
def test_the_ip_allow_list(token_for, integration_client):
    _, inside = token_for(integration_client, allowed_ips="10.0.0.0/8\n127.0.0.1")
    assert inside.get("/api/v1/cases/").status_code == 200
    _, outside = token_for(integration_client, allowed_ips="10.0.0.0/8", name="other")
    assert_problem(outside.get("/api/v1/cases/"), 403)


@pytest.mark.django_db
def test_malformed_scopes_or_networks_are_refused(integration_client):
    with pytest.raises(InvalidInput):
        api_token_create(actor=None, user=integration_client, name="x", scopes=["cases:delete"])
    with pytest.raises(InvalidInput):
        api_token_create(actor=None, user=integration_client, name="x", scopes=["cases:read"], allowed_ips="10.0.0.300")


@pytest.mark.django_db
def test_the_management_command_shows_the_token_once_and_revokes(integration_client, capsys):
    call_command(
        "api_token",
        "create",
        "--user",
        integration_client.username,
        "--name",
        "register",
        "--scope",
        "cases:read",
        "--expires-in-days",
        "30",
    )
    text = capsys.readouterr().out.strip().splitlines()[-1]
    token = ApiToken.objects.get(key_hash=hash_token(text))
    assert token.scopes == ["cases:read"] and token.expires_at is not None
    call_command("api_token", "revoke", token.prefix)
    token.refresh_from_db()
    assert token.revoked_at is not None
