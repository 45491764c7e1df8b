"""Every write to outgoing requests: creation, the checklist, sending, and the foreign response."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mla_requests import reminder_schedule
from mla_requests.case_file import documents_missing_before_sending
from mla_requests.deadlines import compute_response_due
from mla_requests.models import ChecklistAnswer, FollowUp, Request
from recovery import access
from recovery.audit import audit_actor
from recovery.cleaning import check_not_future, check_version, clean_country
from recovery.errors import (
    CatchAllNoteRequired,
    ChannelNotAccepted,
    InvalidInput,
    MeasureOutsideScope,
    OffenceOutsideScope,
    RequirementsMissing,
)
from recovery.models import CountryProfile, InstrumentRequirement, LegalInstrument
from recovery.services import next_reference
from recovery.timeline import apply_transition, record_creation, record_note

REFERENCE_PREFIX = "MLA"
INFORMAL_REFERENCE_PREFIX = "INF"


def measures_outside_scope(instrument: LegalInstrument, measures) -> list:
    """The measures beyond those the instrument lists (whether or not a catch-all clause covers them)."""
    allowed = set(instrument.measures.values_list("pk", flat=True))
    return [m for m in measures if m.pk not in allowed]


def measures_refused(instrument: LegalInstrument, measures) -> list:
    """The measures nothing in the instrument covers: beyond its list, and no 'any other assistance'
    clause to rely on."""
    return [] if instrument.any_other_assistance else measures_outside_scope(instrument, measures)


def _clause(instrument: LegalInstrument) -> str:
    return instrument.any_other_assistance_citation or str(_("its clause on any other assistance"))


def check_scope(instrument: LegalInstrument, measures, *, catch_all_note: str | None = None) -> list:
    """Refuse measures outside the instrument's scope; return those accepted only under its 'any
    other assistance' clause.

    A measure the instrument does not list is refused (MeasureOutsideScope) unless the instrument
    has such a clause (US treaty art. 1(3), India art. 1(2), UNCAC art. 46(3)(i)...); then the
    request must carry a note citing the clause (`catch_all_note`), refused without it
    (CatchAllNoteRequired). `catch_all_note=None`: the caller records no note (incoming requests:
    the requesting state's own letter invokes the clause), so the clause alone covers them."""
    outside = measures_outside_scope(instrument, measures)
    if outside and not instrument.any_other_assistance:
        names = ", ".join(str(m) for m in outside)
        raise MeasureOutsideScope(
            _("Outside the scope of %(instrument)s: %(measures)s.") % {"instrument": instrument, "measures": names},
            field_errors={"measures": [_("Not allowed by the legal basis: %(m)s.") % {"m": names}]},
        )
    if outside and catch_all_note is not None and not catch_all_note.strip():
        names = ", ".join(str(m) for m in outside)
        values = {"instrument": instrument, "measures": names, "clause": _clause(instrument)}
        raise CatchAllNoteRequired(
            _(
                "%(measures)s: not among the measures %(instrument)s lists. They can be asked for only under "
                "%(clause)s (any other assistance): give a note citing it."
            )
            % values,
            field_errors={"catch_all_note": [_("Required: cite %(clause)s for %(measures)s.") % values]},
        )
    return outside


def offence_outside_scope(instrument: LegalInstrument, crime_category) -> bool:
    """Whether the crime category is outside the offences the instrument covers (none listed: any)."""
    scope = set(instrument.offence_scope.values_list("pk", flat=True))
    return bool(scope) and getattr(crime_category, "pk", None) not in scope


def check_offence_scope(instrument: LegalInstrument, crime_category, *, override_reason: str = "") -> bool:
    """Refuse a crime category outside the instrument's offence scope (UNTOC: organised crime; the
    1988 Vienna Convention: drug trafficking and its laundering) unless an override reason is given.
    Returns True when the reason set the rule aside (the caller records it)."""
    if not offence_outside_scope(instrument, crime_category):
        return False
    if (override_reason or "").strip():
        return True
    covered = ", ".join(str(c) for c in instrument.offence_scope.all())
    citation = f" ({instrument.offence_scope_citation})" if instrument.offence_scope_citation else ""
    raise OffenceOutsideScope(
        _(
            "%(instrument)s applies only to these offences%(citation)s: %(covered)s; not to “%(category)s”. Choose "
            "another legal basis, or give a reason to use it anyway."
        )
        % {"instrument": instrument, "citation": citation, "covered": covered, "category": crime_category},
        field_errors={"crime_category": [_("Outside the offences the legal basis covers.")]},
    )


def check_instrument_applies(instrument: LegalInstrument, country: str) -> None:
    if not instrument.applies_to(country):
        raise InvalidInput(
            _("%(instrument)s does not bind %(country)s.") % {"instrument": instrument, "country": country},
            field_errors={"legal_basis": [_("Not applicable to the requested state.")]},
        )


def check_channel_accepted(profile: CountryProfile | None, channel: str, *, override_reason: str = "") -> bool:
    """Refuse a channel the requested state's profile does not list among those it accepts, unless
    an override reason is given. A state without a profile, or whose list is empty (not recorded),
    sets no rule. Returns True when the reason set the rule aside (the caller records it)."""
    if profile is None or profile.accepts_channel(channel):
        return False
    if (override_reason or "").strip():
        return True
    labels = dict(Request.Channel.choices)
    values = {
        "country": profile.country.name,
        "channel": labels.get(channel, channel),
        "accepted": ", ".join(profile.channels_accepted_labels()),
    }
    raise ChannelNotAccepted(
        _(
            "%(country)s does not accept requests through “%(channel)s” (its country profile lists: %(accepted)s). "
            "Change the request's channel, or give a reason to send it anyway."
        )
        % values,
        field_errors={"channel": [_("Not accepted by the requested state: %(accepted)s.") % values]},
    )


def applicable_requirements(instrument: LegalInstrument, measures):
    """The instrument's required contents that apply to a request asking for `measures`: an item
    tied to measures applies when the request asks for at least one of them; an item tied to none
    applies to every request."""
    ids = [getattr(m, "pk", m) for m in measures]
    return (
        instrument.requirements.filter(Q(measures__isnull=True) | Q(measures__in=ids))
        .distinct()
        .order_by("order", "code")
    )


def missing_requirements(request: Request) -> list[InstrumentRequirement]:
    """Mandatory required contents of the request's legal basis, applicable to its measures, that
    are not marked as provided."""
    provided = set(request.checklist.filter(satisfied=True).values_list("requirement_id", flat=True))
    measures = list(request.measures.values_list("pk", flat=True))
    return [
        r for r in applicable_requirements(request.legal_basis, measures).filter(mandatory=True) if r.pk not in provided
    ]


def _sync_checklist(request: Request) -> None:
    """One answer row per requirement of the legal basis that applies to the request's measures;
    rows of another basis, or of an item the measures no longer call for, go."""
    requirements = list(applicable_requirements(request.legal_basis, request.measures.values_list("pk", flat=True)))
    request.checklist.exclude(requirement__in=requirements).delete()
    existing = set(request.checklist.values_list("requirement_id", flat=True))
    ChecklistAnswer.objects.bulk_create(
        [ChecklistAnswer(request=request, requirement=r) for r in requirements if r.pk not in existing]
    )


def _terms_note(instrument: LegalInstrument, clause_measures: list, note: str, offence_override: bool, category):
    """What the timeline states about the instrument's terms relied on (empty: nothing to state)."""
    parts = []
    if clause_measures:
        parts.append(
            _("Under %(clause)s of %(instrument)s (any other assistance) for %(measures)s: %(note)s")
            % {
                "clause": _clause(instrument),
                "instrument": instrument,
                "measures": ", ".join(str(m) for m in clause_measures),
                "note": note.strip(),
            }
        )
    if offence_override:
        parts.append(
            _("“%(category)s” is outside the offences %(instrument)s covers; drafted under it anyway.")
            % {"category": category, "instrument": instrument}
        )
    return " ".join(str(p) for p in parts)


@transaction.atomic
def request_create(
    *,
    actor,
    case,
    country: str,
    legal_basis: LegalInstrument,
    crime_category,
    measures,
    responsible_investigator=None,
    channel: str | None = None,
    subjects=(),
    assets=(),
    summary: str = "",
    urgency: str = Request.Urgency.NORMAL,
    foreign_reference: str = "",
    drafted_on: datetime.date | None = None,
    catch_all_note: str = "",
    override_reason: str = "",
) -> Request:
    """Draft a request. Refuses the home state or an unknown country, a legal basis that does not
    bind the country, no measures, measures outside the legal basis's scope, measures beyond its
    list without the note citing its 'any other assistance' clause (`catch_all_note`), and a crime
    category outside the offences it covers unless `override_reason` says why (on the timeline).

    `drafted_on` (default today, never in the future) dates the first timeline row and gives the
    reference its year, so a request recorded after the fact keeps its real history."""
    access.require_write(actor, case)
    access.require_nameable(actor, "responsible_investigator", [responsible_investigator])
    check_not_future(drafted_on, field="drafted_on")
    country = clean_country(country, allow_home=False)
    measures = list(measures)
    if not measures:
        raise InvalidInput(_("Name at least one measure."), field_errors={"measures": [_("Required.")]})
    check_instrument_applies(legal_basis, country)
    catch_all_note = (catch_all_note or "").strip()
    override_reason = (override_reason or "").strip()
    clause_measures = check_scope(legal_basis, measures, catch_all_note=catch_all_note)
    offence_override = check_offence_scope(legal_basis, crime_category, override_reason=override_reason)
    if channel is None:
        channel = (
            Request.Channel.INFORMAL_NETWORK
            if legal_basis.kind == LegalInstrument.Kind.INFORMAL_NETWORK
            else Request.Channel.CENTRAL_AUTHORITY
        )
    if channel not in Request.Channel.values:
        raise InvalidInput(_("Unknown channel: %(c)s.") % {"c": channel}, field_errors={"channel": [_("Unknown.")]})
    if urgency not in Request.Urgency.values:
        raise InvalidInput(_("Unknown urgency: %(u)s.") % {"u": urgency}, field_errors={"urgency": [_("Unknown.")]})
    for asset in assets:
        if asset.case_id != case.pk:
            raise InvalidInput(
                _("An asset of another case cannot be named."), field_errors={"assets": [_("Wrong case.")]}
            )
    prefix = INFORMAL_REFERENCE_PREFIX if not legal_basis.is_formal else REFERENCE_PREFIX
    with audit_actor(actor):
        request = Request.objects.create(
            case=case,
            reference=next_reference(prefix, year=drafted_on.year if drafted_on else None),
            foreign_reference=foreign_reference,
            country=country,
            legal_basis=legal_basis,
            channel=channel,
            crime_category=crime_category,
            summary=summary,
            catch_all_note=catch_all_note,
            offence_scope_override=override_reason if offence_override else "",
            urgency=urgency,
            responsible_investigator=responsible_investigator or actor,
        )
        request.measures.set(measures)
        if subjects:
            request.subjects.set(subjects)
        if assets:
            request.assets.set(assets)
        _sync_checklist(request)
        terms = _terms_note(legal_basis, clause_measures, catch_all_note, offence_override, crime_category)
        record_creation(
            request,
            actor=actor,
            effective_on=drafted_on,
            note=f"{_('Request drafted')}. {terms}" if terms else str(_("Request drafted")),
            override_reason=override_reason if offence_override else "",
        )
    return request


REQUEST_DRAFT_FIELDS = {
    "country",
    "legal_basis",
    "crime_category",
    "channel",
    "summary",
    "urgency",
    "responsible_investigator",
    "foreign_reference",
    "measures",
    "subjects",
    "assets",
    "catch_all_note",
}


@transaction.atomic
def request_update(
    *, request: Request, actor, expected_version: int | None = None, override_reason: str = "", **changes
) -> Request:
    """Edit a request. Only a draft may change its country, legal basis, crime category or measures
    (what was sent stays as sent); afterwards only the foreign reference, summary, urgency and
    responsible person. A draft's new terms are checked as at creation: measures beyond the list
    need the clause note, an offence outside the basis's scope needs `override_reason` (on the
    timeline); the checklist follows the basis and the measures."""
    unknown = set(changes) - REQUEST_DRAFT_FIELDS
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
            field_errors={f: [_("Not editable.")] for f in unknown},
        )
    access.require_write(actor, request)
    if "responsible_investigator" in changes:
        access.require_nameable(actor, "responsible_investigator", [changes["responsible_investigator"]])
    request = Request.objects.select_for_update().get(pk=request.pk)
    check_version(request, expected_version)
    frozen_after_sending = {"country", "legal_basis", "crime_category", "channel", "measures", "catch_all_note"}
    if request.status != Request.Status.DRAFT and frozen_after_sending & set(changes):
        raise InvalidInput(
            _("Once sent, the country, legal basis, channel and measures stay as sent."),
            field_errors={f: [_("Fixed once sent.")] for f in frozen_after_sending & set(changes)},
        )
    country = clean_country(changes.get("country", request.country.code), allow_home=False)
    legal_basis = changes.get("legal_basis", request.legal_basis)
    crime_category = changes.get("crime_category", request.crime_category)
    measures = list(changes["measures"]) if "measures" in changes else list(request.measures.all())
    if "catch_all_note" in changes:
        changes["catch_all_note"] = (changes["catch_all_note"] or "").strip()
    catch_all_note = changes.get("catch_all_note", request.catch_all_note)
    override_reason = (override_reason or "").strip()
    if not measures:
        raise InvalidInput(_("Name at least one measure."), field_errors={"measures": [_("Required.")]})
    terms = ""
    offence_override = False
    if request.status == Request.Status.DRAFT:
        # After sending these are fixed as sent; a later change to the instrument must not block
        # editing the foreign reference or the summary.
        check_instrument_applies(legal_basis, country)
        clause_measures = check_scope(legal_basis, measures, catch_all_note=catch_all_note)
        if {"legal_basis", "crime_category"} & set(changes):
            # An override given when the basis and category were chosen stands until either changes.
            offence_override = check_offence_scope(legal_basis, crime_category, override_reason=override_reason)
            changes["offence_scope_override"] = override_reason if offence_override else ""
        clause_changed = {"legal_basis", "measures", "catch_all_note"} & set(changes)
        terms = _terms_note(
            legal_basis, clause_measures if clause_changed else [], catch_all_note, offence_override, crime_category
        )
    with audit_actor(actor):
        for name, value in changes.items():
            if name in ("measures", "subjects", "assets"):
                continue
            setattr(request, name, country if name == "country" else value)
        request.save()
        if "measures" in changes:
            request.measures.set(measures)
        if "subjects" in changes:
            request.subjects.set(changes["subjects"])
        if "assets" in changes:
            request.assets.set(changes["assets"])
        if "legal_basis" in changes or "measures" in changes:
            _sync_checklist(request)
        if terms:
            record_note(request, actor=actor, note=terms, override_reason=override_reason if offence_override else "")
        if request.status in Request.REMINDED_STATUSES:
            # The responsible investigator is whom the reminders go to: re-plan at the next scan.
            reminder_schedule.replan(request.pk, pending=True)
    return request


