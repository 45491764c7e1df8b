"""Assets over the API: thin viewsets calling assets.services."""

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from assets import services
from assets.api.serializers import (
    AssetAgreementInputSerializer,
    AssetAgreementSerializer,
    AssetCreateSerializer,
    AssetSerializer,
    AssetTimelineEntrySerializer,
    AssetTransitionSerializer,
    AssetUpdateSerializer,
    ClaimDecisionInputSerializer,
    FreezeRenewalInputSerializer,
    FreezeRenewalSerializer,
    ThirdPartyClaimInputSerializer,
    ThirdPartyClaimSerializer,
)
from assets.filters import AssetFilterSet
from assets.models import Asset, AssetStatusChange, ThirdPartyClaim
from recovery.api.concurrency import idempotent, version_from_if_match
from recovery.api.exceptions import PreconditionFailed
from recovery.api.fields import valid_id
from recovery.api.schema import IDEMPOTENCY_KEY, Doc, domain_schema
from recovery.api.viewsets import DomainViewSet, TimelineMixin
from recovery.errors import VersionConflict

ASSET_EXAMPLE = OpenApiExample(
    "A bank account in Switzerland",
    request_only=True,
    value={
        "case": 1,
        "kind": "bank_account",
        "description": "Current account at a private bank",
        "identifier": "CH9300762011623852957",
        "location_country": "CH",
        "currency": "USD",
        "estimated_value": {"amount": "1300000.00", "currency": "USD"},
        "identified_on": "2024-03-01",
    },
)
FREEZE_EXAMPLE = OpenApiExample(
    "Freeze",
    request_only=True,
    value={
        "to_status": "frozen",
        "effective_on": "2024-04-10",
        "amount": {"amount": "1250000.00", "currency": "USD"},
        "freeze_expires_on": "2024-10-09",
    },
)
RENEWAL_EXAMPLE = OpenApiExample(
    "Freeze renewed for six months",
    request_only=True,
    value={"renewed_on": "2024-10-01", "expires_on": "2025-04-09", "document_reference": "Order 2024/311"},
)

PARTIAL_RELEASE_EXAMPLE = OpenApiExample(
    "Part of the freeze released",
    request_only=True,
    value={
        "step": "partial_release",
        "effective_on": "2024-09-02",
        "amount": {"amount": "250000.00", "currency": "USD"},
    },
)


