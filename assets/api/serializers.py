"""Representations of assets, and the input they accept."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assets.models import Asset
from cases.api.serializers import CaseRefSerializer
from recovery.api.fields import (
    MONEY_SCHEMA,
    CountryField,
    MoneyField,
    ScopedRelatedField,
    StatusLabelField,
    money_representation,
)
from recovery.api.serializers import StrictInputSerializer, TransitionInputBase


class AssetMoneyField(serializers.Field):
    """One of the asset's decimal amounts, shown as money in the asset's currency."""

    def __init__(self, amount_field, **kwargs):
        self.amount_field = amount_field
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, asset):
        return money_representation(getattr(asset, self.amount_field), asset.currency)


extend_schema_field({**MONEY_SCHEMA, "nullable": True})(AssetMoneyField)


class HolderSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="__str__", read_only=True)


class IncomingRequestRefSerializer(serializers.Serializer):
    """The incoming request at whose request an asset in Kazakhstan is frozen or confiscated."""

    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)


class AssetSerializer(serializers.ModelSerializer):
    case = CaseRefSerializer(read_only=True, allow_null=True)
    incoming_request = IncomingRequestRefSerializer(read_only=True, allow_null=True)
    location_country = CountryField(read_only=True)
    holder = HolderSerializer(read_only=True, allow_null=True)
    estimated_value = AssetMoneyField("estimated_value")
    frozen_amount = AssetMoneyField("frozen_amount")
    confiscated_amount = AssetMoneyField("confiscated_amount")
    returned_amount = AssetMoneyField("returned_amount")
    status_label = StatusLabelField()
    allowed_next_statuses = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Asset
        fields = [
            "id",
            "case",
            "incoming_request",
            "kind",
            "description",
            "identifier",
            "location_country",
            "institution",
            "holder",
            "holder_name",
            "currency",
            "estimated_value",
            "frozen_amount",
            "confiscated_amount",
            "returned_amount",
            "identified_on",
            "status",
            "status_label",
            "allowed_next_statuses",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


ASSET_READ_ONLY = tuple(AssetSerializer.Meta.fields)


class AssetWriteFields(StrictInputSerializer):
    read_only_names = ASSET_READ_ONLY

    kind = serializers.ChoiceField(choices=Asset.Kind.choices)
    description = serializers.CharField(max_length=255)
    identifier = serializers.CharField(required=False, allow_blank=True, max_length=128)
    location_country = CountryField()
    institution = serializers.CharField(required=False, allow_blank=True, max_length=255)
    holder = ScopedRelatedField("cases.Subject", required=False, allow_null=True)
    holder_name = serializers.CharField(required=False, allow_blank=True, max_length=255)
    estimated_value = MoneyField(required=False, allow_null=True)
    identified_on = serializers.DateField()

    def validate(self, attrs):
        value = attrs.get("estimated_value")
        currency = attrs.get("currency") or getattr(self.instance, "currency", None)
        if value is not None:
            if currency and str(value.currency) != currency:
                raise serializers.ValidationError(
                    {"estimated_value": [_("The value must be in the asset's currency (%(c)s).") % {"c": currency}]}
                )
            attrs.setdefault("currency", str(value.currency))
            attrs["estimated_value"] = value.amount
        return attrs


class AssetCreateSerializer(AssetWriteFields):
    # An asset abroad is filed under a case; an asset in Kazakhstan at a foreign request under the
    # incoming request (and a case of ours too, when one concerns it). assets.services checks.
    case = ScopedRelatedField("cases.Case", writable=True, required=False)
    incoming_request = ScopedRelatedField("incoming.IncomingRequest", writable=True, required=False)
    currency = serializers.RegexField(r"^[A-Za-z]{3}$", required=False)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if not attrs.get("currency"):
            raise serializers.ValidationError({"currency": [_("Give the currency (ISO 4217).")]})
        return attrs


class AssetUpdateSerializer(AssetWriteFields):
    currency = serializers.RegexField(r"^[A-Za-z]{3}$", required=False)


class AssetTransitionSerializer(TransitionInputBase):
    to_status = serializers.ChoiceField(choices=Asset.Status.choices)
    amount = MoneyField(
        required=False,
        allow_null=True,
        help_text=_("Freezing, confiscation and each return: the amount, in the asset's currency."),
    )
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Why to record an amount above what was frozen or confiscated."),
    )
