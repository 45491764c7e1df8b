"""TOTP two-factor authentication (django-otp): who must use it, and the pages to set it up and
to enter a code. Supervisors, administrators and superusers always; investigators when
RECOVERY_2FA_REQUIRED_FOR_INVESTIGATORS is on."""

from __future__ import annotations

import base64
import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
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


class CodeLocked(Exception):
    """Too many wrong codes in a row: no code is checked until the lockout ends."""

    def __init__(self, until):
        super().__init__(until)
        self.until = until


def _lockout_until(device):
    """When the lockout of `device` ends, or None if it is not locked out. django-otp's own
    backoff is off (OTP_TOTP_THROTTLE_FACTOR = 0): it refused the next code, right or wrong, for
    a while after every failure, so a user who mistyped once had their right code rejected
    as "not valid". Here a device is locked only after OTP_FAILURE_LIMIT failures in a row, and
    every attempt before that is checked."""
    limit = settings.RECOVERY_OTP_FAILURE_LIMIT
    stamp = device.throttling_failure_timestamp
    if device.throttling_failure_count < limit or stamp is None:
        return None
    until = stamp + dt.timedelta(seconds=settings.RECOVERY_OTP_LOCKOUT_SECONDS)
    return until if timezone.now() < until else None


def verify_code(devices, token: str):
    """The device of `devices` (a queryset) that accepts `token`, or None. Raises CodeLocked while
    a device is locked out by too many failures. The devices are locked for the check, so two
    requests at once can neither both use one code nor both escape the failure count."""
    with transaction.atomic():
        candidates = list(devices.select_for_update().order_by("pk"))
        for device in candidates:
            until = _lockout_until(device)
            if until is not None:
                raise CodeLocked(until)
        for device in candidates:
            if device.throttling_failure_count >= settings.RECOVERY_OTP_FAILURE_LIMIT:
                # The lockout has run out: a fresh count, so one more slip does not lock again.
                device.throttle_reset(commit=True)
        matched = None
        for device in candidates:
            if device.verify_token(token):
                matched = device
                break
        return matched


def _locked_message(until) -> str:
    minutes = max(1, int((until - timezone.now()).total_seconds() + 59) // 60)
    return ngettext(
        "Too many wrong codes. Try again in %(minutes)d minute.",
        "Too many wrong codes. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def _page_context(request, **extra):
    """The admin's header (site name, user tools) for the two-factor pages, which are not admin
    views; `has_permission` is False for them, so the templates draw their own user links."""
    context = admin.site.each_context(request)
    context.update(extra)
    return context


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
        try:
            accepted = verify_code(TOTPDevice.objects.filter(pk=device.pk), form.cleaned_data["otp_token"].strip())
        except CodeLocked as locked:
            accepted = None
            record_event("otp_failure", request=request, outcome="failure", extra={"stage": "setup", "locked": True})
            form.add_error("otp_token", _locked_message(locked.until))
        if accepted is not None:
            device = accepted
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            record_event("otp_device_confirmed", request=request, obj=device)
            return redirect(_next_url(request))
        if not form.errors:
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
    return render(request, "security/otp_setup.html", _page_context(request, **context))


@never_cache
@sensitive_post_parameters("otp_token")
@login_required
def otp_verify(request):
    if not has_confirmed_device(request.user):
        return redirect(f"{_setup_url()}?{urlencode({'next': _next_url(request)})}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        devices = TOTPDevice.objects.filter(user=request.user, confirmed=True)
        try:
            device = verify_code(devices, form.cleaned_data["otp_token"].strip())
        except CodeLocked as locked:
            record_event("otp_failure", request=request, outcome="failure", extra={"stage": "verify", "locked": True})
            form.add_error("otp_token", _locked_message(locked.until))
        else:
            if device is not None:
                otp_login(request, device)
                record_event("otp_verified", request=request, obj=device)
                return redirect(_next_url(request))
            record_event("otp_failure", request=request, outcome="failure", extra={"stage": "verify"})
            form.add_error("otp_token", _("That code is not valid."))
    context = {"form": form, "next": _next_url(request), "title": _("Two-factor authentication")}
    return render(request, "security/otp_verify.html", _page_context(request, **context))


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
