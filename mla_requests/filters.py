"""FilterSet for outgoing requests, shared by the admin, the API and the dashboards."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mla_requests.models import Request
from recovery.filters import CountryMultipleFilter, IdFilter, IdsFilter, StrictBooleanFilter, SyncFilterSet
from recovery.models import CrimeCategory, LegalInstrument, Unit


class RequestFilterSet(SyncFilterSet):
    search_fields = ("reference", "foreign_reference", "summary", "case__register_number")

    country = CountryMultipleFilter(label=_("Requested state"))
    status = django_filters.MultipleChoiceFilter(distinct=False, choices=Request.Status.choices, label=_("Status"))
    crime_category = IdsFilter(queryset=CrimeCategory.objects.all(), label=_("Crime category"))
    legal_basis = IdsFilter(queryset=LegalInstrument.objects.all(), label=_("Legal basis"))
    legal_basis_kind = django_filters.MultipleChoiceFilter(
        field_name="legal_basis__kind",
        distinct=False,
        choices=LegalInstrument.Kind.choices,
        label=_("Kind of legal basis"),
    )
    channel = django_filters.MultipleChoiceFilter(distinct=False, choices=Request.Channel.choices, label=_("Channel"))
    urgency = django_filters.ChoiceFilter(choices=Request.Urgency.choices, label=_("Urgency"))
    unit = IdsFilter(field_name="case__unit", queryset=Unit.objects.all(), label=_("Unit"))
    case = IdFilter(field_name="case_id", label=_("Case"))
    responsible_investigator = IdFilter(field_name="responsible_investigator_id", label=_("Responsible investigator"))
    sent_on = django_filters.DateFromToRangeFilter(label=_("Sent on"))
    response_due = django_filters.DateFromToRangeFilter(label=_("Response due"))
    overdue = StrictBooleanFilter(method="filter_overdue", label=_("Overdue"))

    class Meta:
        model = Request
        fields = []

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = {"status__in": Request.PENDING_STATUSES, "response_due__lt": timezone.localdate()}
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)
