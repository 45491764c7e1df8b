"""The deadline calendar's iCalendar feed: the secret address (made, revoked, looked up) and the
.ics text.

The address is the credential (calendar clients cannot sign in), so it is treated like an API
token: 256 random bits, shown once, only its SHA-256 kept (recovery.api.tokens.hash_token), and
every creation and revocation goes to the security audit.
"""

from __future__ import annotations

import datetime
import secrets

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from recovery.api.tokens import hash_token
from recovery.deadline_calendar import deadline_items
from recovery.errors import InvalidInput
from recovery.links import public_url
from recovery.models import CalendarFeedToken
from recovery.security.events import record_event

# What the feed covers around today: the past year (overdue items stay visible) and two years on.
FEED_PAST_DAYS = 366
FEED_FUTURE_DAYS = 731
# The most events of each kind in one feed (the earliest): calendar clients choke on huge feeds.
FEED_LIMIT = 2000


def feed_path(token: str) -> str:
    return reverse("calendar-feed", kwargs={"token": token})


def feed_url(token: str) -> str:
    return f"{public_url()}{feed_path(token)}"


def _revoke_live(user, *, actor, reason: str) -> None:
    for token in CalendarFeedToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True):
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(
            "token_revoked",
            user=actor,
            obj=user,
            extra={"kind": "calendar_feed", "calendar_feed_token_id": token.pk, "reason": reason},
        )


@transaction.atomic
def calendar_feed_token_create(*, actor, user) -> tuple[CalendarFeedToken, str]:
    """A new feed address for `user` (their own: one may not make another's). Returns (row, token):
    the token is not stored and cannot be shown again. The user's previous address stops working."""
    if actor is None or actor.pk != user.pk:
        raise InvalidInput(_("Only the user may make their own calendar address."))
    if not user.is_active:
        raise InvalidInput(_("The account is deactivated."))
    _revoke_live(user, actor=actor, reason="replaced")
    text = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            row = CalendarFeedToken.objects.create(user=user, token_hash=hash_token(text))
    except IntegrityError:  # a concurrent request made one first
        raise InvalidInput(_("A calendar address was just made for this account; reload the page.")) from None
    record_event(
        "token_created",
        user=actor,
        obj=user,
        extra={"kind": "calendar_feed", "calendar_feed_token_id": row.pk},
    )
    return row, text


@transaction.atomic
def calendar_feed_token_revoke(*, actor, user) -> int:
    """Revoke `user`'s live address: its next fetch gets 404. Returns how many were revoked (0 or 1)."""
    if actor is None or actor.pk != user.pk:
        raise InvalidInput(_("Only the user may revoke their own calendar address."))
    live = CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).count()
    _revoke_live(user, actor=actor, reason="revoked")
    return live


@transaction.atomic
def calendar_feed_tokens_revoke_all(*, user, actor, reason: str) -> int:
    """Revoke `user`'s addresses for them (deactivation): revoked, so that reactivating the account
    does not bring an address back. Returns how many were revoked."""
    live = CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).count()
    _revoke_live(user, actor=actor, reason=reason)
    return live


def live_token(user) -> CalendarFeedToken | None:
    return CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).first()


def user_for_token(token: str):
    """The active user whose live address this is, or None (unknown, revoked, inactive account)."""
    if not token or len(token) > 128:
        return None
    row = (
        CalendarFeedToken.objects.select_related("user")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if row is None:
        return None
    # Once a day is enough to tell a used address from a forgotten one, and spares a write per fetch.
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > datetime.timedelta(days=1):
        CalendarFeedToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


def feed_ics(user, *, today: datetime.date | None = None) -> bytes:
    """The user's dated items, in their current scope, as an iCalendar document of all-day events,
    in the user's preferred language."""
    today = today or timezone.localdate()
    items = deadline_items(
        user,
        start=today - datetime.timedelta(days=FEED_PAST_DAYS),
        end=today + datetime.timedelta(days=FEED_FUTURE_DAYS),
        today=today,
        limit=FEED_LIMIT,
    )
    site = public_url()
    stamp = timezone.now()
    with translation.override(getattr(user, "preferred_language", None) or None):
        cal = Calendar()
        cal.add("prodid", "-//Asset recovery//Deadline calendar//EN")
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("x-wr-calname", _("Asset recovery deadlines"))
        for item in items:
            event = Event()
            event.add("uid", item.uid)
            event.add("dtstamp", stamp)
            event.add("dtstart", item.date)
            event.add("dtend", item.date + datetime.timedelta(days=1))
            summary = f"{item.reference}: {item.what}"
            if item.overdue:
                summary = f"[{item.overdue_label}] {summary}"
            event.add("summary", summary)
            event.add("description", item.title)
            event.add("url", f"{site}{item.admin_path}")
            event.add("transp", "TRANSPARENT")
            cal.add_component(event)
    return cal.to_ical()
