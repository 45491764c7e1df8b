"""Throttling per token and per user (429 with Retry-After), counted in the Django cache.

Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]: "token" for service accounts, "user"
for signed-in people, "anon" for the rest. They are read at each call so settings overrides apply.

Counted in fixed windows (one counter per bucket and window, `cache.incr`), not with DRF's
SimpleRateThrottle history: that one keeps the time of every call of the last window in one cache
value, read, trimmed and written back whole on every call, so a busy token at 1,200 calls a
minute moved a list of 1,200 floats twice per call. A counter costs the same whatever the rate.
A window lets at most twice the rate through across its edge; the rates are set with that in mind.
"""

from __future__ import annotations

import math
import time

from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from recovery.models import ApiToken
from recovery.security.requestinfo import client_ip


class _WindowRateThrottle(BaseThrottle):
    cache = cache

    def scope_for(self, request) -> str | None:
        raise NotImplementedError

    def ident_for(self, request) -> str:
        raise NotImplementedError

    def allow_request(self, request, view):
        scope = self.scope_for(request)
        if scope is None:
            return True
        allowed, self._retry_after = self.count(scope, self.ident_for(request))
        return allowed

    def count(self, scope: str, ident: str) -> tuple[bool, float]:
        """Count one call in the bucket: (within the rate, seconds until the window ends). Keeps
        no state on the instance, so one instance may serve concurrent calls (the API list
        cache's token door, which answers before DRF runs, holds one for its process)."""
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(scope)
        if rate is None:
            return True, 0.0
        limit, duration = SimpleRateThrottle.parse_rate(None, rate)
        now = time.time()
        window = int(now // duration)
        key = f"throttle_{scope}_{ident}_{window}"
        # One round trip per call: incr() is atomic in Redis; the window's first call finds no
        # counter and starts it with add(), which only one of two racing callers wins.
        try:
            count = self.cache.incr(key)
        except ValueError:
            count = 1 if self.cache.add(key, 1, timeout=duration + 1) else self.cache.incr(key)
        return count <= limit, (window + 1) * duration - now

    def wait(self):
        return max(1, math.ceil(getattr(self, "_retry_after", 1)))

    def get_ident(self, request):
        # Not DRF's: without NUM_PROXIES it keys callers by X-Forwarded-For, which any client
        # writes afresh on each call to get a new bucket. The one client address instead.
        return client_ip(request) or ""


class TokenOrUserRateThrottle(_WindowRateThrottle):
    """One bucket per token; a person signed in by session has one bucket per account."""

    def scope_for(self, request):
        if isinstance(request.auth, ApiToken):
            return "token"
        if request.user and request.user.is_authenticated:
            return "user"
        return "anon"

    def ident_for(self, request):
        if isinstance(request.auth, ApiToken):
            return f"token-{request.auth.pk}"
        if request.user and request.user.is_authenticated:
            return f"user-{request.user.pk}"
        return f"ip-{self.get_ident(request)}"
