"""Every write to cases, subjects and their roles."""

from __future__ import annotations

import datetime

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
        raise InvalidInput(_("An IIN or BIN has exactly 12 digits."), field_errors={"iin_bin": [_("12 digits.")]})
    if "iin_bin" in fields:
        fields["iin_bin"] = iin
    return fields


@transaction.atomic
def subject_create(*, actor, **fields) -> Subject:
    """Record a person or company. Refuses a subject with no name, or an IIN/BIN already recorded."""
    access.require_writer(actor)
    fields = _clean_subject_fields(fields)
    if not (fields.get("name_latin") or fields.get("name_cyrillic")):
        raise InvalidInput(
            _("Give the name in Latin or Cyrillic script."),
            field_errors={"name_latin": [_("Required.")], "name_cyrillic": [_("Required.")]},
        )
    if fields.get("iin_bin") and Subject.objects.filter(iin_bin=fields["iin_bin"]).exists():
        raise InvalidInput(
            _("A subject with IIN/BIN %(iin)s is already recorded.") % {"iin": fields["iin_bin"]},
            field_errors={"iin_bin": [_("Already recorded.")]},
        )
    with audit_actor(actor):
        return Subject.objects.create(**fields)


@transaction.atomic
def subject_update(*, subject: Subject, actor, expected_version: int | None = None, **fields) -> Subject:
    access.require_write(actor, subject)
    fields = _clean_subject_fields(fields)
    subject = Subject.objects.select_for_update().get(pk=subject.pk)
    check_version(subject, expected_version)
    for name, value in fields.items():
        setattr(subject, name, value)
    # The same rules as subject_create, so the database constraints never surface as a 500.
    if not (subject.name_latin or subject.name_cyrillic):
        raise InvalidInput(
            _("Give the name in Latin or Cyrillic script."),
            field_errors={"name_latin": [_("Required.")], "name_cyrillic": [_("Required.")]},
        )
    if subject.iin_bin and Subject.objects.filter(iin_bin=subject.iin_bin).exclude(pk=subject.pk).exists():
        raise InvalidInput(
            _("A subject with IIN/BIN %(iin)s is already recorded.") % {"iin": subject.iin_bin},
            field_errors={"iin_bin": [_("Already recorded.")]},
        )
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
