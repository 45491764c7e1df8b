"""FilterSet for outgoing requests, shared by the admin, the API and the dashboards.

The read rules (pending, overdue, due, answered on time, late...) are RequestQuerySet's
(mla_requests/models.py). The parameters that apply them are declared once here, in RULES: each
choice of `due` and `answer`, and `pending`, `overdue`, `awaiting_acknowledgement`, names the Q of
its rule. The API filters with them; the admin's list filters are built from them
(recovery.filters.filterset_list_filter); the dashboards count with `RULES.q` and link to the admin
list with `RULES.params`, the same entry, so a figure and the list behind it cannot drift apart.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from mla_requests.models import Request, RequestQuerySet
from recovery.filters import CountryMultipleFilter, IdFilter, IdsFilter, Rule, Rules, StrictBooleanFilter, SyncFilterSet
from recovery.models import CrimeCategory, LegalInstrument, Unit

RQ = RequestQuerySet

RULES = Rules(
    {
        "due": {
            "overdue": Rule(_("Overdue"), RQ.overdue_q),
            "today": Rule(_("Due today"), RQ.due_today_q),
            "week": Rule(_("Due within 7 days"), lambda today: RQ.due_within_q(today, 7)),
            "month": Rule(_("Due within 30 days"), lambda today: RQ.due_within_q(today, 30)),
            "upcoming": Rule(_("Not yet due"), lambda today: RQ.due_within_q(today)),
            "none": Rule(_("No deadline"), lambda today: RQ.without_deadline_q()),
        },
        "answer": {
            "answered": Rule(_("Answered"), lambda today: RQ.answered_q()),
            "on_time": Rule(_("Answered by the deadline"), lambda today: RQ.answered_on_time_q()),
            "after_deadline": Rule(_("Answered after the deadline"), lambda today: RQ.answered_late_q()),
            "unanswered": Rule(_("No answer yet"), lambda today: RQ.unanswered_q()),
            "late": Rule(_("Late (answered after the deadline, or no answer and overdue)"), RQ.late_q),
        },
        "pending": {"true": Rule(_("Pending a foreign response"), lambda today: RQ.pending_q())},
        "overdue": {"true": Rule(_("Overdue"), RQ.overdue_q)},
        "awaiting_acknowledgement": {
            "true": Rule(_("Awaiting acknowledgement"), lambda today: RQ.awaiting_acknowledgement_q())
        },
    }
)


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
    # The read rules (RULES above). `due` is also the admin's "response deadline" filter.
    due = django_filters.ChoiceFilter(choices=RULES.choices("due"), method=RULES.filter, label=_("Response deadline"))
    answer = django_filters.ChoiceFilter(choices=RULES.choices("answer"), method=RULES.filter, label=_("Answer"))
    pending = StrictBooleanFilter(method=RULES.filter, label=_("Pending a foreign response"))
    overdue = StrictBooleanFilter(method=RULES.filter, label=_("Overdue"))
    awaiting_acknowledgement = StrictBooleanFilter(method=RULES.filter, label=_("Awaiting acknowledgement"))

    class Meta:
        model = Request
        fields = []
