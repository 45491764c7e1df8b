"""In-app notifications: posting them (idempotently), reading a person's unread ones, marking read.

Any app posts through `notify`; reminders pass a `source_key` naming the delivery, so a retried
delivery never shows the same reminder twice.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from recovery.models import Notification, NotificationPreference


def notify(*, recipient, title: str, body: str = "", link: str = "", kind: str = "reminder", source_key: str = ""):
    """Post a notification to `recipient`. With a `source_key`, posting the same source again
    returns the notification already there instead of a second one. Returns (notification, created)."""
    if source_key:
        existing = Notification.objects.filter(recipient=recipient, source_key=source_key).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient, title=title[:255], body=body, link=link, kind=kind, source_key=source_key
            )
    except IntegrityError:
        # Posted concurrently by another worker between the check and the insert.
        return Notification.objects.get(recipient=recipient, source_key=source_key), False
    return notification, True


def notifications_for(user):
    """A person's notifications, newest first (every notification is addressed to one person)."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def unread_notifications_for(user):
    """A person's unread notifications, newest first: for the admin header and a notifications page."""
    return notifications_for(user).filter(read_at__isnull=True)


def mark_read(*, user, ids=None) -> int:
    """Mark the user's notifications read (those in `ids`, or all). Others' notifications are never
    touched. Returns how many changed."""
    qs = unread_notifications_for(user)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def email_mode_for(user) -> str:
    """How reminder emails reach `user`: immediate (default), digest, or none. No address, no email."""
    if not (user.email or "").strip():
        return NotificationPreference.EmailMode.NONE
    pref = NotificationPreference.objects.filter(user=user).values_list("email_mode", flat=True).first()
    return pref or NotificationPreference.EmailMode.IMMEDIATE


def set_email_mode(*, user, email_mode: str) -> NotificationPreference:
    """A person's choice of reminder emails; refuses an unknown mode."""
    from django.utils.translation import gettext_lazy as _

    from recovery.errors import InvalidInput

    if email_mode not in NotificationPreference.EmailMode.values:
        raise InvalidInput(_("Unknown email mode."), field_errors={"email_mode": [_("Unknown.")]})
    pref, _created = NotificationPreference.objects.update_or_create(user=user, defaults={"email_mode": email_mode})
    return pref


def email_modes_for(user_ids) -> dict:
    """{user id: email mode} for many people in two queries (the reminder scan's batch form of
    email_mode_for, which it must agree with)."""
    from recovery.models import User

    ids = set(user_ids)
    if not ids:
        return {}
    chosen = dict(NotificationPreference.objects.filter(user_id__in=ids).values_list("user_id", "email_mode"))
    modes = {}
    for pk, email in User.objects.filter(pk__in=ids).values_list("pk", "email"):
        if not (email or "").strip():
            modes[pk] = NotificationPreference.EmailMode.NONE
        else:
            modes[pk] = chosen.get(pk) or NotificationPreference.EmailMode.IMMEDIATE
    return modes
