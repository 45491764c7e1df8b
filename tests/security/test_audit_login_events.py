"""Logins (success and failure) and logouts are audit events with who, when, from where and outcome."""

from django.urls import reverse

from recovery.models import AuditEvent


def _login(client, username, password, **extra):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT="pytest-browser",
        **extra,
    )


def test_successful_login_is_recorded(client, investigator_a):
    response = _login(client, "inv_a", "correct-horse-battery")
    assert response.status_code == 302

    event = AuditEvent.objects.get(action="login_success")
    assert event.user == investigator_a
    assert event.username == "inv_a"
    assert event.ip_address == "203.0.113.7"
    assert event.user_agent == "pytest-browser"
    assert event.outcome == "success"


def test_failed_login_is_recorded_with_the_name_typed(client, investigator_a):
    response = _login(client, "inv_a", "wrong-password")
    assert response.status_code == 200  # the form again, with an error

    event = AuditEvent.objects.get(action="login_failure")
    assert event.user is None
    assert event.username == "inv_a"
    assert event.outcome == "failure"
    assert event.ip_address == "203.0.113.7"
    assert "wrong-password" not in str(event.extra)
    assert not AuditEvent.objects.filter(action="login_success").exists()


def test_logout_is_recorded(client, investigator_a):
    _login(client, "inv_a", "correct-horse-battery")
    response = client.post(reverse("admin:logout"), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200

    event = AuditEvent.objects.get(action="logout")
    assert event.user == investigator_a
    assert event.ip_address == "203.0.113.7"


def test_client_address_comes_from_the_trusted_proxy_only(client, investigator_a, settings):
    settings.RECOVERY_TRUSTED_PROXIES = ["10.0.0.2"]
    client.post(
        reverse("admin:login"),
        {"username": "inv_a", "password": "correct-horse-battery"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.4",
    )
    # The proxy appended the real client (198.51.100.4); the first entry was forged by the client.
    assert AuditEvent.objects.get(action="login_success").ip_address == "198.51.100.4"
