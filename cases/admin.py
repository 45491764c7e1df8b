"""Admin for cases, subjects and their roles: the case page is the investigator's desk."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin, ImportExportMixin

from assets.models import Asset
from cases.admin_io import CaseResource, SubjectResource
from cases.models import Case, CaseStatusChange, CaseSubject, Subject
from cases.selectors import case_desk_timeline, subject_picker_details, subject_search_rank, visible_namesakes
from cases.services import (
    CASE_EDITABLE_FIELDS,
    case_add_subject,
    case_create,
    case_transition,
    case_update,
    subject_record,
    subject_update,
)
from documents.admin import CaseDocumentInline, add_document_link
from mla_requests.models import Request, RequestQuerySet
from recovery import access
from recovery.admin_base import (
    NationalityFilter,
    ReadOnlyAdminMixin,
    ReferenceListFilter,
    ScopedAdminMixin,
    ServiceModelAdmin,
    VersionedModelForm,
    back_to_case,
    timeline_rows_for,
)
from recovery.admin_io import ServiceImportExportMixin
from recovery.admin_transitions import TransitionAdminMixin, TransitionSpec
from recovery.paginators import EstimatedCountAdminMixin
from recovery.security.admin import PersonalDataAdminMixin, export_case_bundle
from recovery.security.masking import IDENTIFIER_FIELDS, mask_value


def _count_of(model, *conditions, **filters):
    rows = (
        model.objects.filter(*conditions, case=OuterRef("pk"), **filters)
        .order_by()
        .values("case")
        .annotate(n=Count("pk"))
    )
    return Coalesce(Subquery(rows.values("n"), output_field=IntegerField()), 0)


class CaseSubjectInline(ScopedAdminMixin, admin.TabularInline):
    """Subjects and their roles. New roles are added through case_add_subject; recorded roles stay."""

    model = CaseSubject
    extra = 0
    fields = ("subject", "role", "note")
    autocomplete_fields = ("subject",)
    verbose_name = _("subject and role")
    verbose_name_plural = _("subjects and their roles")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("subject")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and obj is not None


class CaseRequestInline(admin.TabularInline):
    """The case's outgoing requests, read here, changed on their own page."""

    model = Request
    extra = 0
    fields = ("reference", "country", "legal_basis", "status", "response_due", "responsible_investigator")
    readonly_fields = fields
    show_change_link = True
    can_delete = False
    verbose_name_plural = _("outgoing requests")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("legal_basis", "responsible_investigator")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CaseAssetInline(admin.TabularInline):
    model = Asset
    extra = 0
    fields = ("kind", "description", "identifier", "location_country", "status", "currency", "confiscated_amount")
    readonly_fields = (*fields, "masked_identifier")
    show_change_link = True
    can_delete = False
    verbose_name_plural = _("assets")

    def get_fields(self, request, obj=None):
        # Accounts (IBANs) masked as a person's identifiers are, for whoever sees those masked here.
        if obj is not None and not access.sees_full_identifiers(request.user, case=obj):
            return tuple("masked_identifier" if name == "identifier" else name for name in self.fields)
        return self.fields

    @admin.display(description=_("identifier"))
    def masked_identifier(self, asset):
        from recovery.security.masking import is_account, mask_account

        return mask_account(asset.identifier) if is_account(asset) else asset.identifier

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(
    EstimatedCountAdminMixin, ServiceImportExportMixin, ImportExportMixin, TransitionAdminMixin, ServiceModelAdmin
):
    resource_classes = [CaseResource]
    naming_fields = ("lead_investigator", "team")
    # A case with everything in it, for a court or another agency; each export is audited.
    actions = [export_case_bundle]
    list_display = (
        "register_number",
        "title",
        "unit",
        "lead_investigator",
        "primary_crime_category",
        "status",
        "opened_on",
        "damage",
        "request_count",
        "overdue_count",
        "asset_count",
    )
    list_display_links = ("register_number", "title")
    list_select_related = ("unit", "lead_investigator", "primary_crime_category")
    list_filter = (
        "status",
        ("unit", ReferenceListFilter),
        ("primary_crime_category", ReferenceListFilter),
        ("lead_investigator", ReferenceListFilter),
    )
    search_fields = (
        "register_number",
        "title",
        "criminal_code_articles",
        "subject_roles__subject__name_latin",
        "subject_roles__subject__name_cyrillic",
        "subject_roles__subject__iin_bin",
        "requests__reference",
        "requests__foreign_reference",
        "assets__identifier",
    )
    search_help_text = _("Register number, title, subject name (Latin or Cyrillic), IIN/BIN, request reference, asset")
    autocomplete_fields = ("unit", "lead_investigator", "team", "primary_crime_category", "other_crime_categories")
    readonly_fields = ("status", "closed_on")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "register_number",
                    "title",
                    "description",
                    ("unit", "lead_investigator"),
                    "team",
                    "primary_crime_category",
                    "other_crime_categories",
                    "criminal_code_articles",
                    "estimated_damage",
                    "opened_on",
                )
            },
        ),
        (_("Status"), {"fields": ("status", "closed_on")}),
    )
    inlines = (CaseSubjectInline, CaseRequestInline, CaseAssetInline, CaseDocumentInline)
    service_fields = frozenset(CASE_EDITABLE_FIELDS | {"team", "other_crime_categories"})
    timeline_title = _("Timeline of the case, its requests and its assets")
    transitions = {
        Case.Status.SUSPENDED: TransitionSpec(_("Suspend the case")),
        Case.Status.IN_COURT: TransitionSpec(_("Refer to court")),
        Case.Status.OPEN: TransitionSpec(_("Reopen / resume the investigation")),
        Case.Status.CLOSED: TransitionSpec(_("Close the case"), style="danger"),
    }

    def get_queryset(self, request):
        overdue = _count_of(Request, RequestQuerySet.overdue_q(timezone.localdate()))
        return (
            super()
            .get_queryset(request)
            .annotate(_request_count=_count_of(Request), _overdue_count=overdue, _asset_count=_count_of(Asset))
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("register_number")  # the national register's number never changes
        return fields

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if request.user.unit_id:
            initial.setdefault("unit", request.user.unit_id)
        initial.setdefault("lead_investigator", request.user.pk)
        return initial

    @admin.display(description=_("estimated damage"), ordering="estimated_damage")
    def damage(self, obj):
        return obj.estimated_damage if obj.estimated_damage is not None else "—"

    @admin.display(description=_("requests"), ordering="_request_count")
    def request_count(self, obj):
        return obj._request_count

    @admin.display(description=_("overdue requests"), ordering="_overdue_count")
    def overdue_count(self, obj):
        if not obj._overdue_count:
            return "—"
        return format_html('<strong style="color:#ba2121">{}</strong>', obj._overdue_count)

    @admin.display(description=_("assets"), ordering="_asset_count")
    def asset_count(self, obj):
        return obj._asset_count

    # -- services
    def service_create(self, request, data):
        return case_create(
            actor=request.user,
            register_number=data["register_number"],
            title=data["title"],
            description=data.get("description", ""),
            unit=data["unit"],
            lead_investigator=data["lead_investigator"],
            primary_crime_category=data["primary_crime_category"],
            other_crime_categories=list(data.get("other_crime_categories") or []),
            team=list(data.get("team") or []),
            criminal_code_articles=data.get("criminal_code_articles", ""),
            estimated_damage=data.get("estimated_damage"),
            opened_on=data["opened_on"],
        )

    def service_update(self, request, obj, changes, expected_version):
        for name in ("team", "other_crime_categories"):
            if name in changes:
                changes[name] = list(changes[name])
        return case_update(case=obj, actor=request.user, expected_version=expected_version, **changes)

    def save_formset(self, request, form, formset, change):
        if formset.model is CaseSubject:
            # The admin's change message reads these; recorded roles are never changed or deleted.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            for subform in formset.forms:
                if subform.instance.pk or not subform.has_changed() or not subform.cleaned_data:
                    continue
                role = case_add_subject(
                    case=form.instance,
                    subject=subform.cleaned_data["subject"],
                    role=subform.cleaned_data["role"],
                    note=subform.cleaned_data.get("note", ""),
                    actor=request.user,
                )
                formset.new_objects.append(role)
            return
        super().save_formset(request, form, formset, change)

    def perform_transition(self, request, obj, to_status, data):
        case_transition(
            case=obj,
            to_status=to_status,
            actor=request.user,
            effective_on=data["effective_on"],
            note=data.get("note", ""),
            document_reference=data.get("document_reference", ""),
            expected_version=data.get("expected_version"),
        )

    # -- the desk
    def timeline_rows(self, obj):
        rows = []
        for record, entry in case_desk_timeline(obj):
            if record is obj:
                rows += timeline_rows_for(obj, [entry], label=str(_("Case")))
            else:
                info = record._meta
                url = reverse(f"admin:{info.app_label}_{info.model_name}_change", args=[record.pk])
                rows += timeline_rows_for(record, [entry], label=str(record), url=url)
        return rows

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and self.has_change_permission(request, obj):
            context["extra_links"] = [
                {"label": _("Add a request"), "url": reverse("admin:requests_request_add") + f"?case={obj.pk}"},
                {"label": _("Add an asset"), "url": reverse("admin:assets_asset_add") + f"?case={obj.pk}"},
                {"label": _("Add a subject"), "url": reverse("admin:cases_subject_add") + f"?case={obj.pk}"},
            ]
            document_link = add_document_link(request, case=obj, back="case")
            if document_link:
                context["extra_links"].append(document_link)
        return super().render_change_form(request, context, add, change, form_url, obj)


class SubjectForm(VersionedModelForm):
    case = forms.ModelChoiceField(
        label=_("case"),
        queryset=Case.objects.none(),
        required=False,
        help_text=_("The case this person or company appears in."),
    )
    role = forms.ChoiceField(
        label=_("role in the case"), choices=[("", "---------"), *CaseSubject.Role.choices], required=False
    )

    class Meta:
        model = Subject
        fields = "__all__"

    def _get_validation_exclusions(self):
        # The IIN/BIN's format and uniqueness are the services' to judge: the model's own check of
        # the unique constraint would answer "already exists" for another unit's subject.
        return {*super()._get_validation_exclusions(), "iin_bin"}

    def clean(self):
        data = super().clean()
        if self.instance.pk is None and "case" in self.fields:
            if data.get("case") and not data.get("role"):
                self.add_error("role", _("Give the subject's role in the case."))
            user = getattr(self.admin_request, "user", None)
            if not data.get("case") and user is not None and not access.reads_everything(user):
                # Without a case the new subject would be invisible to its own author.
                self.add_error("case", _("Choose the case this subject appears in."))
        return data


@admin.register(Subject)
class SubjectAdmin(PersonalDataAdminMixin, ServiceImportExportMixin, ImportExportMixin, ServiceModelAdmin):
    # PersonalDataAdminMixin: each view of a person's page is audited; identifiers masked in lists.
    resource_classes = [SubjectResource]
    form = SubjectForm
    list_display = ("__str__", "name_cyrillic", "kind", "iin_bin", "nationality", "is_pep", "case_count")
    list_filter = ("kind", "is_pep", NationalityFilter)
    search_fields = ("name_latin", "name_cyrillic", "iin_bin", "passport_number", "foreign_registration_number")
    search_help_text = _("Name in Latin or Cyrillic, IIN/BIN, passport or registration number")
    # A person by their number, in the address, for whoever sees identifiers in full (refused to
    # the others, as the search is: recovery.admin_base.UrlLookupGate).
    url_lookups = tuple((field, {"exact", "startswith"}) for field in IDENTIFIER_FIELDS)
    service_fields = frozenset(
        {
            "kind",
            "name_latin",
            "name_cyrillic",
            "birth_date",
            "iin_bin",
            "passport_number",
            "foreign_registration_number",
            "nationality",
            "is_pep",
            "notes",
        }
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "kind",
                    ("name_latin", "name_cyrillic"),
                    "birth_date",
                    "iin_bin",
                    ("passport_number", "foreign_registration_number"),
                    "nationality",
                    "is_pep",
                    "notes",
                )
            },
        ),
    )

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is None:
            fieldsets.append((_("Case"), {"fields": ("case", "role")}))
        elif not self.has_change_permission(request, obj) and not access.sees_full_identifiers(
            request.user, subject=obj
        ):
            # Shown with the identifiers masked: the birth date too, as an IIN begins with it.
            fieldsets = [
                (
                    title,
                    {**options, "fields": ["masked_birth_date" if f == "birth_date" else f for f in options["fields"]]},
                )
                for title, options in fieldsets
            ]
        return fieldsets

    @admin.display(description=_("date of birth / registration"))
    def masked_birth_date(self, obj):
        return BIRTH_DATE_MASK if obj.birth_date else "—"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if "case" in form_class.base_fields:
            form_class.base_fields["case"].queryset = Case.objects.writable_by(request.user).order_by("register_number")
        return form_class

    def get_queryset(self, request):
        # An aggregate drops Meta.ordering: keep the list (and autocomplete pages) in name order.
        return (
            super()
            .get_queryset(request)
            .annotate(_case_count=Count("case_roles__case", distinct=True))
            .order_by("name_latin", "name_cyrillic", "pk")
        )

    @admin.display(description=_("cases"), ordering="_case_count")
    def case_count(self, obj):
        return obj._case_count

    # -- the subject picker (autocomplete): what tells two namesakes apart
    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            # The surname typed ("Bekov") before names merely containing it ("Dzhaksybekov").
            rank = subject_search_rank(search_term, by_identifier=access.may_search_identifiers(request.user))
            queryset = queryset.annotate(_rank=rank).order_by("_rank", "name_latin", "name_cyrillic", "pk")
        return queryset, may_have_duplicates

    def autocomplete_prepare(self, request, objects):
        return subject_picker_details(request.user, [obj.pk for obj in objects])

    def autocomplete_result(self, request, obj, result, prepared):
        details = (prepared or {}).get(obj.pk, {"full": False, "cases": []})
        result["text"] = subject_option_text(obj, full=details["full"], cases=details["cases"])
        return result

    def save_model(self, request, obj, form, change):
        namesakes = []
        if not change:
            data = form.cleaned_data
            # Compared before the save: only subjects the user could already see are named.
            namesakes = list(
                visible_namesakes(
                    request.user,
                    name_latin=data.get("name_latin", ""),
                    name_cyrillic=data.get("name_cyrillic", ""),
                    iin_bin=data.get("iin_bin", ""),
                )[:5]
            )
        super().save_model(request, obj, form, change)
        namesakes = [subject for subject in namesakes if subject.pk != obj.pk]
        if namesakes:
            details = subject_picker_details(request.user, [subject.pk for subject in namesakes])
            links = format_html_join(
                "; ",
                '<a href="{}">{}</a>',
                (
                    (
                        reverse("admin:cases_subject_change", args=[subject.pk]),
                        subject_option_text(subject, **details[subject.pk]),
                    )
                    for subject in namesakes
                ),
            )
            messages.warning(
                request,
                format_html(
                    "{} {}",
                    _(
                        "A subject with the same name or IIN/BIN is already recorded: check that this is not "
                        "the same person or company (if it is, give that record the role in the case instead)."
                    ),
                    links,
                ),
            )

    def response_add(self, request, obj, post_url_continue=None):
        # Opened from a case's page ("Add a subject"): back to that case.
        response = super().response_add(request, obj, post_url_continue)
        case = getattr(request, "_subject_case", None)
        return back_to_case(request, response, getattr(case, "pk", None))

    def service_create(self, request, data):
        request._subject_case = data.get("case")  # where "Save" returns to (response_add)
        fields = {name: data[name] for name in self.service_fields if name in data}
        # What the user typed, when an existing record was matched (subject_record): the
        # confirmation names what they entered, not another unit's record.
        return subject_record(actor=request.user, case=data.get("case"), role=data.get("role"), **fields).shown

    def service_update(self, request, obj, changes, expected_version):
        return subject_update(subject=obj, actor=request.user, expected_version=expected_version, **changes)


