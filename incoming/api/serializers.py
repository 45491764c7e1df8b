"""Representations of incoming requests, and the input they accept.

Shown as outgoing requests are (mla_requests/api/serializers.py): references to reference data as
{id, code, name}, the requesting state as {code, name}, people as {id, username, full_name}, the
status with its label and the moves its workflow allows. The persons concerned carry their
identifiers masked unless the reader sees them in full (recovery.access, as subjects' own
representation does)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.api.serializers import UnitInScopeField
from incoming.models import IncomingRequest
from mla_requests.api.serializers import LegalBasisRefSerializer
from recovery import access
from recovery.api.fields import (
    COUNTRY_SCHEMA,
    AsciiDateField,
    CountryField,
    IdRelatedField,
    NameableUserField,
    ScopedRelatedField,
    StatusLabelField,
    country_representation,
)
from recovery.api.serializers import NamedRefSerializer, StrictInputSerializer, TransitionInputBase, UserRefSerializer
from recovery.models import AssistanceMeasure, CrimeCategory, LegalInstrument
from recovery.security.masking import IDENTIFIER_FIELDS, mask_value

S = IncomingRequest.Status

SUBJECT_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "kind": {"type": "string"},
        "name_latin": {"type": "string"},
        "name_cyrillic": {"type": "string"},
        "nationality": {**COUNTRY_SCHEMA, "nullable": True},
        "iin_bin": {"type": "string", "description": "Masked unless the reader sees identifiers in full."},
        "passport_number": {"type": "string"},
        "foreign_registration_number": {"type": "string"},
    },
    "required": ["id", "kind", "name_latin", "name_cyrillic", "nationality", *IDENTIFIER_FIELDS],
}


class IncomingRequestSerializer(serializers.ModelSerializer):
    requesting_country = CountryField(read_only=True)
    legal_basis = LegalBasisRefSerializer(read_only=True)
    crime_category = NamedRefSerializer(read_only=True)
    measures = NamedRefSerializer(many=True, read_only=True)
    subjects = serializers.SerializerMethodField(
        help_text=_("The persons concerned; their identifiers are masked unless you see them in full.")
    )
    unit = NamedRefSerializer(read_only=True)
    executor = UserRefSerializer(read_only=True, allow_null=True)
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    execution_due_source_label = serializers.CharField(source="get_execution_due_source_display", read_only=True)
    is_overdue = serializers.SerializerMethodField()
    status_label = StatusLabelField()
    allowed_next_statuses = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("The statuses the workflow allows next; “assigned” is reached through …/assign/."),
    )
    refusal_ground = serializers.ChoiceField(
        choices=IncomingRequest.RefusalGround.choices,
        allow_blank=True,
        read_only=True,
        help_text=_("The ground of a refusal; empty unless refused."),
    )
    refusal_ground_label = serializers.SerializerMethodField()

    class Meta:
        model = IncomingRequest
        fields = [
            "id",
            "reference",
            "requesting_country",
            "requesting_authority",
            "foreign_reference",
            "foreign_dated_on",
            "received_on",
            "channel",
            "channel_label",
            "legal_basis",
            "measures",
            "crime_category",
            "urgency",
            "summary",
            "subjects",
            "unit",
            "executor",
            "requested_due",
            "execution_due",
            "execution_due_source",
            "execution_due_source_label",
            "is_overdue",
            "registered_on",
            "assigned_on",
            "answered_on",
            "closed_on",
            "status",
            "status_label",
            "allowed_next_statuses",
            "refusal_ground",
            "refusal_ground_label",
            "refusal_article",
            "refusal_explanation",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_is_overdue(self, obj) -> bool:
        return obj.is_overdue(self.context.setdefault("_today", timezone.localdate()))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_refusal_ground_label(self, obj):
        return str(obj.get_refusal_ground_display()) if obj.refusal_ground else None

    @extend_schema_field({"type": "array", "items": SUBJECT_SCHEMA})
    def get_subjects(self, obj):
        in_full = self._seen_in_full(obj)
        out = []
        for subject in obj.subjects.all():
            row = {
                "id": subject.pk,
                "kind": subject.kind,
                "name_latin": subject.name_latin,
                "name_cyrillic": subject.name_cyrillic,
                "nationality": country_representation(subject.nationality),
            }
            for name in IDENTIFIER_FIELDS:
                value = getattr(subject, name) or ""
                row[name] = value if subject.pk in in_full else mask_value(value)
            out.append(row)
        return out

    def _seen_in_full(self, obj) -> set:
        """The subjects of this response whose identifiers the reader sees in full, by
        recovery.access's one rule, decided once for the whole page (one query at most)."""
        decided = self.context.get("_identifiers_seen_in_full")
        ids = {s.pk for s in obj.subjects.all()}
        if decided is None or not ids <= decided[0]:
            page = self.parent.instance if isinstance(self.parent, serializers.ListSerializer) else None
            for row in page or ():
                ids |= {s.pk for s in row.subjects.all()}
            request = self.context.get("request")
            decided = (ids, access.subjects_seen_in_full(getattr(request, "user", None), ids))
            self.context["_identifiers_seen_in_full"] = decided
        return decided[1]


