"""Admin for reference data (units, crime categories, measures, country profiles, legal
instruments with their checklists) and users. Administrators maintain them; everyone reads them
(and picks them through autocomplete)."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin

from recovery import access, admin_autocomplete, selectors
from recovery.admin_base import UrlLookupGate
from recovery.admin_io import ServiceImportExportMixin
from recovery.errors import DomainError
from recovery.models import (
    AssistanceMeasure,
    CountryAuthority,
    CountryProfile,
    CrimeCategory,
    ExchangeRate,
    InstrumentRequirement,
    LegalInstrument,
    RequestChannel,
    Unit,
    User,
)
from recovery.roles import role_names

# The project's admin site speaks the office's language.
admin.site.site_header = _("Asset recovery")
admin.site.site_title = _("Asset recovery")
admin.site.index_title = _("Cases, requests and assets")
# Investigators and supervisors find their desk above the lists (recovery.desk).
admin.site.index_template = "admin/recovery/index.html"
# Autocomplete options that tell records apart (a subject's masked IIN, birth date and cases).
admin_autocomplete.install(admin.site)

TRILINGUAL = ("name_en", "name_ru", "name_kk")


@admin.register(Unit)
class UnitAdmin(UrlLookupGate, ServiceImportExportMixin, ExportMixin, admin.ModelAdmin):
    list_display = ("code", "name", "parent")
    list_select_related = ("parent",)
    search_fields = ("code", *TRILINGUAL)
    autocomplete_fields = ("parent",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "autocomplete":
            # Choosing a case's unit: only the units one may open cases in.
            return queryset.filter(pk__in=access.case_units(request.user).values("pk"))
        return queryset

    @admin.display(description=_("name"), ordering="name_en")
    def name(self, obj):
        return obj.name


@admin.register(CrimeCategory)
class CrimeCategoryAdmin(UrlLookupGate, ServiceImportExportMixin, ExportMixin, admin.ModelAdmin):
    list_display = ("code", "name", "order")
    search_fields = ("code", *TRILINGUAL)
    list_editable = ("order",)

    def get_changelist_form(self, request, **kwargs):
        # The list's order boxes stand in a table row with no <label>: each gets the column's name.
        label = CrimeCategory._meta.get_field("order").verbose_name
        kwargs.setdefault("widgets", {"order": forms.NumberInput(attrs={"aria-label": label})})
        return super().get_changelist_form(request, **kwargs)

    @admin.display(description=_("name"), ordering="name_en")
    def name(self, obj):
        return obj.name


@admin.register(AssistanceMeasure)
class AssistanceMeasureAdmin(UrlLookupGate, ServiceImportExportMixin, ExportMixin, admin.ModelAdmin):
    list_display = ("code", "name", "concerns_assets", "order")
    list_filter = ("concerns_assets",)
    search_fields = ("code", *TRILINGUAL)

    @admin.display(description=_("name"), ordering="name_en")
    def name(self, obj):
        return obj.name


class CountryProfileForm(forms.ModelForm):
    """The profile with its accepted channels ticked from the request channels (stored as a list)."""

    channels_accepted = forms.MultipleChoiceField(
        label=_("channels accepted"),
        choices=RequestChannel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=CountryProfile._meta.get_field("channels_accepted").help_text,
    )

    class Meta:
        model = CountryProfile
        fields = (
            "country",
            "central_authority",
            "channels_accepted",
            "languages",
            "letter_languages",
            "dual_criminality",
            "dual_criminality_notes",
            "expected_response_days",
            "notes",
        )


class CountryAuthorityInline(admin.StackedInline):
    model = CountryAuthority
    extra = 0
    # Authorities publish https sites; a bare domain typed in becomes one.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = (
        ("kind", "order"),
        "name",
        "address",
        ("email", "phone"),
        ("website", "contact_person"),
        "notes",
    )


@admin.register(CountryProfile)
class CountryProfileAdmin(UrlLookupGate, ServiceImportExportMixin, ExportMixin, admin.ModelAdmin):
    form = CountryProfileForm
    list_display = (
        "country_name",
        "country",
        "central_authority",
        "expected_response_days",
        "dual_criminality",
        "treaty_count",
        "page_link",
    )
    list_filter = ("dual_criminality",)
    search_fields = ("country", "central_authority", "authorities__name")
    inlines = (CountryAuthorityInline,)
    fieldsets = (
        (None, {"fields": ("country", "central_authority", "channels_accepted")}),
        (_("Language"), {"fields": ("languages", "letter_languages")}),
        (_("Dual criminality"), {"fields": ("dual_criminality", "dual_criminality_notes")}),
        (_("Deadlines and notes"), {"fields": ("expected_response_days", "notes")}),
    )

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(_treaties=Count("instruments", distinct=True)).order_by("country")

    def get_urls(self):
        return [
            path(
                "<str:country>/page/",
                self.admin_site.admin_view(self.country_page_view),
                name="recovery_countryprofile_page",
            ),
            *super().get_urls(),
        ]

    def country_page_view(self, request, country):
        """The state's page: read-only, for everyone who reads reference data; 404 for a code
        without a profile."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        page = selectors.country_page(request.user, country)
        if page is None:
            raise Http404(_("No country profile for this code."))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Cooperation with %(country)s") % {"country": page["name"]},
            "page": page,
            "may_change": self.has_change_permission(request, page["profile"]),
        }
        return TemplateResponse(request, "admin/recovery/countryprofile/page.html", context)

    @admin.display(description=_("country"), ordering="country")
    def country_name(self, obj):
        return obj.country.name

    @admin.display(description=_("legal instruments"), ordering="_treaties")
    def treaty_count(self, obj):
        return obj._treaties

    @admin.display(description=_("country page"))
    def page_link(self, obj):
        url = reverse("admin:recovery_countryprofile_page", args=[obj.country.code])
        return format_html('<a href="{}">{}</a>', url, _("Open"))


