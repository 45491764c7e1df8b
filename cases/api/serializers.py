"""Representations of cases and subjects, and the input they accept."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import Case, CaseSubject, Subject
from recovery import access
from recovery.api.fields import CountryField, IdRelatedField, MoneyField, NameableUserField, StatusLabelField
from recovery.api.serializers import NamedRefSerializer, StrictInputSerializer, TransitionInputBase, UserRefSerializer
from recovery.models import CrimeCategory
from recovery.security.masking import PERSONAL_FIELDS, mask_field


class CaseRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    register_number = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)


class CaseSerializer(serializers.ModelSerializer):
    unit = NamedRefSerializer(read_only=True)
    lead_investigator = UserRefSerializer(read_only=True)
    team = UserRefSerializer(many=True, read_only=True)
    primary_crime_category = NamedRefSerializer(read_only=True)
    other_crime_categories = NamedRefSerializer(many=True, read_only=True)
    estimated_damage = MoneyField(read_only=True, allow_null=True)
    status_label = StatusLabelField()
    allowed_next_statuses = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "register_number",
            "title",
            "description",
            "unit",
            "lead_investigator",
            "team",
            "primary_crime_category",
            "other_crime_categories",
            "criminal_code_articles",
            "estimated_damage",
            "opened_on",
            "closed_on",
            "status",
            "status_label",
            "allowed_next_statuses",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


CASE_READ_ONLY = tuple(CaseSerializer.Meta.fields)


@extend_schema_field(OpenApiTypes.INT)
class UnitInScopeField(IdRelatedField):
    """A unit the writer may file a case under: their own and its sub-units (everything for
    roles that see everything)."""

    def get_queryset(self):
        return access.case_units(self.context["request"].user)


class CaseWriteFields(StrictInputSerializer):
    read_only_names = CASE_READ_ONLY

    title = serializers.CharField(max_length=255)
    description = serializers.CharField(required=False, allow_blank=True)
    unit = UnitInScopeField()
    lead_investigator = NameableUserField()
    team = NameableUserField(many=True, required=False)
    primary_crime_category = IdRelatedField(queryset=CrimeCategory.objects.all())
    other_crime_categories = IdRelatedField(queryset=CrimeCategory.objects.all(), many=True, required=False)
    criminal_code_articles = serializers.CharField(required=False, allow_blank=True, max_length=255)
    estimated_damage = MoneyField(required=False, allow_null=True)
    opened_on = serializers.DateField()


class CaseCreateSerializer(CaseWriteFields):
    register_number = serializers.RegexField(
        r"^[0-9A-Za-z/\-.]+$",
        max_length=32,
        error_messages={"invalid": _("Digits, letters, '/', '-' and '.' only.")},
    )


class CaseUpdateSerializer(CaseWriteFields):
    """The editable fields of a case; the register number and status are not among them."""

    read_only_names = CASE_READ_ONLY


class CaseTransitionSerializer(TransitionInputBase):
    to_status = serializers.ChoiceField(choices=Case.Status.choices)


class CaseSubjectSerializer(serializers.ModelSerializer):
    subject = serializers.SerializerMethodField()

    class Meta:
        model = CaseSubject
        fields = ["id", "subject", "role", "note"]

    @extend_schema_field({"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}})
    def get_subject(self, row):
        return {"id": row.subject_id, "name": str(row.subject)}


@extend_schema_field(OpenApiTypes.INT)
class VisibleSubjectField(IdRelatedField):
    def get_queryset(self):
        return Subject.objects.visible_to(self.context["request"].user)


class CaseAddSubjectSerializer(StrictInputSerializer):
    subject = VisibleSubjectField()
    role = serializers.ChoiceField(choices=CaseSubject.Role.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=255, default="")


@extend_schema_field(
    {
        "type": "string",
        "nullable": True,
        "example": "1986-01-01",
        "description": "YYYY-MM-DD; `••••-••-••` for whoever sees the person's identifiers masked "
        "(an IIN begins with the birth date).",
    }
)
class MaskableDateField(serializers.DateField):
    """A birth date: a date, or its mask (masking.MASKED_DATE) for whoever sees identifiers masked."""


class SubjectSerializer(serializers.ModelSerializer):
    nationality = CountryField(read_only=True, allow_null=True)
    birth_date = MaskableDateField(read_only=True, allow_null=True)
    cases = serializers.SerializerMethodField()

    class Meta:
        model = Subject
        fields = [
            "id",
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
            "cases",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"case": {"type": "integer"}, "role": {"type": "string"}},
            },
        }
    )
    def get_cases(self, subject):
        # Only the roles in cases the reader may see (prefetched by the viewset).
        return [{"case": r.case_id, "role": r.role} for r in getattr(subject, "visible_roles", [])]

    def to_representation(self, subject):
        data = super().to_representation(subject)
        if subject.pk not in self._seen_in_full(subject):
            for name in PERSONAL_FIELDS:
                if name in data:
                    data[name] = mask_field(name, data[name])
        return data

    def _seen_in_full(self, subject) -> set:
        """The subjects of this response whose identifiers the reader sees in full, by the one
        rule of masking.py (the admin's and the bundle's too), decided once for the whole page:
        no query for roles that decide it, one for an investigator (whose cases may be fewer
        than the ones they see, e.g. an investigator who is also an analyst)."""
        decided = self.context.get("_identifiers_seen_in_full")
        if decided is None or subject.pk not in decided[0]:
            request = self.context.get("request")
            page = self.parent.instance if isinstance(self.parent, serializers.ListSerializer) else None
            ids = {row.pk for row in page or ()} | {subject.pk}
            decided = (ids, access.subjects_seen_in_full(getattr(request, "user", None), ids))
            self.context["_identifiers_seen_in_full"] = decided
        return decided[1]


SUBJECT_READ_ONLY = ("id", "cases", "version", "created_at", "updated_at")


class SubjectWriteSerializer(StrictInputSerializer):
    read_only_names = SUBJECT_READ_ONLY

    kind = serializers.ChoiceField(choices=Subject.Kind.choices, required=False)
    name_latin = serializers.CharField(required=False, allow_blank=True, max_length=255)
    name_cyrillic = serializers.CharField(required=False, allow_blank=True, max_length=255)
    birth_date = serializers.DateField(required=False, allow_null=True)
    iin_bin = serializers.CharField(required=False, allow_blank=True, max_length=12)
    passport_number = serializers.CharField(required=False, allow_blank=True, max_length=32)
    foreign_registration_number = serializers.CharField(required=False, allow_blank=True, max_length=64)
    nationality = CountryField(required=False, allow_null=True)
    is_pep = serializers.BooleanField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True)


class SubjectCreateSerializer(SubjectWriteSerializer):
    """A new subject; `case` and `role` link it to a case at once (else only roles that see
    everything could read it back)."""

    case = IdRelatedField(queryset=Case.objects.none(), required=False)
    role = serializers.ChoiceField(choices=CaseSubject.Role.choices, required=False)

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["case"].queryset = Case.objects.writable_by(request.user)
        return fields

    def validate(self, attrs):
        if ("case" in attrs) != ("role" in attrs):
            raise serializers.ValidationError({"role": [_("Give the case and the role together.")]})
        request = self.context.get("request")
        if "case" not in attrs and request is not None and not access.reads_everything(request.user):
            # Without a case the new subject would be out of its own author's sight (as in the
            # admin and the import).
            raise serializers.ValidationError({"case": [_("Give the case this subject appears in.")]})
        return attrs
