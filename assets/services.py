"""Every write to assets: identification, the freeze-confiscate-return timeline and its amounts,
court decisions, third-party claims and agreements on return or sharing."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _
from djmoney.money import Money

from assets.models import (
    FREEZE_EXPIRY_EARLIEST,
    FREEZE_EXPIRY_LATEST,
    Asset,
    AssetAgreement,
    AssetStatusChange,
    CourtDecision,
    ThirdPartyClaim,
)
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
from recovery.errors import InvalidAmount, InvalidInput, TransitionNotAllowed
from recovery.timeline import apply_transition, record_creation, record_note

S = Asset.Status
Step = AssetStatusChange.Step
# Moves that carry an amount, and whether it is required. Retained abroad defaults to what can
# still be returned; a release to all that is still frozen.
AMOUNT_REQUIRED = {S.FROZEN, S.CONFISCATED, S.RETURNED, S.SHARED, S.RESTITUTED}
AMOUNT_OPTIONAL = {S.RETAINED_ABROAD, S.RELEASED}
# Steps that bring proceeds home (all, or our share): bounded by what was confiscated less upheld
# claims, and, where the requested state retains proceeds, only under an agreement of that kind.
HANDOVER = {S.RETURNED, S.SHARED}
# Steps that dispose of the proceeds (home, our share, to victims): together bounded by what can
# still be returned, and held back by a pending third-party claim.
DISPOSAL = HANDOVER | {S.RESTITUTED}
AGREEMENT_FOR = {S.RETURNED: AssetAgreement.Kind.RETURN, S.SHARED: AssetAgreement.Kind.SHARING}


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
    identified_by_request=None,
) -> Asset:
    """Record an asset, in status 'identified': an asset abroad of our `case`, or an asset in
    Kazakhstan that an `incoming_request` concerns (frozen, confiscated, transferred at the
    requesting state's request; it may be of a case of ours too). `identified_by_request`: the
    outgoing request of the same case whose answer identified it."""
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
    _check_identified_by(actor, case, identified_by_request)
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
            identified_by_request=identified_by_request,
        )
        record_creation(asset, actor=actor, effective_on=identified_on, note=str(_("Asset identified")))
    return asset


def _amount_in_asset_currency(asset: Asset, amount, field: str = "amount", allow_zero: bool = False) -> Decimal:
    if isinstance(amount, Money) and str(amount.currency) != asset.currency:
        raise InvalidAmount(
            _("The amount must be in the asset's currency (%(cur)s).") % {"cur": asset.currency},
            field_errors={field: [_("Wrong currency.")]},
        )
    return clean_amount(amount, field=field, allow_zero=allow_zero)


# --- what governs an asset ------------------------------------------------------------------------


def governing_instruments(asset: Asset):
    """The legal bases under which the asset is pursued abroad: those of the outgoing requests
    concerning it (Request.assets) and of the request whose answer identified it. With several,
    the terms of any of them apply (a treaty under which the requested party retains the proceeds
    binds us whatever the other requests say)."""
    from recovery.models import LegalInstrument

    if asset.case_id is None:
        return LegalInstrument.objects.none()
    return LegalInstrument.objects.filter(Q(requests__assets=asset) | Q(requests__identified_assets=asset)).distinct()


def retaining_instrument(asset: Asset):
    """The first instrument governing `asset` under which the requested party retains confiscated
    proceeds unless agreed otherwise (Korea treaty art. 16), or None."""
    return governing_instruments(asset).filter(requested_party_retains_proceeds=True).order_by("code").first()


def upheld_claims_total(asset: Asset) -> Decimal:
    """What courts granted bona fide third parties out of the asset, in its currency (read from
    the annotation of AssetQuerySet.with_upheld_claims when the asset came with it)."""
    annotated = getattr(asset, "upheld_claims_total", None)
    if annotated is not None:
        return annotated
    total = asset.claims.filter(status=ThirdPartyClaim.Status.UPHELD).aggregate(total=Sum("upheld_amount"))["total"]
    return total or Decimal("0")


def claims_summary(asset: Asset) -> dict:
    """The claims on the asset: `pending` (how many await a decision) and `upheld` (the total
    granted, in its currency), from the annotations of AssetQuerySet.with_claims_summary when the
    asset came with them."""
    pending = getattr(asset, "pending_claims_count", None)
    if pending is None:
        pending = asset.claims.filter(status=ThirdPartyClaim.Status.PENDING).count()
    return {"pending": pending, "upheld": upheld_claims_total(asset)}


def asset_amounts(asset: Asset) -> dict[str, Money]:
    """The asset's amounts at each stage, as money in its currency (admin page and API), in the
    order of the asset's road: frozen, released, still frozen, confiscated, realised by a sale,
    returned, our share, restituted to victims, upheld claims, retained abroad, still returnable."""
    upheld = upheld_claims_total(asset)
    values = {
        "frozen": asset.frozen_amount,
        "released": asset.released_amount,
        "still_frozen": asset.still_frozen_amount,
        "confiscated": asset.confiscated_amount,
        "realised": asset.realised_amount,
        "returned": asset.returned_amount,
        "shared": asset.shared_amount,
        "restituted": asset.restituted_amount,
        "upheld_claims": upheld,
        "retained": asset.retained_amount,
        "returnable": asset.returnable_amount(upheld),
    }
    return {name: Money(value, asset.currency) for name, value in values.items()}


# --- provenance -----------------------------------------------------------------------------------

NOT_OF_THIS_FILE = _("Not of this asset's case or incoming request.")


def _same_file(asset: Asset, record) -> bool:
    """Whether `record` (a request, a document) belongs to the asset's case or incoming request."""
    if asset.case_id is not None and getattr(record, "case_id", None) == asset.case_id:
        return True
    return asset.incoming_request_id is not None and (
        getattr(record, "incoming_request_id", None) == asset.incoming_request_id
    )


def check_provenance(asset: Asset, *, request=None, foreign_reply=None, court_decision=None) -> dict:
    """The causes of a step, each checked to be of the asset's own case or incoming request (a
    court decision: of the asset itself). One message whatever the reason, so that an id of
    another unit's record confirms nothing about it."""
    errors = {}
    if request is not None and not _same_file(asset, request):
        errors["request"] = [NOT_OF_THIS_FILE]
    if foreign_reply is not None and not _same_file(asset, foreign_reply):
        errors["foreign_reply"] = [NOT_OF_THIS_FILE]
    if court_decision is not None and court_decision.asset_id != asset.pk:
        errors["court_decision"] = [_("Not a decision about this asset.")]
    if errors:
        raise InvalidInput(_("What caused the step must be of the asset's own file."), field_errors=errors)
    return {"request": request, "foreign_reply": foreign_reply, "court_decision": court_decision}


def _check_identified_by(actor, asset_case, request):
    if request is None:
        return
    if asset_case is None or request.case_id != asset_case.pk or not access.may_read(actor, request):
        raise InvalidInput(
            _("The request that identified the asset must be one of its case."),
            field_errors={"identified_by_request": [_("Not a request of this asset's case.")]},
        )


# --- transitions ------------------------------------------------------------------------------------


@transaction.atomic
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
    request=None,
    foreign_reply=None,
    court_decision=None,
    new_court_decision: dict | None = None,
    freeze_expires_on: datetime.date | None = None,
) -> Asset:
    """Move an asset along identified -> frozen -> confiscated -> returned / shared / restituted
    to victims (or released, retained abroad, and from there returned, shared or restituted).

    Freezing, confiscation, each return, each share received and each restitution need a positive
    amount in the asset's currency. Retained abroad records the amount the requested state keeps
    (default: what can still be returned); later returns, shares and restitutions reduce it. A
    release lifts all that is still frozen (an amount, if given, must be that; a part is
    `asset_release_part`). Refused unless an override reason is given (it is kept on the timeline):
    - a confiscation above what is still frozen;
    - a confiscation, return, share or restitution while a third-party claim is pending;
    - a return or share of an asset pursued under an instrument whose requested party retains the
      proceeds (governing_instruments), without an agreement of that kind (return / sharing)
      concluded by the step's date;
    - returns, shares and restitutions adding up to more than can come home: confiscated (or, once
      sold after confiscation, realised) less the upheld claims;
    - a retained amount above what can still be returned.
    Amounts never go negative (checked here and by the database).

    What caused the step may be linked: the outgoing `request`, the `foreign_reply` (a document),
    the `court_decision`, each of the asset's own file (refused otherwise, saying nothing of the
    record named). A confiscation may record its decision at once: `new_court_decision` (court,
    decided_on, reference, conviction_based, country...) is created, as a confiscation order for
    the amount, in the same transaction and linked to the step.

    The freeze may say when it expires (`freeze_expires_on`, only with the freeze: after its date,
    within FREEZE_TERM_MAX_YEARS); leaving the frozen status clears the expiry, so its reminders
    stop (the timeline keeps it)."""
    access.require_write(actor, asset)
    override_reason = (override_reason or "").strip()
    if freeze_expires_on is not None and to_status != S.FROZEN:
        raise InvalidInput(
            _("An expiry date is given only with the freeze (later ones: renew the freeze)."),
            field_errors={"freeze_expires_on": [_("Only with the freeze.")]},
        )
    if to_status in AMOUNT_REQUIRED and amount is None:
        raise InvalidAmount(_("Give the amount for this step."), field_errors={"amount": [_("Required.")]})
    links = check_provenance(asset, request=request, foreign_reply=foreign_reply, court_decision=court_decision)
    if new_court_decision:
        if to_status != S.CONFISCATED:
            raise InvalidInput(
                _("A court decision is recorded with the step only at confiscation."),
                field_errors={"court_decision": [_("Only at confiscation.")]},
            )
        if court_decision is not None:
            raise InvalidInput(
                _("Link an existing decision or record a new one, not both."),
                field_errors={"court_decision": [_("Give one or the other.")]},
            )
        value = _amount_in_asset_currency(asset, amount)
        details = dict(new_court_decision)
        details.setdefault("country", str(asset.location_country))
        links["court_decision"] = court_decision_create(
            actor=actor,
            asset=asset,
            kind=CourtDecision.Kind.CONFISCATION,
            amount=Money(value, asset.currency),
            **details,
        )
    entry_fields = {name: record for name, record in links.items() if record is not None}

    def override_or_refuse(message, field_errors, error=InvalidInput):
        if not override_reason:
            raise error(message, field_errors=field_errors)
        return True

    def apply(obj: Asset, ctx):
        value = _amount_in_asset_currency(obj, amount) if amount is not None else None
        if value is not None and to_status not in AMOUNT_REQUIRED | AMOUNT_OPTIONAL:
            raise InvalidAmount(_("This step carries no amount."), field_errors={"amount": [_("Not expected here.")]})
        overridden = False
        if to_status in {S.CONFISCATED} | DISPOSAL:
            pending = list(obj.claims.filter(status=ThirdPartyClaim.Status.PENDING).values_list("claimant", flat=True))
            if pending:
                overridden |= override_or_refuse(
                    _(
                        "A third-party claim on this asset is pending (%(claimants)s): bona fide third "
                        "parties' rights are decided first. Give a reason to record it anyway."
                    )
                    % {"claimants": ", ".join(pending)},
                    {"override_reason": [_("A claim is pending.")]},
                )
        if to_status in HANDOVER:
            instrument = retaining_instrument(obj)
            kind = AGREEMENT_FOR[to_status]
            agreed = obj.agreements.filter(kind=kind, concluded_on__lte=ctx["effective_on"]).exists()
            if instrument is not None and not agreed:
                overridden |= override_or_refuse(
                    _(
                        "Under %(instrument)s the requested state retains confiscated proceeds unless "
                        "otherwise agreed: record the agreement on %(kind)s first, or give a reason to "
                        "record it anyway."
                    )
                    % {"instrument": instrument, "kind": AssetAgreement.Kind(kind).label.lower()},
                    {"override_reason": [_("No agreement recorded.")]},
                )
        # The freeze's expiry: set with the freeze, cleared on leaving the frozen status.
        if to_status == S.FROZEN:
            if freeze_expires_on is not None:
                check_freeze_expiry(freeze_expires_on, after=ctx["effective_on"], field="freeze_expires_on")
                ctx["entry_fields"]["freeze_expires_on"] = freeze_expires_on
            obj.freeze_expires_on = freeze_expires_on
        elif ctx["from_status"] == S.FROZEN:
            obj.freeze_expires_on = None
        if to_status == S.FROZEN:
            obj.frozen_amount = value
            obj.still_frozen_amount = value
        elif to_status == S.CONFISCATED:
            if ctx["from_status"] == S.FROZEN and value > obj.still_frozen_amount:
                overridden |= override_or_refuse(
                    _("%(amount)s exceeds the %(frozen)s still frozen. Give a reason to record it anyway.")
                    % {"amount": Money(value, obj.currency), "frozen": obj.still_frozen},
                    {"amount": [_("More than was frozen.")]},
                    InvalidAmount,
                )
            obj.confiscated_amount = value
            # The freeze turned into the confiscation; what it held beyond stays frozen until released.
            obj.still_frozen_amount = max(Decimal("0"), obj.still_frozen_amount - value)
        elif to_status == S.RELEASED:
            rest = obj.still_frozen_amount
            if value is not None and value != rest:
                if not rest:
                    raise InvalidAmount(
                        _("This step carries no amount: nothing is frozen."),
                        field_errors={"amount": [_("Not expected here.")]},
                    )
                raise InvalidAmount(
                    _("A release lifts all that is still frozen (%(rest)s); record a partial release for part of it.")
                    % {"rest": obj.still_frozen},
                    field_errors={"amount": [_("Not what is still frozen.")]},
                )
            obj.released_amount += rest
            obj.still_frozen_amount = Decimal("0")
            value = rest or None
        elif to_status in DISPOSAL:
            upheld = upheld_claims_total(obj)
            total = obj.disposed_amount + value
            if total > obj.recoverable_base - upheld:
                overridden |= override_or_refuse(
                    _more_than_can_come_home(obj, total, upheld),
                    {"amount": [_("More than can be returned.")]},
                    InvalidAmount,
                )
            if to_status == S.RETURNED:
                obj.returned_amount += value
            elif to_status == S.SHARED:
                obj.shared_amount += value
            else:
                obj.restituted_amount += value
            # What comes out of what the requested state retained (a later agreement) is no
            # longer retained.
            obj.retained_amount = max(Decimal("0"), obj.retained_amount - value)
        elif to_status == S.RETAINED_ABROAD:
            returnable = obj.returnable_amount(upheld_claims_total(obj))
            if value is None:
                value = returnable or None
            elif value > returnable:
                overridden |= override_or_refuse(
                    _(
                        "%(amount)s is more than the %(rest)s that can still be returned. Give a reason to "
                        "record it anyway."
                    )
                    % {"amount": Money(value, obj.currency), "rest": Money(returnable, obj.currency)},
                    {"amount": [_("More than can be returned.")]},
                    InvalidAmount,
                )
            obj.retained_amount = value or Decimal("0")
        ctx["amount"] = Money(value, obj.currency) if value is not None else None
        ctx["override_reason"] = override_reason if overridden else ""
        ctx["entry_fields"].update(entry_fields)

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


