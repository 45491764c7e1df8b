"""Two-factor codes: a wrong code does not cost the next right one; many wrong codes lock the
device for a while; the pages carry the admin's header, a log-out form and the language switch."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

VERIFY = "/admin/"


def _code(device):
    device.refresh_from_db()
    return str(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)).zfill(
        device.digits
    )


def _wrong(device):
    right = int(_code(device))
    return str((right + 500000) % 1000000).zfill(6)


@pytest.fixture
def signed_in(supervisor_a):
    client = Client()
    client.force_login(supervisor_a)
    return client


@pytest.fixture
def device(supervisor_a):
    return TOTPDevice.objects.create(user=supervisor_a, name="phone", confirmed=True)


def _verify(client, token):
    return client.post(reverse("security:otp-verify"), {"otp_token": token, "next": "/admin/"})


def test_the_right_code_right_after_a_wrong_one_is_accepted(signed_in, device, settings):
    assert settings.OTP_TOTP_THROTTLE_FACTOR == 0
    wrong = _verify(signed_in, _wrong(device))
    assert wrong.status_code == 200
    assert "That code is not valid." in wrong.content.decode()
    right = _verify(signed_in, _code(device))
    assert right.status_code == 302 and right["Location"] == "/admin/"
    assert signed_in.get("/admin/").status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_few_wrong_codes_then_the_right_one_is_accepted(signed_in, device, settings):
    for _ in range(settings.RECOVERY_OTP_FAILURE_LIMIT - 1):
        assert _verify(signed_in, _wrong(device)).status_code == 200
    assert _verify(signed_in, _code(device)).status_code == 302


def test_many_wrong_codes_lock_the_device_even_against_the_right_code(signed_in, device, settings):
    for _ in range(settings.RECOVERY_OTP_FAILURE_LIMIT):
        _verify(signed_in, _wrong(device))
    locked = _verify(signed_in, _code(device))
    assert locked.status_code == 200
    assert "Too many wrong codes" in locked.content.decode()
    assert signed_in.get("/admin/").status_code == 302
    device.refresh_from_db()
    assert device.last_used_at is None  # the right code was not even checked


def test_the_lockout_ends_and_a_right_code_then_passes(signed_in, device, settings):
    from datetime import timedelta

    from django.utils import timezone

    for _ in range(settings.RECOVERY_OTP_FAILURE_LIMIT):
        _verify(signed_in, _wrong(device))
    device.refresh_from_db()
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=settings.RECOVERY_OTP_LOCKOUT_SECONDS + 1)
    )
    # One more slip after the lockout does not lock again at once.
    assert "Too many" not in _verify(signed_in, _wrong(device)).content.decode()
    assert _verify(signed_in, _code(device)).status_code == 302


def test_setup_accepts_the_right_code_after_a_wrong_one(signed_in, supervisor_a):
    signed_in.get(reverse("security:otp-setup"))
    device = TOTPDevice.objects.get(user=supervisor_a, confirmed=False)
    url = reverse("security:otp-setup")
    assert signed_in.post(url, {"otp_token": _wrong(device), "next": "/admin/"}).status_code == 200
    response = signed_in.post(url, {"otp_token": _code(device), "next": "/admin/"})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed


def test_setup_locks_after_many_wrong_codes(signed_in, supervisor_a, settings):
    signed_in.get(reverse("security:otp-setup"))
    device = TOTPDevice.objects.get(user=supervisor_a, confirmed=False)
    url = reverse("security:otp-setup")
    for _ in range(settings.RECOVERY_OTP_FAILURE_LIMIT):
        signed_in.post(url, {"otp_token": _wrong(device), "next": "/admin/"})
    response = signed_in.post(url, {"otp_token": _code(device), "next": "/admin/"})
    assert "Too many wrong codes" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed


@pytest.mark.parametrize("page", ["security:otp-setup", "security:otp-verify"])
@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_pages_have_the_admin_header_a_logout_form_and_the_language_switch(signed_in, supervisor_a, page, language):
    if page == "security:otp-verify":
        TOTPDevice.objects.create(user=supervisor_a, name="phone", confirmed=True)
    signed_in.post(reverse("set_language"), {"language": language, "next": "/"})
    response = signed_in.get(reverse(page))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<header id="header">' in html
    assert 'id="site-name"' in html
    assert f'<html lang="{language}"' in html
    assert 'id="language-switcher"' in html and 'name="language"' in html
    logout = html.split('id="logout-form"', 1)[1].split("</form>", 1)[0]
    assert 'method="post"' in logout and reverse("admin:logout") in logout and "csrfmiddlewaretoken" in logout
    with translation.override(language):
        assert str(translation.gettext("Log out")) in logout


def test_logout_from_the_two_factor_page_ends_the_session(signed_in, device):
    response = signed_in.post(reverse("admin:logout"))
    assert response.status_code in (200, 302)
    assert signed_in.get(reverse("security:otp-verify")).status_code == 302
