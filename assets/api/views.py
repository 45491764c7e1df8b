"""Assets over the API: thin viewsets calling assets.services."""

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view

from assets import services
from assets.api.serializers import (
    AssetCreateSerializer,
    AssetSerializer,
    AssetTransitionSerializer,
    AssetUpdateSerializer,
)
from assets.filters import AssetFilterSet
from assets.models import Asset
from recovery.api.viewsets import IDEMPOTENCY_KEY, IF_MATCH, IF_MATCH_OPTIONAL, DomainViewSet, TimelineMixin

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


@extend_schema_view(
    list=extend_schema(summary="List assets", description="Assets abroad in the cases the caller may see."),
    retrieve=extend_schema(summary="Read an asset", description="With its version as ETag."),
    create=extend_schema(
        summary="Record an asset found abroad",
        description="Status 'identified'; amounts frozen, confiscated and returned come from transitions.",
        request=AssetCreateSerializer,
        responses={201: AssetSerializer},
        parameters=[IDEMPOTENCY_KEY],
        examples=[ASSET_EXAMPLE],
    ),
    update=extend_schema(
        summary="Replace an asset's editable fields",
        request=AssetUpdateSerializer,
        responses=AssetSerializer,
        parameters=[IF_MATCH],
    ),
    partial_update=extend_schema(
        summary="Change some of an asset's fields",
        request=AssetUpdateSerializer,
        responses=AssetSerializer,
        parameters=[IF_MATCH],
    ),
    transitions=extend_schema(
        summary="Freeze, confiscate, return, release or retain an asset",
        description="Freezing, confiscation and each return need an amount in the asset's currency; amounts "
        "above what was frozen or confiscated need an override reason.",
        request=AssetTransitionSerializer,
        responses=AssetSerializer,
        parameters=[IF_MATCH_OPTIONAL, IDEMPOTENCY_KEY],
        examples=[FREEZE_EXAMPLE],
    ),
    timeline=extend_schema(summary="An asset's status timeline", description="Every status change, oldest first."),
)
class AssetViewSet(TimelineMixin, DomainViewSet):
    serializer_class = AssetSerializer
    create_serializer_class = AssetCreateSerializer
    update_serializer_class = AssetUpdateSerializer
    transition_serializer_class = AssetTransitionSerializer
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
        return queryset.select_related("case", "holder")

    def scoped_queryset(self):
        return self.optimise(Asset.objects.visible_to(self.request.user))

    def service_create(self, data):
        return services.asset_create(actor=self.request.user, **data)

    def service_update(self, obj, data, expected_version):
        return services.asset_update(asset=obj, actor=self.request.user, expected_version=expected_version, **data)

    def service_transition(self, obj, data, expected_version):
        return services.asset_transition(asset=obj, actor=self.request.user, expected_version=expected_version, **data)
