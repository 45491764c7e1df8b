"""Sessions end after the idle timeout and, however active, at the absolute lifetime.
Time is moved by rewriting the session's timestamps, not by waiting."""

import time

from django.test import Client

from recovery.models import AuditEvent
from recovery.security.sessions import SESSION_LAST_SEEN, SESSION_LOGIN_AT


def _signed_in(user):
    client = Client()
    client.force_login(user)
    assert client.get("/admin/").status_code == 200
    return client


def _shift(client, **stamps):
    session = client.session
    for key, seconds_ago in stamps.items():
        session[key] = time.time() - seconds_ago
    session.save()


def test_idle_session_expires(investigator_a, settings):
    client = _signed_in(investigator_a)
    _shift(client, **{SESSION_LAST_SEEN: settings.RECOVERY_SESSION_IDLE_SECONDS + 5})

    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="session_expired")
    assert (event.user, event.extra) == (investigator_a, {"reason": "idle"})


def test_active_session_expires_at_the_absolute_lifetime(investigator_a, settings):
    client = _signed_in(investigator_a)
    _shift(client, **{SESSION_LOGIN_AT: settings.RECOVERY_SESSION_ABSOLUTE_SECONDS + 5, SESSION_LAST_SEEN: 1})

    response = client.get("/admin/")
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="session_expired").extra == {"reason": "absolute"}


def test_session_within_both_limits_continues(investigator_a, settings):
    client = _signed_in(investigator_a)
    _shift(
        client,
        **{
            SESSION_LOGIN_AT: settings.RECOVERY_SESSION_ABSOLUTE_SECONDS - 60,
            SESSION_LAST_SEEN: settings.RECOVERY_SESSION_IDLE_SECONDS - 60,
        },
    )
    assert client.get("/admin/").status_code == 200
    # The visit refreshed the idle clock.
    assert time.time() - client.session[SESSION_LAST_SEEN] < 30
    assert not AuditEvent.objects.filter(action="session_expired").exists()


def test_limits_are_configured(settings):
    assert 0 < settings.RECOVERY_SESSION_IDLE_SECONDS < settings.RECOVERY_SESSION_ABSOLUTE_SECONDS
    assert settings.SESSION_COOKIE_AGE == settings.RECOVERY_SESSION_ABSOLUTE_SECONDS