def _more_than_can_come_home(obj: Asset, total: Decimal, upheld: Decimal) -> str:
    money = {
        "total": Money(total, obj.currency),
        "rest": Money(obj.recoverable_base - upheld, obj.currency),
        "conf": obj.confiscated,
        "realised": obj.realised,
        "upheld": Money(upheld, obj.currency),
    }
    if obj.sold_after_confiscation:
        return (
            _(
                "Returns, shares and restitutions would total %(total)s, more than the %(rest)s that can come "
                "home (%(realised)s realised by the sale less %(upheld)s upheld third-party claims). Give a "
                "reason to record it anyway."
            )
            % money
        )
    if upheld:
        return (
            _(
                "Returns and shares would total %(total)s, more than the %(rest)s that can come "
                "home (%(conf)s confiscated less %(upheld)s upheld third-party claims). Give a "
                "reason to record it anyway."
            )
            % money
        )
    return (
        _("Returns would total %(total)s, more than the %(conf)s confiscated. Give a reason to record it anyway.")
        % money
    )


# --- steps that keep the status -------------------------------------------------------------------

# Where each step may be taken: part of a freeze is lifted while it holds something (frozen, or
# beyond what was confiscated); the requested state sells the property while it is frozen
# (interlocutory sale of perishable or depreciating property) or once confiscated, before anything
# of it came home (afterwards, what came home and what the sale realised would overlap).
STEP_FROM = {
    Step.PARTIAL_RELEASE: (S.FROZEN, S.CONFISCATED),
    Step.SALE: (S.FROZEN, S.CONFISCATED),
}


