"""Token authentication for service accounts: `Authorization: Token <token>` (or `Bearer`).

Browsers use the session; systems use tokens. A revoked or expired token, or a deactivated
account, is refused with 401 on its very next call; a call from an address outside the token's
allow-list is refused with 403.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from recovery.api.tokens import address_allowed, hash_token
from recovery.models import ApiToken
from recovery.security.requestinfo import client_ip

# last_used_at is written at most this often per token, so reads do not all become writes.
LAST_USED_RESOLUTION = datetime.timedelta(seconds=60)


class TokenAuthentication(authentication.BaseAuthentication):
    keywords = ("token", "bearer")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode(errors="replace") not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header: give exactly one token."))
        try:
            text = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from None
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(text)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        now = timezone.now()
        if token.is_revoked:
            raise exceptions.AuthenticationFailed(_("This token has been revoked."))
        if token.is_expired(now):
            raise exceptions.AuthenticationFailed(_("This token has expired."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The account of this token is deactivated."))
        # The one client address (behind RECOVERY_TRUSTED_PROXIES only, X-Forwarded-For's).
        address = client_ip(request)
        if not address_allowed(address, token.allowed_ips):
            raise exceptions.PermissionDenied(_("This token is not accepted from this address."))
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=address)
        return token.user, token

    def authenticate_header(self, request):
        # Makes unauthenticated calls 401 (with WWW-Authenticate) rather than 403.
        return 'Token realm="api"'
