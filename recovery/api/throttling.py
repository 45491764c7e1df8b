"""Throttling per token and per user (429 with Retry-After), counted in the Django cache.

Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]: "token" for service accounts, "user"
for signed-in people, "anon" for the rest. They are read at each call so settings overrides apply.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from recovery.models import ApiToken


class _LiveRateThrottle(SimpleRateThrottle):
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def __init__(self):
        # SimpleRateThrottle reads the rate in __init__; scope depends on the request, so defer.
        pass

    def allow_request(self, request, view):
        self.scope = self.scope_for(request)
        if self.scope is None:
            return True
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class TokenOrUserRateThrottle(_LiveRateThrottle):
    """One bucket per token; a person signed in by session has one bucket per account."""

    def scope_for(self, request):
        if isinstance(request.auth, ApiToken):
            return "token"
        if request.user and request.user.is_authenticated:
            return "user"
        return "anon"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return f"throttle_{self.scope}_{ident}"