class InstrumentRequirementInline(admin.TabularInline):
    model = InstrumentRequirement
    extra = 0
    fields = ("order", "code", *TRILINGUAL, "mandatory", "citation")


@admin.register(LegalInstrument)
class LegalInstrumentAdmin(UrlLookupGate, ServiceImportExportMixin, ExportMixin, admin.ModelAdmin):
    list_display = ("name", "short_name", "kind", "open_to_all_states", "in_force_on", "expected_response_days")
    list_filter = ("kind", "open_to_all_states", "value_based_confiscation", "requested_party_retains_proceeds")
    search_fields = ("code", "short_name", *TRILINGUAL, "counterpart_countries__country")
    autocomplete_fields = ("counterpart_countries", "measures")
    inlines = (InstrumentRequirementInline,)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "autocomplete" and "country" in request.GET:
            # A request's legal basis, chosen after its requested state (recovery/static/recovery/
            # legal_basis_by_country.js sends it): only the instruments that can bind that state.
            queryset = selectors.instruments_applicable_to(request.GET["country"], queryset)
        return queryset, may_have_duplicates

    fieldsets = (
        (None, {"fields": ("code", "kind", "short_name", *TRILINGUAL, "counterpart_countries", "open_to_all_states")}),
        (_("Dates"), {"fields": ("signed_on", "in_force_on", "ratification_reference")}),
        (_("Scope"), {"fields": ("scope_citation", "measures", "any_other_assistance")}),
        (
            _("Confiscation terms"),
            {
                "fields": (
                    "value_based_confiscation",
                    "requested_party_retains_proceeds",
                    "court_decision_required",
                    "bona_fide_third_parties_protected",
                    "confiscation_citation",
                )
            },
        ),
        (_("Deadlines and notes"), {"fields": ("expected_response_days", "notes")}),
    )

    @admin.display(description=_("name"), ordering="name_en")
    def name(self, obj):
        return obj.name


