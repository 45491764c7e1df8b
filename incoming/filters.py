"""FilterSet for incoming requests, shared by the admin, the API and the dashboards.

The read rules (open, overdue, due within N days, answered, refused) are IncomingRequestQuerySet's
(incoming/models.py); RULES names the Q of each, so a dashboard figure, the admin list behind it
and the API select the same rows (as mla_requests/filters.py does for outgoing requests)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from incoming.models import IncomingRequest, IncomingRequestQuerySet
from recovery.filters import CountryMultipleFilter, IdFilter, IdsFilter, Rule, Rules, StrictBooleanFilter, SyncFilterSet
from recovery.models import CrimeCategory, LegalInstrument, Unit

IQ = IncomingRequestQuerySet

RULES = Rules(
    {
        "due": {
            "overdue": Rule(_("Overdue"), IQ.overdue_q),
            "week": Rule(_("Due within 7 days"), lambda today: IQ.due_within_q(today, 7)),
            "month": Rule(_("Due within 30 days"), lambda today: IQ.due_within_q(today, 30)),
            "upcoming": Rule(_("Not yet due"), lambda today: IQ.due_within_q(today)),
        },
        "open": {"true": Rule(_("Open (ours to act on)"), lambda today: IQ.open_q())},
        "overdue": {"true": Rule(_("Overdue"), IQ.overdue_q)},
        "answered": {"true": Rule(_("Answered"), lambda today: IQ.answered_q())},
    }
)


class IncomingRequestFilterSet(SyncFilterSet):
    search_fields = ("reference", "foreign_reference", "requesting_authority", "summary")

    requesting_country = CountryMultipleFilter(label=_("Requesting state"))
    status = django_filters.MultipleChoiceFilter(
        distinct=False, choices=IncomingRequest.Status.choices, label=_("Status")
    )
    crime_category = IdsFilter(queryset=CrimeCategory.objects.all(), label=_("Crime category"))
    legal_basis = IdsFilter(queryset=LegalInstrument.objects.all(), label=_("Legal basis"))
    legal_basis_kind = django_filters.MultipleChoiceFilter(
        field_name="legal_basis__kind",
        distinct=False,
        choices=LegalInstrument.Kind.choices,
        label=_("Kind of legal basis"),
    )
    channel = django_filters.MultipleChoiceFilter(
        distinct=False, choices=IncomingRequest.Channel.choices, label=_("Channel")
    )
    urgency = django_filters.ChoiceFilter(choices=IncomingRequest.Urgency.choices, label=_("Urgency"))
    refusal_ground = django_filters.MultipleChoiceFilter(
        distinct=False, choices=IncomingRequest.RefusalGround.choices, label=_("Refusal ground")
    )
    unit = IdsFilter(queryset=Unit.objects.all(), label=_("Executing unit"))
    executor = IdFilter(field_name="executor_id", label=_("Executor"))
    received_on = django_filters.DateFromToRangeFilter(label=_("Received on"))
    execution_due = django_filters.DateFromToRangeFilter(label=_("Execution deadline"))
    due = django_filters.ChoiceFilter(choices=RULES.choices("due"), method=RULES.filter, label=_("Execution deadline"))
    open = StrictBooleanFilter(method=RULES.filter, label=_("Open (ours to act on)"))
    overdue = StrictBooleanFilter(method=RULES.filter, label=_("Overdue"))
    answered = StrictBooleanFilter(method=RULES.filter, label=_("Answered"))

    class Meta:
        model = IncomingRequest
        fields = []
