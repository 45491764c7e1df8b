"""FilterSet for assets, shared by the admin, the API and the dashboards."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assets.models import Asset, AssetQuerySet
from recovery.filters import CountryMultipleFilter, IdFilter, IdsFilter, Rule, Rules, SyncFilterSet, amount_range
from recovery.models import Unit

AQ = AssetQuerySet

# The stages of recovery (AssetQuerySet), as the `stage` parameter: the API's and the admin's
# filter, and what the dashboards' funnel counts with and links to (recovery/stats.py).
RULES = Rules(
    {
        "stage": {
            "frozen": Rule(_("Frozen / seized"), lambda today: AQ.frozen_q()),
            "confiscated": Rule(_("Confiscated"), lambda today: AQ.confiscated_q()),
            "returned": Rule(_("Returned"), lambda today: AQ.returned_q()),
            "shared": Rule(_("Shared (our share received)"), lambda today: AQ.shared_q()),
            "released": Rule(_("Released"), lambda today: AQ.released_q()),
            "retained": Rule(_("Retained by the requested state"), lambda today: AQ.retained_abroad_q()),
        },
        # The freeze's expiry abroad (AssetQuerySet.freeze_expiring / freeze_lapsed): what the
        # expiry reminders chase, for the admin list and the API.
        "freeze_expiry": {
            "expiring_30": Rule(_("Freeze expires within 30 days"), lambda today: AQ.freeze_expiring_q(30, today)),
            "expiring_7": Rule(_("Freeze expires within 7 days"), lambda today: AQ.freeze_expiring_q(7, today)),
            "lapsed": Rule(_("Freeze lapsed (expiry passed)"), lambda today: AQ.freeze_lapsed_q(today)),
            "none": Rule(_("Frozen, no expiry recorded"), lambda today: AQ.freeze_expiry_unknown_q()),
        },
    }
)


class AssetFilterSet(SyncFilterSet):
    search_fields = ("description", "identifier", "holder_name", "institution", "case__register_number")

    def filter_q(self, queryset, name, value):
        # Accounts (IBANs) are shown masked to whoever sees a person's identifiers masked, so they
        # are not searched for them either (a match would confirm the number); the identifiers of
        # other assets (VIN, cadastral number) still are.
        from recovery import access
        from recovery.security.masking import ACCOUNT_ASSET_KINDS

        if access.may_search_identifiers(getattr(self.request, "user", None)):
            return super().filter_q(queryset, name, value)
        fields = [field for field in self.search_fields if field != "identifier"]
        for word in value.split()[:10]:
            condition = Q(identifier__icontains=word) & ~Q(kind__in=ACCOUNT_ASSET_KINDS)
            for field in fields:
                condition |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(condition)
        return queryset

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
    shared_amount_min, shared_amount_max = amount_range("shared_amount", _("Our share received"))
    stage = django_filters.ChoiceFilter(choices=RULES.choices("stage"), method=RULES.filter, label=_("Stage reached"))
    freeze_expiry = django_filters.ChoiceFilter(
        choices=RULES.choices("freeze_expiry"), method=RULES.filter, label=_("Freeze expiry")
    )
    freeze_expires_on = django_filters.DateFromToRangeFilter(label=_("Freeze expires on"))

    class Meta:
        model = Asset
        fields = []

    def filter_currency(self, queryset, name, value):
        return queryset.filter(currency=value.strip().upper())