@admin.register(InstrumentRequirement)
class InstrumentRequirementAdmin(UrlLookupGate, ServiceImportExportMixin, ExportMixin, admin.ModelAdmin):
    list_display = ("instrument", "order", "code", "name_en", "mandatory", "citation")
    list_select_related = ("instrument",)
    list_filter = ("mandatory", ("instrument", admin.RelatedOnlyFieldListFilter))
    search_fields = ("code", *TRILINGUAL, "instrument__code")
    autocomplete_fields = ("instrument",)


@admin.register(User)
class UserAdmin(UrlLookupGate, DjangoUserAdmin):
    list_display = ("username", "last_name", "first_name", "unit", "roles", "preferred_language", "is_active")
    list_select_related = ("unit",)
    list_filter = ("groups", ("unit", admin.RelatedOnlyFieldListFilter), "is_active", "preferred_language")
    search_fields = ("username", "first_name", "last_name", "patronymic", "email")
    autocomplete_fields = ("unit",)
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Office"), {"fields": ("unit", "patronymic", "position", "preferred_language")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Office"), {"fields": ("first_name", "last_name", "email", "unit", "position", "groups")}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=access.readable_users(request.user).values("pk"))
            .prefetch_related("groups")
        )

    # -- who may grant what (recovery.access): the form offers only what the user may change, and
    # its clean() refuses the rest, whatever a crafted POST carries.
    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        hidden = {"is_superuser", "user_permissions"}
        if obj is not None and obj.pk == request.user.pk:
            hidden |= {"groups", "is_staff", "is_active"}
        return [
            (title, {**options, "fields": [f for f in options.get("fields", ()) if f not in hidden]})
            for title, options in fieldsets
        ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = db_field.related_model.objects.filter(
                name__in=access.grantable_roles(request.user)
            ).order_by("name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        actor = request.user

        def clean(form):
            data = form_class.clean(form)
            target = obj
            before = set(target.groups.values_list("name", flat=True)) if target is not None else set()
            after = {g.name for g in data.get("groups", ())} if "groups" in form.fields else before
            changes = {
                name: data.get(name)
                for name in ("is_superuser", "is_staff", "is_active", "user_permissions")
                if name in form.fields and name in form.changed_data
            }
            try:
                access.require_account_change(actor, target, roles_before=before, roles_after=after, changes=changes)
            except DomainError as exc:
                raise ValidationError(str(exc.message)) from None
            return data

        return type(form_class.__name__, (form_class,), {"clean": clean})

    def has_change_permission(self, request, obj=None):
        if obj is not None and not access.may_manage_account(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        # Everyone with a role may look colleagues up (the lead / responsible investigator
        # autocomplete); the list itself stays limited to their units.
        return bool(role_names(request.user)) or super().has_view_permission(request, obj)

    def has_module_permission(self, request):
        return request.user.has_module_perms(self.opts.app_label) and super().has_view_permission(request)

    def has_delete_permission(self, request, obj=None):
        # Accounts are deactivated (the "active" box), never deleted, superusers included: the
        # append-only trails name them (deleting would rewrite the change log's actor column).
        return False

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return ", ".join(sorted(g.name for g in obj.groups.all()))


@admin.register(ExchangeRate)
class ExchangeRateAdmin(UrlLookupGate, admin.ModelAdmin):
    """Rates by date for the dashboards' converted totals (kept by administrators)."""

    list_display = ("date", "currency", "rate")
    list_filter = ("currency",)
    date_hierarchy = "date"
    search_fields = ("currency",)
    ordering = ("-date", "currency")


# --- API tokens (api helper) ---

# API credentials (issue 4): token and idempotency-key admin.
from recovery import admin_tokens  # noqa: E402,F401

# --- The admin pages of installed packages, behind the same URL-lookup gate as the project's.
from recovery.admin_packages import gate_package_admins  # noqa: E402

# --- Security and audit (issue 7): the read-only audit event admin lives with the security code.
from recovery.security import admin as _security_admin  # noqa: F401, E402

gate_package_admins()
