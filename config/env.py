"""Strict helpers that read settings from the environment.

A malformed value stops the process with a message naming the variable, instead of being
silently read as a default (a typo in DEBUG must not mean DEBUG=False in one place and True
in another). Kept dependency-free so they can be tested without Django.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "", *, environ: Mapping[str, str] | None = None) -> str:
    environ = os.environ if environ is None else environ
    return environ.get(name, default).strip()


def env_bool(name: str, default: bool = False, *, environ: Mapping[str, str] | None = None) -> bool:
    environ = os.environ if environ is None else environ
    if name not in environ:
        return default
    raw = environ[name].strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={environ[name]!r} is not a boolean (use true/false, 1/0, yes/no, on/off).")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    environ = os.environ if environ is None else environ
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is below the minimum {minimum}.")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name}={value} is above the maximum {maximum}.")
    return value


def env_list(name: str, default: list[str] | None = None, *, environ: Mapping[str, str] | None = None) -> list[str]:
    environ = os.environ if environ is None else environ
    raw = environ.get(name)
    if raw is None:
        return list(default or [])
    items = [item.strip() for item in raw.split(",")]
    if items and not items[-1]:
        items.pop()  # one trailing comma is harmless
    for item in items:
        # An empty item, a space or a semicolon inside one means a mistyped separator: refuse it
        # rather than silently read "a.example.org b.example.org" as one host.
        if not item or any(ch.isspace() or ch == ";" for ch in item):
            raise ImproperlyConfigured(f"{name}={raw!r} is not a comma-separated list (item {item!r}).")
    return items


def env_choice(
    name: str, default: str, choices: set[str] | list[str], *, environ: Mapping[str, str] | None = None
) -> str:
    value = env_str(name, default, environ=environ)
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of {sorted(choices)}.")
    return value


def parse_public_url(raw: str) -> str:
    """A service's public address, e.g. https://recovery.example.org: http or https, a host, no
    query or fragment; returned without a trailing slash, so a path ("/admin/...") appends to it."""
    from urllib.parse import urlsplit

    value = raw.strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"expected an address like https://recovery.example.org, got {raw!r}")
    if parts.query or parts.fragment or "@" in parts.netloc:
        raise ValueError(f"an address without credentials, query or fragment, got {raw!r}")
    try:
        parts.port  # noqa: B018 - reading it validates the port
    except ValueError:
        raise ValueError(f"a valid port, got {raw!r}") from None
    return value