@transaction.atomic
def request_answer_checklist(*, request: Request, actor, answers: dict) -> Request:
    """Mark required contents as provided or not: {requirement code or id: (provided, note)}."""
    access.require_write(actor, request)
    # Judge the status on the locked row, not on the caller's copy, which may predate sending.
    request = Request.objects.select_for_update().get(pk=request.pk)
    if request.status != Request.Status.DRAFT:
        raise InvalidInput(_("The checklist is fixed once the request is sent."))
    _sync_checklist(request)
    rows = {row.requirement.code: row for row in request.checklist.select_related("requirement")}
    rows.update({str(row.requirement_id): row for row in rows.values()})
    with audit_actor(actor):
        for key, value in answers.items():
            row = rows.get(str(key))
            if row is None:
                raise InvalidInput(
                    _("%(key)s is not a required content of %(instrument)s.")
                    % {"key": key, "instrument": request.legal_basis},
                    field_errors={"checklist": [_("Unknown item.")]},
                )
            satisfied, note = value if isinstance(value, tuple) else (bool(value), "")
            row.satisfied = bool(satisfied)
            row.note = note or ""
            row.save()
    return request


def _requirements_missing(request: Request, missing: list, documents: list[tuple[str, str]]) -> RequirementsMissing:
    """The refusal to send: the checklist items not provided and the documents not in the case file,
    in one message (the admin shows it on top of the send form, the API as a 422 problem detail)."""
    names = "; ".join(str(r) for r in missing)
    attachments = "; ".join(text for _code, text in documents)
    values = {"instrument": request.legal_basis, "items": names, "documents": attachments}
    if missing and documents:
        message = _(
            "%(instrument)s requires: %(items)s. Attach before sending: %(documents)s. Mark the items as "
            "provided and attach the documents, or give a reason to send anyway."
        )
    elif missing:
        message = _("%(instrument)s requires: %(items)s. Mark them as provided, or give a reason to send anyway.")
    else:
        message = _(
            "%(instrument)s requires these documents in the case file before sending: %(documents)s. Attach "
            "them to the request, or give a reason to send anyway."
        )
    field_errors = {}
    if missing:
        field_errors["checklist"] = [str(r) for r in missing]
    if documents:
        field_errors["documents"] = [text for _code, text in documents]
    error = RequirementsMissing(message % values, missing=missing, field_errors=field_errors)
    # The codes of the missing documents ("translation", "signed_letter"), beside the requirements.
    error.documents = [code for code, _message in documents]
    return error


