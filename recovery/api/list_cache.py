"""Cached list pages of the API, correct by construction: an answer is served again only while no
table it was read from has changed since (recovery.table_versions).

Why: other agencies' systems poll the same lists (a country's pending requests, what changed since
their last sync) far more often than the office changes them, and building a page of 50 requests
costs the framework twenty times what the database spends on it. A page is kept per caller (scope
and identifier masking are per user), language, day (what is overdue depends on it), host, and
query; it records the version of every table its queries read (learned from the queries
themselves, plus who-sees-what tables: users, roles, units, case teams); a later call serves it
only after checking that all those versions are unchanged: one cache read for the page and one for
the versions. Writes move the versions when they commit, so a client that has just changed
something and reads again sees its change.

Off unless RECOVERY_API_LIST_CACHE_SECONDS > 0 (the default only with a shared cache, CACHE_URL).
Only successful JSON GETs are kept; the browsable API and errors never are. A caller who sends
`Cache-Control: no-cache` gets a page computed afresh (and kept for the next one).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone, translation

from recovery import table_versions

logger = logging.getLogger(__name__)

KEY_PREFIX = "apilist:"

# Who sees what and how is decided from these (recovery.scoping, recovery.security.masking), partly
# from what authentication loaded before the list's own queries run: always dependencies.
SCOPE_TABLES = frozenset(
    {
        "recovery_user",
        "recovery_user_groups",
        "auth_group",
        "auth_group_permissions",
        "recovery_unit",
        "cases_case_team",
    }
)

# The tables each list was seen to read, per view, in this process: what a computation must take
# the versions of before it starts (a version read after the rows could tag old rows as new).
_learned: dict[str, frozenset[str]] = {}


def enabled() -> bool:
    return settings.RECOVERY_API_LIST_CACHE_SECONDS > 0


def _timeout() -> int:
    return settings.RECOVERY_API_LIST_CACHE_SECONDS


def _cache_key(view, request) -> str:
    user = request.user
    auth = request.auth
    parts = [
        view.__class__.__module__ + "." + view.__class__.__name__,
        request.get_full_path(),
        request.get_host(),
        "https" if request.is_secure() else "http",
        str(user.pk),
        str(getattr(auth, "pk", "") if auth is not None and not isinstance(auth, str) else ""),
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        request.accepted_media_type or "",
    ]
    return KEY_PREFIX + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _cacheable(request) -> bool:
    return request.method == "GET" and getattr(request.accepted_renderer, "format", None) == "json"


def _response(body: bytes, content_type: str, state: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    # Says whether the page came from the cache; lets integrators and the benchmark tell.
    response["X-List-Cache"] = state
    return response


def cached_list(view, request, compute):
    """The list page for this call: from the cache when none of its tables changed, else computed
    by `compute()` (a DRF Response) and kept."""
    if not enabled() or not _cacheable(request):
        return compute()
    try:
        return _cached_list(view, request, compute)
    except CacheUnavailable:
        return compute()


class CacheUnavailable(Exception):
    pass


def _cache_call(method, *args, **kwargs):
    try:
        return method(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - a cache that does not answer means computing the page
        logger.warning("API list cache unavailable: %s", exc)
        raise CacheUnavailable from exc


def _cached_list(view, request, compute):
    key = _cache_key(view, request)
    name = view.__class__.__qualname__
    fresh = "no-cache" in request.headers.get("Cache-Control", "").lower()
    if not fresh:
        entry = _cache_call(cache.get, key)
        if entry is not None:
            depends, body, content_type = entry
            if _cache_call(table_versions.versions, depends) == depends:
                return _response(body, content_type, "hit")

    expected = _learned.get(name, frozenset()) | SCOPE_TABLES
    before = _cache_call(table_versions.versions, expected)
    with table_versions.reads() as read:
        response = compute()
        if response.status_code != 200:
            return response
        view.finalize_response(request, response)
        response.render()
    if read - expected:
        # A table this process had not seen the list read: its version was not taken before the
        # rows, so this page cannot be tagged safely. Learn it; the next call keeps its page.
        _learned[name] = frozenset(_learned.get(name, frozenset()) | read)
        return _response(response.content, response["Content-Type"], "miss")
    depends = {table: before[table] for table in sorted(read | SCOPE_TABLES)}
    with contextlib.suppress(CacheUnavailable):
        _cache_call(cache.set, key, (depends, response.content, response["Content-Type"]), _timeout())
    return _response(response.content, response["Content-Type"], "miss")
