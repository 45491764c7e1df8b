"""Representations of assets, and the input they accept."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assets.models import Asset, AssetAgreement, ThirdPartyClaim
from cases.api.serializers import CaseRefSerializer
from recovery.api.fields import (
    MONEY_SCHEMA,
    AsciiDateField,
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


class AssetAmountsSerializer(serializers.Serializer):
    """The asset's amounts at each stage, in its currency."""

    frozen = MoneyField(read_only=True)
    still_frozen = MoneyField(read_only=True)
    confiscated = MoneyField(read_only=True)
    returned = MoneyField(read_only=True)
    shared = MoneyField(read_only=True, help_text=_("Kazakhstan's share received under sharing agreements."))
    upheld_claims = MoneyField(read_only=True, help_text=_("Granted to bona fide third parties."))
    returnable = MoneyField(
        read_only=True, help_text=_("Confiscated, less upheld claims, less what was returned or shared.")
    )
    partially_returned = serializers.BooleanField(read_only=True)


class AssetClaimsSummarySerializer(serializers.Serializer):
    """The third-party claims on the asset: how many await a decision, and what was upheld."""

    pending = serializers.IntegerField(read_only=True, help_text=_("Claims not yet decided."))
    upheld = MoneyField(read_only=True, help_text=_("Granted to bona fide third parties, in the asset's currency."))


class AssetSerializer(serializers.ModelSerializer):
    case = CaseRefSerializer(read_only=True, allow_null=True)
    incoming_request = IncomingRequestRefSerializer(read_only=True, allow_null=True)
    location_country = CountryField(read_only=True)
    holder = HolderSerializer(read_only=True, allow_null=True)
    estimated_value = AssetMoneyField("estimated_value")
    frozen_amount = AssetMoneyField("frozen_amount")
    confiscated_amount = AssetMoneyField("confiscated_amount")
    returned_amount = AssetMoneyField("returned_amount")
    shared_amount = AssetMoneyField("shared_amount")
    amounts = serializers.SerializerMethodField()
    claims = serializers.SerializerMethodField()
    identified_by_request = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
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
            "shared_amount",
            "amounts",
            "claims",
            "identified_on",
            "identified_by_request",
            "status",
            "status_label",
            "allowed_next_statuses",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(AssetAmountsSerializer)
    def get_amounts(self, asset):
        from assets.services import asset_amounts

        amounts = asset_amounts(asset)
        return {
            **{name: money_representation(money.amount, money.currency) for name, money in amounts.items()},
            "partially_returned": asset.partially_returned,
        }

    @extend_schema_field(AssetClaimsSummarySerializer)
    def get_claims(self, asset):
        from assets.services import claims_summary

        summary = claims_summary(asset)
        return {"pending": summary["pending"], "upheld": money_representation(summary["upheld"], asset.currency)}


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
    identified_by_request = ScopedRelatedField(
        "requests.Request",
        required=False,
        allow_null=True,
        help_text=_("The outgoing request of the asset's case whose answer identified it."),
    )

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