def request_send(
    *,
    request: Request,
    actor,
    sent_on: datetime.date | None = None,
    response_due: datetime.date | None = None,
    override_reason: str = "",
    note: str = "",
    document_reference: str = "",
    foreign_reference: str = "",
    expected_version: int | None = None,
) -> Request:
    """Send a draft. Refused while a mandatory item of the legal basis's checklist that applies to
    the request's measures is unanswered, or a document its legal basis requires before sending (the
    translation the requested state needs, the signed letter, the certified court decision for a
    confiscation where the basis requires one) is not in the case file, or the crime category is
    outside the basis's offence scope with no override recorded at drafting, or the channel is not
    among those the requested state's country profile lists (an empty list sets no rule), unless an
    override reason is given (it goes on the timeline); and when a measure is outside the scope (or beyond
    the list without the note citing the 'any other assistance' clause). The response deadline
    comes from the instrument, then the country profile, then the office default, unless the
    investigator sets one. A foreign reference already known (an informal channel's case number) is
    recorded in the same transaction."""
    access.require_write(actor, request)
    override_reason = (override_reason or "").strip()
    foreign_reference = (foreign_reference or "").strip()

    def apply(obj: Request, ctx):
        check_instrument_applies(obj.legal_basis, obj.country)
        check_scope(obj.legal_basis, list(obj.measures.all()), catch_all_note=obj.catch_all_note)
        # Overridden at drafting (the reason is on the timeline) or now; a basis or category changed
        # since clears the recorded override (request_update).
        offence_overridden = not obj.offence_scope_override and check_offence_scope(
            obj.legal_basis, obj.crime_category, override_reason=override_reason
        )
        profile = CountryProfile.objects.filter(country=obj.country).first()
        channel_overridden = check_channel_accepted(profile, obj.channel, override_reason=override_reason)
        missing = missing_requirements(obj)
        documents = documents_missing_before_sending(obj)
        if (missing or documents) and not override_reason:
            raise _requirements_missing(obj, missing, documents)
        if channel_overridden:
            stated = _("Sent through “%(channel)s”, a channel %(country)s's profile does not list.") % {
                "channel": obj.get_channel_display(),
                "country": obj.country.name,
            }
            ctx["note"] = f"{stated}\n{ctx['note']}" if ctx.get("note") else str(stated)
        obj.sent_on = ctx["effective_on"]
        if foreign_reference:
            obj.foreign_reference = foreign_reference
        if response_due is not None:
            if response_due < obj.sent_on:
                raise InvalidInput(
                    _("The response deadline cannot precede the sending date."),
                    field_errors={"response_due": [_("Before the sending date.")]},
                )
            obj.response_due = response_due
            obj.response_due_set_manually = True
        else:
            obj.response_due = compute_response_due(
                obj.sent_on,
                instrument_days=obj.legal_basis.expected_response_days,
                country_days=profile.expected_response_days if profile else None,
                default_days=settings.DEFAULT_RESPONSE_DAYS,
            )
            obj.response_due_set_manually = False
        # The override is recorded only when it actually set a rule aside.
        ctx["override_reason"] = (
            override_reason if missing or documents or offence_overridden or channel_overridden else ""
        )
        # Now waiting for an answer: the reminder scan plans it next time it runs (same transaction).
        reminder_schedule.replan(obj.pk, pending=True)

    obj, _entry = apply_transition(
        Request,
        request.pk,
        to_status=Request.Status.SENT,
        actor=actor,
        effective_on=sent_on,
        note=note,
        document_reference=document_reference,
        override_reason=override_reason,
        expected_version=expected_version,
        apply=apply,
    )
    return obj


