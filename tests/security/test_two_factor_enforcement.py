"""TOTP two-factor authentication: required for supervisors, administrators and superusers,
for investigators only when RECOVERY_2FA_REQUIRED_FOR_INVESTIGATORS is on."""

import base64
import re

import pytest
import qrcode
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from recovery.models import AuditEvent


def _code(device):
    return str(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)).zfill(
        device.digits
    )


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["supervisor_a", "administrator", "superuser"])
def test_roles_that_require_2fa_are_sent_to_set_it_up(request, who):
    user = request.getfixturevalue(who)
    response = _signed_in(user).get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("security:otp-setup"))


@pytest.mark.parametrize("who", ["investigator_a", "analyst", "auditor"])
def test_other_roles_are_not_asked(request, who):
    user = request.getfixturevalue(who)
    assert _signed_in(user).get("/admin/").status_code == 200


def test_investigators_are_asked_when_the_setting_says_so(investigator_a, settings):
    settings.RECOVERY_2FA_REQUIRED_FOR_INVESTIGATORS = True
    response = _signed_in(investigator_a).get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("security:otp-setup"))


def test_setting_up_a_device_then_reaching_the_admin(supervisor_a):
    client = _signed_in(supervisor_a)
    page = client.get(reverse("security:otp-setup"), {"next": "/admin/"})
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=supervisor_a)
    assert not device.confirmed
    assert page.context["secret"] in device.config_url

    response = client.post(reverse("security:otp-setup"), {"otp_token": _code(device), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200
    assert AuditEvent.objects.filter(action="otp_device_confirmed", user=supervisor_a).exists()


def test_a_user_with_a_device_must_enter_a_valid_code(supervisor_a, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the wrong code below would otherwise delay the right one
    device = TOTPDevice.objects.create(user=supervisor_a, name="phone", confirmed=True)
    client = _signed_in(supervisor_a)
    response = client.get("/admin/cases/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("security:otp-verify"))

    wrong = client.post(reverse("security:otp-verify"), {"otp_token": "000000", "next": "/admin/"})
    assert wrong.status_code == 200
    assert client.get("/admin/").status_code == 302
    assert AuditEvent.objects.filter(action="otp_failure", user=supervisor_a).exists()

    right = client.post(reverse("security:otp-verify"), {"otp_token": _code(device), "next": "/admin/"})
    assert right.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert AuditEvent.objects.filter(action="otp_verified", user=supervisor_a).exists()


def test_password_login_alone_does_not_open_the_admin_for_a_supervisor(client, supervisor_a):
    TOTPDevice.objects.create(user=supervisor_a, name="phone", confirmed=True)
    response = client.post(
        reverse("admin:login"), {"username": "sup_a", "password": "correct-horse-battery", "next": "/admin/"}
    )
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow.status_code == 302
    assert follow["Location"].startswith(reverse("security:otp-verify"))


def test_unverified_session_gets_403_from_the_api(supervisor_a):
    response = _signed_in(supervisor_a).get("/api/v1/anything/")
    assert response.status_code == 403
    assert "Two-factor" in response.json()["detail"]


def test_next_url_may_not_leave_the_site(supervisor_a):
    device = TOTPDevice.objects.create(user=supervisor_a, name="phone", confirmed=True)
    client = _signed_in(supervisor_a)
    response = client.post(
        reverse("security:otp-verify"), {"otp_token": _code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/admin/"


def _modules_drawn(svg: str) -> set[tuple[int, int]]:
    """The dark modules of an SvgPathImage QR code, read back from its path (one square each)."""
    path = re.search(r'<path\b[^>]*\bd="([^"]+)"', svg).group(1)
    squares = re.findall(r"M([\d.]+),([\d.]+)H([\d.]+)V([\d.]+)H[\d.]+z", path)
    assert squares, path[:200]
    size = float(squares[0][2]) - float(squares[0][0])
    return {(round(float(y) / size), round(float(x) / size)) for x, y, _, _ in squares}


def test_setup_page_shows_the_key_as_an_inline_svg_qr_code_and_as_text(supervisor_a):
    client = _signed_in(supervisor_a)
    page = client.get(reverse("security:otp-setup"))
    assert page.status_code == 200
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=supervisor_a, confirmed=False)

    # The key in text is the device's key in base32, as authenticator apps expect it typed.
    shown = re.search(r'<code id="otp-secret">([A-Z2-7]+)</code>', html).group(1)
    assert base64.b32decode(shown + "=" * (-len(shown) % 8)) == device.bin_key

    # The QR code is drawn in the page itself (no <img>: the secret goes to no image URL), and
    # its modules are exactly those of the device's otpauth:// URI.
    svg = re.search(r"<svg\b.*?</svg>", html, re.S).group(0)
    assert "<img" not in html.split('class="otp-qr-code"', 1)[1].split("</div>", 1)[0]
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(device.config_url)
    code.make(fit=True)
    expected = {(r, c) for r, row in enumerate(code.get_matrix()) for c, dark in enumerate(row) if dark}
    assert _modules_drawn(svg) == expected
    assert device.config_url.startswith("otpauth://totp/") and f"secret={shown}" in device.config_url