def _record_step(
    *, asset: Asset, step: str, actor, effective_on, note, document_reference, expected_version, links, apply_step
) -> Asset:
    """Write a step that keeps the asset's status through the timeline mechanism: the row says
    which step (`step`) and carries its amount (`step_amount`, what `apply_step(obj)` returns)."""

    def apply(obj: Asset, ctx):
        if obj.status not in STEP_FROM[step]:
            raise TransitionNotAllowed(
                _("“%(step)s” is recorded while the asset is %(allowed)s; it is “%(status)s”.")
                % {
                    "step": Step(step).label,
                    "allowed": ", ".join(f"“{obj.status_label(s)}”" for s in STEP_FROM[step]),
                    "status": obj.get_status_display(),
                }
            )
        ctx["entry_fields"].update(
            {name: record for name, record in links.items() if record is not None},
            step=step,
            step_amount=apply_step(obj),
        )

    obj, _entry = apply_transition(
        Asset,
        asset.pk,
        to_status=None,
        keep_status=True,
        actor=actor,
        effective_on=effective_on,
        note=note,
        document_reference=document_reference,
        expected_version=expected_version,
        apply=apply,
    )
    return obj


@transaction.atomic
def asset_release_part(
    *,
    asset: Asset,
    actor,
    amount,
    effective_on: datetime.date | None = None,
    note: str = "",
    document_reference: str = "",
    expected_version: int | None = None,
    request=None,
    foreign_reply=None,
    court_decision=None,
) -> Asset:
    """Record that the foreign court lifted the freeze on part of the asset: the amount (positive,
    in the asset's currency) adds to `released_amount` and comes off what is still frozen; the
    status stays. Releasing all that is still frozen of a frozen asset is the full release (the
    move to 'released'). Refused, with no override (it is arithmetic): more than is still frozen,
    zero or less, and any status but frozen or confiscated."""
    access.require_write(actor, asset)
    if amount is None:
        raise InvalidAmount(_("Give the amount released."), field_errors={"amount": [_("Required.")]})
    links = check_provenance(asset, request=request, foreign_reply=foreign_reply, court_decision=court_decision)
    value = _amount_in_asset_currency(asset, amount)
    current = Asset.objects.select_for_update().get(pk=asset.pk)
    if current.status == S.FROZEN and value == current.still_frozen_amount:
        return asset_transition(
            asset=current,
            to_status=S.RELEASED,
            actor=actor,
            effective_on=effective_on,
            amount=value,
            note=note,
            document_reference=document_reference,
            expected_version=expected_version,
            **links,
        )

    def release(obj: Asset) -> Money:
        if value > obj.still_frozen_amount:
            raise InvalidAmount(
                _("%(amount)s is more than the %(rest)s still frozen.")
                % {"amount": Money(value, obj.currency), "rest": obj.still_frozen},
                field_errors={"amount": [_("More than is still frozen.")]},
            )
        obj.released_amount += value
        obj.still_frozen_amount -= value
        return Money(value, obj.currency)

    return _record_step(
        asset=asset,
        step=Step.PARTIAL_RELEASE,
        actor=actor,
        effective_on=effective_on,
        note=note,
        document_reference=document_reference,
        expected_version=expected_version,
        links=links,
        apply_step=release,
    )


