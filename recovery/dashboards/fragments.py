"""The rendered figures of a dashboard page (the part below the filter form), cached.

A page served from a snapshot spent most of its time making the figures from the stored rows and
rendering them (the assets funnel by country and kind, the trends' months: 180-300 KiB of HTML),
and that work gives the same HTML for every view of the same snapshot in the same language. So the
HTML is kept in the "dashboards" cache (settings.CACHES) under a key naming everything it is made
from:

- the snapshot's identity (pk, and computed_at: a refresh rewrites the row with a new one; a row
  never changes otherwise), hence its page, scope, filter and day, named again in the key;
- the active language (labels, country names, number and date formats);
- for pages that show money, a digest of the exchange-rate table (any rate added, edited or
  deleted changes the converted totals); the page reads that table anyway;
- the reporting currency and the script prefix (the links to the admin start with it);
- the page's display choices (e.g. the trends' months) and its canonical filter query, which
  links in the figures carry;
- the code that renders it (a digest of the dashboard templates, modules and compiled catalogues),
  so a deployment never shows a fragment rendered by the previous release.

Nothing is ever invalidated: a change of any input is a new key, so every process, sharing the cache
or not, reads only HTML that the current inputs would render. The fragment is rendered without the
request (no context processors): it cannot depend on who asks beyond the snapshot's scope. Entries
expire when their snapshot stops being served (RECOVERY_DASHBOARD_MAX_AGE_SECONDS). Figures
computed live (no fresh snapshot) are not cached. docs/dashboards.md, "Rendered figures".
"""

from __future__ import annotations

import datetime
import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from recovery.dashboards import snapshots
from recovery.stats import RateBook, StatsFilter

CACHE_ALIAS = "dashboards"
PREFIX = "dashboard-figures:"


def cache():
    return caches[CACHE_ALIAS]


@functools.cache
def code_version() -> str:
    """A digest of what renders the figures: the dashboard templates, the modules that make the
    figures and their markup, and the compiled catalogues. Read once per process."""
    base = Path(settings.BASE_DIR)
    files = [
        *sorted((base / "templates" / "dashboard").rglob("*.html")),
        *sorted((base / "recovery" / "dashboards").glob("*.py")),
        base / "recovery" / "stats.py",
        base / "recovery" / "templatetags" / "dashboard_tags.py",
        *sorted((base / "locale").glob("*/LC_MESSAGES/django.mo")),
    ]
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(base)).encode() + b"\0")
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:16]


def fragment_key(stored: snapshots.Stored, *, rates: RateBook | None, variant: str = "") -> str:
    parts = [
        stored.page,
        str(stored.pk),
        stored.computed_at.isoformat(),
        stored.scope_key,
        stored.filter_key,
        stored.as_of.isoformat(),
        get_language() or "",
        rates.fingerprint() if rates is not None else "-",
        settings.REPORTING_CURRENCY,
        get_script_prefix(),
        variant,
        code_version(),
    ]
    return PREFIX + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _timeout(stored: snapshots.Stored) -> int:
    """Seconds until the snapshot stops being served, so the entry goes with it."""
    left = stored.computed_at + snapshots.max_age() - timezone.now()
    return max(1, int(left.total_seconds()))


@dataclass(frozen=True)
class Served:
    html: SafeString
    computed_at: datetime.datetime
    # The figures, or on a cached render a stand-in that reads them only if something asks
    # (the JSON-equals-page tests do; the page does not).
    stats: object
    from_cache: bool


def render_figures(template: str, figures: dict, context_for) -> SafeString:
    """The figures section: `template` with the figures and what `context_for(figures)` adds
    (charts, display choices)."""
    return mark_safe(render_to_string(template, {"stats": figures, **context_for(figures)}))  # noqa: S308


def serve(
    user,
    flt: StatsFilter,
    page: str,
    *,
    template: str,
    context_for,
    money: bool,
    variant: str = "",
    today: datetime.date | None = None,
) -> Served:
    """The rendered figures of `page` for `user` and `flt`: from the cache when this snapshot has
    been rendered with the same inputs, else made (from the snapshot, or live) and rendered, and
    cached if they came from a snapshot. `money`: the figures show money (the rates are an input);
    `variant`: the display choices and anything else of the request the fragment shows."""
    today = today or timezone.localdate()
    stored = snapshots.find(user, flt, page, today=today)
    rates = RateBook() if money else None
    key = None
    if stored is not None:
        key = fragment_key(stored, rates=rates, variant=variant)
        html = cache().get(key)
        if html is not None:
            lazy = SimpleLazyObject(lambda: snapshots.figures_for(user, flt, page, today=today).figures)
            return Served(mark_safe(html), stored.computed_at, lazy, from_cache=True)  # noqa: S308 - rendered here
    found = snapshots.figures_for(user, flt, page, today=today, rates=rates, stored=stored)
    html = render_figures(template, found.figures, context_for)
    if key is not None and found.from_snapshot and found.stored == stored:
        cache().set(key, str(html), _timeout(stored))
    return Served(html, found.computed_at, found.figures, from_cache=False)
