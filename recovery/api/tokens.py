"""Service-account tokens: how they look, how they are hashed, and where they may be used from.

Pure functions, no database: the model is recovery.models.ApiToken, the writes are in
recovery/api/services.py.
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets

from django.utils.translation import gettext as _

# "ar_" + 8-character prefix + "_" + secret. The prefix is stored in clear to tell tokens apart.
TOKEN_PREFIX = "ar_"


def generate_token() -> tuple[str, str]:
    """A new (token, prefix). The token is shown once; only its hash is kept."""
    prefix = secrets.token_hex(4)
    return f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}", prefix


def hash_token(token: str) -> str:
    # A fast hash is enough: the token has 256 bits of entropy, unlike a password.
    return hashlib.sha256(token.encode()).hexdigest()


def parse_networks(text: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """One address or CIDR network per line (commas also separate); refuses a malformed entry."""
    networks = []
    for raw in (text or "").replace(",", "\n").splitlines():
        item = raw.strip()
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(_("“%(item)s” is not an IP address or network.") % {"item": item}) from None
    return networks


def address_allowed(address: str | None, allowed_text: str) -> bool:
    networks = parse_networks(allowed_text)
    if not networks:
        return True
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)