@transaction.atomic
def asset_record_sale(
    *,
    asset: Asset,
    actor,
    amount,
    effective_on: datetime.date | None = None,
    note: str = "",
    document_reference: str = "",
    expected_version: int | None = None,
    request=None,
    foreign_reply=None,
    court_decision=None,
) -> Asset:
    """Record that the requested state sold the asset, and what the sale realised (positive, in
    the asset's currency): `realised_amount`, and the status it was sold in. Sold while frozen
    (an interlocutory sale), the proceeds are what the freeze now holds, and the confiscation that
    follows is of them; sold once confiscated, the proceeds replace the confiscated valuation as
    what can come home. The status stays. Refused: any status but frozen or confiscated, a second
    sale, zero or less."""
    access.require_write(actor, asset)
    if amount is None:
        raise InvalidAmount(_("Give the amount the sale realised."), field_errors={"amount": [_("Required.")]})
    links = check_provenance(asset, request=request, foreign_reply=foreign_reply, court_decision=court_decision)
    value = _amount_in_asset_currency(asset, amount)

    def sell(obj: Asset) -> Money:
        if obj.sold_at_stage:
            raise InvalidInput(
                _("The sale of this asset is already recorded (%(amount)s realised).") % {"amount": obj.realised},
                field_errors={"amount": [_("Already sold.")]},
            )
        obj.realised_amount = value
        obj.sold_at_stage = obj.status
        if obj.status == S.FROZEN:
            obj.still_frozen_amount = value
        return Money(value, obj.currency)

    return _record_step(
        asset=asset,
        step=Step.SALE,
        actor=actor,
        effective_on=effective_on,
        note=note,
        document_reference=document_reference,
        expected_version=expected_version,
        links=links,
        apply_step=sell,
    )


