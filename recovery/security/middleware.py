"""Middleware: refusals go to the audit trail; sessions expire when idle and at an absolute
lifetime; users whose role requires two-factor authentication are sent to verify it first."""

from __future__ import annotations

import time

from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from recovery.security.events import record_event
from recovery.security.requestinfo import client_ip, current_request
from recovery.security.sessions import SESSION_LAST_SEEN, SESSION_LOGIN_AT
from recovery.security.twofactor import has_confirmed_device, requires_2fa

# The last-seen stamp is refreshed at most this often, so not every request writes the session.
LAST_SEEN_RESOLUTION_SECONDS = 60


class PermissionDeniedAuditMiddleware:
    """Every 403, whatever produced it (admin, API, CSRF, a decorator), becomes an audit event."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        if response.status_code == 403:
            match = getattr(request, "resolver_match", None)
            user = getattr(request, "user", None)
            if not getattr(user, "is_authenticated", False):
                user = getattr(request, "_audit_session_user", None)
            record_event(
                "permission_denied",
                request=request,
                user=user if getattr(user, "is_authenticated", False) else None,
                outcome="denied",
                extra={"method": request.method, "view": match.view_name if match else ""},
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        # The session's user, kept before a view replaces request.user: DRF sets it to an
        # anonymous user when it refuses a call during authentication (a session call without
        # its CSRF token), and the refusal must still name who made it.
        request._audit_session_user = getattr(request, "user", None)
        return None


class TrustedAddressAuditlogMiddleware(AuditlogMiddleware):
    """auditlog's middleware, recording in the change log the same client address as the security
    events and the lockout (`client_ip`): auditlog's own takes the first X-Forwarded-For entry,
    which any client can write."""

    @staticmethod
    def _get_remote_addr(request):
        if settings.AUDITLOG_DISABLE_REMOTE_ADDR:
            return None
        return client_ip(request)


class SessionExpiryMiddleware:
    """Ends a session idle longer than RECOVERY_SESSION_IDLE_SECONDS, or older than
    RECOVERY_SESSION_ABSOLUTE_SECONDS since login, however active. The request then goes on as
    anonymous, so the admin sends the user to its login page and the API answers 401/403."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            self._check(request, user)
        return self.get_response(request)

    def _check(self, request, user):
        session = request.session
        now = time.time()
        login_at = session.get(SESSION_LOGIN_AT)
        if login_at is None:
            # A session opened before this middleware existed: its lifetime starts now.
            session[SESSION_LOGIN_AT] = login_at = now
        last_seen = session.get(SESSION_LAST_SEEN, login_at)
        reason = None
        if now - login_at > settings.RECOVERY_SESSION_ABSOLUTE_SECONDS:
            reason = "absolute"
        elif now - last_seen > settings.RECOVERY_SESSION_IDLE_SECONDS:
            reason = "idle"
        if reason:
            request._security_session_expired = reason
            logout(request)  # flushes the session; the logout receiver records session_expired
            return
        if now - last_seen >= LAST_SEEN_RESOLUTION_SECONDS or SESSION_LAST_SEEN not in session:
            session[SESSION_LAST_SEEN] = now


class TwoFactorMiddleware:
    """Users whose role requires two-factor authentication reach nothing but the two-factor
    pages, logout and static files until they have entered a TOTP code in this session."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt = None

    def exempt_paths(self) -> tuple[str, ...]:
        if self._exempt is None:
            paths = ["/" + settings.STATIC_URL.lstrip("/"), "/i18n/"]
            for name in (
                "security:otp-setup",
                "security:otp-verify",
                "admin:logout",
                "admin:jsi18n",
                "healthz",
                "readyz",
            ):
                try:
                    paths.append(reverse(name))
                except NoReverseMatch:  # a URL configuration without that page (tests)
                    continue
            self._exempt = tuple(paths)
        return self._exempt

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            getattr(settings, "RECOVERY_2FA_ENFORCED", True)
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and requires_2fa(user)
            and not request.path.startswith(self.exempt_paths())
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Two-factor authentication is required: sign in through the web first.")},
                    status=403,
                )
            target = "security:otp-verify" if has_confirmed_device(user) else "security:otp-setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