INCOMING_READ_ONLY = tuple(IncomingRequestSerializer.Meta.fields)


class IncomingRequestWriteFields(StrictInputSerializer):
    read_only_names = INCOMING_READ_ONLY

    requesting_authority = serializers.CharField(max_length=255)
    foreign_reference = serializers.CharField(required=False, allow_blank=True, max_length=64)
    foreign_dated_on = AsciiDateField(required=False, allow_null=True)
    channel = serializers.ChoiceField(choices=IncomingRequest.Channel.choices, required=False)
    legal_basis = IdRelatedField(queryset=LegalInstrument.objects.all())
    measures = IdRelatedField(queryset=AssistanceMeasure.objects.all(), many=True)
    crime_category = IdRelatedField(queryset=CrimeCategory.objects.all())
    urgency = serializers.ChoiceField(choices=IncomingRequest.Urgency.choices, required=False)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    subjects = ScopedRelatedField("cases.Subject", many=True, required=False)
    requested_due = AsciiDateField(required=False, allow_null=True)


class IncomingRequestCreateSerializer(IncomingRequestWriteFields):
    requesting_country = CountryField(help_text=_("ISO 3166-1 alpha-2 code of the requesting state."))
    received_on = AsciiDateField(required=False, help_text=_("Default: today; not in the future."))
    unit = UnitInScopeField(help_text=_("The executing unit: yours or one of its sub-units."))


class IncomingRequestUpdateSerializer(IncomingRequestWriteFields):
    """The editable fields (incoming.services.EDITABLE_FIELDS); the state, the receipt, the unit and
    the status are not among them."""


class IncomingTransitionSerializer(TransitionInputBase):
    to_status = serializers.ChoiceField(
        choices=[c for c in IncomingRequest.Status.choices if c[0] not in (S.RECEIVED, S.ASSIGNED)],
        help_text=_("The target status; the executor is named through …/assign/."),
    )
    effective_on = AsciiDateField(
        required=False, allow_null=True, help_text=_("When it took effect (default: today; not in the future).")
    )
    refusal_ground = serializers.ChoiceField(
        choices=IncomingRequest.RefusalGround.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Refusal: its ground (required for a refusal, refused otherwise)."),
    )
    refusal_article = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=128,
        help_text=_("Refusal: the article of the legal basis it rests on."),
    )
    refusal_explanation = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=20000,
        help_text=_("Refusal: why (required for the ground “other”)."),
    )


@extend_schema_field(OpenApiTypes.INT)
class ExecutorField(NameableUserField):
    """An active colleague the writer may name; whether they work in the executing unit, the
    service says (with its reason)."""


class IncomingAssignSerializer(StrictInputSerializer):
    executor = ExecutorField(help_text=_("The colleague of the executing unit who executes the request."))
    effective_on = AsciiDateField(
        required=False, allow_null=True, help_text=_("When it took effect (default: today; not in the future).")
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)


class IncomingExecutionDueSerializer(StrictInputSerializer):
    execution_due = AsciiDateField(help_text=_("The new execution deadline, agreed with the requesting state."))
    reason = serializers.CharField(max_length=20000, help_text=_("Why the deadline moves (stated on the timeline)."))