ASSET_STEPS = {Step.PARTIAL_RELEASE: asset_release_part, Step.SALE: asset_record_sale}


def asset_step(*, step: str, **kwargs) -> Asset:
    """Record a step that keeps the status (`partial_release`, `sale`): the one entry the admin and
    the API call for them."""
    if step not in ASSET_STEPS:
        raise InvalidInput(_("Unknown step: %(step)s.") % {"step": step}, field_errors={"step": [_("Unknown.")]})
    return ASSET_STEPS[step](**kwargs)


# --- the freeze's expiry and its renewal ------------------------------------------------------------

# A freeze abroad runs months or a few years; an expiry further ahead is a typing error (9999).
FREEZE_TERM_MAX_YEARS = 30


def check_freeze_expiry(expires_on, *, after: datetime.date, field: str = "expires_on") -> datetime.date:
    """Refuse an expiry date that is not a date, not after `after` (the day of the freeze or the
    renewal), or absurd (before 2000, more than FREEZE_TERM_MAX_YEARS ahead)."""
    if not isinstance(expires_on, datetime.date) or isinstance(expires_on, datetime.datetime):
        raise InvalidInput(_("Give the freeze's expiry as a date."), field_errors={field: [_("Not a date.")]})
    if expires_on <= after:
        raise InvalidInput(
            _("The freeze's expiry (%(expires)s) must come after %(after)s.")
            % {"expires": expires_on.isoformat(), "after": after.isoformat()},
            field_errors={field: [_("Not after the freeze or renewal date.")]},
        )
    # `after` is never in the future (a freeze's or renewal's date), so this cannot overflow.
    latest = min(after + datetime.timedelta(days=round(365.25 * FREEZE_TERM_MAX_YEARS)), FREEZE_EXPIRY_LATEST)
    if expires_on < FREEZE_EXPIRY_EARLIEST or expires_on > latest:
        raise InvalidInput(
            _("%(expires)s is not a plausible expiry: a freeze runs at most %(years)s years (until %(latest)s).")
            % {"expires": expires_on.isoformat(), "years": FREEZE_TERM_MAX_YEARS, "latest": latest.isoformat()},
            field_errors={field: [_("Out of range.")]},
        )
    return expires_on


