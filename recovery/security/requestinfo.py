"""Where a request comes from, as the audit trail and the login lockout record it."""

from contextvars import ContextVar

from django.conf import settings

# The web request being served (set by PermissionDeniedAuditMiddleware), so an event recorded by a
# service deep inside it, which has no request at hand (an API token issued from the admin), still
# says where it came from. None outside web requests (Celery tasks, commands).
current_request: ContextVar = ContextVar("recovery_security_current_request", default=None)


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or, behind RECOVERY_TRUSTED_PROXY_COUNT proxies, the
    address the outermost trusted proxy saw (X-Forwarded-For is otherwise forgeable by anyone)."""
    if request is None:
        return None
    meta = request.META
    proxies = getattr(settings, "RECOVERY_TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return meta.get("REMOTE_ADDR") or None


def user_agent(request) -> str:
    if request is None:
        return ""
    return request.META.get("HTTP_USER_AGENT", "")[:255]
