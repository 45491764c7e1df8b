"""Links to the service's own pages: a path for in-app notifications (they are read on the
service's own pages), a full address for emails (read elsewhere), both built from settings.PUBLIC_URL
so that one setting decides where every link leads."""

from __future__ import annotations

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme


def public_url() -> str:
    """The service's public address, without a trailing slash."""
    return settings.PUBLIC_URL.rstrip("/")


def public_link(path: str) -> str:
    """The full address of one of the service's pages, from its path ("/admin/...")."""
    if not path.startswith("/"):
        path = f"/{path}"
    return f"{public_url()}{path}"


def safe_local_link(link: str) -> str:
    """`link` (a notification's) as something safe to follow from the service's pages: a path on
    this site, or a full address on the public host; anything else (another host, javascript:)
    gives "" so no page ever links or redirects there."""
    link = (link or "").strip()
    if not link:
        return ""
    base = public_url()
    if link == base or link.startswith(f"{base}/"):
        link = link[len(base) :] or "/"
    if not link.startswith("/") or link.startswith("//") or link.startswith("/\\"):
        return ""
    if not url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return ""
    return link