def request_transition(
    *,
    request: Request,
    to_status: str,
    actor,
    effective_on: datetime.date | None = None,
    note: str = "",
    document_reference: str = "",
    refusal_grounds: str = "",
    foreign_reference: str = "",
    supplementary_due: datetime.date | None = None,
    expected_version: int | None = None,
) -> Request:
    """Record the foreign state's response (or our withdrawal) on a sent request.

    Sending goes through request_send. A refusal needs its grounds. Effective dates cannot precede
    the sending date. The first acknowledgement and first answer dates are kept.

    "Additional information requested" starts our own deadline to send it (`supplementary_due`):
    the investigator's date, or settings.SUPPLEMENTARY_INFO_DAYS after the day it was asked for;
    refused before that day, more than ten years after it, or with any other status. Leaving that
    status clears it (request_send_supplementary records what was sent)."""
    access.require_write(actor, request)
    if to_status == Request.Status.SENT:
        raise InvalidInput(_("Use “Send request” to send a draft."), field_errors={"to_status": [_("Use send.")]})
    if supplementary_due is not None and to_status != Request.Status.INFO_REQUESTED:
        raise InvalidInput(
            _("A deadline for additional information is set only when the requested state asks for it."),
            field_errors={"supplementary_due": [_("Only with “Additional information requested”.")]},
        )
    refusal_grounds = (refusal_grounds or "").strip()
    if to_status == Request.Status.REFUSED and not refusal_grounds:
        raise InvalidInput(
            _("Record the grounds the requested state gave for refusing."),
            field_errors={"refusal_grounds": [_("Required for a refusal.")]},
        )
    S = Request.Status

    def apply(obj: Request, ctx):
        day = ctx["effective_on"]
        if obj.sent_on and day < obj.sent_on:
            raise InvalidInput(
                _("The date cannot precede the sending date (%(sent)s).") % {"sent": obj.sent_on},
                field_errors={"effective_on": [_("Before the sending date.")]},
            )
        if foreign_reference:
            obj.foreign_reference = foreign_reference
        if to_status == S.ACKNOWLEDGED and obj.acknowledged_on is None:
            obj.acknowledged_on = day
        if to_status in (S.PARTIALLY_EXECUTED, S.EXECUTED, S.REFUSED):
            if obj.acknowledged_on is None:
                obj.acknowledged_on = day  # an answer implies receipt
            if obj.answered_on is None:
                obj.answered_on = day
        if to_status == S.REFUSED:
            obj.refusal_grounds = refusal_grounds
        if to_status in (S.EXECUTED, S.REFUSED, S.WITHDRAWN):
            obj.closed_on = day
        if to_status == S.INFO_REQUESTED:
            # Kept on the request (admin, API) and in its change log; the timeline row keeps the
            # investigator's note as written.
            obj.supplementary_due = _supplementary_due(day, supplementary_due)
        else:
            obj.supplementary_due = None
        # Still waiting (for the answer, its acknowledgement, or our information): re-plan at the
        # next scan; no longer waiting: the scan has nothing to read. In the transition's transaction.
        reminder_schedule.replan(obj.pk, pending=to_status in Request.REMINDED_STATUSES)

    obj, _entry = apply_transition(
        Request,
        request.pk,
        to_status=to_status,
        actor=actor,
        effective_on=effective_on,
        note=note,
        document_reference=document_reference,
        expected_version=expected_version,
        apply=apply,
    )
    return obj


