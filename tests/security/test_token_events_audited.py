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
