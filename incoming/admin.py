"""Admin for incoming requests: the list the executing units work from (with the execution deadline
and what is overdue), the request page with its timeline, and the forms that move it along its
workflow (register, assign, execute, postpone, ask for more, answer). Every write goes through
incoming/services.py, which checks access itself; the pages only offer what the user may do."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incoming.filters import IncomingRequestFilterSet
from incoming.models import IncomingRequest, IncomingRequestStatusChange
from incoming.services import (
    EDITABLE_FIELDS,
    FIXED_IN_EXECUTION,
    incoming_assign,
    incoming_receive,
    incoming_set_execution_due,
    incoming_transition,
    incoming_update,
)
from recovery import access
from recovery.admin_base import (
    ReadOnlyAdminMixin,
    ReferenceListFilter,
    ScopedAdminMixin,
    ServiceModelAdmin,
    VersionedModelForm,
    VisibleCountryFilter,
    country_html,
    days_left_html,
)
from recovery.admin_transitions import TransitionAdminMixin, TransitionForm, TransitionSpec
from recovery.filters import filterset_list_filter

S = IncomingRequest.Status

# The read rules' filters are the FilterSet's: one definition of open, overdue and due for the
# admin list, the API and the dashboards' links to this list.
StatusFilter = filterset_list_filter(IncomingRequestFilterSet, "status")
DueFilter = filterset_list_filter(IncomingRequestFilterSet, "due")
OpenFilter = filterset_list_filter(IncomingRequestFilterSet, "open")
AnsweredFilter = filterset_list_filter(IncomingRequestFilterSet, "answered")
RefusalGroundFilter = filterset_list_filter(IncomingRequestFilterSet, "refusal_ground")
ChannelFilter = filterset_list_filter(IncomingRequestFilterSet, "channel")
UrgencyFilter = filterset_list_filter(IncomingRequestFilterSet, "urgency")
# Yes/No beside `due=overdue` would say the same twice; the dashboards link with `overdue=`.
OverdueFilter = filterset_list_filter(IncomingRequestFilterSet, "overdue", shown=False)

# Statuses in which the executor can be named or changed (incoming_assign).
ASSIGNABLE = (S.REGISTERED, S.ASSIGNED, S.IN_EXECUTION, S.POSTPONED, S.INFO_REQUESTED, S.PARTIALLY_EXECUTED)
# Steps whose reason is the timeline's note (the service refuses them without one).
REASON_REQUIRED = (S.POSTPONED, S.INFO_REQUESTED, S.RETURNED)
# Fixed at receipt: incoming_update does not change them.
FIXED_AT_RECEIPT = ("requesting_country", "received_on", "unit")
STATUS_FIELDS = (
    "reference",
    "status",
    "executor",
    "execution_due",
    "execution_due_source",
    "registered_on",
    "assigned_on",
    "answered_on",
    "closed_on",
    "refusal_ground",
    "refusal_article",
    "refusal_explanation",
)


class IncomingRequestForm(VersionedModelForm):
    # The service states the reason of each date rule ("cannot be dated after it was received");
    # the database constraints behind them would only say "Constraint ... is violated" first.
    DATE_RULE_FIELDS = frozenset({"received_on", "foreign_dated_on", "requested_due"})

    def _get_validation_exclusions(self):
        return super()._get_validation_exclusions() | self.DATE_RULE_FIELDS


class RequestingCountryFilter(VisibleCountryFilter):
    """The requesting states of the rows the user sees, under the FilterSet's parameter name."""

    title = _("requesting state")
    parameter_name = "requesting_country"
    field_name = "requesting_country"


