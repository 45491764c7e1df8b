"""Assets over the API: thin viewsets calling assets.services."""

from django.db import transaction
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.decorators import action
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
)
from assets.filters import AssetFilterSet
from assets.models import Asset
from recovery.api.concurrency import idempotent
from recovery.api.schema import Doc, domain_schema
from recovery.api.viewsets import DomainViewSet, TimelineMixin

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
    value={"to_status": "frozen", "effective_on": "2024-04-10", "amount": {"amount": "1250000.00", "currency": "USD"}},
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
        return queryset.select_related("case", "incoming_request", "holder").with_upheld_claims()

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

    def service_create(self, data):
        return services.asset_create(actor=self.request.user, **data)

    def service_update(self, obj, data, expected_version):
        return services.asset_update(asset=obj, actor=self.request.user, expected_version=expected_version, **data)

    def service_transition(self, obj, data, expected_version):
        if "step" in data:
            return services.asset_step(asset=obj, actor=self.request.user, expected_version=expected_version, **data)
        return services.asset_transition(asset=obj, actor=self.request.user, expected_version=expected_version, **data)
