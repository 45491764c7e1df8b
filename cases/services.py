"""Every write to cases, subjects and their roles."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from cases.models import Case, CaseSubject, Subject
from recovery import access
from recovery.audit import audit_actor
from recovery.cleaning import check_not_future, check_version, clean_country, clean_money
from recovery.errors import InvalidInput
from recovery.timeline import apply_transition, record_creation


@transaction.atomic
def case_create(
    *,
    actor,
    register_number: str,
    title: str,
    unit,
    lead_investigator,
    primary_crime_category,
    opened_on: datetime.date,
    other_crime_categories=(),
    team=(),
    estimated_damage=None,
    description: str = "",
    criminal_code_articles: str = "",
) -> Case:
    """Open a case. Refuses a register number already used, a future opening date, negative damage,
    a unit the actor may not open cases in and people they may not name."""
    access.require_writer(actor)
    access.require_case_unit(actor, unit)
    access.require_nameable(actor, "lead_investigator", [lead_investigator])
    access.require_nameable(actor, "team", list(team))
    register_number = (register_number or "").strip()
    if not register_number:
        raise InvalidInput(_("The register number is required."), field_errors={"register_number": [_("Required.")]})
    if Case.objects.filter(register_number=register_number).exists():
        raise InvalidInput(
            _("A case with register number %(number)s already exists.") % {"number": register_number},
            field_errors={"register_number": [_("Already used.")]},
        )
    check_not_future(opened_on, field="opened_on")
    with audit_actor(actor):
        case = Case(
            register_number=register_number,
            title=title,
            description=description,
            unit=unit,
            lead_investigator=lead_investigator,
            primary_crime_category=primary_crime_category,
            criminal_code_articles=criminal_code_articles,
            estimated_damage=clean_money(estimated_damage, field="estimated_damage"),
            opened_on=opened_on,
        )
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError:
            raise InvalidInput(
                _("A case with register number %(number)s already exists.") % {"number": register_number},
                field_errors={"register_number": [_("Already used.")]},
            ) from None
        if other_crime_categories:
            case.other_crime_categories.set(other_crime_categories)
        if team:
            case.team.set(team)
        record_creation(case, actor=actor, effective_on=opened_on, note=str(_("Case opened")))
    return case


CASE_EDITABLE_FIELDS = {
    "title",
    "description",
    "unit",
    "lead_investigator",
    "primary_crime_category",
    "criminal_code_articles",
    "estimated_damage",
    "opened_on",
}


@transaction.atomic
def case_update(*, case: Case, actor, expected_version: int | None = None, **changes) -> Case:
    """Edit a case's descriptive fields. The status only moves through case_transition."""
    unknown = set(changes) - CASE_EDITABLE_FIELDS - {"team", "other_crime_categories"}
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
            field_errors={f: [_("Not editable.")] for f in unknown},
        )
    access.require_write(actor, case)
    if "unit" in changes:
        access.require_case_unit(actor, changes["unit"])
    if "lead_investigator" in changes:
        access.require_nameable(actor, "lead_investigator", [changes["lead_investigator"]])
    if "team" in changes:
        access.require_nameable(actor, "team", list(changes["team"]))
    case = Case.objects.select_for_update().get(pk=case.pk)
    check_version(case, expected_version)
    if "estimated_damage" in changes:
        changes["estimated_damage"] = clean_money(changes["estimated_damage"], field="estimated_damage")
    if "opened_on" in changes:
        check_not_future(changes["opened_on"], field="opened_on")
        if case.closed_on and changes["opened_on"] and changes["opened_on"] > case.closed_on:
            raise InvalidInput(
                _("A case cannot open after it was closed (%(closed)s).") % {"closed": case.closed_on},
                field_errors={"opened_on": [_("After the closing date.")]},
            )
    with audit_actor(actor):
        for name, value in changes.items():
            if name in ("team", "other_crime_categories"):
                continue
            setattr(case, name, value)
        case.save()
        if "team" in changes:
            case.team.set(changes["team"])
        if "other_crime_categories" in changes:
            case.other_crime_categories.set(changes["other_crime_categories"])
        if {"unit", "lead_investigator"} & set(changes):
            # Whom the case's reminders go to (the unit's supervisors, the lead in place of an
            # investigator who left): its pending requests are planned again by the next scan.
            from mla_requests.reminder_schedule import replan_case

            replan_case(case.pk)
    return case


