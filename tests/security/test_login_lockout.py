"""django-axes locks a username out after repeated failures; even the right password is then refused."""

from django.urls import reverse

from recovery.models import AuditEvent


def _attempt(client, password, ip="203.0.113.50"):
    return client.post(
        reverse("admin:login"), {"username": "inv_a", "password": password, "next": "/admin/"}, REMOTE_ADDR=ip
    )


def test_lockout_after_the_failure_limit(client, investigator_a, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        assert _attempt(client, "wrong").status_code == 200
    assert _attempt(client, "wrong").status_code == 429  # the third failure locks

    # Locked: the correct password is refused too, from another address as well.
    assert _attempt(client, "correct-horse-battery", ip="198.51.100.9").status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="account_locked", username="inv_a").exists()
    assert AuditEvent.objects.filter(action="login_failure", username="inv_a").count() >= 3
    assert not AuditEvent.objects.filter(action="login_success").exists()


def test_fewer_failures_than_the_limit_do_not_lock(client, investigator_a, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        assert _attempt(client, "wrong").status_code == 200
    assert _attempt(client, "correct-horse-battery").status_code == 302
    assert client.session["_auth_user_id"] == str(investigator_a.pk)


def test_default_limit_is_strict(settings):
    assert 1 <= settings.AXES_FAILURE_LIMIT <= 10
    assert settings.AXES_COOLOFF_TIME.total_seconds() >= 60
