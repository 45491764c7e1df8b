"""Reminders before a freeze abroad expires: the stage arithmetic, the daily scan that plans them,
and their delivery (in-app notification and email, by each person's NotificationPreference).

The plan for a freeze in force until D (its last day; it lapses on D + 1):

    before-N    D - N, for each N of RECOVERY_FREEZE_EXPIRY_REMINDER_DAYS (default 30, 14, 7, 1)
    lapsed      D + 1, the first day it is no longer in force (AssetQuerySet.freeze_lapsed)

to the people responsible for the asset: the lead investigator of its case, and for an asset of an
incoming request the executor named on it; when none of them is active, the supervisors of the
unit in charge. Only the latest stage that has come is delivered (an expiry recorded nine days
ahead gets one "before-14" reminder, not the 30-day one too).

Exactly once, as the request reminders (mla_requests/reminder_services.py): the scan inserts one
FreezeExpiryReminder per (asset, expiry date, stage, recipient) under a unique constraint, so a
duplicate beat or two workers insert nothing twice; delivery claims each row by compare-and-swap,
and the notification's source key names the row. A renewal moves the expiry date, so the new
date's stages are new rows; rows still waiting for an old date, or for an asset no longer frozen,
are cancelled when their turn comes. An asset whose planning fails is logged and skipped: the scan
goes on with the others.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assets.models import Asset, FreezeExpiryReminder
from recovery import access
from recovery.links import public_link
from recovery.notifications import email_modes_for, notify

logger = logging.getLogger(__name__)

BEFORE_PREFIX = "before-"
LAPSED = "lapsed"
TODO_STATUSES = (
    FreezeExpiryReminder.Status.PENDING,
    FreezeExpiryReminder.Status.SENDING,
    FreezeExpiryReminder.Status.FAILED,
)


# --- Stage arithmetic (pure) ----------------------------------------------------------------------


class Stage(NamedTuple):
    name: str
    fires_on: datetime.date


def latest_stage(expires_on: datetime.date, days_before: tuple[int, ...], today: datetime.date) -> Stage | None:
    """The latest stage of the plan for a freeze in force until `expires_on` that has come by
    `today`, or None before the first."""
    left = (expires_on - today).days
    if left < 0:
        return Stage(LAPSED, expires_on + datetime.timedelta(days=1))
    come = [days for days in days_before if days >= left]
    if not come:
        return None
    days = min(come)
    return Stage(f"{BEFORE_PREFIX}{days}", expires_on - datetime.timedelta(days=days))


def is_repeat_after_renewal(stage: Stage, earlier_deliveries) -> bool:
    """True when the person was already reminded, for an earlier expiry of this asset, on or after
    the day this stage comes for the new one: a renewal by a few days must not repeat the reminder
    just sent, while one that restarts the countdown gives new ones."""
    return any(sent_day >= stage.fires_on for sent_day in earlier_deliveries)


# --- Recipients -----------------------------------------------------------------------------------


def recipients_for(asset: Asset) -> list:
    """The active people responsible for the asset who may read it: its case's lead investigator,
    its incoming request's executor; without any, the supervisors of the unit(s) in charge."""
    from mla_requests.reminder_services import supervisors_by_unit
    from recovery.models import User

    people = []
    if asset.case_id is not None:
        people.append(asset.case.lead_investigator)
    if asset.incoming_request_id is not None:
        people.append(asset.incoming_request.executor)
    people = [person for person in people if person is not None and person.is_active]
    if not people:
        units = []
        if asset.case_id is not None:
            units.append(asset.case.unit_id)
        if asset.incoming_request_id is not None:
            units.append(asset.incoming_request.unit_id)
        ids = {pk for unit_ids in supervisors_by_unit(units).values() for pk in unit_ids}
        people = list(User.objects.filter(pk__in=ids).order_by("pk"))
    unique = {person.pk: person for person in people}
    return [person for person in unique.values() if access.may_read(person, asset)]


# --- The scan -------------------------------------------------------------------------------------