def case_transition(
    *,
    case: Case,
    to_status: str,
    actor,
    effective_on=None,
    note: str = "",
    document_reference: str = "",
    expected_version: int | None = None,
) -> Case:
    """Move a case along its workflow. Closing records the closing date; reopening clears it."""
    access.require_write(actor, case)

    def apply(obj: Case, ctx):
        if ctx["to_status"] == Case.Status.CLOSED:
            if ctx["effective_on"] < obj.opened_on:
                raise InvalidInput(
                    _("A case cannot close before it was opened."), field_errors={"effective_on": [_("Too early.")]}
                )
            obj.closed_on = ctx["effective_on"]
        elif ctx["from_status"] == Case.Status.CLOSED:
            obj.closed_on = None

    obj, _entry = apply_transition(
        Case,
        case.pk,
        to_status=to_status,
        actor=actor,
        effective_on=effective_on,
        note=note,
        document_reference=document_reference,
        expected_version=expected_version,
        apply=apply,
    )
    return obj


SUBJECT_FIELDS = {
    "kind",
    "name_latin",
    "name_cyrillic",
    "birth_date",
    "iin_bin",
    "passport_number",
    "foreign_registration_number",
    "nationality",
    "is_pep",
    "notes",
}


# One refusal for every IIN/BIN that cannot be used, whatever the reason: a malformed number, or
# (on an edit) one already held by a subject the actor cannot see. Different words for the second
# would confirm that another unit has recorded that person.
IIN_CANNOT_BE_USED = _("This IIN/BIN cannot be used: check the number (an IIN or BIN has exactly 12 digits).")


def _iin_refused() -> InvalidInput:
    return InvalidInput(IIN_CANNOT_BE_USED, field_errors={"iin_bin": [_("Cannot be used.")]})


def _iin_held_by(holder: Subject, actor) -> InvalidInput:
    """The refusal of an IIN/BIN that `holder` already has: naming the holder when the actor can
    see them (they can open that record), the neutral refusal otherwise."""
    if actor is not None and access.may_read(actor, holder):
        return InvalidInput(
            _("A subject with IIN/BIN %(iin)s is already recorded: %(name)s (no. %(id)s).")
            % {"iin": holder.iin_bin, "name": holder, "id": holder.pk},
            field_errors={"iin_bin": [_("Already recorded.")]},
        )
    return _iin_refused()