# Our deadline for additional information lies within this of the day it was asked for (a typo
# such as year 9999 is refused rather than silencing the reminders for good).
SUPPLEMENTARY_DUE_MAX_DAYS = 3650


def _supplementary_due(asked_on: datetime.date, given: datetime.date | None) -> datetime.date:
    if given is None:
        return asked_on + datetime.timedelta(days=settings.SUPPLEMENTARY_INFO_DAYS)
    if not isinstance(given, datetime.date) or isinstance(given, datetime.datetime):
        raise InvalidInput(_("Not a date."), field_errors={"supplementary_due": [_("Not a date.")]})
    if given < asked_on:
        raise InvalidInput(
            _("The deadline for additional information cannot precede the day it was asked for (%(day)s).")
            % {"day": asked_on.isoformat()},
            field_errors={"supplementary_due": [_("Before the day it was asked for.")]},
        )
    if (given - asked_on).days > SUPPLEMENTARY_DUE_MAX_DAYS:
        raise InvalidInput(
            _("The deadline for additional information is more than ten years away."),
            field_errors={"supplementary_due": [_("Too far away.")]},
        )
    return given


def _information_requested_entry(request: Request):
    """The timeline row of the latest "additional information requested": its date and the status
    the request had before it."""
    return (
        request.timeline.filter(to_status=Request.Status.INFO_REQUESTED)
        .exclude(from_status=Request.Status.INFO_REQUESTED)
        .order_by("-effective_on", "-recorded_at", "-pk")
        .first()
    )