def _freeze_began_on(asset: Asset) -> datetime.date | None:
    """The effective date of the freeze in force (the latest move into the frozen status)."""
    return (
        asset.timeline.filter(to_status=S.FROZEN)
        .exclude(from_status=S.FROZEN)
        .order_by("-effective_on", "-pk")
        .values_list("effective_on", flat=True)
        .first()
    )


@transaction.atomic
def asset_renew_freeze(
    *,
    asset: Asset,
    actor,
    renewed_on: datetime.date,
    expires_on: datetime.date,
    note: str = "",
    document_reference: str = "",
    override_reason: str = "",
    expected_version: int | None = None,
    request=None,
    foreign_reply=None,
    court_decision=None,
) -> Asset:
    """Record the renewal of a freeze abroad (the requested state's court extended it, usually on
    a new request of ours): the new expiry, on the asset, and a frozen -> frozen row on its
    timeline saying "freeze renewed until <date>", with what caused it (the `request`, the
    `foreign_reply`, the `court_decision`, each of the asset's own file).

    Refused: an asset that is not frozen; a renewal date in the future or before the freeze; an
    expiry not after the renewal date, or absurd (check_freeze_expiry). An expiry not later than
    the one in force (a shortened freeze) needs an override reason, kept on the timeline row."""
    access.require_write(actor, asset)
    override_reason = (override_reason or "").strip()
    if renewed_on is None:
        raise InvalidInput(_("Give the date of the renewal."), field_errors={"renewed_on": [_("Required.")]})
    check_not_future(renewed_on, field="renewed_on")
    links = check_provenance(asset, request=request, foreign_reply=foreign_reply, court_decision=court_decision)
    locked = Asset.objects.select_for_update().get(pk=asset.pk)
    check_version(locked, expected_version)
    if locked.status != S.FROZEN:
        raise TransitionNotAllowed(
            _("Only a frozen asset's freeze is renewed; this asset is “%(status)s”.")
            % {"status": locked.get_status_display()}
        )
    began = _freeze_began_on(locked)
    if began is not None and renewed_on < began:
        raise InvalidInput(
            _("A renewal cannot precede the freeze (%(date)s).") % {"date": began.isoformat()},
            field_errors={"renewed_on": [_("Before the freeze.")]},
        )
    check_freeze_expiry(expires_on, after=renewed_on, field="expires_on")
    previous = locked.freeze_expires_on
    overridden = False
    if previous is not None and expires_on <= previous:
        if not override_reason:
            raise InvalidInput(
                _(
                    "The freeze is in force until %(previous)s: a renewal to %(expires)s would shorten it. "
                    "Give a reason to record it anyway."
                )
                % {"previous": previous.isoformat(), "expires": expires_on.isoformat()},
                field_errors={"expires_on": [_("Not after the expiry in force.")]},
            )
        overridden = True
    note = (note or "").strip()
    text = _("Freeze renewed until %(expires)s (was: %(previous)s)") % {
        "expires": expires_on.isoformat(),
        "previous": previous.isoformat() if previous else _("no expiry recorded"),
    }
    with audit_actor(actor):
        locked.freeze_expires_on = expires_on
        locked.save(update_fields=["freeze_expires_on"])
        record_note(
            locked,
            actor=actor,
            effective_on=renewed_on,
            note=f"{text}: {note}" if note else str(text),
            document_reference=(document_reference or "").strip(),
            override_reason=override_reason if overridden else "",
            entry_fields={
                "step": Step.FREEZE_RENEWAL,
                "freeze_expires_on": expires_on,
                **{name: record for name, record in links.items() if record is not None},
            },
        )
    return locked


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
    "identified_by_request",
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
    if changes.get("identified_by_request") is not None:
        _check_identified_by(actor, asset.case, changes["identified_by_request"])
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


