"""Admin for assets abroad: amounts with their currency, the freeze-confiscate-return transitions,
court decisions and third-party claims."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import ValidationError
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from djmoney.money import Money
from import_export import fields, widgets
from import_export.admin import ExportMixin, ImportExportMixin

from assets.filters import AssetFilterSet
from assets.models import Asset, AssetStatusChange, CourtDecision, ThirdPartyClaim
from assets.services import (
    ASSET_EDITABLE_FIELDS,
    asset_create,
    asset_transition,
    asset_update,
    claim_create,
    claim_decide,
    court_decision_create,
)
from cases.models import Case
from documents.admin import AssetDocumentInline, add_document_link, incoming_request_link
from recovery import access
from recovery.admin_base import (
    CurrencyFilter,
    LocationCountryFilter,
    ReadOnlyAdminMixin,
    ReferenceListFilter,
    ScopedAdminMixin,
    ServiceModelAdmin,
    country_html,
)
from recovery.admin_io import ScopedLookupWidget, ServiceImportExportMixin, ServiceResource
from recovery.admin_transitions import ServiceActionMixin, TransitionAdminMixin, TransitionSpec
from recovery.filters import filterset_list_filter
from recovery.paginators import EstimatedCountAdminMixin

S = Asset.Status
# The stage an asset has reached (frozen, confiscated, returned...): the FilterSet's `stage`, the
# API's filter and what the dashboards' funnel links to.
StageFilter = filterset_list_filter(AssetFilterSet, "stage")


class AssetResource(ServiceResource):
    case = fields.Field(attribute="case", column_name="case", widget=ScopedLookupWidget(Case, "register_number"))
    location_country = fields.Field(attribute="location_country", column_name="location_country")
    identified_on = fields.Field(
        attribute="identified_on", column_name="identified_on", widget=widgets.DateWidget("%Y-%m-%d")
    )
    estimated_value = fields.Field(attribute="estimated_value", column_name="estimated_value")
    status = fields.Field(attribute="status", column_name="status", readonly=True)
    frozen_amount = fields.Field(attribute="frozen_amount", column_name="frozen_amount", readonly=True)
    confiscated_amount = fields.Field(attribute="confiscated_amount", column_name="confiscated_amount", readonly=True)
    returned_amount = fields.Field(attribute="returned_amount", column_name="returned_amount", readonly=True)

    class Meta:
        model = Asset
        fields = (
            "case",
            "kind",
            "description",
            "identifier",
            "location_country",
            "institution",
            "holder_name",
            "currency",
            "estimated_value",
            "identified_on",
            "status",
            "frozen_amount",
            "confiscated_amount",
            "returned_amount",
        )
        import_id_fields = ("identifier",)
        skip_html_diff = True

    def dehydrate_location_country(self, asset):
        return asset.location_country.code

    def create_through_service(self, instance, row, user):
        if not instance.case_id:
            raise ValidationError({"case": _("Give the register number of the asset's case.")})
        country = getattr(instance.location_country, "code", instance.location_country)
        value = row.get("estimated_value")
        value = None if value in (None, "") else str(value).strip()
        return asset_create(
            actor=user,
            case=instance.case,
            kind=str(instance.kind or "").strip(),
            description=str(instance.description or ""),
            location_country=str(country or ""),
            identified_on=instance.identified_on,
            currency=str(row.get("currency") or "").strip(),
            estimated_value=value,
            identifier=str(instance.identifier or ""),
            institution=str(instance.institution or ""),
            holder_name=str(instance.holder_name or ""),
        )


class CourtDecisionInline(ScopedAdminMixin, admin.TabularInline):
    """Decisions are recorded (court_decision_create), never edited afterwards."""

    model = CourtDecision
    extra = 0
    fields = ("kind", "court", "country", "decided_on", "reference", "amount", "certified_copy_available")

    def has_change_permission(self, request, obj=None):
        return False


class ThirdPartyClaimInline(ScopedAdminMixin, admin.TabularInline):
    """Claims are filed here (claim_create) and decided from their own page (claim_decide)."""

    model = ThirdPartyClaim
    extra = 0
    fields = ("claimant", "basis", "bona_fide", "amount", "filed_on", "status", "decided_on")
    readonly_fields = ("status", "decided_on")
    show_change_link = True

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Asset)
class AssetAdmin(
    EstimatedCountAdminMixin, ServiceImportExportMixin, ImportExportMixin, TransitionAdminMixin, ServiceModelAdmin
):
    resource_classes = [AssetResource]
    list_display = (
        "description",
        "kind",
        "identifier",
        "case_link",
        "country_display",
        "holder",
        "status",
        "estimated",
        "frozen",
        "confiscated",
        "returned",
    )
    list_select_related = ("case", "incoming_request", "holder")
    list_filter = (
        "status",
        StageFilter,
        "kind",
        LocationCountryFilter,
        ("case__unit", ReferenceListFilter),
        ("case__primary_crime_category", ReferenceListFilter),
        CurrencyFilter,
    )
    search_fields = (
        "identifier",
        "description",
        "institution",
        "holder_name",
        "holder__name_latin",
        "holder__name_cyrillic",
        "holder__iin_bin",
        "case__register_number",
    )
    search_help_text = _("Identifier (IBAN, VIN, cadastral number...), description, holder, case register number")
    autocomplete_fields = ("case", "holder")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "case",
                    "kind",
                    "description",
                    "identifier",
                    "location_country",
                    "institution",
                    ("holder", "holder_name"),
                    ("currency", "estimated_value"),
                    "identified_on",
                )
            },
        ),
        (
            _("Status and amounts"),
            {"fields": ("status", ("frozen_amount", "confiscated_amount", "returned_amount"))},
        ),
    )
    inlines = (CourtDecisionInline, ThirdPartyClaimInline, AssetDocumentInline)
    service_fields = frozenset(ASSET_EDITABLE_FIELDS | {"currency"})
    transitions = {
        S.FROZEN: TransitionSpec(_("Freeze asset"), ("amount",)),
        S.CONFISCATED: TransitionSpec(_("Record confiscation"), ("amount", "override_reason")),
        S.RETURNED: TransitionSpec(_("Record return"), ("amount", "override_reason")),
        S.RETAINED_ABROAD: TransitionSpec(_("Retained abroad"), ("amount_optional",), style="danger"),
        S.RELEASED: TransitionSpec(_("Release"), style="danger"),
    }

    def get_readonly_fields(self, request, obj=None):
        fields = ["status", "frozen_amount", "confiscated_amount", "returned_amount"]
        if obj is not None:
            fields.append("case")
        return fields

    # -- columns
    @admin.display(description=_("case"), ordering="case__register_number")
    def case_link(self, obj):
        if obj.case_id is None:
            return incoming_request_link(obj.incoming_request)
        url = reverse("admin:cases_case_change", args=[obj.case_id])
        return format_html('<a href="{}">{}</a>', url, obj.case.register_number)

    @admin.display(description=_("located in"), ordering="location_country")
    def country_display(self, obj):
        return country_html(obj.location_country)

    @admin.display(description=_("estimated value"), ordering="estimated_value")
    def estimated(self, obj):
        return obj.estimated if obj.estimated_value is not None else "—"

    @admin.display(description=_("frozen"), ordering="frozen_amount")
    def frozen(self, obj):
        return obj.frozen if obj.frozen_amount else "—"

    @admin.display(description=_("confiscated"), ordering="confiscated_amount")
    def confiscated(self, obj):
        return obj.confiscated if obj.confiscated_amount else "—"

    @admin.display(description=_("returned"), ordering="returned_amount")
    def returned(self, obj):
        return obj.returned if obj.returned_amount else "—"

    # -- services
    def service_create(self, request, data):
        value = data.get("estimated_value")
        return asset_create(
            actor=request.user,
            case=data.get("case"),
            incoming_request=data.get("incoming_request"),
            kind=data["kind"],
            description=data["description"],
            location_country=str(data["location_country"]),
            identified_on=data["identified_on"],
            currency=str(data["currency"]),
            estimated_value=str(value) if value is not None else None,
            identifier=data.get("identifier", ""),
            institution=data.get("institution", ""),
            holder=data.get("holder"),
            holder_name=data.get("holder_name", ""),
        )

    def service_update(self, request, obj, changes, expected_version):
        for name in ("location_country", "currency"):
            if name in changes:
                changes[name] = str(changes[name])
        return asset_update(asset=obj, actor=request.user, expected_version=expected_version, **changes)

    def save_formset(self, request, form, formset, change):
        asset = form.instance
        # Decisions and claims are recorded, never changed or deleted here.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for subform in formset.forms:
            if subform.instance.pk or not subform.has_changed() or not subform.cleaned_data:
                continue
            data = subform.cleaned_data
            if formset.model is CourtDecision:
                created = court_decision_create(
                    actor=request.user,
                    asset=asset,
                    kind=data["kind"],
                    court=data["court"],
                    country=str(data["country"]),
                    decided_on=data["decided_on"],
                    reference=data.get("reference", ""),
                    amount=data.get("amount"),
                    certified_copy_available=data.get("certified_copy_available", False),
                )
            elif formset.model is ThirdPartyClaim:
                created = claim_create(
                    actor=request.user,
                    asset=asset,
                    claimant=data["claimant"],
                    basis=data["basis"],
                    filed_on=data["filed_on"],
                    bona_fide=data.get("bona_fide"),
                    amount=data.get("amount"),
                )
            else:
                continue
            formset.new_objects.append(created)

    def perform_transition(self, request, obj, to_status, data):
        amount = data.get("amount", data.get("amount_optional"))
        asset_transition(
            asset=obj,
            to_status=to_status,
            actor=request.user,
            effective_on=data["effective_on"],
            amount=Money(amount, obj.currency) if amount is not None else None,
            note=data.get("note", ""),
            document_reference=data.get("document_reference", ""),
            override_reason=data.get("override_reason", ""),
            expected_version=data.get("expected_version"),
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            document_link = add_document_link(request, case=obj.case, asset=obj, back="asset")
            if document_link:
                context.setdefault("extra_links", []).append(document_link)
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(AssetStatusChange)
class AssetStatusChangeAdmin(
    ServiceImportExportMixin, ExportMixin, ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin
):
    list_display = ("asset", "from_status", "to_status", "effective_on", "amount", "actor_name", "document_reference")
    list_select_related = ("asset",)
    list_filter = ("to_status",)
    search_fields = ("asset__identifier", "asset__description", "note", "document_reference")
    date_hierarchy = "effective_on"


@admin.register(CourtDecision)
class CourtDecisionAdmin(ServiceImportExportMixin, ExportMixin, ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("kind", "reference", "court", "country", "decided_on", "amount", "asset")
    list_select_related = ("asset",)
    list_filter = ("kind",)
    search_fields = ("reference", "court", "asset__identifier")
    date_hierarchy = "decided_on"


class ClaimDecisionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("decision"),
        choices=[(ThirdPartyClaim.Status.UPHELD, _("Upheld")), (ThirdPartyClaim.Status.DISMISSED, _("Dismissed"))],
    )
    decided_on = forms.DateField(label=_("decided on"), widget=AdminDateWidget)
    bona_fide = forms.NullBooleanField(label=_("bona fide"), required=False)

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = timezone.localdate()
        if obj is not None:
            self.fields["bona_fide"].initial = obj.bona_fide


@admin.register(ThirdPartyClaim)
class ThirdPartyClaimAdmin(
    ServiceImportExportMixin, ExportMixin, ReadOnlyAdminMixin, ScopedAdminMixin, ServiceActionMixin, admin.ModelAdmin
):
    list_display = ("claimant", "status", "amount", "filed_on", "decided_on", "asset")
    list_select_related = ("asset",)
    list_filter = ("status",)
    search_fields = ("claimant", "asset__identifier")
    date_hierarchy = "filed_on"
    change_form_template = "admin/recovery/change_form.html"

    def may_decide(self, request, obj):
        return (
            obj.status == ThirdPartyClaim.Status.PENDING
            and access.may_write(request.user, obj)
            and request.user.has_perm("assets.change_thirdpartyclaim")
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="assets_thirdpartyclaim_decide",
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request, object_id):
        def perform(http_request, obj, data):
            claim_decide(
                actor=http_request.user,
                claim=obj,
                status=data["status"],
                decided_on=data["decided_on"],
                bona_fide=data.get("bona_fide"),
            )

        return self.service_action_view(
            request,
            object_id,
            form_class=ClaimDecisionForm,
            perform=perform,
            title=_("Record the decision on the claim"),
            permission=self.may_decide,
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and self.may_decide(request, obj):
            url = reverse("admin:assets_thirdpartyclaim_decide", args=[obj.pk])
            context["extra_links"] = [{"label": _("Record the decision on the claim"), "url": url}]
        return super().render_change_form(request, context, add, change, form_url, obj)
