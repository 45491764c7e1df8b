"""Every write to incoming requests: receipt, registration, assignment, execution and the answer.

The legal basis is checked as for outgoing requests (a treaty binds only its own counterpart, the
measures asked for must be within its scope); the timeline records every move, with the refusal's
structured ground and article stated on it."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incoming.models import IncomingRequest
from mla_requests import reminder_schedule
from mla_requests.services import check_instrument_applies, check_scope
from recovery import access
from recovery.audit import audit_actor
from recovery.cleaning import check_not_future, check_version, clean_country
from recovery.errors import InvalidInput
from recovery.models import LegalInstrument
from recovery.services import next_reference
from recovery.timeline import apply_transition, record_creation, record_note

REFERENCE_PREFIX = "INC"
# No request of the office's history predates this; a date before it is a typing slip.
EARLIEST_DAY = datetime.date(1991, 12, 16)
# A deadline further than this from the receipt is a typing slip, not a plan.
LONGEST_DEADLINE = datetime.timedelta(days=3650)

EDITABLE_FIELDS = {
    "requesting_authority",
    "foreign_reference",
    "foreign_dated_on",
    "channel",
    "legal_basis",
    "measures",
    "crime_category",
    "urgency",
    "summary",
    "subjects",
    "requested_due",
}
# Fixed once execution starts: what was asked for is what is executed.
FIXED_IN_EXECUTION = {"legal_basis", "measures", "channel", "requesting_authority", "foreign_dated_on"}


def _check_day(day: datetime.date | None, *, field: str, not_future: bool = True) -> None:
    if day is None:
        return
    if not isinstance(day, datetime.date):
        raise InvalidInput(_("Not a date."), field_errors={field: [_("Not a date.")]})
    if day < EARLIEST_DAY:
        raise InvalidInput(
            _("The date cannot be before %(day)s.") % {"day": EARLIEST_DAY}, field_errors={field: [_("Too early.")]}
        )
    if not_future:
        check_not_future(day, field=field)


def _check_deadline(day: datetime.date | None, received_on: datetime.date, *, field: str) -> None:
    if day is None:
        return
    if day < received_on:
        raise InvalidInput(
            _("The deadline cannot precede the day the request was received (%(day)s).") % {"day": received_on},
            field_errors={field: [_("Before the receipt.")]},
        )
    if day > received_on + LONGEST_DEADLINE:
        raise InvalidInput(
            _("The deadline cannot be more than ten years after the receipt."),
            field_errors={field: [_("Too far ahead.")]},
        )


def _choice(value: str, choices, field: str) -> str:
    if value not in choices.values:
        raise InvalidInput(_("Unknown value: %(v)s.") % {"v": value}, field_errors={field: [_("Unknown.")]})
    return value


def execution_deadline(
    received_on: datetime.date, *, requested_due: datetime.date | None, instrument: LegalInstrument
) -> tuple[datetime.date, str]:
    """The deadline asked by the requesting state, else the instrument's time limit from the
    receipt, else the office's (settings.INCOMING_EXECUTION_DAYS); with where it came from."""
    Source = IncomingRequest.DeadlineSource
    if requested_due is not None:
        return requested_due, Source.REQUESTED
    if instrument.expected_response_days:
        return received_on + datetime.timedelta(days=instrument.expected_response_days), Source.INSTRUMENT
    return received_on + datetime.timedelta(days=settings.INCOMING_EXECUTION_DAYS), Source.DEFAULT


def _replan(obj: IncomingRequest) -> None:
    """The reminder scan reads the request again at its next run (its plan may have changed), or
    no more once it is answered; in the caller's transaction."""
    reminder_schedule.replan_incoming(obj.pk, open=obj.status in IncomingRequest.OPEN_STATUSES)


def _changing(incoming: IncomingRequest, changes: dict) -> set[str]:
    """The fields of `changes` whose value differs from the record's: a full edit repeats what it
    does not change, and only a change of what is fixed is refused."""
    changed = set()
    for name, value in changes.items():
        if name in ("measures", "subjects"):
            current = {o.pk for o in getattr(incoming, name).all()}
            given = {getattr(o, "pk", o) for o in value}
        else:
            current = getattr(incoming, name)
            given = value.strip() if isinstance(value, str) else value
        if given != current:
            changed.add(name)
    return changed


def _check_basis(legal_basis: LegalInstrument, country: str, measures: list) -> None:
    if not measures:
        raise InvalidInput(_("Name at least one measure."), field_errors={"measures": [_("Required.")]})
    check_instrument_applies(legal_basis, country)
    check_scope(legal_basis, measures)