# No claim on an asset pursued by the Republic of Kazakhstan can be filed or decided before the
# state existed: an earlier date is a typing error (a year of 0024 or 1024), not history.
EARLIEST_CLAIM_DATE = datetime.date(1991, 12, 16)


def _check_claim_date(day: datetime.date, *, field: str) -> None:
    check_not_future(day, field=field)
    if day < EARLIEST_CLAIM_DATE:
        raise InvalidInput(
            _("The date cannot be before %(day)s.") % {"day": EARLIEST_CLAIM_DATE.isoformat()},
            field_errors={field: [_("Too early.")]},
        )


@transaction.atomic
def claim_create(
    *, actor, asset: Asset, claimant: str, basis: str, filed_on: datetime.date, bona_fide=None, amount=None
) -> ThirdPartyClaim:
    """Record a third party's claim on the asset (whoever may write the asset), pending until a
    court decides it. Refused: no claimant, no basis, a filing date in the future or before
    EARLIEST_CLAIM_DATE, a negative amount claimed. While it is pending, confiscating, returning
    or sharing the asset needs an override reason (asset_transition)."""
    access.require_write(actor, asset)
    if filed_on is None:
        raise InvalidInput(_("Give the date the claim was filed."), field_errors={"filed_on": [_("Required.")]})
    _check_claim_date(filed_on, field="filed_on")
    if not (claimant or "").strip():
        raise InvalidInput(_("Name the claimant."), field_errors={"claimant": [_("Required.")]})
    if not (basis or "").strip():
        raise InvalidInput(_("Give the basis of the claim."), field_errors={"basis": [_("Required.")]})
    with audit_actor(actor):
        return ThirdPartyClaim.objects.create(
            asset=asset,
            claimant=claimant.strip(),
            basis=basis.strip(),
            filed_on=filed_on,
            bona_fide=bona_fide,
            amount=clean_money(amount, field="amount"),
        )


@transaction.atomic
def claim_decide(
    *,
    actor,
    claim: ThirdPartyClaim,
    status: str,
    decided_on: datetime.date,
    bona_fide=None,
    upheld_amount=None,
) -> ThirdPartyClaim:
    """Record the court's decision on a pending claim: upheld, with the amount granted to the
    claimant (in the asset's currency; it comes off what can be returned), or dismissed (no
    amount). A decided claim stays decided (TransitionNotAllowed). The date is neither in the
    future nor before the filing. The claims upheld on an asset together cannot exceed what was
    confiscated (or, before a confiscation, frozen): they are satisfied out of it."""
    access.require_write(actor, claim)
    claim = ThirdPartyClaim.objects.select_for_update().select_related("asset").get(pk=claim.pk)
    if claim.status != ThirdPartyClaim.Status.PENDING:
        raise TransitionNotAllowed(_("This claim has already been decided."))
    if status not in (ThirdPartyClaim.Status.UPHELD, ThirdPartyClaim.Status.DISMISSED):
        raise InvalidInput(_("A claim is decided as upheld or dismissed."), field_errors={"status": [_("Invalid.")]})
    if decided_on is None:
        raise InvalidInput(_("Give the date of the decision."), field_errors={"decided_on": [_("Required.")]})
    _check_claim_date(decided_on, field="decided_on")
    if decided_on < claim.filed_on:
        raise InvalidInput(
            _("A claim cannot be decided before it was filed."), field_errors={"decided_on": [_("Too early.")]}
        )
    if status == ThirdPartyClaim.Status.UPHELD:
        if upheld_amount is None or upheld_amount == "":
            raise InvalidInput(
                _("Give the amount upheld for the claimant."), field_errors={"upheld_amount": [_("Required.")]}
            )
        if isinstance(upheld_amount, Money) and str(upheld_amount.currency) != claim.asset.currency:
            raise InvalidInput(
                _("The amount must be in the asset's currency (%(cur)s).") % {"cur": claim.asset.currency},
                field_errors={"upheld_amount": [_("Wrong currency.")]},
            )
        upheld_amount = clean_amount(upheld_amount, field="upheld_amount", allow_zero=True)
        _check_upheld_within_the_asset(claim, upheld_amount)
    elif upheld_amount not in (None, ""):
        raise InvalidInput(
            _("A dismissed claim has no amount upheld."), field_errors={"upheld_amount": [_("Not expected here.")]}
        )
    else:
        upheld_amount = None
    with audit_actor(actor):
        claim.status = status
        claim.decided_on = decided_on
        claim.upheld_amount = upheld_amount
        if bona_fide is not None:
            claim.bona_fide = bona_fide
        claim.save()
    return claim