@transaction.atomic
def request_send_supplementary(
    *,
    request: Request,
    actor,
    sent_on: datetime.date | None = None,
    documents=(),
    note: str = "",
    document_reference: str = "",
    expected_version: int | None = None,
) -> Request:
    """Record that the additional information the requested state asked for was sent.

    Refused unless the request is "additional information requested", for a date in the future or
    before the day it was asked for, and for a document of another case, of another request, or one
    the actor may not change. The request goes back to waiting for the foreign answer: partially
    executed if it was before the information was asked for, acknowledged otherwise (an information
    request implies receipt). Our deadline is cleared, so its reminders stop; the answer's resume.
    The documents (the supplementary letter, its annexes) are linked to the request and to the
    timeline row."""
    from documents.models import Document
    from documents.services import document_update

    access.require_write(actor, request)
    check_not_future(sent_on, field="sent_on")
    # Judged on the rows as stored, not on the caller's copies (a link may have changed since).
    documents = list(Document.objects.filter(pk__in=[document.pk for document in documents]).order_by("pk"))
    for document in documents:
        if document.case_id != request.case_id or not access.may_read(actor, document):
            raise InvalidInput(
                _("Only documents of this request's case can be sent with it."),
                field_errors={"documents": [_("Not of this case.")]},
            )
        if document.request_id not in (None, request.pk):
            raise InvalidInput(
                _("%(title)s belongs to another request.") % {"title": document},
                field_errors={"documents": [_("Of another request.")]},
            )
    S = Request.Status
    locked = Request.objects.select_for_update().get(pk=request.pk)
    if locked.status != S.INFO_REQUESTED:
        raise InvalidInput(
            _("No additional information is requested on %(ref)s (status: %(status)s).")
            % {"ref": locked.reference, "status": locked.get_status_display()},
            field_errors={"status": [_("Not waiting for our information.")]},
        )
    asked = _information_requested_entry(locked)
    asked_on = asked.effective_on if asked is not None else locked.sent_on
    back_to = S.ACKNOWLEDGED
    if asked is not None and asked.from_status == S.PARTIALLY_EXECUTED:
        back_to = S.PARTIALLY_EXECUTED
    titles = "; ".join(str(document) for document in documents)
    text = _("Additional information sent.")
    if titles:
        text = _("Additional information sent: %(documents)s.") % {"documents": titles}
    note = (note or "").strip()

    def apply(obj: Request, ctx):
        day = ctx["effective_on"]
        if asked_on is not None and day < asked_on:
            raise InvalidInput(
                _("The information cannot have been sent before it was asked for (%(day)s).")
                % {"day": asked_on.isoformat()},
                field_errors={"sent_on": [_("Before it was asked for.")]},
            )
        if obj.acknowledged_on is None:
            obj.acknowledged_on = asked_on  # asking for more implies the request was received
        obj.supplementary_due = None
        ctx["note"] = f"{text}\n{note}" if note else str(text)
        reminder_schedule.replan(obj.pk, pending=True)

    obj, entry = apply_transition(
        Request,
        locked.pk,
        to_status=back_to,
        actor=actor,
        effective_on=sent_on,
        document_reference=document_reference,
        expected_version=expected_version,
        apply=apply,
    )
    for document in documents:
        links = {"request": obj}
        if document.case_event_id is None and document.request_event_id is None and document.asset_event_id is None:
            links["request_event"] = entry
        document_update(actor=actor, document=document, **links)
    return obj