class IncomingTransitionForm(TransitionForm):
    """The transition form with the refusal's structured ground, article and explanation."""

    def make_extra_field(self, name: str) -> forms.Field:
        if name == "refusal_ground":
            return forms.ChoiceField(
                label=_("refusal ground"),
                choices=[("", "---------"), *IncomingRequest.RefusalGround.choices],
                help_text=_("The ground the legal basis allows the refusal on."),
            )
        if name == "refusal_article":
            return forms.CharField(
                label=_("article of the legal basis"),
                required=False,
                max_length=128,
                help_text=_("For example “Art. 3(1)(b)”."),
            )
        if name == "refusal_explanation":
            return forms.CharField(
                label=_("refusal explained"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
                help_text=_("Required when the ground is “Other ground”."),
            )
        return super().make_extra_field(name)


class AssignForm(forms.Form):
    """Naming the executor: an active colleague of the executing unit or one of its sub-units."""

    executor = forms.ModelChoiceField(label=_("executor"), queryset=None)
    effective_on = forms.DateField(label=_("effective on"), widget=AdminDateWidget, required=False)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, obj=None, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["effective_on"].initial = timezone.localdate()
        units = access.unit_and_descendant_ids(obj.unit_id)
        self.fields["executor"].queryset = (
            access.nameable_users(actor).filter(unit_id__in=units).order_by("last_name", "first_name", "username")
        )
        self.fields["executor"].initial = obj.executor_id
        self.fields["expected_version"].initial = obj.version


class ExecutionDeadlineForm(forms.Form):
    execution_due = forms.DateField(label=_("new execution deadline"), widget=AdminDateWidget)
    reason = forms.CharField(
        label=_("reason"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("For example the extension agreed with the requesting state, with its letter."),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, **kwargs)
        if obj is not None:
            self.fields["execution_due"].initial = obj.execution_due
            self.fields["expected_version"].initial = obj.version


@admin.register(IncomingRequest)
class IncomingRequestAdmin(TransitionAdminMixin, ServiceModelAdmin):
    form = IncomingRequestForm
    list_display = (
        "reference",
        "requesting_country_display",
        "requesting_authority",
        "received_on",
        "status",
        "unit",
        "executor",
        "deadline",
        "urgency",
    )
    list_select_related = ("unit", "executor")
    list_filter = (
        StatusFilter,
        DueFilter,
        OpenFilter,
        AnsweredFilter,
        OverdueFilter,
        RequestingCountryFilter,
        RefusalGroundFilter,
        ChannelFilter,
        UrgencyFilter,
        ("legal_basis", ReferenceListFilter),
        ("crime_category", ReferenceListFilter),
        ("unit", ReferenceListFilter),
        ("executor", ReferenceListFilter),
    )
    search_fields = (
        "reference",
        "foreign_reference",
        "requesting_authority",
        "subjects__name_latin",
        "subjects__name_cyrillic",
        "subjects__iin_bin",
    )
    search_help_text = _("Registration number, their reference, requesting authority, person's name or IIN/BIN")
    autocomplete_fields = ("legal_basis", "crime_category", "subjects")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "reference",
                    ("requesting_country", "requesting_authority"),
                    ("foreign_reference", "foreign_dated_on"),
                    "received_on",
                    "channel",
                    "legal_basis",
                    "crime_category",
                    "measures",
                    "subjects",
                    "summary",
                    "urgency",
                    "unit",
                    "requested_due",
                )
            },
        ),
        (
            _("Execution"),
            {
                "fields": (
                    "status",
                    "executor",
                    ("execution_due", "execution_due_source"),
                    ("registered_on", "assigned_on", "answered_on", "closed_on"),
                    ("refusal_ground", "refusal_article"),
                    "refusal_explanation",
                )
            },
        ),
    )
    service_fields = frozenset(EDITABLE_FIELDS)
    timeline_title = _("Timeline of the request")
    transitions = {
        S.REGISTERED: TransitionSpec(_("Register")),
        S.IN_EXECUTION: TransitionSpec(_("Start execution")),
        S.POSTPONED: TransitionSpec(_("Postpone")),
        S.INFO_REQUESTED: TransitionSpec(_("Ask the requesting state for more information")),
        S.PARTIALLY_EXECUTED: TransitionSpec(_("Record partial execution")),
        S.EXECUTED: TransitionSpec(_("Record execution")),
        S.REFUSED: TransitionSpec(
            _("Refuse"), ("refusal_ground", "refusal_article", "refusal_explanation"), style="danger"
        ),
        S.RETURNED: TransitionSpec(_("Return without execution"), style="danger"),
        S.WITHDRAWN: TransitionSpec(_("Record withdrawal by the requesting state"), style="danger"),
    }

    # -- forms
    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "measures":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            # Requests are received only for units one works in (the service checks it too).
            kwargs["queryset"] = access.case_units(request.user).order_by("code")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        measures = form_class.base_fields.get("measures")
        if measures is not None:
            measures.help_text = _("Only the measures the legal basis covers can be received under it.")
        return form_class

    def get_readonly_fields(self, request, obj=None):
        fields = list(STATUS_FIELDS)
        if obj is None:
            return fields
        fields.extend(FIXED_AT_RECEIPT)
        if obj.status in IncomingRequest.CLOSED_STATUSES:
            fields.extend(sorted(EDITABLE_FIELDS))  # a closed request is no longer edited
        elif obj.status not in (S.RECEIVED, S.REGISTERED):
            fields.extend(sorted(FIXED_IN_EXECUTION))  # what was asked for is what is executed
        return fields

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("received_on", timezone.localdate())
        if request.user.unit_id:
            initial.setdefault("unit", request.user.unit_id)
        return initial

    # -- columns
    @admin.display(description=_("requesting state"), ordering="requesting_country")
    def requesting_country_display(self, obj):
        return country_html(obj.requesting_country)

    @admin.display(description=_("execution deadline"), ordering="execution_due")
    def deadline(self, obj):
        return days_left_html(obj.execution_due, obj.is_open)

    # -- services
    def service_create(self, request, data):
        return incoming_receive(
            actor=request.user,
            unit=data["unit"],
            requesting_country=str(data["requesting_country"]),
            requesting_authority=data["requesting_authority"],
            legal_basis=data["legal_basis"],
            crime_category=data["crime_category"],
            measures=list(data.get("measures") or []),
            received_on=data["received_on"],
            foreign_reference=data.get("foreign_reference", ""),
            foreign_dated_on=data.get("foreign_dated_on"),
            channel=data.get("channel") or IncomingRequest.Channel.CENTRAL_AUTHORITY,
            urgency=data.get("urgency") or IncomingRequest.Urgency.NORMAL,
            summary=data.get("summary", ""),
            subjects=list(data.get("subjects") or []),
            requested_due=data.get("requested_due"),
        )

    def service_update(self, request, obj, changes, expected_version):
        for name in ("measures", "subjects"):
            if name in changes:
                changes[name] = list(changes[name])
        return incoming_update(incoming=obj, actor=request.user, expected_version=expected_version, **changes)

    # -- assignment and the deadline: forms that call a service without a plain status move
    def get_urls(self):
        return [
            path(
                "<path:object_id>/assign/",
                self.admin_site.admin_view(self.assign_view),
                name="incoming_incomingrequest_assign",
            ),
            path(
                "<path:object_id>/deadline/",
                self.admin_site.admin_view(self.deadline_view),
                name="incoming_incomingrequest_deadline",
            ),
            *super().get_urls(),
        ]

    def may_assign(self, request, obj) -> bool:
        return self.has_change_permission(request, obj) and access.may_assign_incoming(request.user, obj)

    def assign_view(self, request, object_id):
        actor = request.user

        class Form(AssignForm):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, actor=actor, **kwargs)

        def perform(http_request, obj, data):
            incoming_assign(
                incoming=obj,
                actor=http_request.user,
                executor=data["executor"],
                effective_on=data.get("effective_on"),
                note=data.get("note", ""),
                expected_version=data.get("expected_version"),
            )

        response = self.service_action_view(
            request, object_id, form_class=Form, perform=perform, title=_("Assign"), permission=self.may_assign
        )
        obj = getattr(response, "context_data", {}).get("original")
        if request.method == "GET" and obj is not None and obj.status not in ASSIGNABLE:
            messages.warning(
                request,
                _("An executor is named once the request is registered, and until it is closed (now: %(status)s).")
                % {"status": obj.get_status_display()},
            )
        return response

    def deadline_view(self, request, object_id):
        def perform(http_request, obj, data):
            incoming_set_execution_due(
                incoming=obj,
                actor=http_request.user,
                execution_due=data["execution_due"],
                reason=data["reason"],
                expected_version=data.get("expected_version"),
            )

        return self.service_action_view(
            request,
            object_id,
            form_class=ExecutionDeadlineForm,
            perform=perform,
            title=_("Move the execution deadline"),
        )

    def transition_buttons(self, request, obj):
        buttons = super().transition_buttons(request, obj)
        if obj is not None and obj.status in ASSIGNABLE and self.may_assign(request, obj):
            url = reverse("admin:incoming_incomingrequest_assign", args=[obj.pk], current_app=self.admin_site.name)
            label = _("Assign") if obj.status == S.REGISTERED else _("Change the executor")
            # Assignment is the step after registration: its button comes first.
            buttons.insert(0, {"to_status": S.ASSIGNED, "label": label, "url": url, "style": "default"})
        return buttons

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if (
            obj is not None
            and obj.status not in IncomingRequest.CLOSED_STATUSES
            and self.has_change_permission(request, obj)
        ):
            url = reverse("admin:incoming_incomingrequest_deadline", args=[obj.pk], current_app=self.admin_site.name)
            context.setdefault("extra_links", []).append({"label": _("Move the execution deadline"), "url": url})
        return super().render_change_form(request, context, add, change, form_url, obj)

    # -- transitions
    def get_transition_form(self, request, obj, to_status, spec, data=None):
        form = IncomingTransitionForm(data, obj=obj, extra_fields=spec.fields)
        if to_status in REASON_REQUIRED:
            form.fields["note"].required = True
            form.fields["note"].label = _("reason")
            form.fields["note"].help_text = _("Kept on the timeline; the requesting state is told it.")
        return form

    def perform_transition(self, request, obj, to_status, data):
        incoming_transition(
            incoming=obj,
            to_status=to_status,
            actor=request.user,
            effective_on=data["effective_on"],
            note=data.get("note", ""),
            document_reference=data.get("document_reference", ""),
            refusal_ground=data.get("refusal_ground", ""),
            refusal_article=data.get("refusal_article", ""),
            refusal_explanation=data.get("refusal_explanation", ""),
            expected_version=data.get("expected_version"),
        )


@admin.register(IncomingRequestStatusChange)
class IncomingRequestStatusChangeAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("incoming_request", "from_status", "to_status", "effective_on", "actor_name", "document_reference")
    list_select_related = ("incoming_request",)
    list_filter = ("to_status",)
    search_fields = ("incoming_request__reference", "note", "document_reference")
    date_hierarchy = "effective_on"
