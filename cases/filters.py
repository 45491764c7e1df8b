"""FilterSets for cases and subjects, shared by the admin, the API and the dashboards."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from cases.models import Case, CaseSubject, Subject
from recovery.filters import CountryMultipleFilter, IdFilter, IdsFilter, SyncFilterSet
from recovery.models import CrimeCategory, Unit


class CaseFilterSet(SyncFilterSet):
    search_fields = ("register_number", "title", "description", "criminal_code_articles")

    status = django_filters.MultipleChoiceFilter(distinct=False, choices=Case.Status.choices, label=_("Status"))
    unit = IdsFilter(queryset=Unit.objects.all(), label=_("Unit"))
    crime_category = IdsFilter(
        queryset=CrimeCategory.objects.all(), method="filter_crime_category", label=_("Crime category")
    )
    country = CountryMultipleFilter(method="filter_country", label=_("Requests sent to"))
    lead_investigator = IdFilter(field_name="lead_investigator_id", label=_("Lead investigator"))
    opened_on = django_filters.DateFromToRangeFilter(label=_("Opened on"))

    class Meta:
        model = Case
        fields = []

    @extend_schema_field(OpenApiTypes.INT)  # documents the parameter's type for the schema
    def filter_crime_category(self, queryset, name, value):
        if not value:
            return queryset
        # Primary or other category; the M2M is a subquery so no row is repeated.
        other = Case.other_crime_categories.through.objects.filter(crimecategory__in=value).values("case_id")
        return queryset.filter(Q(primary_crime_category__in=value) | Q(pk__in=other))

    @extend_schema_field(OpenApiTypes.STR)  # documents the parameter's type for the schema
    def filter_country(self, queryset, name, value):
        if not value:
            return queryset
        from mla_requests.models import Request

        return queryset.filter(Exists(Request.objects.filter(case=OuterRef("pk"), country__in=value)))


class SubjectFilterSet(SyncFilterSet):
    search_fields = ("name_latin", "name_cyrillic", "iin_bin", "passport_number", "foreign_registration_number")

    kind = django_filters.ChoiceFilter(choices=Subject.Kind.choices, label=_("Kind"))
    nationality = CountryMultipleFilter(label=_("Nationality"))
    case = IdFilter(method="filter_case", label=_("Case"))

    class Meta:
        model = Subject
        fields = ["is_pep"]

    def filter_case(self, queryset, name, value):
        return queryset.filter(pk__in=CaseSubject.objects.filter(case_id=value).values("subject_id"))
