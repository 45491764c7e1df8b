"""Every write to assets: identification, the freeze-confiscate-return timeline and its amounts,
court decisions and third-party claims."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from djmoney.money import Money

from assets.models import Asset, CourtDecision, ThirdPartyClaim
from recovery import access
from recovery.audit import audit_actor
from recovery.cleaning import (
    check_not_future,
    check_version,
    clean_amount,
    clean_country,
    clean_currency,
    clean_money,
)
from recovery.errors import InvalidAmount, InvalidInput
from recovery.timeline import apply_transition, record_creation

S = Asset.Status
# Moves that carry an amount, and whether it is required.
AMOUNT_REQUIRED = {S.FROZEN, S.CONFISCATED, S.RETURNED}
AMOUNT_OPTIONAL = {S.RETAINED_ABROAD}


@transaction.atomic
def asset_create(
    *,
    actor,
    case=None,
    incoming_request=None,
    kind: str,
    description: str,
    location_country: str,
    identified_on: datetime.date,
    currency: str,
    estimated_value=None,
    identifier: str = "",
    institution: str = "",
    holder=None,
    holder_name: str = "",
) -> Asset:
    """Record an asset, in status 'identified': an asset abroad of our `case`, or an asset in
    Kazakhstan that an `incoming_request` concerns (frozen, confiscated, transferred at the
    requesting state's request; it may be of a case of ours too)."""
    if case is None and incoming_request is None:
        raise InvalidInput(
            _("An asset belongs to a case or to an incoming request."),
            field_errors={"case": [_("Give the case or the incoming request.")]},
        )
    for owner in (case, incoming_request):
        if owner is not None:
            access.require_write(actor, owner)
    if kind not in Asset.Kind.values:
        raise InvalidInput(_("Unknown asset kind: %(k)s.") % {"k": kind}, field_errors={"kind": [_("Unknown.")]})
    if not (description or "").strip():
        raise InvalidInput(_("Describe the asset."), field_errors={"description": [_("Required.")]})
    location_country = clean_country(location_country, field="location_country")
    if incoming_request is not None and location_country != settings.HOME_COUNTRY:
        raise InvalidInput(
            _("An asset an incoming request concerns is in %(home)s: measures at a foreign request are taken here.")
            % {"home": settings.HOME_COUNTRY},
            field_errors={"location_country": [_("Must be the home state.")]},
        )
    currency = clean_currency(currency)
    if estimated_value is not None:
        estimated_value = clean_amount(estimated_value, field="estimated_value", allow_zero=True)
    check_not_future(identified_on, field="identified_on")
    with audit_actor(actor):
        asset = Asset.objects.create(
            case=case,
            incoming_request=incoming_request,
            kind=kind,
            description=description.strip(),
            identifier=identifier.strip(),
            location_country=location_country,
            institution=institution,
            holder=holder,
            holder_name=holder_name,
            currency=currency,
            estimated_value=estimated_value,
            identified_on=identified_on,
        )
        record_creation(asset, actor=actor, effective_on=identified_on, note=str(_("Asset identified")))
    return asset


def _amount_in_asset_currency(asset: Asset, amount) -> Decimal:
    if isinstance(amount, Money) and str(amount.currency) != asset.currency:
        raise InvalidAmount(
            _("The amount must be in the asset's currency (%(cur)s).") % {"cur": asset.currency},
            field_errors={"amount": [_("Wrong currency.")]},
        )
    return clean_amount(amount)


def asset_transition(
    *,
    asset: Asset,
    to_status: str,
    actor,
    effective_on: datetime.date | None = None,
    amount=None,
    note: str = "",
    document_reference: str = "",
    override_reason: str = "",
    expected_version: int | None = None,
) -> Asset:
    """Move an asset along identified -> frozen -> confiscated -> returned (or released, retained).

    Freezing, confiscation and each return need a positive amount in the asset's currency. A
    confiscation above what was frozen, or returns adding up to more than was confiscated, are
    refused unless an override reason is given (it is kept on the timeline). Amounts never go
    negative (checked here and by the database)."""
    access.require_write(actor, asset)
    override_reason = (override_reason or "").strip()
    if to_status in AMOUNT_REQUIRED and amount is None:
        raise InvalidAmount(_("Give the amount for this step."), field_errors={"amount": [_("Required.")]})

    def apply(obj: Asset, ctx):
        value = _amount_in_asset_currency(obj, amount) if amount is not None else None
        if value is not None and to_status not in AMOUNT_REQUIRED | AMOUNT_OPTIONAL:
            raise InvalidAmount(_("This step carries no amount."), field_errors={"amount": [_("Not expected here.")]})
        overridden = False
        if to_status == S.FROZEN:
            obj.frozen_amount = value
        elif to_status == S.CONFISCATED:
            if ctx["from_status"] == S.FROZEN and value > obj.frozen_amount:
                if not override_reason:
                    raise InvalidAmount(
                        _("%(amount)s exceeds the %(frozen)s frozen. Give a reason to record it anyway.")
                        % {"amount": Money(value, obj.currency), "frozen": obj.frozen},
                        field_errors={"amount": [_("More than was frozen.")]},
                    )
                overridden = True
            obj.confiscated_amount = value
        elif to_status == S.RETURNED:
            total = obj.returned_amount + value
            if total > obj.confiscated_amount:
                if not override_reason:
                    raise InvalidAmount(
                        _(
                            "Returns would total %(total)s, more than the %(conf)s confiscated. "
                            "Give a reason to record it anyway."
                        )
                        % {"total": Money(total, obj.currency), "conf": obj.confiscated},
                        field_errors={"amount": [_("More than was confiscated.")]},
                    )
                overridden = True
            obj.returned_amount = total
        ctx["amount"] = Money(value, obj.currency) if value is not None else None
        ctx["override_reason"] = override_reason if overridden else ""

    obj, _entry = apply_transition(
        Asset,
        asset.pk,
        to_status=to_status,
        actor=actor,
        effective_on=effective_on,
        note=note,
        document_reference=document_reference,
        override_reason=override_reason,
        expected_version=expected_version,
        apply=apply,
    )
    return obj


ASSET_EDITABLE_FIELDS = {
    "kind",
    "description",
    "identifier",
    "location_country",
    "institution",
    "holder",
    "holder_name",
    "estimated_value",
    "identified_on",
}


@transaction.atomic
def asset_update(*, asset: Asset, actor, expected_version: int | None = None, **changes) -> Asset:
    """Edit an asset's description. Status and amounts only move through asset_transition; the
    currency is fixed once amounts are recorded."""
    unknown = set(changes) - ASSET_EDITABLE_FIELDS - {"currency"}
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
            field_errors={f: [_("Not editable.")] for f in unknown},
        )
    access.require_write(actor, asset)
    asset = Asset.objects.select_for_update().get(pk=asset.pk)
    check_version(asset, expected_version)
    if "currency" in changes:
        changes["currency"] = clean_currency(changes["currency"])
        if changes["currency"] != asset.currency and (asset.frozen_amount or asset.confiscated_amount):
            raise InvalidInput(
                _("The currency is fixed once amounts are recorded."), field_errors={"currency": [_("Fixed.")]}
            )
    if "location_country" in changes:
        changes["location_country"] = clean_country(changes["location_country"], field="location_country")
    if changes.get("estimated_value") is not None:
        changes["estimated_value"] = clean_amount(changes["estimated_value"], field="estimated_value", allow_zero=True)
    with audit_actor(actor):
        for name, value in changes.items():
            setattr(asset, name, value)
        asset.save()
    return asset