class NewCourtDecisionSerializer(StrictInputSerializer):
    """The decision a confiscation records with it: created as a confiscation order for the amount."""

    court = serializers.CharField(max_length=255)
    decided_on = serializers.DateField()
    reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=128)
    conviction_based = serializers.BooleanField(required=False, allow_null=True, default=None)
    country = CountryField(required=False, help_text=_("Default: the state where the asset is."))
    certified_copy_available = serializers.BooleanField(required=False, default=False)
    grounds = serializers.CharField(required=False, allow_blank=True, default="")


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
        help_text=_(
            "Why to record it although a rule says otherwise: an amount above what was frozen or can be "
            "returned, a pending third-party claim, a return or share without the agreement the legal "
            "basis requires. Kept on the timeline."
        ),
    )
    request = ScopedRelatedField(
        "requests.Request", required=False, allow_null=True, help_text=_("The request that caused the step.")
    )
    foreign_reply = ScopedRelatedField(
        "documents.Document",
        required=False,
        allow_null=True,
        help_text=_("The foreign reply (a document of the case file) that caused the step."),
    )
    court_decision = ScopedRelatedField(
        "assets.CourtDecision",
        required=False,
        allow_null=True,
        help_text=_("An existing decision about the asset that caused the step."),
    )
    new_court_decision = NewCourtDecisionSerializer(
        required=False,
        allow_null=True,
        help_text=_("At confiscation: the court decision, recorded with the step (or give `court_decision`)."),
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs.get("to_status") == Asset.Status.CONFISCATED and not (
            attrs.get("court_decision") or attrs.get("new_court_decision")
        ):
            raise serializers.ValidationError(
                {"new_court_decision": [_("A confiscation records its court decision: give it, or `court_decision`.")]}
            )
        return attrs


class AssetAgreementSerializer(serializers.ModelSerializer):
    other_state = CountryField(read_only=True)
    home_amount = serializers.SerializerMethodField()
    other_amount = serializers.SerializerMethodField()

    class Meta:
        model = AssetAgreement
        fields = [
            "id",
            "asset",
            "kind",
            "concluded_on",
            "other_state",
            "home_share_percent",
            "other_share_percent",
            "home_amount",
            "other_amount",
            "document",
            "note",
            "recorded_at",
        ]
        read_only_fields = fields

    @extend_schema_field({**MONEY_SCHEMA, "nullable": True})
    def get_home_amount(self, agreement):
        return money_representation(agreement.home_amount, agreement.asset.currency)

    @extend_schema_field({**MONEY_SCHEMA, "nullable": True})
    def get_other_amount(self, agreement):
        return money_representation(agreement.other_amount, agreement.asset.currency)


class AssetAgreementInputSerializer(StrictInputSerializer):
    read_only_names = ("id", "asset", "recorded_at")

    kind = serializers.ChoiceField(choices=AssetAgreement.Kind.choices)
    concluded_on = serializers.DateField()
    other_state = CountryField(required=False, help_text=_("Default: the state where the asset is."))
    home_share_percent = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True)
    other_share_percent = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True)
    home_amount = MoneyField(required=False, allow_null=True, help_text=_("In the asset's currency."))
    other_amount = MoneyField(required=False, allow_null=True, help_text=_("In the asset's currency."))
    document = ScopedRelatedField("documents.Document", required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ThirdPartyClaimSerializer(serializers.ModelSerializer):
    """A third party's claim on the asset, and the court's decision on it."""

    amount = MoneyField(read_only=True, allow_null=True, help_text=_("What the claimant asks for, if stated."))
    upheld_amount = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ThirdPartyClaim
        fields = [
            "id",
            "asset",
            "claimant",
            "basis",
            "bona_fide",
            "amount",
            "status",
            "status_label",
            "upheld_amount",
            "filed_on",
            "decided_on",
        ]
        read_only_fields = fields

    @extend_schema_field({**MONEY_SCHEMA, "nullable": True})
    def get_upheld_amount(self, claim):
        return money_representation(claim.upheld_amount, claim.asset.currency)


CLAIM_READ_ONLY = tuple(ThirdPartyClaimSerializer.Meta.fields)


class ThirdPartyClaimInputSerializer(StrictInputSerializer):
    read_only_names = tuple(n for n in CLAIM_READ_ONLY if n not in {"claimant", "basis", "bona_fide", "amount"})

    claimant = serializers.CharField(max_length=255)
    basis = serializers.CharField(help_text=_("What the claimant's right rests on (a pledge, a purchase...)."))
    bona_fide = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text=_("Leave out while not established.")
    )
    filed_on = AsciiDateField(help_text=_("Not in the future."))
    amount = MoneyField(required=False, allow_null=True, help_text=_("What the claimant asks for, if stated."))


class ClaimDecisionInputSerializer(StrictInputSerializer):
    read_only_names = ("id", "asset", "claimant", "basis", "amount", "status_label", "filed_on")

    status = serializers.ChoiceField(
        choices=[ThirdPartyClaim.Status.UPHELD, ThirdPartyClaim.Status.DISMISSED],
        help_text=_("The court's decision: upheld or dismissed."),
    )
    decided_on = AsciiDateField(help_text=_("Not in the future, nor before the claim was filed."))
    upheld_amount = MoneyField(
        required=False,
        allow_null=True,
        help_text=_(
            "Upheld: the amount granted to the claimant, in the asset's currency (required); not with a dismissal."
        ),
    )
    bona_fide = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text=_("As the court found it, if it said.")
    )