@transaction.atomic
def incoming_receive(
    *,
    actor,
    unit,
    requesting_country: str,
    requesting_authority: str,
    legal_basis: LegalInstrument,
    crime_category,
    measures,
    received_on: datetime.date | None = None,
    foreign_reference: str = "",
    foreign_dated_on: datetime.date | None = None,
    channel: str = IncomingRequest.Channel.CENTRAL_AUTHORITY,
    urgency: str = IncomingRequest.Urgency.NORMAL,
    summary: str = "",
    subjects=(),
    requested_due: datetime.date | None = None,
) -> IncomingRequest:
    """Record a request a foreign state addressed to us, received on `received_on` (default today),
    for `unit` to execute. Refuses our own state as the requesting one, a legal basis that does not
    bind the requesting state, measures outside its scope, a unit the actor may not work in, and
    dates out of order. The execution deadline is the one asked, else the instrument's, else the
    office's."""
    access.require_writer(actor)
    access.require_case_unit(actor, unit)
    received_on = received_on or timezone.localdate()
    _check_day(received_on, field="received_on")
    _check_day(foreign_dated_on, field="foreign_dated_on")
    if foreign_dated_on and foreign_dated_on > received_on:
        raise InvalidInput(
            _("The request cannot be dated after it was received."),
            field_errors={"foreign_dated_on": [_("After the receipt.")]},
        )
    _check_deadline(requested_due, received_on, field="requested_due")
    country = clean_country(requesting_country, field="requesting_country", allow_home=False)
    requesting_authority = (requesting_authority or "").strip()
    if not requesting_authority:
        raise InvalidInput(_("Name the requesting authority."), field_errors={"requesting_authority": [_("Required.")]})
    measures = list(measures)
    _check_basis(legal_basis, country, measures)
    _choice(channel, IncomingRequest.Channel, "channel")
    _choice(urgency, IncomingRequest.Urgency, "urgency")
    due, source = execution_deadline(received_on, requested_due=requested_due, instrument=legal_basis)
    with audit_actor(actor):
        incoming = IncomingRequest.objects.create(
            reference=next_reference(REFERENCE_PREFIX, year=received_on.year),
            requesting_country=country,
            requesting_authority=requesting_authority,
            foreign_reference=(foreign_reference or "").strip(),
            foreign_dated_on=foreign_dated_on,
            received_on=received_on,
            channel=channel,
            legal_basis=legal_basis,
            crime_category=crime_category,
            urgency=urgency,
            summary=summary or "",
            unit=unit,
            requested_due=requested_due,
            execution_due=due,
            execution_due_source=source,
        )
        incoming.measures.set(measures)
        if subjects:
            incoming.subjects.set(subjects)
        record_creation(incoming, actor=actor, effective_on=received_on, note=str(_("Request received")))
    _replan(incoming)
    return incoming


