"""Representations of assets, and the input they accept."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assets.models import Asset, AssetAgreement, AssetStatusChange, ThirdPartyClaim
from cases.api.serializers import CaseRefSerializer
from recovery import access
from recovery.api.fields import (
    MONEY_SCHEMA,
    AsciiDateField,
    CountryField,
    MoneyField,
    ScopedRelatedField,
    StatusLabelField,
    money_representation,
)
from recovery.api.serializers import StrictInputSerializer, TimelineEntrySerializer, TransitionInputBase
from recovery.security.masking import asset_identifier, is_account


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
    released = MoneyField(read_only=True, help_text=_("Parts of the freeze lifted, and the rest at the full release."))
    still_frozen = MoneyField(
        read_only=True, help_text=_("Frozen, less released and confiscated; after a sale while frozen, the proceeds.")
    )
    confiscated = MoneyField(read_only=True)
    realised = MoneyField(read_only=True, help_text=_("What the requested state's sale of the asset brought."))
    returned = MoneyField(read_only=True)
    shared = MoneyField(read_only=True, help_text=_("Kazakhstan's share received under sharing agreements."))
    restituted = MoneyField(read_only=True, help_text=_("Paid out to the victims."))
    upheld_claims = MoneyField(read_only=True, help_text=_("Granted to bona fide third parties."))
    retained = MoneyField(read_only=True, help_text=_("What the requested state keeps (part of what is returnable)."))
    returnable = MoneyField(
        read_only=True,
        help_text=_(
            "Confiscated (or, once sold after confiscation, realised), less upheld claims, less what was "
            "returned, shared or restituted."
        ),
    )
    partially_frozen = serializers.BooleanField(read_only=True, help_text=_("Part of the freeze released, part held."))
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
    still_frozen_amount = AssetMoneyField("still_frozen_amount")
    released_amount = AssetMoneyField("released_amount")
    realised_amount = AssetMoneyField("realised_amount")
    restituted_amount = AssetMoneyField("restituted_amount")
    retained_amount = AssetMoneyField("retained_amount")
    amounts = serializers.SerializerMethodField()
    claims = serializers.SerializerMethodField()
    # Empty until the requested state sold the asset: a plain string, since "" is not a stage.
    sold_at_stage = serializers.CharField(
        read_only=True, help_text=_("`frozen` or `confiscated`: when the requested state sold it; empty if not sold.")
    )
    identified_by_request = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    status_label = StatusLabelField()
    allowed_next_statuses = serializers.ListField(child=serializers.CharField(), read_only=True)
    freeze_days_left = serializers.SerializerMethodField(
        help_text=_(
            "Days until the freeze expires (0 on its last day, negative once lapsed); null unless frozen "
            "with an expiry recorded."
        )
    )

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
            "still_frozen_amount",
            "released_amount",
            "realised_amount",
            "sold_at_stage",
            "restituted_amount",
            "retained_amount",
            "amounts",
            "claims",
            "identified_on",
            "identified_by_request",
            "status",
            "status_label",
            "allowed_next_statuses",
            "freeze_expires_on",
            "freeze_days_left",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, asset):
        data = super().to_representation(asset)
        if "identifier" in data and is_account(asset):
            data["identifier"] = asset_identifier(asset, None, in_full=self._accounts_seen_in_full(asset))
        return data

    def _accounts_seen_in_full(self, asset) -> set:
        """The accounts of this response the reader sees in full (recovery.access's rule for a
        person's identifiers), decided once for the whole page."""
        decided = self.context.get("_accounts_seen_in_full")
        if decided is None or asset.pk not in decided[0]:
            request = self.context.get("request")
            page = self.parent.instance if isinstance(self.parent, serializers.ListSerializer) else None
            ids = {row.pk for row in page or ()} | {asset.pk}
            decided = (ids, access.assets_seen_in_full(getattr(request, "user", None), ids))
            self.context["_accounts_seen_in_full"] = decided
        return decided[1]

    @extend_schema_field(AssetAmountsSerializer)
    def get_amounts(self, asset):
        from assets.services import asset_amounts

        amounts = asset_amounts(asset)
        return {
            **{name: money_representation(money.amount, money.currency) for name, money in amounts.items()},
            "partially_frozen": asset.partially_frozen,
            "partially_returned": asset.partially_returned,
        }

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_freeze_days_left(self, asset):
        return asset.freeze_days_left(timezone.localdate())

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


STEP_CHOICES = [
    (AssetStatusChange.Step.PARTIAL_RELEASE, AssetStatusChange.Step.PARTIAL_RELEASE.label),
    (AssetStatusChange.Step.SALE, AssetStatusChange.Step.SALE.label),
]


class AssetTransitionSerializer(TransitionInputBase):
    to_status = serializers.ChoiceField(
        choices=Asset.Status.choices, required=False, help_text=_("The target status (or give `step`).")
    )
    step = serializers.ChoiceField(
        choices=STEP_CHOICES,
        required=False,
        help_text=_(
            "A step that keeps the status, instead of `to_status`: `partial_release` (part of the freeze "
            "lifted: the amount released, at most what is still frozen) or `sale` (the requested state sold "
            "the asset: the amount realised)."
        ),
    )
    amount = MoneyField(
        required=False,
        allow_null=True,
        help_text=_(
            "Freezing, confiscation, each return, share and restitution, a partial release, a sale: the amount, "
            "in the asset's currency. Retained abroad: default what can still be returned."
        ),
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
    freeze_expires_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("With the freeze only: the last day it is in force unless renewed (after the freeze's date)."),
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if ("to_status" in attrs) == ("step" in attrs):
            raise serializers.ValidationError({"to_status": [_("Give either `to_status` or `step`.")]})
        if "step" in attrs:
            errors = {}
            if attrs.get("amount") is None:
                errors["amount"] = [_("Give the amount of the step.")]
            if attrs.get("override_reason"):
                # What is released or realised is arithmetic, not a rule to set aside.
                errors["override_reason"] = [_("Not accepted for this step.")]
            if attrs.get("new_court_decision"):
                errors["new_court_decision"] = [_("Only at confiscation.")]
            if errors:
                raise serializers.ValidationError(errors)
            attrs.pop("override_reason", None)
            attrs.pop("new_court_decision", None)
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


class AssetTimelineEntrySerializer(TimelineEntrySerializer):
    """A row of the asset's timeline: which step it was, and the amount of a step that keeps the
    status (part of the freeze released, the amount a sale realised)."""

    step = serializers.CharField(read_only=True)
    step_amount = MoneyField(read_only=True, allow_null=True)


# --- the freeze's renewals ---------------------------------------------------------------------


class FreezeRenewalSerializer(serializers.Serializer):
    """A renewal of the asset's freeze, as its timeline shows it (a frozen -> frozen row)."""

    id = serializers.IntegerField(read_only=True)
    renewed_on = serializers.DateField(source="effective_on", read_only=True)
    expires_on = serializers.DateField(source="freeze_expires_on", read_only=True)
    note = serializers.CharField(read_only=True)
    document_reference = serializers.CharField(read_only=True)
    override_reason = serializers.CharField(read_only=True)
    request = serializers.IntegerField(source="request_id", read_only=True, allow_null=True)
    foreign_reply = serializers.IntegerField(source="foreign_reply_id", read_only=True, allow_null=True)
    court_decision = serializers.IntegerField(source="court_decision_id", read_only=True, allow_null=True)
    recorded_by = serializers.CharField(source="actor_name", read_only=True)
    recorded_at = serializers.DateTimeField(read_only=True)


class FreezeRenewalInputSerializer(StrictInputSerializer):
    read_only_names = ("id", "recorded_by", "recorded_at")

    renewed_on = serializers.DateField(
        help_text=_("The date of the decision extending the freeze (not in the future).")
    )
    expires_on = serializers.DateField(
        help_text=_("The last day the renewed freeze is in force: after the renewal and the expiry in force.")
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
    document_reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Why to record a renewal that shortens the freeze. Kept on the timeline."),
    )
    request = ScopedRelatedField(
        "requests.Request", required=False, allow_null=True, help_text=_("The request that asked for the renewal.")
    )
    foreign_reply = ScopedRelatedField(
        "documents.Document",
        required=False,
        allow_null=True,
        help_text=_("The foreign reply (a document of the case file) announcing the renewal."),
    )
    court_decision = ScopedRelatedField(
        "assets.CourtDecision",
        required=False,
        allow_null=True,
        help_text=_("The decision about the asset that renewed the freeze."),
    )


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