@admin.register(CaseSubject)
class CaseSubjectAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("subject", "role", "case")
    list_select_related = ("subject", "case")
    list_filter = ("role",)
    search_fields = ("subject__name_latin", "subject__name_cyrillic", "subject__iin_bin", "case__register_number")

    def has_module_permission(self, request):
        return False  # reached from the case and subject pages


@admin.register(CaseStatusChange)
class CaseStatusChangeAdmin(
    ServiceImportExportMixin, ExportMixin, ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin
):
    list_display = ("case", "from_status", "to_status", "effective_on", "actor_name", "document_reference")
    list_select_related = ("case",)
    list_filter = ("to_status",)
    search_fields = ("case__register_number", "note", "document_reference")
    date_hierarchy = "effective_on"


def subject_option_text(subject, *, full: bool, cases) -> str:
    """'Bekov Arman (Бекова Арман) · IIN/BIN •••••••••123 · born ••.••.•••• · cases: 2415…, 2499…'.

    The birth date is masked with the identifier: an IIN begins with it (YYMMDD)."""
    parts = [str(subject)]
    if subject.name_latin and subject.name_cyrillic:
        parts[0] = f"{subject.name_latin} ({subject.name_cyrillic})"
    if subject.iin_bin:
        iin = subject.iin_bin if full else mask_value(subject.iin_bin)
        parts.append(_("IIN/BIN %(iin)s") % {"iin": iin})
    if subject.birth_date:
        born = date_format(subject.birth_date, "SHORT_DATE_FORMAT") if full else BIRTH_DATE_MASK
        parts.append(_("born %(date)s") % {"date": born})
    if cases:
        parts.append(_("cases: %(cases)s") % {"cases": ", ".join(cases)})
    return " · ".join(str(part) for part in parts)


BIRTH_DATE_MASK = "••.••.••••"


def case_link(case):
    url = reverse("admin:cases_case_change", args=[case.pk])
    return format_html('<a href="{}">{}</a>', url, case.register_number)