@domain_schema(
    "asset",
    list_description="Assets abroad in the cases the caller may see.",
    create=Doc(
        "Record an asset found abroad",
        "Status 'identified'; amounts frozen, confiscated and returned come from transitions.",
        examples=(ASSET_EXAMPLE,),
    ),
    transitions=Doc(
        "Freeze, confiscate, return, share, restitute, release or retain an asset; or record part of "
        "the freeze released or its sale",
        "Freezing, confiscation and each return, share or restitution need an amount in the asset's "
        "currency; amounts above what was frozen or can be returned need an override reason. A step that "
        "keeps the status is given as `step` instead of `to_status`: `partial_release` (at most what is "
        "still frozen, no override) or `sale` (the amount realised).",
        examples=(FREEZE_EXAMPLE, PARTIAL_RELEASE_EXAMPLE),
    ),
)
class AssetViewSet(TimelineMixin, DomainViewSet):
    serializer_class = AssetSerializer
    create_serializer_class = AssetCreateSerializer
    update_serializer_class = AssetUpdateSerializer
    transition_serializer_class = AssetTransitionSerializer
    timeline_serializer_class = AssetTimelineEntrySerializer
    filterset_class = AssetFilterSet
    ordering_fields = [
        "identified_on",
        "estimated_value",
        "frozen_amount",
        "confiscated_amount",
        "returned_amount",
        "location_country",
        "status",
        "updated_at",
        "created_at",
        "id",
    ]
    ordering = ["-identified_on", "-id"]
    scope_family = "assets"
    permission_model = Asset
    queryset = Asset.objects.none()

    def optimise(self, queryset):
        return queryset.select_related("case", "incoming_request", "holder").with_claims_summary()

    def scoped_queryset(self):
        return self.optimise(Asset.objects.visible_to(self.request.user))

    @extend_schema(
        summary="Agreements on returning or sharing the asset",
        description=(
            "GET: the agreements recorded with the other state. POST: record one (whoever may change "
            "the asset): kind `return` or `sharing`, each side's share in percent (adding up to 100) "
            "and/or amount in the asset's currency. Where the legal basis lets the requested state "
            "retain confiscated proceeds, a return or share needs an agreement of that kind."
        ),
        request=AssetAgreementInputSerializer,
        responses={200: AssetAgreementSerializer(many=True), 201: AssetAgreementSerializer},
        filters=False,
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def agreements(self, request, *args, **kwargs):
        if request.method == "POST":
            return self._record_agreement(request, *args, **kwargs)
        asset = self.get_object()
        rows = asset.agreements.select_related("asset").order_by("concluded_on", "pk")
        return Response(AssetAgreementSerializer(rows, many=True).data)

    @idempotent
    def _record_agreement(self, request, *args, **kwargs):
        asset = self.get_object_to_write()
        data = self.input_serializer(AssetAgreementInputSerializer, request.data)
        with transaction.atomic():
            agreement = services.agreement_record(actor=request.user, asset=asset, **data)
        return Response(AssetAgreementSerializer(agreement).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Renewals of the asset's freeze",
        description=(
            "GET: the renewals recorded (frozen -> frozen rows of the timeline). POST: record one "
            "(whoever may change the asset; the asset must be frozen): the renewal's date and the new "
            "expiry, after the renewal date and after the expiry in force (a shorter one needs "
            "`override_reason`), with what caused it. Answers with the asset, as /transitions/ does; "
            "If-Match optional, Idempotency-Key honoured."
        ),
        request=FreezeRenewalInputSerializer,
        responses={200: FreezeRenewalSerializer(many=True)},
        examples=[RENEWAL_EXAMPLE],
        filters=False,
    )
    @action(detail=True, methods=["get", "post"], url_path="freeze-renewals", pagination_class=None, filter_backends=[])
    def freeze_renewals(self, request, *args, **kwargs):
        if request.method == "POST":
            return self._renew_freeze(request, *args, **kwargs)
        asset = self.get_object()
        rows = asset.timeline.filter(step=AssetStatusChange.Step.FREEZE_RENEWAL).order_by("effective_on", "pk")
        return Response(FreezeRenewalSerializer(rows, many=True).data)

    @idempotent
    def _renew_freeze(self, request, *args, **kwargs):
        asset = self.get_object_to_write()
        data = self.input_serializer(FreezeRenewalInputSerializer, request.data)
        expected = version_from_if_match(request, asset, required=False)
        try:
            asset = services.asset_renew_freeze(asset=asset, actor=request.user, expected_version=expected, **data)
        except VersionConflict:
            if expected is not None:
                raise PreconditionFailed() from None
            raise
        return self.respond(asset)

    def service_create(self, data):
        return services.asset_create(actor=self.request.user, **data)

    def service_update(self, obj, data, expected_version):
        return services.asset_update(asset=obj, actor=self.request.user, expected_version=expected_version, **data)

    def service_transition(self, obj, data, expected_version):
        if "step" in data:
            return services.asset_step(asset=obj, actor=self.request.user, expected_version=expected_version, **data)
        return services.asset_transition(asset=obj, actor=self.request.user, expected_version=expected_version, **data)

    @extend_schema(
        methods=["GET"],
        summary="Third-party claims on the asset",
        description="The claims of third parties (a bank holding a pledge, a bona fide buyer) on the asset, "
        "newest filing first, with the court's decision once recorded.",
        request=None,
        responses=ThirdPartyClaimSerializer(many=True),
        filters=False,
    )
    @extend_schema(
        methods=["POST"],
        summary="Record a third-party claim",
        description="Whoever may change the asset records a claim filed on it: claimant, basis, `bona_fide` "
        "(leave out while not established), `filed_on` (not in the future) and optionally the amount claimed. "
        "It is pending until decided; while it is, a confiscation, return or share of the asset is refused "
        "(400) unless `override_reason` is given.",
        request=ThirdPartyClaimInputSerializer,
        responses={201: ThirdPartyClaimSerializer},
        parameters=[IDEMPOTENCY_KEY],
        filters=False,
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def claims(self, request, *args, **kwargs):
        if request.method == "POST":
            return self._record_claim(request, *args, **kwargs)
        asset = self.get_object()
        rows = asset.claims.select_related("asset").order_by("-filed_on", "-pk")
        return Response(ThirdPartyClaimSerializer(rows, many=True).data)

    @idempotent
    def _record_claim(self, request, *args, **kwargs):
        asset = self.get_object_to_write()
        data = self.input_serializer(ThirdPartyClaimInputSerializer, request.data)
        with transaction.atomic():
            claim = services.claim_create(actor=request.user, asset=asset, **data)
        return Response(ThirdPartyClaimSerializer(claim).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record the court's decision on a claim",
        description="`status: upheld` with `upheld_amount` in the asset's currency (the claims upheld on an "
        "asset cannot together exceed what was confiscated, or frozen before a confiscation: 422), or "
        "`status: dismissed` without an amount; `decided_on` neither in the future nor before the filing. "
        "A claim is decided once: deciding it again is 409. Only the asset's own claims: another id is 404.",
        request=ClaimDecisionInputSerializer,
        responses=ThirdPartyClaimSerializer,
        parameters=[
            IDEMPOTENCY_KEY,
            OpenApiParameter("claim_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The claim's id."),
        ],
        filters=False,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"claims/(?P<claim_id>[^/.]+)/decision",
        url_name="claim-decision",
        pagination_class=None,
        filter_backends=[],
    )
    def claim_decision(self, request, *args, **kwargs):
        return self._decide_claim(request, *args, **kwargs)

    @idempotent
    def _decide_claim(self, request, *args, claim_id=None, **kwargs):
        asset = self.get_object_to_write()
        # Looked up among the asset's own claims: another asset's claim is as missing as none.
        claim = ThirdPartyClaim.objects.filter(asset=asset, pk=claim_id).first() if valid_id(claim_id) else None
        if claim is None:
            raise NotFound()
        data = self.input_serializer(ClaimDecisionInputSerializer, request.data)
        with transaction.atomic():
            claim = services.claim_decide(actor=request.user, claim=claim, **data)
        return Response(ThirdPartyClaimSerializer(claim).data)