@transaction.atomic
def court_decision_create(
    *,
    actor,
    asset: Asset,
    kind: str,
    court: str,
    country: str,
    decided_on: datetime.date,
    reference: str = "",
    conviction_based=None,
    amount=None,
    certified_copy_available: bool = False,
    grounds: str = "",
) -> CourtDecision:
    access.require_write(actor, asset)
    if kind not in CourtDecision.Kind.values:
        raise InvalidInput(_("Unknown decision kind."), field_errors={"kind": [_("Unknown.")]})
    check_not_future(decided_on, field="decided_on")
    with audit_actor(actor):
        return CourtDecision.objects.create(
            asset=asset,
            kind=kind,
            court=court,
            country=clean_country(country),
            decided_on=decided_on,
            reference=reference,
            conviction_based=conviction_based,
            amount=clean_money(amount, field="amount"),
            certified_copy_available=certified_copy_available,
            grounds=grounds,
        )


@transaction.atomic
def claim_create(
    *, actor, asset: Asset, claimant: str, basis: str, filed_on: datetime.date, bona_fide=None, amount=None
) -> ThirdPartyClaim:
    access.require_write(actor, asset)
    check_not_future(filed_on, field="filed_on")
    if not (claimant or "").strip():
        raise InvalidInput(_("Name the claimant."), field_errors={"claimant": [_("Required.")]})
    with audit_actor(actor):
        return ThirdPartyClaim.objects.create(
            asset=asset,
            claimant=claimant.strip(),
            basis=basis,
            filed_on=filed_on,
            bona_fide=bona_fide,
            amount=clean_money(amount, field="amount"),
        )


@transaction.atomic
def claim_decide(
    *, actor, claim: ThirdPartyClaim, status: str, decided_on: datetime.date, bona_fide=None
) -> ThirdPartyClaim:
    """Record the court's decision on a pending claim (upheld or dismissed); a decided claim stays decided."""
    access.require_write(actor, claim)
    claim = ThirdPartyClaim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != ThirdPartyClaim.Status.PENDING:
        raise InvalidInput(_("This claim has already been decided."))
    if status not in (ThirdPartyClaim.Status.UPHELD, ThirdPartyClaim.Status.DISMISSED):
        raise InvalidInput(_("A claim is decided as upheld or dismissed."), field_errors={"status": [_("Invalid.")]})
    check_not_future(decided_on, field="decided_on")
    if decided_on < claim.filed_on:
        raise InvalidInput(
            _("A claim cannot be decided before it was filed."), field_errors={"decided_on": [_("Too early.")]}
        )
    with audit_actor(actor):
        claim.status = status
        claim.decided_on = decided_on
        if bona_fide is not None:
            claim.bona_fide = bona_fide
        claim.save()
    return claim
