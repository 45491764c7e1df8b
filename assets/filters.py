"""FilterSet for assets, shared by the admin, the API and the dashboards."""

import django_filters
from django.utils.translation import gettext_lazy as _

from assets.models import Asset
from recovery.filters import CountryMultipleFilter, SyncFilterSet
from recovery.models import Unit


class AssetFilterSet(SyncFilterSet):
    search_fields = ("description", "identifier", "holder_name", "institution", "case__register_number")

    country = CountryMultipleFilter(field_name="location_country", label=_("Located in"))
    status = django_filters.MultipleChoiceFilter(choices=Asset.Status.choices, label=_("Status"))
    kind = django_filters.MultipleChoiceFilter(choices=Asset.Kind.choices, label=_("Kind"))
    currency = django_filters.CharFilter(method="filter_currency", label=_("Currency"))
    unit = django_filters.ModelMultipleChoiceFilter(
        field_name="case__unit", queryset=Unit.objects.all(), label=_("Unit")
    )
    case = django_filters.NumberFilter(field_name="case_id", label=_("Case"))
    holder = django_filters.NumberFilter(field_name="holder_id", label=_("Holder"))
    identified_on = django_filters.DateFromToRangeFilter(label=_("Identified on"))
    estimated_value = django_filters.RangeFilter(label=_("Estimated value"))
    frozen_amount = django_filters.RangeFilter(label=_("Amount frozen"))
    confiscated_amount = django_filters.RangeFilter(label=_("Amount confiscated"))
    returned_amount = django_filters.RangeFilter(label=_("Amount returned"))

    class Meta:
        model = Asset
        fields = []

    def filter_currency(self, queryset, name, value):
        return queryset.filter(currency=value.strip().upper())
