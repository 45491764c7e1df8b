"""TOTP two-factor authentication (django-otp): who must use it, and the pages to set it up and
to enter a code. Supervisors, administrators and superusers always; investigators when
RECOVERY_2FA_REQUIRED_FOR_INVESTIGATORS is on."""

from __future__ import annotations

import base64

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from recovery.roles import ADMINISTRATOR, INVESTIGATOR, SUPERVISOR, role_names
from recovery.security.events import record_event


def requires_2fa(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    roles = role_names(user)
    if roles & {SUPERVISOR, ADMINISTRATOR}:
        return True
    return INVESTIGATOR in roles and settings.RECOVERY_2FA_REQUIRED_FOR_INVESTIGATORS


def has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


class TokenForm(forms.Form):
    otp_token = forms.RegexField(
        label=_("Code from your authenticator app"),
        regex=r"^\s*\d{6,8}\s*$",
        error_messages={"invalid": _("Enter the 6-digit code.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/admin/"


@never_cache
@sensitive_post_parameters("otp_token")
@login_required
def otp_setup(request):
    """Show a new TOTP secret and confirm it with a first code. A user who already has a
    confirmed device verifies instead (adding a second device is an administrator's task)."""
    if has_confirmed_device(request.user):
        return redirect(f"{_verify_url()}?{urlencode({'next': _next_url(request)})}")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="default", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["otp_token"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            record_event("otp_device_confirmed", request=request, obj=device)
            return redirect(_next_url(request))
        record_event("otp_failure", request=request, outcome="failure", extra={"stage": "setup"})
        form.add_error("otp_token", _("That code is not valid; check the time on your device and try again."))
    context = {
        "form": form,
        "secret": base64.b32encode(device.bin_key).decode().rstrip("="),
        "config_url": device.config_url,
        "qr_svg": qr_code_svg(device.config_url),
        "next": _next_url(request),
        "title": _("Set up two-factor authentication"),
    }
    return render(request, "security/otp_setup.html", context)


@never_cache
@sensitive_post_parameters("otp_token")
@login_required
def otp_verify(request):
    if not has_confirmed_device(request.user):
        return redirect(f"{_setup_url()}?{urlencode({'next': _next_url(request)})}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["otp_token"].strip())
        if device is not None:
            otp_login(request, device)
            record_event("otp_verified", request=request, obj=device)
            return redirect(_next_url(request))
        record_event("otp_failure", request=request, outcome="failure", extra={"stage": "verify"})
        form.add_error("otp_token", _("That code is not valid."))
    context = {"form": form, "next": _next_url(request), "title": _("Two-factor authentication")}
    return render(request, "security/otp_verify.html", context)


def qr_code_svg(text: str) -> str:
    """`text` as a QR code in inline SVG markup: drawn in the page itself, so the secret never
    leaves the server and the Content-Security-Policy needs no `img-src data:` for it."""
    import qrcode
    import qrcode.image.svg

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(text)
    code.make(fit=True)
    image = code.make_image(image_factory=qrcode.image.svg.SvgPathImage)
    # Safe to mark: the markup holds only qrcode's own path data and attributes, never `text`.
    return mark_safe(image.to_string(encoding="unicode"))


def _verify_url():
    return reverse("security:otp-verify")


def _setup_url():
    return reverse("security:otp-setup")