def _check_upheld_within_the_asset(claim: ThirdPartyClaim, upheld_amount: Decimal) -> None:
    # Locked, so that two claims decided at once cannot each fit alone and together exceed it.
    asset = Asset.objects.select_for_update().get(pk=claim.asset_id)
    bound = asset.confiscated_amount or asset.frozen_amount
    if not bound:
        return  # nothing frozen or confiscated yet: no amount to measure the claim against
    already = upheld_claims_total(asset)
    if already + upheld_amount > bound:
        raise InvalidAmount(
            _(
                "Claims upheld would total %(total)s, more than the %(bound)s frozen or confiscated out of "
                "which they are satisfied."
            )
            % {"total": Money(already + upheld_amount, asset.currency), "bound": Money(bound, asset.currency)},
            field_errors={"upheld_amount": [_("More than the asset's amount.")]},
        )


def _percent(value, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except (ArithmeticError, ValueError):
        number = None
    if number is None or not number.is_finite() or not (0 <= number <= 100) or number != round(number, 2):
        raise InvalidInput(
            _("A share is a percentage between 0 and 100, with at most two decimals."),
            field_errors={field: [_("Between 0 and 100.")]},
        )
    return number


@transaction.atomic
def agreement_record(
    *,
    actor,
    asset: Asset,
    kind: str,
    concluded_on: datetime.date,
    other_state: str = "",
    home_share_percent=None,
    other_share_percent=None,
    home_amount=None,
    other_amount=None,
    document=None,
    note: str = "",
) -> AssetAgreement:
    """Record an agreement with the other state on returning or sharing the asset (whoever may
    write the asset). Each side's part: a share in percent (one given, the other is the rest; both
    given, they add up to 100), an amount in the asset's currency (not negative), or both; our part
    must be stated. The other state defaults to the asset's location (for an asset here at a
    foreign request: the requesting state). The document, if any, is of the asset's own file."""
    access.require_write(actor, asset)
    if kind not in AssetAgreement.Kind.values:
        raise InvalidInput(_("An agreement is on return or on sharing."), field_errors={"kind": [_("Unknown.")]})
    if concluded_on is None:
        raise InvalidInput(
            _("Give the date the agreement was concluded."), field_errors={"concluded_on": [_("Required.")]}
        )
    check_not_future(concluded_on, field="concluded_on")
    if not other_state:
        if asset.incoming_request_id is not None and str(asset.location_country) == settings.HOME_COUNTRY:
            other_state = str(asset.incoming_request.requesting_country)
        else:
            other_state = str(asset.location_country)
    other_state = clean_country(other_state, field="other_state")
    if other_state == settings.HOME_COUNTRY:
        raise InvalidInput(
            _("The other party is a foreign state."), field_errors={"other_state": [_("Not the home state.")]}
        )
    home_share = _percent(home_share_percent, "home_share_percent")
    other_share = _percent(other_share_percent, "other_share_percent")
    if home_share is None and other_share is not None:
        home_share = Decimal("100") - other_share
    elif other_share is None and home_share is not None:
        other_share = Decimal("100") - home_share
    elif home_share is not None and home_share + other_share != 100:
        raise InvalidInput(
            _("The two shares must add up to 100%."),
            field_errors={"other_share_percent": [_("The shares do not add up to 100%.")]},
        )
    amounts = {}
    for name, value in (("home_amount", home_amount), ("other_amount", other_amount)):
        amounts[name] = (
            None if value in (None, "") else _amount_in_asset_currency(asset, value, field=name, allow_zero=True)
        )
    if home_share is None and amounts["home_amount"] is None:
        raise InvalidInput(
            _("Give Kazakhstan's share or amount."),
            field_errors={"home_share_percent": [_("Give the share or the amount.")]},
        )
    if document is not None and not _same_file(asset, document):
        raise InvalidInput(
            _("The agreement's document must be of the asset's own file."),
            field_errors={"document": [NOT_OF_THIS_FILE]},
        )
    with audit_actor(actor):
        return AssetAgreement.objects.create(
            asset=asset,
            kind=kind,
            concluded_on=concluded_on,
            other_state=other_state,
            home_share_percent=home_share,
            other_share_percent=other_share,
            home_amount=amounts["home_amount"],
            other_amount=amounts["other_amount"],
            document=document,
            note=(note or "").strip(),
        )
