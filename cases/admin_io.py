"""CSV/XLSX columns for cases and subjects (export of the filtered list, import through services)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export import fields, widgets

from cases.models import Case, CaseSubject, Subject
from cases.services import case_create, subject_record
from recovery import access
from recovery.admin_io import ScopedLookupWidget, ServiceResource
from recovery.errors import InvalidInput
from recovery.models import CrimeCategory, Unit, User


class CaseResource(ServiceResource):
    register_number = fields.Field(attribute="register_number", column_name="register_number")
    title = fields.Field(attribute="title", column_name="title")
    description = fields.Field(attribute="description", column_name="description", default="")
    unit = fields.Field(attribute="unit", column_name="unit", widget=ScopedLookupWidget(Unit, "code"))
    lead_investigator = fields.Field(
        attribute="lead_investigator", column_name="lead_investigator", widget=ScopedLookupWidget(User, "username")
    )
    primary_crime_category = fields.Field(
        attribute="primary_crime_category",
        column_name="primary_crime_category",
        widget=ScopedLookupWidget(CrimeCategory, "code"),
    )
    criminal_code_articles = fields.Field(attribute="criminal_code_articles", column_name="criminal_code_articles")
    opened_on = fields.Field(attribute="opened_on", column_name="opened_on", widget=widgets.DateWidget("%Y-%m-%d"))
    estimated_damage = fields.Field(column_name="estimated_damage")
    estimated_damage_currency = fields.Field(column_name="estimated_damage_currency")
    status = fields.Field(attribute="status", column_name="status", readonly=True)
    closed_on = fields.Field(
        attribute="closed_on", column_name="closed_on", readonly=True, widget=widgets.DateWidget("%Y-%m-%d")
    )

    class Meta:
        model = Case
        fields = (
            "register_number",
            "title",
            "description",
            "unit",
            "lead_investigator",
            "primary_crime_category",
            "criminal_code_articles",
            "opened_on",
            "estimated_damage",
            "estimated_damage_currency",
            "status",
            "closed_on",
        )
        import_id_fields = ("register_number",)
        skip_html_diff = True

    def dehydrate_estimated_damage(self, case):
        return case.estimated_damage.amount if case.estimated_damage is not None else ""

    def dehydrate_estimated_damage_currency(self, case):
        return str(case.estimated_damage.currency) if case.estimated_damage is not None else ""

    def create_through_service(self, instance, row, user):
        if instance.unit_id and not access.case_units(user).filter(pk=instance.unit_id).exists():
            raise ValidationError({"unit": _("You cannot open cases in this unit.")})
        if (
            instance.lead_investigator_id
            and not access.nameable_users(user).filter(pk=instance.lead_investigator_id).exists()
        ):
            raise ValidationError({"lead_investigator": _("Unknown investigator.")})
        required = ("register_number", "title", "unit_id", "lead_investigator_id", "primary_crime_category_id")
        missing = [name.removesuffix("_id") for name in (*required, "opened_on") if not getattr(instance, name, None)]
        if missing:
            raise ValidationError({name: _("Required.") for name in missing})
        amount = str(row.get("estimated_damage") or "").strip()
        currency = str(row.get("estimated_damage_currency") or "").strip()
        damage = None
        if amount:
            if not currency:
                raise InvalidInput(_("Give the currency of the estimated damage."))
            damage = (amount, currency)
        return case_create(
            actor=user,
            register_number=str(instance.register_number),
            title=instance.title,
            description=instance.description or "",
            unit=instance.unit,
            lead_investigator=instance.lead_investigator,
            primary_crime_category=instance.primary_crime_category,
            criminal_code_articles=instance.criminal_code_articles or "",
            opened_on=instance.opened_on,
            estimated_damage=damage,
        )


SUBJECT_COLUMNS = (
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
)


class SubjectResource(ServiceResource):
    birth_date = fields.Field(attribute="birth_date", column_name="birth_date", widget=widgets.DateWidget("%Y-%m-%d"))
    nationality = fields.Field(attribute="nationality", column_name="nationality")
    is_pep = fields.Field(attribute="is_pep", column_name="is_pep", widget=widgets.BooleanWidget(), default=False)
    case = fields.Field(column_name="case")
    role = fields.Field(column_name="role")

    class Meta:
        model = Subject
        fields = (*SUBJECT_COLUMNS, "case", "role")
        import_id_fields = ("iin_bin",)
        skip_html_diff = True

    def dehydrate_nationality(self, subject):
        return subject.nationality.code or ""

    # A person's identifiers as the exporting user may see them (masked for analysts, auditors,
    # investigators of other units; and for an export with no user at all).
    def _identifier(self, subject, field_name):
        from recovery.security.masking import mask_identifier

        return mask_identifier(getattr(subject, field_name), self.exporting_user, subject=subject)

    def dehydrate_iin_bin(self, subject):
        return self._identifier(subject, "iin_bin")

    def dehydrate_passport_number(self, subject):
        return self._identifier(subject, "passport_number")

    def dehydrate_foreign_registration_number(self, subject):
        return self._identifier(subject, "foreign_registration_number")

    def dehydrate_birth_date(self, subject):
        from recovery.security.masking import mask_personal_field

        day = subject.birth_date.isoformat() if subject.birth_date else ""
        return mask_personal_field("birth_date", day, self.exporting_user, subject=subject)

    def dehydrate_case(self, subject):
        return ""

    def dehydrate_role(self, subject):
        return ""

    def create_through_service(self, instance, row, user):
        register_number = str(row.get("case") or "").strip()
        role = str(row.get("role") or "").strip()
        case = None
        if register_number:
            case = Case.objects.visible_to(user).filter(register_number=register_number).first()
            if case is None:
                raise ValidationError(
                    {"case": _("Case %(n)s is unknown or not visible to you.") % {"n": register_number}}
                )
            if role not in CaseSubject.Role.values:
                raise ValidationError(
                    {"role": _("Give one of the roles: %(roles)s.") % {"roles": ", ".join(CaseSubject.Role.values)}}
                )
        elif not access.reads_everything(user):
            raise ValidationError({"case": _("Give the register number of the case the subject appears in.")})
        values = {}
        for name in SUBJECT_COLUMNS:
            value = getattr(instance, name)
            if name == "nationality":
                value = str(value.code if hasattr(value, "code") else value or "")
            elif name not in ("birth_date", "is_pep"):
                value = "" if value is None else str(value).strip()
            values[name] = value
        values["is_pep"] = bool(values["is_pep"])
        values["kind"] = values["kind"] or Subject.Kind.PERSON
        if values["kind"] not in Subject.Kind.values:
            raise ValidationError({"kind": _("Give one of: %(kinds)s.") % {"kinds": ", ".join(Subject.Kind.values)}})
        # A person already recorded in a case the user cannot see is matched by the IIN/BIN and
        # given the role in the user's case (subject_record); the preview and the result then
        # show the row as typed, exactly as for a new record.
        return subject_record(actor=user, case=case, role=role or None, **values).shown