@transaction.atomic
def follow_up_create(
    *,
    request: Request,
    actor,
    sent_on: datetime.date,
    channel: str,
    document=None,
    note: str = "",
) -> FollowUp:
    """Record a chaser sent to the requested state about an unanswered request.

    Refused for a draft (nothing to chase yet), a date before the request was sent, in the future,
    or after the request was closed, an unknown channel, and a document of another case or of
    another request. The request's last chaser date moves forward, so the next chaser proposal
    (ReminderPolicy.propose_chaser_after_days) waits another period; the chaser goes on the
    request's timeline, and a document not yet linked to a request is linked to this one."""
    from documents.services import document_update

    access.require_write(actor, request)
    if not isinstance(sent_on, datetime.date) or isinstance(sent_on, datetime.datetime):
        raise InvalidInput(_("Give the day the chaser was sent."), field_errors={"sent_on": [_("Required.")]})
    check_not_future(sent_on, field="sent_on")
    if channel not in FollowUp.Channel.values:
        raise InvalidInput(
            _("Unknown channel: %(c)s.") % {"c": channel}, field_errors={"channel": [_("Not a valid choice.")]}
        )
    locked = Request.objects.select_for_update().get(pk=request.pk)
    if locked.sent_on is None:
        raise InvalidInput(
            _("%(ref)s has not been sent: there is no answer to chase.") % {"ref": locked},
            field_errors={"request": [_("Not sent.")]},
        )
    if sent_on < locked.sent_on:
        raise InvalidInput(
            _("A chaser cannot precede the request (sent on %(day)s).") % {"day": locked.sent_on.isoformat()},
            field_errors={"sent_on": [_("Before the request was sent.")]},
        )
    if locked.closed_on is not None and sent_on > locked.closed_on:
        raise InvalidInput(
            _("The request was closed on %(day)s: there was nothing left to chase.")
            % {"day": locked.closed_on.isoformat()},
            field_errors={"sent_on": [_("After the request was closed.")]},
        )
    if document is not None:
        document = type(document).objects.get(pk=document.pk)  # its links as stored
        if document.case_id != locked.case_id or not access.may_read(actor, document):
            raise InvalidInput(
                _("The chaser's document must be of this request's case."),
                field_errors={"document": [_("Not of this case.")]},
            )
        if document.request_id not in (None, locked.pk):
            raise InvalidInput(
                _("%(title)s belongs to another request.") % {"title": document},
                field_errors={"document": [_("Of another request.")]},
            )
    note = (note or "").strip()
    with audit_actor(actor):
        follow_up = FollowUp.objects.create(
            request=locked,
            sent_on=sent_on,
            channel=channel,
            document=document,
            note=note,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        if locked.last_chaser_on is None or sent_on > locked.last_chaser_on:
            # Derived from the chasers (not an edit of the request): no new version for API clients.
            Request.objects.filter(pk=locked.pk).update(last_chaser_on=sent_on)
            locked.last_chaser_on = sent_on
        record_note(
            locked,
            actor=actor,
            effective_on=sent_on,
            note=_("Chaser sent (%(channel)s)%(note)s")
            % {"channel": follow_up.get_channel_display(), "note": f": {note}" if note else ""},
        )
        if document is not None and document.request_id is None:
            document_update(actor=actor, document=document, request=locked)
        if locked.is_pending:
            # The next chaser proposal runs from this one.
            reminder_schedule.replan(locked.pk, pending=True)
    return follow_up


@transaction.atomic
def request_set_response_due(*, request: Request, actor, response_due: datetime.date, reason: str) -> Request:
    """Move the deadline of a sent request (an extension agreed with the requested state). The reason
    is required and goes on the request's timeline with the old and new deadline."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the deadline moves."), field_errors={"reason": [_("Required.")]})
    access.require_write(actor, request)
    request = Request.objects.select_for_update().get(pk=request.pk)
    if request.sent_on is None:
        raise InvalidInput(_("A draft has no deadline yet; it is set when the request is sent."))
    if response_due < request.sent_on:
        raise InvalidInput(
            _("The response deadline cannot precede the sending date."),
            field_errors={"response_due": [_("Before the sending date.")]},
        )
    previous = request.response_due
    with audit_actor(actor):
        request.response_due = response_due
        request.response_due_set_manually = True
        request.save(update_fields=["response_due", "response_due_set_manually"])
        record_note(
            request,
            actor=actor,
            note=_("Response deadline moved from %(old)s to %(new)s: %(reason)s")
            % {"old": previous or "—", "new": response_due, "reason": reason},
        )
        # The plan follows the new deadline from the next scan on.
        reminder_schedule.replan(request.pk, pending=request.status in Request.REMINDED_STATUSES)
    return request
