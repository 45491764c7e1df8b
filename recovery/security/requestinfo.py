"""Where a request comes from, as the audit trail and the login lockout record it."""

from django.conf import settings


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