@transaction.atomic
def incoming_update(
    *, incoming: IncomingRequest, actor, expected_version: int | None = None, **changes
) -> IncomingRequest:
    """Edit what was recorded of the request. Once execution starts, its legal basis, measures,
    channel and author stay as executed; a closed request changes no more."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
            field_errors={f: [_("Not editable.")] for f in unknown},
        )
    access.require_write(actor, incoming)
    incoming = IncomingRequest.objects.select_for_update().get(pk=incoming.pk)
    check_version(incoming, expected_version)
    if incoming.status in IncomingRequest.CLOSED_STATUSES:
        raise InvalidInput(_("A closed request is no longer edited."))
    started = incoming.status not in (IncomingRequest.Status.RECEIVED, IncomingRequest.Status.REGISTERED)
    fixed = FIXED_IN_EXECUTION & _changing(incoming, changes)
    if started and fixed:
        raise InvalidInput(
            _("Once assigned, the legal basis, measures, channel and requesting authority stay as received."),
            field_errors={f: [_("Fixed once assigned.")] for f in fixed},
        )
    if "foreign_dated_on" in changes:
        _check_day(changes["foreign_dated_on"], field="foreign_dated_on")
        if changes["foreign_dated_on"] and changes["foreign_dated_on"] > incoming.received_on:
            raise InvalidInput(
                _("The request cannot be dated after it was received."),
                field_errors={"foreign_dated_on": [_("After the receipt.")]},
            )
    if "requesting_authority" in changes and not (changes["requesting_authority"] or "").strip():
        raise InvalidInput(_("Name the requesting authority."), field_errors={"requesting_authority": [_("Required.")]})
    if "channel" in changes:
        _choice(changes["channel"], IncomingRequest.Channel, "channel")
    if "urgency" in changes:
        _choice(changes["urgency"], IncomingRequest.Urgency, "urgency")
    legal_basis = changes.get("legal_basis", incoming.legal_basis)
    measures = list(changes["measures"]) if "measures" in changes else list(incoming.measures.all())
    if {"legal_basis", "measures"} & set(changes):
        _check_basis(legal_basis, incoming.requesting_country.code, measures)
    with audit_actor(actor):
        if "requested_due" in changes:
            _check_deadline(changes["requested_due"], incoming.received_on, field="requested_due")
        for name, value in changes.items():
            if name in ("measures", "subjects"):
                continue
            setattr(incoming, name, value.strip() if isinstance(value, str) else value)
        if (
            {"requested_due", "legal_basis"} & set(changes)
        ) and incoming.execution_due_source != IncomingRequest.DeadlineSource.SET:
            incoming.execution_due, incoming.execution_due_source = execution_deadline(
                incoming.received_on, requested_due=incoming.requested_due, instrument=legal_basis
            )
        incoming.save()
        if "measures" in changes:
            incoming.measures.set(measures)
        if "subjects" in changes:
            incoming.subjects.set(changes["subjects"])
    _replan(incoming)
    return incoming


def _not_before_receipt(obj: IncomingRequest, day: datetime.date) -> None:
    if day < obj.received_on:
        raise InvalidInput(
            _("The date cannot precede the receipt (%(day)s).") % {"day": obj.received_on},
            field_errors={"effective_on": [_("Before the receipt.")]},
        )


@transaction.atomic
def incoming_assign(
    *,
    incoming: IncomingRequest,
    actor,
    executor,
    effective_on: datetime.date | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> IncomingRequest:
    """Name the executor: a registered request becomes assigned; a request already assigned or in
    execution changes hands, with a timeline row saying from whom to whom. Only a supervisor of the
    executing unit (or whoever writes everything) assigns."""
    access.require_assign_incoming(actor, incoming)
    if executor is None:
        raise InvalidInput(_("Name the executor."), field_errors={"executor": [_("Required.")]})
    access.require_executor(actor, incoming, executor)
    S = IncomingRequest.Status
    current = IncomingRequest.objects.get(pk=incoming.pk)
    if current.status == S.REGISTERED:

        def apply(obj: IncomingRequest, ctx):
            _not_before_receipt(obj, ctx["effective_on"])
            obj.executor = executor
            obj.assigned_on = ctx["effective_on"]
            ctx["note"] = ctx["note"] or str(_("Assigned to %(person)s") % {"person": executor})

        obj, _entry = apply_transition(
            IncomingRequest,
            incoming.pk,
            to_status=S.ASSIGNED,
            actor=actor,
            effective_on=effective_on,
            note=note,
            expected_version=expected_version,
            apply=apply,
        )
        _replan(obj)
        return obj
    if current.status not in (S.ASSIGNED, S.IN_EXECUTION, S.POSTPONED, S.INFO_REQUESTED, S.PARTIALLY_EXECUTED):
        raise InvalidInput(
            _("A request is assigned once registered, and until it is closed."),
            field_errors={"executor": [_("Not now.")]},
        )
    check_not_future(effective_on, field="effective_on")
    with transaction.atomic(), audit_actor(actor):
        obj = IncomingRequest.objects.select_for_update().get(pk=incoming.pk)
        check_version(obj, expected_version)
        _not_before_receipt(obj, effective_on or timezone.localdate())
        previous = obj.executor
        if previous == executor:
            return obj
        obj.executor = executor
        obj.save(update_fields=["executor"])
        record_note(
            obj,
            actor=actor,
            effective_on=effective_on,
            note=_("Executor changed from %(old)s to %(new)s. %(note)s")
            % {"old": previous or "—", "new": executor, "note": note},
        )
        _replan(obj)
    return obj


def _refusal_note(obj: IncomingRequest) -> str:
    text = _("Refused: %(ground)s") % {"ground": obj.get_refusal_ground_display()}
    if obj.refusal_article:
        text = _("%(text)s (%(article)s)") % {"text": text, "article": obj.refusal_article}
    if obj.refusal_explanation:
        text = f"{text}. {obj.refusal_explanation}"
    return str(text)


def incoming_transition(
    *,
    incoming: IncomingRequest,
    to_status: str,
    actor,
    effective_on: datetime.date | None = None,
    note: str = "",
    document_reference: str = "",
    refusal_ground: str = "",
    refusal_article: str = "",
    refusal_explanation: str = "",
    expected_version: int | None = None,
) -> IncomingRequest:
    """Move an incoming request along its workflow (registration, execution, postponement, more
    information asked, the outcome). Assignment goes through incoming_assign. A refusal needs its
    structured ground (and, for "other", an explanation); the ground and the instrument's article
    are stated on the timeline. Dates cannot precede the receipt."""
    access.require_write(actor, incoming)
    S = IncomingRequest.Status
    if to_status == S.ASSIGNED:
        raise InvalidInput(_("Use “Assign” to name the executor."), field_errors={"to_status": [_("Use assign.")]})
    refusal_ground = (refusal_ground or "").strip()
    refusal_article = (refusal_article or "").strip()
    refusal_explanation = (refusal_explanation or "").strip()
    if to_status == S.REFUSED:
        if refusal_ground not in IncomingRequest.RefusalGround.values:
            raise InvalidInput(
                _("Give the ground of the refusal."),
                field_errors={"refusal_ground": [_("Required for a refusal.")]},
            )
        if refusal_ground == IncomingRequest.RefusalGround.OTHER and not refusal_explanation:
            raise InvalidInput(
                _("Explain the other ground of the refusal."),
                field_errors={"refusal_explanation": [_("Required for this ground.")]},
            )
    elif refusal_ground or refusal_article:
        raise InvalidInput(
            _("A refusal ground is recorded only with a refusal."),
            field_errors={"refusal_ground": [_("Only for a refusal.")]},
        )
    if to_status in (S.POSTPONED, S.INFO_REQUESTED, S.RETURNED) and not (note or "").strip():
        raise InvalidInput(_("Say why."), field_errors={"note": [_("Required for this step.")]})

    def apply(obj: IncomingRequest, ctx):
        day = ctx["effective_on"]
        _not_before_receipt(obj, day)
        if to_status == S.REGISTERED:
            obj.registered_on = day
        if to_status == S.IN_EXECUTION and obj.executor_id is None:
            raise InvalidInput(
                _("Assign an executor before execution starts."), field_errors={"executor": [_("Required.")]}
            )
        if to_status in IncomingRequest.ANSWERED_STATUSES and obj.answered_on is None:
            obj.answered_on = day
        if to_status == S.REFUSED:
            obj.refusal_ground = refusal_ground
            obj.refusal_article = refusal_article
            obj.refusal_explanation = refusal_explanation
            stated = _refusal_note(obj)
            ctx["note"] = f"{stated}. {ctx['note']}" if ctx["note"] else stated
        if to_status in IncomingRequest.CLOSED_STATUSES:
            obj.closed_on = day

    with transaction.atomic():
        obj, _entry = apply_transition(
            IncomingRequest,
            incoming.pk,
            to_status=to_status,
            actor=actor,
            effective_on=effective_on,
            note=note,
            document_reference=document_reference,
            expected_version=expected_version,
            apply=apply,
        )
        _replan(obj)
    return obj


@transaction.atomic
def incoming_set_execution_due(
    *,
    incoming: IncomingRequest,
    actor,
    execution_due: datetime.date,
    reason: str,
    expected_version: int | None = None,
) -> IncomingRequest:
    """Move the execution deadline (agreed with the requesting state), with the reason on the timeline."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the deadline moves."), field_errors={"reason": [_("Required.")]})
    access.require_write(actor, incoming)
    incoming = IncomingRequest.objects.select_for_update().get(pk=incoming.pk)
    check_version(incoming, expected_version)
    if incoming.status in IncomingRequest.CLOSED_STATUSES:
        raise InvalidInput(_("A closed request has no deadline to move."))
    _check_deadline(execution_due, incoming.received_on, field="execution_due")
    previous = incoming.execution_due
    with audit_actor(actor):
        incoming.execution_due = execution_due
        incoming.execution_due_source = IncomingRequest.DeadlineSource.SET
        incoming.save(update_fields=["execution_due", "execution_due_source"])
        record_note(
            incoming,
            actor=actor,
            note=_("Execution deadline moved from %(old)s to %(new)s: %(reason)s")
            % {"old": previous or "—", "new": execution_due, "reason": reason},
        )
    _replan(incoming)
    return incoming
