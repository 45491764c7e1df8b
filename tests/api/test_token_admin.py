"""Issuing and revoking tokens in the admin."""

import pytest

from recovery.api.tokens import hash_token
from recovery.models import ApiToken
from tests.factories import UserFactory


@pytest.mark.django_db
def test_the_admin_issues_a_token_shown_once_and_revokes_it(client, integration_client):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    response = client.post(
        "/admin/recovery/apitoken/add/",
        {
            "name": "register",
            "user": integration_client.pk,
            "scopes": ["cases:read", "requests:write"],
            "allowed_ips": "10.0.0.0/8",
        },
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    token = ApiToken.objects.get()
    text = next(word for m in shown for word in m.split() if word.startswith("ar_"))
    assert token.key_hash == hash_token(text) and token.created_by == root
    assert text not in client.get(f"/admin/recovery/apitoken/{token.pk}/change/").content.decode()
    client.post("/admin/recovery/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.django_db
def test_the_admin_refuses_a_malformed_network(client, integration_client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    response = client.post(
        "/admin/recovery/apitoken/add/",
        {"name": "register", "user": integration_client.pk, "scopes": ["cases:read"], "allowed_ips": "10.0.0.300"},
    )
    assert response.status_code == 200 and "allowed_ips" in response.context["adminform"].form.errors
    assert not ApiToken.objects.exists()
