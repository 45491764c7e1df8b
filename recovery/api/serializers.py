"""Serializers shared by every app's API, and those of the reference data."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from recovery.api.fields import COUNTRY_SCHEMA, CountryField, MoneyField
from recovery.models import (
    AssistanceMeasure,
    CountryAuthority,
    CountryProfile,
    CrimeCategory,
    InstrumentRequirement,
    LegalInstrument,
    RequestChannel,
    Unit,
)


class StrictInputSerializer(serializers.Serializer):
    """An input serializer that rejects (400) the fields it does not accept instead of ignoring them.

    `read_only_names` lists fields of the representation a client may echo back by mistake; they are
    reported as read-only, anything else as unknown.
    """

    read_only_names: tuple[str, ...] = ()

    def to_internal_value(self, data):
        if isinstance(data, dict):
            accepted = {name for name, field in self.fields.items() if not field.read_only}
            errors = {}
            for name in data:
                if name in accepted:
                    continue
                errors[name] = [_("This field is read-only.") if name in self.read_only_names else _("Unknown field.")]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class NamedRefSerializer(serializers.Serializer):
    """A reference to a reference-data row: id, code and name in the request's language."""

    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    full_name = serializers.SerializerMethodField()

    def get_full_name(self, user) -> str:
        return str(user)


class TimelineEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    from_status = serializers.CharField(read_only=True)
    to_status = serializers.CharField(read_only=True)
    effective_on = serializers.DateField(read_only=True)
    recorded_at = serializers.DateTimeField(read_only=True)
    recorded_by = serializers.CharField(source="actor_name", read_only=True)
    recorded_by_id = serializers.IntegerField(source="actor_id", read_only=True, allow_null=True)
    note = serializers.CharField(read_only=True)
    document_reference = serializers.CharField(read_only=True)
    amount = MoneyField(read_only=True, allow_null=True)
    override_reason = serializers.CharField(read_only=True)


class UnitSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "name_en", "name_ru", "name_kk", "parent"]


class CrimeCategorySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = CrimeCategory
        fields = ["id", "code", "name", "name_en", "name_ru", "name_kk", "order"]


class AssistanceMeasureSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = AssistanceMeasure
        fields = ["id", "code", "name", "name_en", "name_ru", "name_kk", "concerns_assets", "order"]


class CountryAuthoritySerializer(serializers.ModelSerializer):
    class Meta:
        model = CountryAuthority
        fields = [
            "kind",
            "name",
            "address",
            "email",
            "phone",
            "website",
            "contact_person",
            "notes",
            "order",
        ]


class CountryProfileSerializer(serializers.ModelSerializer):
    country = CountryField(read_only=True)
    instruments = serializers.SerializerMethodField()
    authorities = CountryAuthoritySerializer(many=True, read_only=True)
    channels_accepted = serializers.ListField(
        child=serializers.ChoiceField(choices=RequestChannel.choices),
        read_only=True,
        help_text="Channels the state accepts requests through; empty: not recorded (any channel may be used).",
    )

    class Meta:
        model = CountryProfile
        fields = [
            "country",
            "central_authority",
            "authorities",
            "channels_accepted",
            "languages",
            "letter_languages",
            "dual_criminality",
            "dual_criminality_notes",
            "expected_response_days",
            "notes",
            "instruments",
        ]

    @extend_schema_field(NamedRefSerializer(many=True))
    def get_instruments(self, profile):
        return [{"id": i.pk, "code": i.code, "name": i.name} for i in profile.instruments.all()]


class RequirementSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = InstrumentRequirement
        fields = ["id", "code", "name", "mandatory", "citation", "order"]


class LegalInstrumentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    counterpart_countries = serializers.SerializerMethodField()
    measures = NamedRefSerializer(many=True, read_only=True)
    requirements = RequirementSerializer(many=True, read_only=True)
    is_formal = serializers.BooleanField(read_only=True)

    class Meta:
        model = LegalInstrument
        fields = [
            "id",
            "code",
            "name",
            "name_en",
            "name_ru",
            "name_kk",
            "short_name",
            "kind",
            "is_formal",
            "open_to_all_states",
            "counterpart_countries",
            "signed_on",
            "in_force_on",
            "ratification_reference",
            "scope_citation",
            "measures",
            "any_other_assistance",
            "requirements",
            "value_based_confiscation",
            "requested_party_retains_proceeds",
            "court_decision_required",
            "bona_fide_third_parties_protected",
            "confiscation_citation",
            "expected_response_days",
            "notes",
        ]

    @extend_schema_field({"type": "array", "items": COUNTRY_SCHEMA})
    def get_counterpart_countries(self, instrument):
        field = CountryField()
        return [field.to_representation(p.country) for p in instrument.counterpart_countries.all()]


class TransitionInputBase(StrictInputSerializer):
    """Common fields of a status change posted to /{id}/transitions/."""

    to_status = serializers.CharField(max_length=32, help_text=_("The target status."))
    effective_on = serializers.DateField(
        required=False, allow_null=True, help_text=_("When it took effect (default: today; not in the future).")
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
    document_reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
