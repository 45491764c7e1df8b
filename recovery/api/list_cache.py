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

Two doors to the same pages:
- a person signed in by session: the viewset looks the page up after authentication, permissions
  and throttling (`cached_list`), keyed by the user;
- a system calling with an API token (`TokenListCacheMiddleware`, near the top of the middleware):
  the page is keyed by the token's hash and served before sessions, language, CSRF, two-factor and
  DRF are even consulted, which is most of what a call costs. Serving it still checks everything
  the token's own authentication would: the token row and its user, roles, permissions and
  units unchanged (their tables are dependencies: a revocation, a deactivation or a new role is a
  write), not expired, the caller's address in its allow-list, its last use recorded within the
  minute (else the call goes through and records it), and its throttle counted.

Off unless RECOVERY_API_LIST_CACHE_SECONDS > 0 (the default only with a shared cache, CACHE_URL).
Only successful JSON GETs are kept; the browsable API and errors never are. A caller who sends
`Cache-Control: no-cache` gets a page computed afresh (and kept for the next one).
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone, translation

from recovery import table_versions
from recovery.api.authentication import LAST_USED_RESOLUTION, TokenAuthentication
from recovery.api.throttling import TokenOrUserRateThrottle
from recovery.api.tokens import address_allowed, hash_token
from recovery.models import ApiToken
from recovery.security.requestinfo import client_ip

logger = logging.getLogger(__name__)

KEY_PREFIX = "apilist:"

# Who sees what and how is decided from these (recovery.access), partly
# from what authentication loaded before the list's own queries run: always dependencies.
SCOPE_TABLES = frozenset(
    {
        "recovery_user",
        "recovery_user_groups",
        "recovery_user_user_permissions",
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


def _page_key(request, *, caller: str, language: str, media: str) -> str:
    """A kept page's key: who asks (`caller`), what (path and query, host, scheme), in which
    language and format, and on which day (what is overdue depends on it)."""
    parts = [
        caller,
        request.get_full_path(),
        request.get_host(),
        "https" if request.is_secure() else "http",
        language,
        timezone.localdate().isoformat(),
        media,
    ]
    return KEY_PREFIX + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _cache_key(view, request) -> str:
    view_name = view.__class__.__module__ + "." + view.__class__.__name__
    return _page_key(
        request,
        caller=f"{view_name}:user-{request.user.pk}",
        language=translation.get_language() or "",
        media=request.accepted_media_type or "",
    )


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


def _asks_fresh(request) -> bool:
    return "no-cache" in request.headers.get("Cache-Control", "").lower()


def _cached_list(view, request, compute):
    token = request.auth if isinstance(request.auth, ApiToken) else None
    # A token's pages are kept and served by TokenListCacheMiddleware; a session's here.
    key = None if token is not None else _cache_key(view, request)
    name = view.__class__.__qualname__
    if key is not None and not _asks_fresh(request):
        entry = _cache_call(cache.get, key)
        if entry is not None:
            depends, body, content_type = entry
            if _cache_call(table_versions.versions, depends) == depends:
                return _response(body, content_type, "hit")

    # A token's page also depends on the token row (revoked, scopes or allow-list changed).
    always = SCOPE_TABLES | ({ApiToken._meta.db_table} if token is not None else set())
    expected = _learned.get(name, frozenset()) | always
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
    depends = {table: before[table] for table in sorted(read | always)}
    page = _response(response.content, response["Content-Type"], "miss")
    if token is not None:
        page.list_cache_token_entry = TokenEntry(
            depends=depends,
            token_pk=token.pk,
            expires_at=token.expires_at,
            allowed_ips=token.allowed_ips,
            last_used_at=token.last_used_at,
        )
        return page
    with contextlib.suppress(CacheUnavailable):
        _cache_call(cache.set, key, (depends, response.content, response["Content-Type"]), _timeout())
    return page


# --- the token door ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenEntry:
    """What serving a token's page again must check, besides the versions of its tables."""

    depends: dict
    token_pk: int
    expires_at: datetime.datetime | None
    allowed_ips: str
    last_used_at: datetime.datetime | None


# Headers of the page as it left the inner middleware; hop-by-hop and per-call ones are not kept.
_NOT_KEPT = {"x-list-cache", "set-cookie", "date", "connection"}


class TokenListCacheMiddleware:
    """Serves a token's API list page from the cache before the rest of the stack runs (see the
    module's docstring), and keeps the pages the viewset marked for it. Sits after the security,
    CSP and static-file middleware, so their headers go on every answer, served or computed."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.throttle = TokenOrUserRateThrottle()

    def __call__(self, request):
        key = self._key(request)
        if key is None:
            return self.get_response(request)
        if not _asks_fresh(request):
            try:
                served = self._serve(request, key)
            except CacheUnavailable:
                served = None
            if served is not None:
                return served
        response = self.get_response(request)
        entry = getattr(response, "list_cache_token_entry", None)
        if entry is not None and response.status_code == 200 and response.get("Content-Language", key[1]) == key[1]:
            headers = [(name, value) for name, value in response.items() if name.lower() not in _NOT_KEPT]
            with contextlib.suppress(CacheUnavailable):
                _cache_call(cache.set, key[0], (entry, response.content, headers), _timeout())
        return response

    @staticmethod
    def _key(request) -> tuple[str, str] | None:
        if not enabled() or request.method != "GET" or not request.path.startswith("/api/"):
            return None
        header = request.headers.get("Authorization", "").split()
        if len(header) != 2 or header[0].lower() not in TokenAuthentication.keywords:
            return None
        language = translation.get_language_from_request(request)
        caller = f"token-{hash_token(header[1])}"
        return _page_key(request, caller=caller, language=language, media=request.headers.get("Accept", "")), language

    def _serve(self, request, key):
        found = _cache_call(cache.get, key[0])
        if found is None:
            return None
        entry, body, headers = found
        now = timezone.now()
        if entry.expires_at is not None and entry.expires_at <= now:
            return None
        if entry.last_used_at is None or now - entry.last_used_at >= LAST_USED_RESOLUTION:
            return None  # through the door that records the token's use
        if not address_allowed(client_ip(request), entry.allowed_ips):
            return None
        if _cache_call(table_versions.versions, entry.depends) != entry.depends:
            return None
        within_rate, _retry_after = _cache_call(self.throttle.count, "token", f"token-{entry.token_pk}")
        if not within_rate:
            return None  # the full path answers 429 with its problem details
        response = HttpResponse(body)
        for name, value in headers:
            response[name] = value
        response["X-List-Cache"] = "hit"
        return response