@dataclass
class ScanResult:
    today: datetime.date
    planned: int = 0
    skipped: list[int] = field(default_factory=list)  # assets whose planning failed
    to_deliver: list[int] = field(default_factory=list)


def candidates(today: datetime.date, days_before: tuple[int, ...]):
    """Frozen assets whose expiry is within the longest reminder period, or passed (the partial
    index asset_freeze_expiry_idx)."""
    horizon = today + datetime.timedelta(days=max(days_before, default=0))
    return (
        Asset.objects.filter(status=Asset.Status.FROZEN, freeze_expires_on__isnull=False)
        .filter(freeze_expires_on__lte=horizon)
        .select_related("case__lead_investigator", "incoming_request__executor")
        .order_by("pk")
    )


def plan_asset(asset: Asset, *, today: datetime.date, days_before: tuple[int, ...], now) -> int:
    """Insert the reminders due today for one asset (none already made); returns how many."""
    stage = latest_stage(asset.freeze_expires_on, days_before, today)
    if stage is None:
        return 0
    recipients = recipients_for(asset)
    if not recipients:
        logger.warning(
            "Freeze expiry of asset #%s: nobody to remind (no active lead, executor or supervisor)", asset.pk
        )
        return 0
    # Made already for this expiry and stage; and the days each person was reminded of earlier
    # expiries of the asset (cancelled rows never reached them).
    earlier: dict[int, list[datetime.date]] = {}
    made = set()
    for recipient_id, expires_on, stage_name, created_at, status in FreezeExpiryReminder.objects.filter(
        asset=asset
    ).values_list("recipient_id", "expires_on", "stage", "created_at", "status"):
        if expires_on == asset.freeze_expires_on:
            if stage_name == stage.name:
                made.add(recipient_id)
        elif status != FreezeExpiryReminder.Status.CANCELLED:
            earlier.setdefault(recipient_id, []).append(timezone.localdate(created_at))
    modes = email_modes_for({person.pk for person in recipients})
    rows = [
        FreezeExpiryReminder(
            asset=asset,
            expires_on=asset.freeze_expires_on,
            stage=stage.name,
            recipient=person,
            fires_on=stage.fires_on,
            email_mode=modes.get(person.pk, FreezeExpiryReminder.EmailMode.NONE),
            next_attempt_at=now,
            created_at=now,
        )
        for person in recipients
        if person.pk not in made and not is_repeat_after_renewal(stage, earlier.get(person.pk, ()))
    ]
    # A row another scan inserted meanwhile is skipped by the unique key, not duplicated.
    FreezeExpiryReminder.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def scan(*, now: datetime.datetime | None = None) -> ScanResult:
    """Plan today's freeze expiry reminders, asset by asset (a failure is logged and skipped), and
    list the reminders waiting to be sent (new ones, failed ones due for a retry, stale claims)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    days_before = tuple(settings.RECOVERY_FREEZE_EXPIRY_REMINDER_DAYS)
    result = ScanResult(today=today)
    for asset in candidates(today, days_before):
        try:
            with transaction.atomic():
                result.planned += plan_asset(asset, today=today, days_before=days_before, now=now)
        except Exception:  # one bad record must not stop the reminders of all the others
            logger.exception("Freeze expiry reminders of asset #%s could not be planned; skipped", asset.pk)
            result.skipped.append(asset.pk)
    result.to_deliver = list(
        FreezeExpiryReminder.objects.filter(status__in=TODO_STATUSES, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)
    )
    return result


# --- Delivery -------------------------------------------------------------------------------------


def claim(reminder_id: int, *, now: datetime.datetime) -> bool:
    """Compare-and-swap: only the caller whose UPDATE changed the row sends it."""
    return (
        FreezeExpiryReminder.objects.filter(pk=reminder_id, status__in=TODO_STATUSES, next_attempt_at__lte=now).update(
            status=FreezeExpiryReminder.Status.SENDING,
            claimed_at=now,
            next_attempt_at=now + datetime.timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT),
            attempts=F("attempts") + 1,
        )
        == 1
    )


def _finish(reminder: FreezeExpiryReminder, **fields) -> bool:
    return bool(
        FreezeExpiryReminder.objects.filter(
            pk=reminder.pk, status=FreezeExpiryReminder.Status.SENDING, claimed_at=reminder.claimed_at
        ).update(**fields)
    )


def still_relevant(reminder: FreezeExpiryReminder) -> bool:
    """Sent only while the asset is frozen with the expiry reminded of, to a person still active."""
    asset = reminder.asset
    return (
        reminder.recipient.is_active
        and asset.status == Asset.Status.FROZEN
        and asset.freeze_expires_on == reminder.expires_on
    )


def asset_path(asset: Asset) -> str:
    return f"/admin/assets/asset/{asset.pk}/change/"


def reminder_text(reminder: FreezeExpiryReminder, *, today: datetime.date) -> tuple[str, str]:
    """(subject, body) in the active language."""
    asset = reminder.asset
    values = {
        "asset": str(asset),
        "country": asset.location_country.name,
        "date": reminder.expires_on.isoformat(),
    }
    if reminder.stage == LAPSED:
        values["days"] = (today - reminder.expires_on).days
        subject = _("Freeze lapsed: %(asset)s (%(country)s) was frozen until %(date)s") % values
    else:
        values["days"] = max((reminder.expires_on - today).days, 0)
        subject = _("Freeze expiring: %(asset)s (%(country)s) is frozen until %(date)s, days left: %(days)s") % values
    owner = asset.case.register_number if asset.case_id else asset.incoming_request.reference
    lines = [
        subject,
        "",
        _("Asset: %(asset)s") % values,
        _("Identifier: %(identifier)s") % {"identifier": asset.identifier or "-"},
        _("Located in: %(country)s") % values,
        _("Case or incoming request: %(owner)s") % {"owner": owner},
        _("Frozen amount: %(amount)s") % {"amount": asset.frozen},
        _("Freeze in force until: %(date)s") % values,
        _("Once the requested state renews the freeze, record the renewal on the asset (“Renew the freeze”)."),
        "",
        _("Open the asset: %(link)s") % {"link": public_link(asset_path(asset))},
    ]
    return subject, "\n".join(lines)


def send_email(*, to: str, subject: str, body: str) -> None:
    from django.core.mail import EmailMessage

    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]).send()


def deliver(reminder_id: int, *, now: datetime.datetime | None = None) -> str:
    """Send one reminder if this caller wins its claim: "sent", "queued" (for the digest),
    "failed" (email refused, retried later), "gave_up", "cancelled" or "not-claimed"."""
    from mla_requests.reminder_services import _record_failure

    now = now or timezone.now()
    if not claim(reminder_id, now=now):
        return "not-claimed"
    reminder = FreezeExpiryReminder.objects.select_related("asset__case", "asset__incoming_request", "recipient").get(
        pk=reminder_id
    )
    if not still_relevant(reminder):
        _finish(reminder, status=FreezeExpiryReminder.Status.CANCELLED, next_attempt_at=None)
        return "cancelled"
    recipient = reminder.recipient
    with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
        subject, body = reminder_text(reminder, today=timezone.localdate(now))
    # Idempotent by its source key: a retried delivery never shows the reminder twice.
    notify(
        recipient=recipient,
        title=subject,
        body=body,
        link=asset_path(reminder.asset),
        kind="reminder",
        source_key=f"freeze-expiry:{reminder.pk}",
    )
    if reminder.email_mode == FreezeExpiryReminder.EmailMode.IMMEDIATE:
        try:
            send_email(to=recipient.email, subject=subject, body=body)
        except Exception as exc:  # SMTP and connection errors of any backend
            return _record_failure(reminder, exc, now=now)
    _finish(reminder, status=FreezeExpiryReminder.Status.SENT, sent_at=now, next_attempt_at=None, last_error="")
    return "queued" if reminder.email_mode == FreezeExpiryReminder.EmailMode.DIGEST else "sent"


def digest_text(item, *, today):
    """The digest's line for one reminder: its subject, and the asset's path."""
    subject, _body = reminder_text(item, today=today)
    return subject, asset_path(item.asset)
