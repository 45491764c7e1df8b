"""Representations of outgoing requests, and the input they accept."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.api.serializers import CaseRefSerializer
from cases.models import Case, Subject
from mla_requests.models import Request
from recovery.api.fields import CountryField, IdRelatedField, StatusLabelField
from recovery.api.serializers import NamedRefSerializer, StrictInputSerializer, TransitionInputBase, UserRefSerializer
from recovery.models import AssistanceMeasure, CrimeCategory, LegalInstrument, User


class LegalBasisRefSerializer(NamedRefSerializer):
    kind = serializers.CharField(read_only=True)


class ChecklistAnswerSerializer(serializers.Serializer):
    requirement = serializers.IntegerField(source="requirement_id", read_only=True)
    code = serializers.CharField(source="requirement.code", read_only=True)
    name = serializers.CharField(source="requirement.name", read_only=True)
    mandatory = serializers.BooleanField(source="requirement.mandatory", read_only=True)
    provided = serializers.BooleanField(source="satisfied", read_only=True)
    note = serializers.CharField(read_only=True)


class RequestSerializer(serializers.ModelSerializer):
    case = CaseRefSerializer(read_only=True)
    country = CountryField(read_only=True)
    legal_basis = LegalBasisRefSerializer(read_only=True)
    crime_category = NamedRefSerializer(read_only=True)
    measures = NamedRefSerializer(many=True, read_only=True)
    subjects = IdRelatedField(many=True, read_only=True)
    assets = IdRelatedField(many=True, read_only=True)
    responsible_investigator = UserRefSerializer(read_only=True)
    checklist = ChecklistAnswerSerializer(many=True, read_only=True)
    is_overdue = serializers.SerializerMethodField()
    status_label = StatusLabelField()
    allowed_next_statuses = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Request
        fields = [
            "id",
            "reference",
            "foreign_reference",
            "case",
            "country",
            "legal_basis",
            "channel",
            "crime_category",
            "measures",
            "subjects",
            "assets",
            "summary",
            "urgency",
            "responsible_investigator",
            "checklist",
            "sent_on",
            "acknowledged_on",
            "answered_on",
            "closed_on",
            "response_due",
            "response_due_set_manually",
            "is_overdue",
            "status",
            "status_label",
            "allowed_next_statuses",
            "refusal_grounds",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_is_overdue(self, obj) -> bool:
        return bool(obj.is_pending and obj.response_due and obj.response_due < timezone.localdate())


REQUEST_READ_ONLY = tuple(RequestSerializer.Meta.fields)


@extend_schema_field(OpenApiTypes.INT)
class ScopedRelatedField(IdRelatedField):
    """A related record the writer may see (a case, subject or asset of another unit is unknown)."""

    def __init__(self, model_path, **kwargs):
        self.model_path = model_path
        super().__init__(**kwargs)

    def get_queryset(self):
        from django.apps import apps

        return apps.get_model(self.model_path).objects.visible_to(self.context["request"].user)


class RequestWriteFields(StrictInputSerializer):
    read_only_names = REQUEST_READ_ONLY

    country = CountryField()
    legal_basis = IdRelatedField(queryset=LegalInstrument.objects.all())
    crime_category = IdRelatedField(queryset=CrimeCategory.objects.all())
    measures = IdRelatedField(queryset=AssistanceMeasure.objects.all(), many=True)
    channel = serializers.ChoiceField(choices=Request.Channel.choices, required=False)
    subjects = ScopedRelatedField("cases.Subject", many=True, required=False)
    assets = ScopedRelatedField("assets.Asset", many=True, required=False)
    summary = serializers.CharField(required=False, allow_blank=True)
    urgency = serializers.ChoiceField(choices=Request.Urgency.choices, required=False)
    responsible_investigator = IdRelatedField(queryset=User.objects.filter(is_active=True), required=False)
    foreign_reference = serializers.CharField(required=False, allow_blank=True, max_length=64)


class RequestCreateSerializer(RequestWriteFields):
    case = ScopedRelatedField("cases.Case")


class RequestUpdateSerializer(RequestWriteFields):
    pass


class RequestTransitionSerializer(TransitionInputBase):
    to_status = serializers.ChoiceField(choices=Request.Status.choices)
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Sending: why to send although the legal basis's checklist is incomplete."),
    )
    refusal_grounds = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Refusal: the grounds the requested state gave.")
    )
    response_due = serializers.DateField(
        required=False, allow_null=True, help_text=_("Sending: a deadline agreed with the requested state.")
    )
    foreign_reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)

    def validate(self, attrs):
        sending = attrs["to_status"] == Request.Status.SENT
        errors = {}
        if not sending:
            if attrs.get("response_due") is not None:
                errors["response_due"] = [_("Only when sending.")]
            if attrs.get("override_reason"):
                errors["override_reason"] = [_("Only when sending.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class ChecklistItemInput(StrictInputSerializer):
    provided = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)


class ChecklistInputSerializer(StrictInputSerializer):
    answers = serializers.DictField(
        child=ChecklistItemInput(),
        help_text=_('{requirement code or id: {"provided": true, "note": "annex 3"}}'),
    )


__all__ = ["Case", "Subject"]
