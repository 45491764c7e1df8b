"""Where a request comes from, as the audit trails, the login lockout, API tokens' allow-lists and
throttling see it."""

import functools
import ipaddress
import logging
from contextvars import ContextVar

from django.conf import settings

logger = logging.getLogger(__name__)

# The web request being served (set by PermissionDeniedAuditMiddleware), so an event recorded by a
# service deep inside it, which has no request at hand (an API token issued from the admin), still
# says where it came from. None outside web requests (Celery tasks, commands).
current_request: ContextVar = ContextVar("recovery_security_current_request", default=None)


def client_ip(request) -> str | None:
    """The client's address, the one every consumer uses (the audit trails, the login lockout,
    API tokens' allow-lists, throttling).

    REMOTE_ADDR, unless REMOTE_ADDR is one of RECOVERY_TRUSTED_PROXIES: then X-Forwarded-For is
    read from the right (each proxy appends the address it saw), skipping the trusted proxies'
    own hops, and the first address no trusted proxy owns is the client. Everything left of it was
    written by the client and may be forged. A malformed hop ends the walk at the last good one
    (never at the forgeable part beyond it). Without a trusted proxy the header is ignored.
    IPv4 addresses in IPv6 form (::ffff:203.0.113.5) are given in IPv4 form. None when there is
    no usable address (outside web requests, a Unix socket)."""
    if request is None:
        return None
    meta = request.META
    remote = _address(meta.get("REMOTE_ADDR"))
    if remote is None:
        return None
    proxies = trusted_proxies()
    if not _is_in(remote, proxies):
        if not proxies and meta.get("HTTP_X_FORWARDED_FOR"):
            _hint_unconfigured_proxy(remote)
        return str(remote)
    client = remote
    for hop in reversed(meta.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(hop)
        if address is None:
            break
        client = address
        if not _is_in(address, proxies):
            break
    return str(client)


def trusted_proxies() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """RECOVERY_TRUSTED_PROXIES as networks (a list of addresses and CIDR networks, or the same
    comma-separated; checked when the settings load)."""
    configured = getattr(settings, "RECOVERY_TRUSTED_PROXIES", ())
    if isinstance(configured, str):
        configured = configured.split(",")
    return _networks(tuple(item.strip() for item in configured if item.strip()))


@functools.lru_cache(maxsize=8)
def _networks(items: tuple[str, ...]):
    return tuple(ipaddress.ip_network(item, strict=False) for item in items)


def _address(text):
    try:
        address = ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None
    return getattr(address, "ipv4_mapped", None) or address


def _is_in(address, networks) -> bool:
    return any(address in network for network in networks)


_hinted = False


def _hint_unconfigured_proxy(remote) -> None:
    """Once per process: a private address sending X-Forwarded-For is most likely a reverse proxy
    nobody declared, and then every client looks like it (one lockout for all, one throttle)."""
    global _hinted
    if _hinted or not remote.is_private:
        return
    _hinted = True
    logger.warning(
        "X-Forwarded-For from %s ignored: it is not in RECOVERY_TRUSTED_PROXIES. If it is your "
        "reverse proxy, add it there, else every client is seen as the proxy's address.",
        remote,
    )


def user_agent(request) -> str:
    if request is None:
        return ""
    return request.META.get("HTTP_USER_AGENT", "")[:255]