def _clean_subject_fields(fields: dict) -> dict:
    unknown = set(fields) - SUBJECT_FIELDS
    if unknown:
        raise InvalidInput(
            _("Unknown subject fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
            field_errors={f: [_("Unknown field.")] for f in unknown},
        )
    if fields.get("nationality"):
        fields["nationality"] = clean_country(fields["nationality"], field="nationality")
    iin = (fields.get("iin_bin") or "").strip()
    if iin and (len(iin) != 12 or not iin.isdigit()):
        raise _iin_refused()
    if "iin_bin" in fields:
        fields["iin_bin"] = iin
    return fields


def _check_named(name_latin, name_cyrillic):
    if not (name_latin or name_cyrillic):
        raise InvalidInput(
            _("Give the name in Latin or Cyrillic script."),
            field_errors={"name_latin": [_("Required.")], "name_cyrillic": [_("Required.")]},
        )


def _holder_of(iin: str) -> Subject | None:
    return Subject.objects.filter(iin_bin=iin).first() if iin else None


def _insert_subject(actor, fields) -> Subject | None:
    """The new row, or None when a concurrent write took its IIN/BIN first (the unique constraint)."""
    try:
        with transaction.atomic(), audit_actor(actor):
            return Subject.objects.create(**fields)
    except IntegrityError:
        if fields.get("iin_bin") and _holder_of(fields["iin_bin"]) is not None:
            return None
        raise


@transaction.atomic
def subject_create(*, actor, **fields) -> Subject:
    """Record a person or company. Refuses a subject with no name, or an IIN/BIN already recorded
    (naming the subject only to an actor who can see it)."""
    access.require_writer(actor)
    fields = _clean_subject_fields(fields)
    _check_named(fields.get("name_latin"), fields.get("name_cyrillic"))
    holder = _holder_of(fields.get("iin_bin"))
    if holder is None:
        subject = _insert_subject(actor, fields)
        if subject is not None:
            return subject
        holder = _holder_of(fields["iin_bin"])
    raise _iin_held_by(holder, actor)


@dataclass(frozen=True)
class RecordedSubject:
    """What subject_record did: `subject` is the row in the database; `shown` is what the actor
    is shown (the row itself, or, when an existing record was matched, what they typed);
    `matched` says an existing record the actor could not see was given the role in their case."""

    subject: Subject
    shown: Subject
    matched: bool


@transaction.atomic
def subject_record(*, actor, case=None, role: str | None = None, note: str = "", **fields) -> RecordedSubject:
    """Record a person or company and, with `case` and `role`, give them that role in the case.

    One person, one record: an IIN/BIN names one subject, whichever unit recorded it. When the
    number is already held by a subject the actor cannot see (someone in another unit's case),
    that subject is given the role in the actor's case instead of a second record being refused
    or made. The actor is answered exactly as for a new record: with what they typed, nothing of
    the existing record and nothing of its other cases (which stay out of their sight); the
    existing record keeps its own data. A holder the actor can see is named in a refusal
    instead, so they add that record to the case knowingly (case_add_subject).
    """
    access.require_writer(actor)
    if case is not None:
        access.require_write(actor, case)
    fields = _clean_subject_fields(fields)
    _check_named(fields.get("name_latin"), fields.get("name_cyrillic"))
    if case is not None and role not in CaseSubject.Role.values:
        raise InvalidInput(_("Unknown role: %(role)s.") % {"role": role}, field_errors={"role": [_("Unknown role.")]})
    holder = _holder_of(fields.get("iin_bin"))
    if holder is None:
        subject = _insert_subject(actor, fields)
        if subject is not None:
            if case is not None:
                case_add_subject(case=case, subject=subject, role=role, actor=actor, note=note)
            return RecordedSubject(subject=subject, shown=subject, matched=False)
        holder = _holder_of(fields["iin_bin"])
    if case is None or access.may_read(actor, holder):
        raise _iin_held_by(holder, actor)
    case_add_subject(case=case, subject=holder, role=role, actor=actor, note=note)
    from recovery.security.events import record_event

    # For the auditors: a person matched by identifier, whose shared record is now in this case.
    record_event("subject_matched", user=actor, obj=holder, extra={"case": case.pk, "role": role})
    shown = Subject(
        pk=holder.pk,
        version=holder.version,
        created_at=holder.created_at,
        updated_at=holder.updated_at,
        **{"kind": Subject.Kind.PERSON, **fields},
    )
    return RecordedSubject(subject=holder, shown=shown, matched=True)


@transaction.atomic
def subject_update(*, subject: Subject, actor, expected_version: int | None = None, **fields) -> Subject:
    access.require_write(actor, subject)
    fields = _clean_subject_fields(fields)
    subject = Subject.objects.select_for_update().get(pk=subject.pk)
    check_version(subject, expected_version)
    for name, value in fields.items():
        setattr(subject, name, value)
    # The same rules as subject_create, so the database constraints never surface as a 500.
    _check_named(subject.name_latin, subject.name_cyrillic)
    if subject.iin_bin:
        holder = Subject.objects.filter(iin_bin=subject.iin_bin).exclude(pk=subject.pk).first()
        if holder is not None:
            raise _iin_held_by(holder, actor)
    with audit_actor(actor):
        subject.save()
    return subject


@transaction.atomic
def case_add_subject(*, case: Case, subject: Subject, role: str, actor, note: str = "") -> CaseSubject:
    """Give a subject a role in a case; the same role twice is refused."""
    access.require_write(actor, case)
    if role not in CaseSubject.Role.values:
        raise InvalidInput(_("Unknown role: %(role)s.") % {"role": role}, field_errors={"role": [_("Unknown role.")]})
    if CaseSubject.objects.filter(case=case, subject=subject, role=role).exists():
        raise InvalidInput(
            _("The subject already has this role in the case."), field_errors={"role": [_("Duplicate.")]}
        )
    with audit_actor(actor):
        return CaseSubject.objects.create(case=case, subject=subject, role=role, note=note)
