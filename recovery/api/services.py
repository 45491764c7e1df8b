"""Writes for API credentials: create a token (returned once) and revoke it."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recovery.api.tokens import generate_token, hash_token, parse_networks
from recovery.audit import audit_actor
from recovery.errors import InvalidInput
from recovery.models import ApiToken, IdempotencyKey
from recovery.security.events import record_event


def _clean_scopes(scopes) -> list[str]:
    scopes = sorted({str(s).strip() for s in scopes or () if str(s).strip()})
    unknown = [s for s in scopes if s not in ApiToken.SCOPE_CHOICES]
    if unknown:
        raise InvalidInput(
            _("Unknown scopes: %(s)s. Known: %(known)s.")
            % {"s": ", ".join(unknown), "known": ", ".join(ApiToken.SCOPE_CHOICES)},
            field_errors={"scopes": [_("Unknown scope.")]},
        )
    if not scopes:
        raise InvalidInput(_("Give the token at least one scope."), field_errors={"scopes": [_("Required.")]})
    return scopes


@transaction.atomic
def api_token_create(
    *,
    actor,
    user,
    name: str,
    scopes,
    expires_at: datetime.datetime | None = None,
    allowed_ips: str = "",
    operator: str = "",
) -> tuple[ApiToken, str]:
    """Issue a token for a service account. Returns (token row, token text): the text is not stored
    and cannot be shown again. Refuses unknown scopes, no scope, a past expiry, malformed IPs and
    an inactive account. `operator` names who issued it when there is no `actor` (a command run
    on the server: recovery.security.events.command_operator), for the audit event."""
    if not (name or "").strip():
        raise InvalidInput(_("Name the token."), field_errors={"name": [_("Required.")]})
    if not user.is_active:
        raise InvalidInput(_("The account is deactivated."), field_errors={"user": [_("Inactive.")]})
    scopes = _clean_scopes(scopes)
    if expires_at is not None and expires_at <= timezone.now():
        raise InvalidInput(_("The expiry must be in the future."), field_errors={"expires_at": [_("In the past.")]})
    try:
        parse_networks(allowed_ips)
    except ValueError as exc:
        raise InvalidInput(str(exc), field_errors={"allowed_ips": [str(exc)]}) from None
    text, prefix = generate_token()
    with audit_actor(actor):
        token = ApiToken.objects.create(
            name=name.strip(),
            user=user,
            prefix=prefix,
            key_hash=hash_token(text),
            scopes=scopes,
            expires_at=expires_at,
            allowed_ips=allowed_ips or "",
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        # Security audit (issue 7): who issued which credential, from the admin or a command alike.
        record_event(
            "token_created",
            user=actor if getattr(actor, "pk", None) else None,
            username=operator,
            obj=user,
            extra={"token_id": token.pk, "name": token.name, "scopes": scopes},
        )
    return token, text


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken, reason: str = "", operator: str = "") -> ApiToken:
    """Revoke a token: its next call gets 401. Revoking twice keeps the first date. `reason` goes
    into the audit event (e.g. "user_deactivated" when the account's deactivation revoked it);
    `operator` names who revoked it when there is no `actor` (see api_token_create)."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        with audit_actor(actor):
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            extra = {"token_id": token.pk, "name": token.name}
            if reason:
                extra["reason"] = reason
            record_event(
                "token_revoked",
                user=actor if getattr(actor, "pk", None) else None,
                username=operator,
                obj=token.user,
                extra=extra,
            )
    return token


def idempotency_keys_purge(*, older_than: datetime.timedelta) -> int:
    """Forget stored POST responses older than `older_than` (their keys may then be reused).
    Returns how many were deleted."""
    cutoff = timezone.now() - older_than
    deleted, _details = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
