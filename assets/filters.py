"""FilterSet for assets, shared by the admin, the API and the dashboards."""

import django_filters
from django.utils.translation import gettext_lazy as _

from assets.models import Asset
from recovery.filters import CountryMultipleFilter, IdFilter, IdsFilter, SyncFilterSet, amount_range
from recovery.models import Unit


class AssetFilterSet(SyncFilterSet):
    search_fields = ("description", "identifier", "holder_name", "institution", "case__register_number")

    country = CountryMultipleFilter(field_name="location_country", label=_("Located in"))
    status = django_filters.MultipleChoiceFilter(distinct=False, choices=Asset.Status.choices, label=_("Status"))
    kind = django_filters.MultipleChoiceFilter(distinct=False, choices=Asset.Kind.choices, label=_("Kind"))
    currency = django_filters.CharFilter(method="filter_currency", label=_("Currency"))
    unit = IdsFilter(field_name="case__unit", queryset=Unit.objects.all(), label=_("Unit"))
    case = IdFilter(field_name="case_id", label=_("Case"))
    holder = IdFilter(field_name="holder_id", label=_("Holder"))
    identified_on = django_filters.DateFromToRangeFilter(label=_("Identified on"))
    estimated_value_min, estimated_value_max = amount_range("estimated_value", _("Estimated value"))
    frozen_amount_min, frozen_amount_max = amount_range("frozen_amount", _("Amount frozen"))
    confiscated_amount_min, confiscated_amount_max = amount_range("confiscated_amount", _("Amount confiscated"))
    returned_amount_min, returned_amount_max = amount_range("returned_amount", _("Amount returned"))

    class Meta:
        model = Asset
        fields = []

    def filter_currency(self, queryset, name, value):
        return queryset.filter(currency=value.strip().upper())
