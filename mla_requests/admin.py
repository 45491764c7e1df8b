"""Admin for outgoing requests: the list investigators chase deadlines from, the request page with
its checklist and timeline, and the transition forms (send, acknowledgement, execution...)."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget
from django.db import transaction
from django.db.models import Q
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from import_export import fields
from import_export.admin import ExportMixin

from cases.models import Case
from documents.admin import RequestDocumentInline, add_document_link, document_links
from mla_requests import case_file
from mla_requests.filters import RequestFilterSet
from mla_requests.models import ChecklistAnswer, FollowUp, Request, RequestStatusChange
from mla_requests.services import (
    REQUEST_DRAFT_FIELDS,
    applicable_requirements,
    follow_up_create,
    measures_refused,
    request_answer_checklist,
    request_create,
    request_send,
    request_send_supplementary,
    request_set_response_due,
    request_transition,
    request_update,
)
from recovery import access, selectors
from recovery.admin_base import (
    ReadOnlyAdminMixin,
    ReferenceListFilter,
    ScopedAdminMixin,
    ServiceModelAdmin,
    VersionedModelForm,
    VisibleCountryFilter,
    back_to_case,
    country_html,
    days_left_html,
)
from recovery.admin_io import FormulaSafeResource, ServiceImportExportMixin
from recovery.admin_transitions import TransitionAdminMixin, TransitionSpec
from recovery.filters import filterset_list_filter
from recovery.models import LegalInstrument
from recovery.paginators import EstimatedCountAdminMixin

S = Request.Status

# The read rules' filters are the FilterSet's (the API's `due`, `answer`...): one definition of
# overdue, pending, late for the admin list, the API and the dashboards' links to this list.
ResponseDueFilter = filterset_list_filter(RequestFilterSet, "due")
PendingFilter = filterset_list_filter(RequestFilterSet, "pending")
AwaitingAcknowledgementFilter = filterset_list_filter(RequestFilterSet, "awaiting_acknowledgement")
AnswerFilter = filterset_list_filter(RequestFilterSet, "answer")
# Yes/No beside `due=overdue` would say the same twice; the dashboards link with `overdue=false`.
OverdueFilter = filterset_list_filter(RequestFilterSet, "overdue", shown=False)

# What a sent request may no longer change (request_update refuses it); shown read-only.
FIXED_ONCE_SENT = ("country", "legal_basis", "crime_category", "channel", "measures", "catch_all_note")
# The translation the requested state needs and what the legal basis requires in the case file.
SENDING_FIELDS = ("translation_to_provide", "documents_to_attach")


class RequestExportResource(FormulaSafeResource):
    case = fields.Field(attribute="case__register_number", column_name="case")
    country = fields.Field(column_name="country")
    legal_basis = fields.Field(attribute="legal_basis__code", column_name="legal_basis")
    crime_category = fields.Field(attribute="crime_category__code", column_name="crime_category")
    responsible_investigator = fields.Field(
        attribute="responsible_investigator__username", column_name="responsible_investigator"
    )

    class Meta:
        model = Request
        fields = (
            "reference",
            "foreign_reference",
            "case",
            "country",
            "legal_basis",
            "channel",
            "crime_category",
            "urgency",
            "status",
            "sent_on",
            "acknowledged_on",
            "answered_on",
            "closed_on",
            "response_due",
            "responsible_investigator",
        )
        export_order = fields

    def dehydrate_country(self, obj):
        return obj.country.code


class RequestAdminForm(VersionedModelForm):
    """The request form, with the reason to draft under a legal basis whose offence scope does not
    cover the crime category (request_create / request_update keep it on the timeline)."""

    override_reason = forms.CharField(
        label=_("override reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_(
            "Only if the crime category is outside the offences the legal basis covers (e.g. UNTOC: organised "
            "crime; the 1988 Vienna Convention: drug trafficking): why it applies anyway. Kept on the timeline."
        ),
    )

    class Media:
        js = ("admin/js/jquery.init.js", "recovery/legal_basis_by_country.js")

    def clean(self):
        data = super().clean()
        country = data.get("country")
        code = str(getattr(country, "code", country) or "").upper()
        if "country" in self.fields and code == settings.HOME_COUNTRY:
            self.add_error("country", _("The home state cannot be the requested state: choose a foreign state."))
            return data
        legal_basis = data.get("legal_basis")
        if code and legal_basis is not None and not legal_basis.applies_to(code):
            # request_create refuses it too; said here next to the field, with what would apply.
            self.add_error(
                "legal_basis",
                _(
                    "%(instrument)s cannot be the legal basis of a request to %(country)s: choose its bilateral "
                    "treaty, a convention it is a party to, reciprocity or a network it belongs to."
                )
                % {"instrument": legal_basis, "country": getattr(country, "name", code)},
            )
        return data


class DeadlineForm(forms.Form):
    response_due = forms.DateField(label=_("new response deadline"), widget=AdminDateWidget)
    reason = forms.CharField(
        label=_("reason"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("For example the extension the requested state asked for, with its letter."),
    )

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, **kwargs)
        if obj is not None:
            self.fields["response_due"].initial = obj.response_due


class LetterForm(forms.Form):
    """What the investigator chooses when the service writes the letter from the record."""

    language = forms.ChoiceField(
        label=_("language"), choices=[("en", _("English")), ("ru", _("Russian")), ("kk", _("Kazakh"))]
    )
    purpose = forms.ChoiceField(
        label=_("letter"),
        choices=[("request", _("Request letter")), ("supplementary", _("Supplementary letter"))],
        help_text=_("A supplementary letter answers the requested state's request for more information."),
    )
    answer = forms.CharField(
        label=_("information supplied"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        help_text=_("For a supplementary letter: the answer to what the requested state asked."),
    )
    urgency_reason = forms.CharField(
        label=_("reason for urgency"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_("For an urgent request: why it is urgent (the letter must say so)."),
    )
    force = forms.BooleanField(
        label=_("write a draft marked incomplete anyway"),
        required=False,
        help_text=_("The letter then lists, at its top, what is still missing."),
    )

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, **kwargs)
        if obj is not None and obj.status == Request.Status.INFO_REQUESTED:
            self.fields["purpose"].initial = "supplementary"


def _case_documents(obj):
    """The documents of the request's case, for the forms that attach one (the service refuses a
    document of another request)."""
    from documents.models import Document

    return Document.objects.filter(case_id=obj.case_id).order_by("-created_at", "-pk")


class FollowUpForm(forms.Form):
    """Record a chaser sent to the requested state (mla_requests.services.follow_up_create)."""

    sent_on = forms.DateField(label=_("sent on"), widget=AdminDateWidget)
    channel = forms.ChoiceField(label=_("channel"), choices=FollowUp.Channel.choices)
    document = forms.ModelChoiceField(
        label=_("document"),
        queryset=FollowUp.objects.none(),
        required=False,
        help_text=_("The chaser letter in the case file, if there is one."),
    )
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sent_on"].initial = timezone.localdate()
        if obj is not None:
            self.fields["document"].queryset = _case_documents(obj)


class SupplementaryForm(forms.Form):
    """Record that the additional information asked for was sent (request_send_supplementary)."""

    sent_on = forms.DateField(label=_("sent on"), widget=AdminDateWidget)
    documents = forms.ModelMultipleChoiceField(
        label=_("documents sent"),
        queryset=FollowUp.objects.none(),
        required=False,
        help_text=_("The supplementary letter and its annexes, from the case file; they are linked to the request."),
    )
    document_reference = forms.CharField(label=_("document reference"), required=False, max_length=255)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sent_on"].initial = timezone.localdate()
        if obj is not None:
            self.fields["documents"].queryset = _case_documents(obj)
            self.fields["expected_version"].initial = obj.version


class FollowUpInline(admin.TabularInline):
    """The chasers sent about the request, newest first; recorded with "Record a chaser"."""

    model = FollowUp
    extra = 0
    fields = ("sent_on", "channel", "document_link", "note", "created_by", "created_at")
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("chasers sent")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("document", "created_by")

    @admin.display(description=_("document"))
    def document_link(self, obj):
        if obj.document_id is None:
            return "—"
        url = reverse("admin:documents_document_change", args=[obj.document_id])
        return format_html('<a href="{}">{}</a>', url, obj.document)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ChecklistAnswerInline(admin.TabularInline):
    """The legal basis's required contents and whether the request provides them (answered in the
    send form, fixed once sent)."""

    model = ChecklistAnswer
    extra = 0
    fields = ("requirement", "mandatory", "satisfied", "note", "provided_by")
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("checklist of the legal basis")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("requirement").prefetch_related("documents")

    @admin.display(description=_("mandatory"), boolean=True)
    def mandatory(self, obj):
        return obj.requirement.mandatory

    @admin.display(description=_("provided by document"))
    def provided_by(self, obj):
        return document_links(obj.documents.all())

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Request)
class RequestAdmin(
    EstimatedCountAdminMixin, ServiceImportExportMixin, ExportMixin, TransitionAdminMixin, ServiceModelAdmin
):
    resource_classes = [RequestExportResource]
    naming_fields = ("responsible_investigator",)
    list_display = (
        "reference",
        "case_link",
        "country_display",
        "legal_basis",
        "channel",
        "status",
        "deadline",
        "responsible_investigator",
        "sent_on",
        "urgency",
    )
    list_select_related = ("case", "legal_basis", "responsible_investigator", "crime_category")
    list_filter = (
        "status",
        ResponseDueFilter,
        PendingFilter,
        AwaitingAcknowledgementFilter,
        AnswerFilter,
        OverdueFilter,
        VisibleCountryFilter,
        ("crime_category", ReferenceListFilter),
        ("legal_basis", ReferenceListFilter),
        "channel",
        "urgency",
        ("case__unit", ReferenceListFilter),
        ("responsible_investigator", ReferenceListFilter),
    )
    search_fields = (
        "reference",
        "foreign_reference",
        "case__register_number",
        "case__title",
        "subjects__name_latin",
        "subjects__name_cyrillic",
        "subjects__iin_bin",
        "assets__identifier",
    )
    search_help_text = _("Reference, foreign reference, case register number, subject name or IIN/BIN, asset")
    autocomplete_fields = ("case", "legal_basis", "crime_category", "responsible_investigator", "subjects", "assets")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "case",
                    "reference",
                    "country",
                    "legal_basis",
                    "channel",
                    "crime_category",
                    "override_reason",
                    "measures",
                    "catch_all_note",
                    "subjects",
                    "assets",
                    "summary",
                    "urgency",
                    "responsible_investigator",
                    "foreign_reference",
                )
            },
        ),
        (
            _("Status and deadline"),
            {
                "fields": (
                    "status",
                    ("sent_on", "acknowledged_on", "answered_on", "closed_on"),
                    ("response_due", "response_due_set_manually"),
                    ("supplementary_due", "last_chaser_on"),
                    "refusal_grounds",
                )
            },
        ),
    )
    inlines = (ChecklistAnswerInline, FollowUpInline, RequestDocumentInline)
    form = RequestAdminForm
    service_fields = frozenset({*REQUEST_DRAFT_FIELDS, "override_reason"})
    transitions = {
        S.SENT: TransitionSpec(_("Send request"), ("response_due", "override_reason")),
        S.ACKNOWLEDGED: TransitionSpec(_("Record acknowledgement"), ("foreign_reference",)),
        S.INFO_REQUESTED: TransitionSpec(_("Record information requested")),
        S.PARTIALLY_EXECUTED: TransitionSpec(_("Record partial execution")),
        S.EXECUTED: TransitionSpec(_("Record execution")),
        S.REFUSED: TransitionSpec(_("Record refusal"), ("refusal_grounds",), style="danger"),
        S.WITHDRAWN: TransitionSpec(_("Withdraw"), style="danger"),
    }

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "measures":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        country = form_class.base_fields.get("country")
        if country is not None:
            # A request goes to a foreign state: the home state is not offered (and refused).
            country.choices = [(code, name) for code, name in country.choices if code != settings.HOME_COUNTRY]
        measures = form_class.base_fields.get("measures")
        if measures is not None:
            measures.help_text = _("Only the measures the legal basis covers can be sent.")
            if obj is not None and not obj.legal_basis.any_other_assistance:
                # Limit the choice to the instrument's scope (plus what the draft already names).
                scope = obj.legal_basis.measures.all() | obj.measures.all()
                measures.queryset = scope.distinct()
        return form_class

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None and obj.status != S.DRAFT:
            # Nothing left to override once sent: the terms stay as sent.
            name, options = fieldsets[0]
            fieldsets[0] = (name, {**options, "fields": [f for f in options["fields"] if f != "override_reason"]})
        if obj is not None:
            fieldsets.insert(1, (_("Requested state"), {"fields": ("requested_state_profile",)}))
            fieldsets.append((_("Case file before sending"), {"fields": SENDING_FIELDS}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        fields = [
            "reference",
            "status",
            "sent_on",
            "acknowledged_on",
            "answered_on",
            "closed_on",
            "response_due",
            "response_due_set_manually",
            "supplementary_due",
            "last_chaser_on",
            "refusal_grounds",
        ]
        if obj is not None:
            fields.extend(["case", "requested_state_profile", *SENDING_FIELDS])
            if obj.status != S.DRAFT:
                fields.extend(FIXED_ONCE_SENT)
        return fields

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("responsible_investigator", request.user.pk)
        case_id = str(request.GET.get("case", ""))
        if case_id.isdigit() and "crime_category" not in initial:
            # Opened from a case's page: the request is about the case's offence unless changed.
            case = access.writable(request.user, Case.objects.filter(pk=int(case_id))).first()
            if case is not None:
                initial["crime_category"] = case.primary_crime_category_id
        return initial

    def response_add(self, request, obj, post_url_continue=None):
        # Opened from a case's page ("Add a request"): back to that case.
        return back_to_case(request, super().response_add(request, obj, post_url_continue), obj.case_id)

    # -- columns
    @admin.display(description=_("case"), ordering="case__register_number")
    def case_link(self, obj):
        url = reverse("admin:cases_case_change", args=[obj.case_id])
        return format_html('<a href="{}">{}</a>', url, obj.case.register_number)

    @admin.display(description=_("requested state"), ordering="country")
    def country_display(self, obj):
        return country_html(obj.country)

    @admin.display(description=_("response due"), ordering="response_due")
    def deadline(self, obj):
        return days_left_html(obj.response_due, obj.is_pending)

    # -- the requested state's profile (recovery.selectors)
    @admin.display(description=_("country profile"))
    def requested_state_profile(self, obj):
        summary = selectors.profile_summary(selectors.profile_of(obj.country), obj.channel)
        if summary is None:
            return _("No country profile for %(country)s: the channel, language and authority are not recorded.") % {
                "country": obj.country.name
            }
        not_recorded = _("not recorded")
        channels = ", ".join(summary["channels"]) or _("not recorded (any channel)")
        rows = [
            (_("Central authority"), summary["central_authority"] or not_recorded),
            (_("Channels accepted"), channels),
            (_("Language required"), summary["languages"] or not_recorded),
            (_("Dual criminality"), summary["dual_criminality"]),
        ]
        if summary["dual_criminality_notes"]:
            rows.append((_("Dual criminality: notes"), summary["dual_criminality_notes"]))
        warning = ""
        if not summary["channel_accepted"]:
            warning = format_html(
                '<p class="errornote" id="channel-not-accepted">{}</p>',
                _("%(country)s does not list “%(channel)s” among the channels it accepts: sending needs a reason.")
                % {"country": obj.country.name, "channel": obj.get_channel_display()},
            )
        url = reverse("admin:recovery_countryprofile_page", args=[obj.country.code])
        return format_html(
            '<div id="requested-state-profile">{}<table>{}</table><p><a href="{}">{}</a></p></div>',
            warning,
            format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows),
            url,
            _("The country page: authorities, contacts and legal instruments"),
        )

    # -- the case file before sending (mla_requests/case_file.py)
    def _sending(self, obj) -> dict:
        # Both fields of one page read it once.
        cached = getattr(obj, "_sending_documents", None)
        if cached is None:
            cached = obj._sending_documents = case_file.sending_documents_of(obj)
        return cached

    @admin.display(description=_("translation"))
    def translation_to_provide(self, obj):
        language = self._sending(obj)["translation_required"]
        if language is None:
            return _("Not needed: the requested state accepts the letter's language.")
        return _("Translation to be provided: %(language)s") % {"language": language}

    @admin.display(description=_("to attach before sending"))
    def documents_to_attach(self, obj):
        if obj.status != S.DRAFT:
            return "—"
        missing = self._sending(obj)["documents_missing_before_sending"]
        if not missing:
            return _("Nothing: what the legal basis requires is in the case file.")
        return "; ".join(missing)

    # -- services
    def service_create(self, request, data):
        return request_create(
            actor=request.user,
            case=data["case"],
            country=str(data["country"]),
            legal_basis=data["legal_basis"],
            crime_category=data["crime_category"],
            measures=list(data.get("measures") or []),
            responsible_investigator=data.get("responsible_investigator"),
            channel=data.get("channel") or None,
            subjects=list(data.get("subjects") or []),
            assets=list(data.get("assets") or []),
            summary=data.get("summary", ""),
            urgency=data.get("urgency") or Request.Urgency.NORMAL,
            foreign_reference=data.get("foreign_reference", ""),
            catch_all_note=data.get("catch_all_note", ""),
            override_reason=data.get("override_reason", ""),
        )

    def service_update(self, request, obj, changes, expected_version):
        for name in ("measures", "subjects", "assets"):
            if name in changes:
                changes[name] = list(changes[name])
        if "country" in changes:
            changes["country"] = str(changes["country"])
        return request_update(request=obj, actor=request.user, expected_version=expected_version, **changes)

    # -- moving the deadline (an extension agreed with the requested state)
    def get_urls(self):
        return [
            path(
                "<path:object_id>/deadline/",
                self.admin_site.admin_view(self.deadline_view),
                name="requests_request_deadline",
            ),
            path(
                "<path:object_id>/letter/",
                self.admin_site.admin_view(self.letter_view),
                name="requests_request_letter",
            ),
            path(
                "<path:object_id>/follow-up/",
                self.admin_site.admin_view(self.follow_up_view),
                name="requests_request_follow_up",
            ),
            path(
                "<path:object_id>/supplementary/",
                self.admin_site.admin_view(self.supplementary_view),
                name="requests_request_supplementary",
            ),
            *super().get_urls(),
        ]

    def deadline_view(self, request, object_id):
        def perform(http_request, obj, data):
            request_set_response_due(
                request=obj, actor=http_request.user, response_due=data["response_due"], reason=data["reason"]
            )

        return self.service_action_view(
            request, object_id, form_class=DeadlineForm, perform=perform, title=_("Move the response deadline")
        )

    def follow_up_view(self, request, object_id):
        def perform(http_request, obj, data):
            follow_up_create(
                request=obj,
                actor=http_request.user,
                sent_on=data["sent_on"],
                channel=data["channel"],
                document=data.get("document"),
                note=data.get("note", ""),
            )

        return self.service_action_view(
            request, object_id, form_class=FollowUpForm, perform=perform, title=_("Record a chaser")
        )

    def supplementary_view(self, request, object_id):
        def perform(http_request, obj, data):
            request_send_supplementary(
                request=obj,
                actor=http_request.user,
                sent_on=data["sent_on"],
                documents=list(data.get("documents") or []),
                note=data.get("note", ""),
                document_reference=data.get("document_reference", ""),
                expected_version=data.get("expected_version"),
            )

        return self.service_action_view(
            request,
            object_id,
            form_class=SupplementaryForm,
            perform=perform,
            title=_("Supplementary information sent"),
        )

    def letter_view(self, request, object_id):
        def perform(http_request, obj, data):
            from documents.letters import generate_letter

            result = generate_letter(
                actor=http_request.user,
                request=obj,
                language=data["language"],
                purpose=data["purpose"],
                force=data["force"],
                answer=data["answer"],
                urgency_reason=data["urgency_reason"],
            )
            titles = ", ".join(str(document) for document in result.documents.values())
            if result.marked_draft:
                messages.warning(
                    http_request,
                    _("Written as a draft marked incomplete: %(titles)s. Missing: %(gaps)s")
                    % {"titles": titles, "gaps": " ".join(result.gaps)},
                )
            else:
                messages.success(http_request, _("Letter written: %(titles)s.") % {"titles": titles})

        return self.service_action_view(
            request, object_id, form_class=LetterForm, perform=perform, title=_("Write the letter from the record")
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.sent_on and not obj.closed_on and self.has_change_permission(request, obj):
            url = reverse("admin:requests_request_deadline", args=[obj.pk])
            context["extra_links"] = [{"label": _("Move the response deadline"), "url": url}]
        if obj is not None and not obj.closed_on and self.has_change_permission(request, obj):
            url = reverse("admin:requests_request_letter", args=[obj.pk])
            context.setdefault("extra_links", []).append({"label": _("Write the letter from the record"), "url": url})
        if obj is not None and self.has_change_permission(request, obj):
            if obj.status == S.INFO_REQUESTED:
                url = reverse("admin:requests_request_supplementary", args=[obj.pk])
                context.setdefault("extra_links", []).append({"label": _("Supplementary information sent"), "url": url})
            if obj.sent_on and not obj.closed_on:
                url = reverse("admin:requests_request_follow_up", args=[obj.pk])
                context.setdefault("extra_links", []).append({"label": _("Record a chaser"), "url": url})
        if obj is not None:
            document_link = add_document_link(request, case=obj.case, request=obj, back="request")
            if document_link:
                context.setdefault("extra_links", []).append(document_link)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # -- transitions
    def get_transition_form(self, request, obj, to_status, spec, data=None):
        form = super().get_transition_form(request, obj, to_status, spec, data)
        if to_status == S.INFO_REQUESTED:
            form.fields["supplementary_due"] = forms.DateField(
                label=_("additional information due"),
                required=False,
                widget=AdminDateWidget,
                help_text=_("Our deadline to send it. Empty: %(days)s days after the effective date.")
                % {"days": settings.SUPPLEMENTARY_INFO_DAYS},
            )
        if to_status == S.SENT and "override_reason" in form.fields:
            profile = selectors.profile_of(obj.country)
            if profile is not None and not profile.accepts_channel(obj.channel):
                field = form.fields["override_reason"]
                field.help_text = format_html(
                    "{} {}",
                    _("%(country)s accepts requests only through: %(channels)s; this one goes through “%(channel)s”.")
                    % {
                        "country": obj.country.name,
                        "channels": ", ".join(profile.channels_accepted_labels()),
                        "channel": obj.get_channel_display(),
                    },
                    field.help_text,
                )
            missing = case_file.sending_documents_of(obj)["documents_missing_before_sending"]
            if missing:
                field = form.fields["override_reason"]
                field.help_text = format_html(
                    "{} {}",
                    _("Not yet in the case file, required by the legal basis before sending: %(documents)s.")
                    % {"documents": "; ".join(missing)},
                    field.help_text,
                )
        if to_status == S.SENT:
            answers = {a.requirement_id: a for a in obj.checklist.all()}
            for requirement in applicable_requirements(obj.legal_basis, obj.measures.all()):
                answer = answers.get(requirement.pk)
                hint = _("mandatory") if requirement.mandatory else _("where available")
                citation = f" — {requirement.citation}" if requirement.citation else ""
                form.fields[f"req_{requirement.pk}"] = forms.BooleanField(
                    label=requirement.name,
                    required=False,
                    initial=bool(answer and answer.satisfied),
                    help_text=f"{hint}{citation}",
                )
                form.fields[f"req_{requirement.pk}_note"] = forms.CharField(
                    label=_("where it is provided / note"),
                    required=False,
                    max_length=255,
                    initial=answer.note if answer else "",
                )
        return form

    def transition_context(self, request, obj, to_status, form):
        if to_status != S.SENT:
            return {}
        instrument = obj.legal_basis
        chosen = list(obj.measures.all())
        outside = {m.pk for m in measures_refused(instrument, chosen)}
        context = {
            "send_measures": [{"measure": m, "in_scope": m.pk not in outside} for m in chosen],
            "legal_basis": instrument,
            "checklist_fields": [form[name] for name in form.fields if name.startswith("req_")],
        }
        bilateral = LegalInstrument.objects.filter(
            kind=LegalInstrument.Kind.BILATERAL_TREATY, counterpart_countries__country=obj.country
        )
        if not bilateral.exists():
            context["treaty_warning"] = _(
                "%(country)s has no bilateral mutual legal assistance treaty with us. A request can rest on a "
                "multilateral convention both states are party to, or on reciprocity."
            ) % {"country": obj.country.name}
            formal = [LegalInstrument.Kind.MULTILATERAL_CONVENTION, LegalInstrument.Kind.AGREEMENT]
            context["alternatives"] = list(
                LegalInstrument.objects.filter(
                    Q(kind__in=[*formal, LegalInstrument.Kind.RECIPROCITY], open_to_all_states=True)
                    | Q(kind__in=formal, counterpart_countries__country=obj.country)
                ).distinct()
            )
        return context

    def perform_transition(self, request, obj, to_status, data):
        common = {
            "actor": request.user,
            "note": data.get("note", ""),
            "document_reference": data.get("document_reference", ""),
            "expected_version": data.get("expected_version"),
        }
        if to_status == S.SENT:
            answers = {}
            for name, value in data.items():
                if name.startswith("req_") and not name.endswith("_note"):
                    pk = name[len("req_") :]
                    answers[pk] = (bool(value), data.get(f"{name}_note", ""))
            # The checklist answers and the sending stand or fall together.
            with transaction.atomic():
                if answers:
                    request_answer_checklist(request=obj, actor=request.user, answers=answers)
                request_send(
                    request=obj,
                    sent_on=data["effective_on"],
                    response_due=data.get("response_due"),
                    override_reason=data.get("override_reason", ""),
                    **common,
                )
            return
        request_transition(
            request=obj,
            to_status=to_status,
            effective_on=data["effective_on"],
            refusal_grounds=data.get("refusal_grounds", ""),
            foreign_reference=data.get("foreign_reference", ""),
            supplementary_due=data.get("supplementary_due"),
            **common,
        )


@admin.register(RequestStatusChange)
class RequestStatusChangeAdmin(
    ServiceImportExportMixin, ExportMixin, ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin
):
    list_display = ("request", "from_status", "to_status", "effective_on", "actor_name", "document_reference")
    list_select_related = ("request",)
    list_filter = ("to_status",)
    search_fields = ("request__reference", "note", "document_reference")
    date_hierarchy = "effective_on"


@admin.register(ChecklistAnswer)
class ChecklistAnswerAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("request", "requirement", "satisfied", "note")
    list_select_related = ("request", "requirement")
    search_fields = ("request__reference",)

    def has_module_permission(self, request):
        return False  # shown on the request page


# Reminder policy, holidays, the delivery log and notifications (issue 5) register themselves.
from mla_requests import reminder_admin  # noqa: E402, F401
