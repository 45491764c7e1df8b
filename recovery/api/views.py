"""Read-only reference data: countries with their profiles, legal instruments with their scope
and requirements, assistance measures, crime categories, units."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import NotFound

from recovery.api import serializers as s
from recovery.api.fields import valid_id
from recovery.filters import (
    AssistanceMeasureFilterSet,
    CountryProfileFilterSet,
    CrimeCategoryFilterSet,
    LegalInstrumentFilterSet,
    UnitFilterSet,
)
from recovery.models import AssistanceMeasure, CountryProfile, CrimeCategory, LegalInstrument, Unit


class ReferenceViewSet(viewsets.ReadOnlyModelViewSet):
    scope_family = "reference"
    sync_cursor = False

    def get_object(self):
        if self.lookup_field == "pk" and not valid_id(self.kwargs.get("pk")):
            raise NotFound()
        return super().get_object()


@extend_schema_view(
    list=extend_schema(summary="List countries", description="Foreign states with their cooperation profile."),
    retrieve=extend_schema(summary="Read a country's profile", description="By ISO 3166-1 alpha-2 code."),
)
class CountryProfileViewSet(ReferenceViewSet):
    serializer_class = s.CountryProfileSerializer
    filterset_class = CountryProfileFilterSet
    lookup_field = "country"
    lookup_value_regex = "[A-Za-z]{2}"
    ordering_fields = ["country", "expected_response_days"]
    ordering = ["country"]
    queryset = CountryProfile.objects.prefetch_related(
        Prefetch("instruments", queryset=LegalInstrument.objects.order_by("kind", "code")), "authorities"
    )

    def get_object(self):
        self.kwargs[self.lookup_field] = self.kwargs[self.lookup_field].upper()
        return super().get_object()


@extend_schema_view(
    list=extend_schema(
        summary="List legal instruments",
        description="Treaties, conventions, reciprocity and networks with their scope (measures), required "
        "contents and confiscation terms. `country=CH` lists those that bind Switzerland.",
    ),
    retrieve=extend_schema(summary="Read a legal instrument"),
)
class LegalInstrumentViewSet(ReferenceViewSet):
    serializer_class = s.LegalInstrumentSerializer
    filterset_class = LegalInstrumentFilterSet
    ordering_fields = ["code", "kind", "expected_response_days"]
    ordering = ["kind", "code"]
    queryset = LegalInstrument.objects.prefetch_related("counterpart_countries", "measures", "requirements")


@extend_schema_view(
    list=extend_schema(summary="List assistance measures", description="Types of assistance a request may ask for."),
    retrieve=extend_schema(summary="Read an assistance measure"),
)
class AssistanceMeasureViewSet(ReferenceViewSet):
    serializer_class = s.AssistanceMeasureSerializer
    filterset_class = AssistanceMeasureFilterSet
    ordering_fields = ["order", "code"]
    ordering = ["order", "code"]
    queryset = AssistanceMeasure.objects.all()


@extend_schema_view(
    list=extend_schema(summary="List crime categories"),
    retrieve=extend_schema(summary="Read a crime category"),
)
class CrimeCategoryViewSet(ReferenceViewSet):
    serializer_class = s.CrimeCategorySerializer
    filterset_class = CrimeCategoryFilterSet
    ordering_fields = ["order", "code"]
    ordering = ["order", "code"]
    queryset = CrimeCategory.objects.all()


@extend_schema_view(
    list=extend_schema(summary="List units", description="Organisational units; `parent` nests them."),
    retrieve=extend_schema(summary="Read a unit"),
)
class UnitViewSet(ReferenceViewSet):
    serializer_class = s.UnitSerializer
    filterset_class = UnitFilterSet
    ordering_fields = ["code"]
    ordering = ["code"]
    queryset = Unit.objects.all()
