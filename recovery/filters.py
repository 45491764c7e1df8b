"""django-filter FilterSets shared by the admin, the API and the dashboards: the common base
(free-text `q`, `updated_after` for synchronisation) and the reference data's filters."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from recovery.models import AssistanceMeasure, CountryProfile, CrimeCategory, LegalInstrument, Unit


def country_choices():
    return list(countries)


class CountryMultipleFilter(django_filters.MultipleChoiceFilter):
    """Several ISO 3166 codes: ?country=CH&country=AE (upper-cased before validation)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", country_choices)
        super().__init__(*args, **kwargs)


class SearchFilterSet(django_filters.FilterSet):
    """`q`: every word must appear in one of `search_fields` (case-insensitive)."""

    search_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))

    def filter_q(self, queryset, name, value):
        for word in value.split()[:10]:
            condition = Q()
            for field in self.search_fields:
                condition |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(condition)
        return queryset


class SyncFilterSet(SearchFilterSet):
    """Adds `updated_after` (ISO 8601 timestamp): the records changed since a client's last sync."""

    updated_after = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gt", label=_("Updated after (ISO 8601)")
    )


class UnitFilterSet(SearchFilterSet):
    search_fields = ("code", "name_en", "name_ru", "name_kk")
    parent = django_filters.ModelChoiceFilter(queryset=Unit.objects.all())

    class Meta:
        model = Unit
        fields = ["parent"]


class CrimeCategoryFilterSet(SearchFilterSet):
    search_fields = ("code", "name_en", "name_ru", "name_kk")

    class Meta:
        model = CrimeCategory
        fields = []


class AssistanceMeasureFilterSet(SearchFilterSet):
    search_fields = ("code", "name_en", "name_ru", "name_kk")

    class Meta:
        model = AssistanceMeasure
        fields = ["concerns_assets"]


class CountryProfileFilterSet(SearchFilterSet):
    search_fields = ("country", "central_authority", "notes")
    country = CountryMultipleFilter(label=_("Country"))

    class Meta:
        model = CountryProfile
        fields = []


class LegalInstrumentFilterSet(SearchFilterSet):
    search_fields = ("code", "short_name", "name_en", "name_ru", "name_kk")
    kind = django_filters.MultipleChoiceFilter(choices=LegalInstrument.Kind.choices, label=_("Kind"))
    country = django_filters.ChoiceFilter(
        choices=country_choices, method="filter_country", label=_("Applies to country")
    )
    measure = django_filters.ModelChoiceFilter(
        queryset=AssistanceMeasure.objects.all(), method="filter_measure", label=_("Allows measure")
    )

    class Meta:
        model = LegalInstrument
        fields = ["open_to_all_states"]

    def filter_country(self, queryset, name, value):
        bound = LegalInstrument.counterpart_countries.through.objects.filter(countryprofile__country=value)
        return queryset.filter(Q(open_to_all_states=True) | Q(pk__in=bound.values("legalinstrument_id")))

    def filter_measure(self, queryset, name, value):
        allowed = LegalInstrument.measures.through.objects.filter(assistancemeasure=value)
        return queryset.filter(Q(any_other_assistance=True) | Q(pk__in=allowed.values("legalinstrument_id")))
