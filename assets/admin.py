"""Admin for assets abroad: amounts with their currency at each stage, the freeze-confiscate-return
transitions with what caused each step, court decisions, third-party claims and agreements on
return or sharing."""

import contextvars
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from djmoney.money import Money
from import_export import fields, widgets
from import_export.admin import ExportMixin, ImportExportMixin

from assets.filters import AssetFilterSet
from assets.models import Asset, AssetAgreement, AssetStatusChange, CourtDecision, ThirdPartyClaim
from assets.services import (
    ASSET_EDITABLE_FIELDS,
    STEP_FROM,
    agreement_record,
    asset_amounts,
    asset_create,
    asset_renew_freeze,
    asset_step,
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
    back_to_case,
    country_html,
    timeline_rows_for,
)
from recovery.admin_io import ScopedLookupWidget, ServiceImportExportMixin, ServiceResource
from recovery.admin_transitions import ServiceActionMixin, TransitionAdminMixin, TransitionForm, TransitionSpec
from recovery.filters import filterset_list_filter
from recovery.paginators import EstimatedCountAdminMixin
from recovery.security.masking import ACCOUNT_ASSET_KINDS, asset_identifier, is_account, mask_account
from recovery.stats import RateBook

S = Asset.Status
Step = AssetStatusChange.Step
# The stage an asset has reached (frozen, confiscated, returned...): the FilterSet's `stage`, the
# API's filter and what the dashboards' funnel links to.
StageFilter = filterset_list_filter(AssetFilterSet, "stage")
# Freezes expiring soon, lapsed, or without a recorded expiry (AssetQuerySet's read rules).
FreezeExpiryFilter = filterset_list_filter(AssetFilterSet, "freeze_expiry")


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

    def dehydrate_identifier(self, asset):
        # An account as the exporting user may see it (masked for analysts, auditors and anyone
        # who does not write the asset's case; and for an export with no user at all).
        from recovery.security.masking import asset_identifier

        return asset_identifier(asset, self.exporting_user, in_full=getattr(self, "_accounts_in_full", None))

    def before_export(self, queryset, **kwargs):
        super().before_export(queryset, **kwargs)
        # Decided for the whole export in one query, not one per account.
        from recovery.security.masking import ACCOUNT_ASSET_KINDS

        # import-export hands over a QuerySet, or a list when the rows were already read.
        if hasattr(queryset, "filter"):
            accounts = queryset.filter(kind__in=ACCOUNT_ASSET_KINDS).values_list("pk", flat=True)
        else:
            accounts = [asset.pk for asset in queryset if asset.kind in ACCOUNT_ASSET_KINDS]
        self._accounts_in_full = access.assets_seen_in_full(self.exporting_user, accounts)

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
    fields = ("claimant", "basis", "bona_fide", "amount", "filed_on", "status", "decided_on", "upheld_amount")
    readonly_fields = ("status", "decided_on", "upheld_amount")
    show_change_link = True

    def has_change_permission(self, request, obj=None):
        return False


class AssetAgreementInline(ScopedAdminMixin, admin.TabularInline):
    """Agreements with the other state on return or sharing: recorded here (agreement_record),
    never changed afterwards."""

    model = AssetAgreement
    extra = 0
    fields = (
        "kind",
        "concluded_on",
        "other_state",
        "home_share_percent",
        "other_share_percent",
        "home_amount",
        "other_amount",
        "document",
        "note",
    )

    def has_change_permission(self, request, obj=None):
        return False

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # The other state defaults to the asset's (the service fills it in when left empty).
        formset.form.base_fields["other_state"].required = False
        document = formset.form.base_fields.get("document")
        if document is not None and obj is not None:
            document.queryset = _documents_of(obj, document.queryset)
        return formset


def _documents_of(asset, queryset):
    """The documents of the asset's own file (its case or its incoming request)."""
    from django.db.models import Q

    scope = Q(pk__in=[])
    if asset.case_id:
        scope |= Q(case_id=asset.case_id)
    if asset.incoming_request_id:
        scope |= Q(incoming_request_id=asset.incoming_request_id)
    return queryset.filter(scope)


class AssetTransitionForm(TransitionForm):
    """A step of an asset, with what caused it (the request, the foreign reply, the court decision:
    choices from the asset's own file only) and, at confiscation, the court decision: an existing
    one of the asset, or the new decision's details, recorded in the same transaction."""

    DECISION_FIELDS = ("decision_court", "decision_decided_on", "decision_reference", "decision_conviction_based")

    def make_extra_field(self, name: str) -> forms.Field:
        if name == "freeze_expires_on":
            return forms.DateField(
                label=_("freeze expires on"),
                required=False,
                widget=AdminDateWidget,
                help_text=_("The last day the freeze is in force unless renewed, if the order sets a term."),
            )
        return super().make_extra_field(name)

    def __init__(self, *args, obj=None, extra_fields=(), to_status=None, user=None, **kwargs):
        super().__init__(*args, obj=obj, extra_fields=extra_fields, **kwargs)
        from documents.models import Document
        from mla_requests.models import Request

        self.to_status = to_status
        if to_status == S.RETAINED_ABROAD and "amount_optional" in self.fields:
            self.fields["amount_optional"].help_text = _("Default: what can still be returned.")
        requests = Request.objects.none()
        if obj.case_id:
            requests = access.readable(user, Request.objects.filter(case_id=obj.case_id))
        documents = access.readable(user, _documents_of(obj, Document.objects.all()))
        self.fields["request"] = forms.ModelChoiceField(requests, label=_("caused by request"), required=False)
        self.fields["foreign_reply"] = forms.ModelChoiceField(
            documents, label=_("caused by foreign reply"), required=False
        )
        self.fields["court_decision"] = forms.ModelChoiceField(
            CourtDecision.objects.filter(asset=obj),
            label=_("court decision"),
            required=False,
            help_text=_("An existing decision about this asset, or record the new one below.")
            if to_status == S.CONFISCATED
            else "",
        )
        if to_status == S.CONFISCATED:
            self.fields["decision_court"] = forms.CharField(label=_("court"), required=False, max_length=255)
            self.fields["decision_decided_on"] = forms.DateField(
                label=_("decided on"), required=False, widget=AdminDateWidget
            )
            self.fields["decision_reference"] = forms.CharField(
                label=_("decision reference"), required=False, max_length=128
            )
            self.fields["decision_conviction_based"] = forms.NullBooleanField(
                label=_("conviction-based"), required=False
            )

    def clean(self):
        data = super().clean()
        if self.to_status != S.CONFISCATED:
            return data
        new = any(data.get(name) not in (None, "") for name in self.DECISION_FIELDS)
        if data.get("court_decision") is None and not new:
            raise ValidationError(
                _("Give the confiscation's court decision: choose one of the asset's, or record the new one.")
            )
        if new:
            for name in ("decision_court", "decision_decided_on"):
                if not data.get(name):
                    self.add_error(name, _("Required for the new decision."))
        return data


class FreezeRenewalForm(forms.Form):
    """The renewal of a freeze abroad: its date, the new expiry, and what caused it (choices from
    the asset's own file only). assets.services.asset_renew_freeze checks the rules."""

    renewed_on = forms.DateField(
        label=_("renewed on"), widget=AdminDateWidget, help_text=_("The date of the decision extending the freeze.")
    )
    expires_on = forms.DateField(
        label=_("freeze now expires on"),
        widget=AdminDateWidget,
        help_text=_("The last day the renewed freeze is in force."),
    )
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))
    document_reference = forms.CharField(label=_("document reference"), required=False, max_length=255)
    override_reason = forms.CharField(
        label=_("override reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_("Only to record a renewal that shortens the freeze; it is kept on the timeline."),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, obj=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from documents.models import Document
        from mla_requests.models import Request

        self.fields["renewed_on"].initial = timezone.localdate()
        self.fields["expected_version"].initial = obj.version
        if obj.freeze_expires_on:
            self.fields["expires_on"].help_text = _("In force until %(date)s now.") % {
                "date": date_format(obj.freeze_expires_on, "SHORT_DATE_FORMAT")
            }
        requests = Request.objects.none()
        if obj.case_id:
            requests = access.readable(user, Request.objects.filter(case_id=obj.case_id))
        self.fields["request"] = forms.ModelChoiceField(requests, label=_("caused by request"), required=False)
        self.fields["foreign_reply"] = forms.ModelChoiceField(
            access.readable(user, _documents_of(obj, Document.objects.all())),
            label=_("caused by foreign reply"),
            required=False,
        )
        self.fields["court_decision"] = forms.ModelChoiceField(
            CourtDecision.objects.filter(asset=obj), label=_("court decision"), required=False
        )


def freeze_expiry_text(asset, today) -> str:
    """'1 Mar 2027 (12 days left)', 'lapsed on ...', or '—': the list column and the change page."""
    days = asset.freeze_days_left(today)
    if days is None:
        return "—"
    date = date_format(asset.freeze_expires_on, "SHORT_DATE_FORMAT")
    if days < 0:
        return _("%(date)s: lapsed %(days)s days ago") % {"date": date, "days": -days}
    if days == 0:
        return _("%(date)s: last day") % {"date": date}
    return _("%(date)s (%(days)s days left)") % {"date": date, "days": days}


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
        "shared",
        "upheld_claims",
        "returnable",
        # The later steps' remaining amounts (kept apart to ease reading the diff of the columns).
        "still_frozen",
        "restituted",
        "retained",
        "freeze_expiry",
        "released",
    )
    list_select_related = ("case", "incoming_request", "holder")
    list_filter = (
        "status",
        StageFilter,
        FreezeExpiryFilter,
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
                    "identified_by_request",
                )
            },
        ),
        (
            _("Status and amounts"),
            {"fields": ("status", "amounts_at_each_stage", "freeze_expiry")},
        ),
    )
    inlines = (CourtDecisionInline, ThirdPartyClaimInline, AssetAgreementInline, AssetDocumentInline)
    service_fields = frozenset(ASSET_EDITABLE_FIELDS | {"currency"})
    transitions = {
        S.FROZEN: TransitionSpec(_("Freeze asset"), ("amount", "freeze_expires_on")),
        S.CONFISCATED: TransitionSpec(_("Record confiscation"), ("amount", "override_reason")),
        S.RETURNED: TransitionSpec(_("Record return"), ("amount", "override_reason")),
        S.SHARED: TransitionSpec(_("Record our share received"), ("amount", "override_reason")),
        S.RESTITUTED: TransitionSpec(_("Record restitution to victims"), ("amount", "override_reason")),
        S.RETAINED_ABROAD: TransitionSpec(_("Retained abroad"), ("amount_optional", "override_reason"), style="danger"),
        S.RELEASED: TransitionSpec(_("Release"), style="danger"),
    }

    def get_readonly_fields(self, request, obj=None):
        fields = ["status", "amounts_at_each_stage", "freeze_expiry"]
        if obj is not None:
            fields.append("case")
        if obj is not None and is_account(obj):
            fields.append("masked_identifier")
        return fields

    # An account (an IBAN) is masked as a person's identifiers are, for whoever sees those masked:
    # on the page of one, and in the list's column.
    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not is_account(obj) or obj.pk in access.assets_seen_in_full(request.user, {obj.pk}):
            return fieldsets
        return [
            (
                title,
                {
                    **options,
                    "fields": ["masked_identifier" if f == "identifier" else f for f in options.get("fields", ())],
                },
            )
            for title, options in fieldsets
        ]

    @admin.display(description=_("identifier"))
    def masked_identifier(self, asset):
        return mask_account(asset.identifier)

    def get_list_display(self, request):
        # Bound to this request (the ModelAdmin instance is shared by threads).
        def identifier(asset):
            return asset_identifier(asset, request.user, in_full=getattr(request, "_accounts_decided", None))

        identifier.short_description = Asset._meta.get_field("identifier").verbose_name
        return [identifier if column == "identifier" else column for column in super().get_list_display(request)]

    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        if access.may_search_identifiers(request.user):
            return fields
        return tuple(field for field in fields if field != "identifier")

    def get_search_results(self, request, queryset, search_term):
        # Accounts' identifiers are not searched for whoever sees them masked (a match would confirm
        # the IBAN); other assets' identifiers (VIN, cadastral number) still are.
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term and not access.may_search_identifiers(request.user):
            others = queryset.exclude(kind__in=ACCOUNT_ASSET_KINDS).filter(identifier__icontains=term)
            results = queryset.filter(Q(pk__in=results.values("pk")) | Q(pk__in=others.values("pk")))
        return results, may_have_duplicates

    def get_changelist_instance(self, request):
        # Decided for the whole page in at most one query, not one per row.
        changelist = super().get_changelist_instance(request)
        accounts = {asset.pk for asset in changelist.result_list if is_account(asset)}
        request._accounts_decided = access.assets_seen_in_full(request.user, accounts)
        return changelist

    def get_queryset(self, request):
        return super().get_queryset(request).with_upheld_claims()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "identified_by_request":
            # Only requests of the asset's own case (assets.services checks it as well).
            from mla_requests.models import Request

            asset = getattr(request, "_asset_being_edited", None)
            base = Request.objects.filter(case_id=asset.case_id) if asset and asset.case_id else Request.objects
            kwargs["queryset"] = access.readable(request.user, base.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        request._asset_being_edited = obj
        return super().get_form(request, obj, change, **kwargs)

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
        return with_reporting_value(obj.frozen) if obj.frozen_amount else "—"

    @admin.display(description=_("confiscated"), ordering="confiscated_amount")
    def confiscated(self, obj):
        return with_reporting_value(obj.confiscated) if obj.confiscated_amount else "—"

    @admin.display(description=_("returned"), ordering="returned_amount")
    def returned(self, obj):
        if not obj.returned_amount:
            return "—"
        if obj.partially_returned:
            return format_html("{}<br><small>{}</small>", with_reporting_value(obj.returned), _("partially returned"))
        return with_reporting_value(obj.returned)

    @admin.display(description=_("released"), ordering="released_amount")
    def released(self, obj):
        return with_reporting_value(obj.released) if obj.released_amount else "—"

    @admin.display(description=_("our share received"), ordering="shared_amount")
    def shared(self, obj):
        return obj.shared if obj.shared_amount else "—"

    @admin.display(description=_("upheld claims"))
    def upheld_claims(self, obj):
        total = getattr(obj, "upheld_claims_total", None)
        return obj.money(total) if total else "—"

    @admin.display(description=_("still returnable"))
    def returnable(self, obj):
        if not obj.confiscated_amount:
            return "—"
        return obj.money(obj.returnable_amount(getattr(obj, "upheld_claims_total", 0) or 0))

    @admin.display(description=_("still frozen"), ordering="still_frozen_amount")
    def still_frozen(self, obj):
        if not obj.still_frozen_amount:
            return "—"
        if obj.partially_frozen:
            return format_html("{}<br><small>{}</small>", with_reporting_value(obj.still_frozen), _("partially frozen"))
        return with_reporting_value(obj.still_frozen)

    @admin.display(description=_("restituted to victims"), ordering="restituted_amount")
    def restituted(self, obj):
        return obj.restituted if obj.restituted_amount else "—"

    @admin.display(description=_("retained abroad"), ordering="retained_amount")
    def retained(self, obj):
        return obj.retained if obj.retained_amount else "—"

    AMOUNT_LABELS = (
        ("frozen", _("frozen")),
        ("released", _("released")),
        ("still_frozen", _("still frozen")),
        ("confiscated", _("confiscated")),
        ("realised", _("realised by the sale")),
        ("returned", _("returned")),
        ("shared", _("our share received")),
        ("restituted", _("restituted to victims")),
        ("upheld_claims", _("upheld third-party claims")),
        ("retained", _("retained by the requested state")),
        ("returnable", _("still returnable")),
    )

    @admin.display(description=_("freeze expires"), ordering="freeze_expires_on")
    def freeze_expiry(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return freeze_expiry_text(obj, timezone.localdate())

    @admin.display(description=_("amounts at each stage"))
    def amounts_at_each_stage(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        amounts = asset_amounts(obj)
        # Each amount in the asset's currency, and what it is worth in the reporting currency.
        head = format_html(
            "<tr><th></th><th>{}</th><th>{}</th></tr>",
            obj.currency,
            format_lazy(_("in {currency} (latest rate)"), currency=settings.REPORTING_CURRENCY),
        )
        rows = format_html_join(
            "",
            "<tr><th>{}</th><td>{}</td><td>{}</td></tr>",
            ((label, amounts[k], reporting_value_text(amounts[k])) for k, label in self.AMOUNT_LABELS),
        )
        rows = format_html("{}{}", head, rows)
        notes = []
        if obj.partially_frozen:
            notes.append(_("Partially frozen"))
        if obj.sold_at_stage == S.FROZEN:
            notes.append(_("Sold while frozen: the freeze holds the proceeds"))
        elif obj.sold_at_stage == S.CONFISCATED:
            notes.append(_("Sold after confiscation: what can come home is what the sale realised"))
        if obj.partially_returned:
            notes.append(_("Partially returned"))
        note = format_html_join("", "<p><strong>{}</strong></p>", ((n,) for n in notes))
        return format_html('<table class="asset-amounts">{}</table>{}', rows, note)

    # -- steps that keep the status (part of the freeze released, the sale): forms calling asset_step
    STEP_TITLES = {
        Step.PARTIAL_RELEASE: _("Record part of the freeze released"),
        Step.SALE: _("Record the sale by the requested state"),
    }
    STEP_URLS = {Step.PARTIAL_RELEASE: "partial_release", Step.SALE: "sale"}

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                f"<path:object_id>/{step.replace('_', '-')}/",
                self.admin_site.admin_view(
                    lambda request, object_id, step=step: self.step_view(request, object_id, step)
                ),
                name="{}_{}_{}".format(*info, self.STEP_URLS[step]),
            )
            for step in self.STEP_TITLES
        ] + [
            path(
                "<path:object_id>/renew-freeze/",
                self.admin_site.admin_view(self.renew_freeze_view),
                name="assets_asset_renew_freeze",
            ),
            *super().get_urls(),
        ]

    def step_view(self, request, object_id, step):
        def make_form(data, obj):
            form = AssetTransitionForm(data, obj=obj, extra_fields=("amount",), to_status=None, user=request.user)
            if step == Step.SALE:
                form.fields["amount"].label = _("amount realised (%(currency)s)") % {"currency": obj.currency}
            else:
                form.fields["amount"].label = _("amount released (%(currency)s)") % {"currency": obj.currency}
                form.fields["amount"].help_text = _("At most what is still frozen; all of it is the full release.")
            return form

        def perform(http_request, obj, data):
            asset_step(
                step=step,
                asset=obj,
                actor=http_request.user,
                amount=Money(data["amount"], obj.currency),
                effective_on=data["effective_on"],
                note=data.get("note", ""),
                document_reference=data.get("document_reference", ""),
                expected_version=data.get("expected_version"),
                request=data.get("request"),
                foreign_reply=data.get("foreign_reply"),
                court_decision=data.get("court_decision"),
            )

        return self.service_action_view(
            request, object_id, form_class=make_form, perform=perform, title=self.STEP_TITLES[step]
        )

    def step_links(self, request, obj):
        if obj is None or not self.has_change_permission(request, obj):
            return []
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            {"label": title, "url": reverse("admin:{}_{}_{}".format(*info, self.STEP_URLS[step]), args=[obj.pk])}
            for step, title in self.STEP_TITLES.items()
            if obj.status in STEP_FROM[step] and (step != Step.SALE or not obj.sold_at_stage)
        ]

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
            identified_by_request=data.get("identified_by_request"),
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
            elif formset.model is AssetAgreement:
                created = agreement_record(
                    actor=request.user,
                    asset=asset,
                    kind=data["kind"],
                    concluded_on=data["concluded_on"],
                    other_state=str(data.get("other_state") or ""),
                    home_share_percent=data.get("home_share_percent"),
                    other_share_percent=data.get("other_share_percent"),
                    home_amount=data.get("home_amount"),
                    other_amount=data.get("other_amount"),
                    document=data.get("document"),
                    note=data.get("note", ""),
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

    def get_transition_form(self, request, obj, to_status, spec, data=None):
        return AssetTransitionForm(data, obj=obj, extra_fields=spec.fields, to_status=to_status, user=request.user)

    def perform_transition(self, request, obj, to_status, data):
        amount = data.get("amount", data.get("amount_optional"))
        new_decision = None
        if to_status == S.CONFISCATED and data.get("decision_court"):
            new_decision = {
                "court": data["decision_court"],
                "decided_on": data["decision_decided_on"],
                "reference": data.get("decision_reference", ""),
                "conviction_based": data.get("decision_conviction_based"),
            }
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
            request=data.get("request"),
            foreign_reply=data.get("foreign_reply"),
            court_decision=data.get("court_decision"),
            new_court_decision=new_decision,
            freeze_expires_on=data.get("freeze_expires_on"),
        )

    # -- the freeze's renewal: a form of its own (no status move)
    def renew_freeze_view(self, request, object_id):
        def form_class(*args, obj=None, **kwargs):
            return FreezeRenewalForm(*args, obj=obj, user=request.user, **kwargs)

        def perform(http_request, obj, data):
            asset_renew_freeze(
                asset=obj,
                actor=http_request.user,
                renewed_on=data["renewed_on"],
                expires_on=data["expires_on"],
                note=data.get("note", ""),
                document_reference=data.get("document_reference", ""),
                override_reason=data.get("override_reason", ""),
                expected_version=data.get("expected_version"),
                request=data.get("request"),
                foreign_reply=data.get("foreign_reply"),
                court_decision=data.get("court_decision"),
            )

        if request.method == "GET":
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and obj.status != S.FROZEN:
                messages.warning(request, _("Only a frozen asset's freeze is renewed."))
        return self.service_action_view(
            request, object_id, form_class=form_class, perform=perform, title=_("Renew the freeze")
        )

    def timeline_rows(self, obj):
        entries = list(obj.timeline.all())
        rows = timeline_rows_for(obj, entries)
        for row, entry in zip(rows, entries, strict=True):
            # A freeze's row says until when (a renewal's own note already does).
            if entry.freeze_expires_on and entry.from_status != S.FROZEN:
                expiry = _("Freeze in force until %(date)s") % {
                    "date": date_format(entry.freeze_expires_on, "SHORT_DATE_FORMAT")
                }
                row["note"] = f"{expiry}\n{row['note']}" if row["note"] else str(expiry)
        return rows

    def changelist_view(self, request, extra_context=None):
        parent = super().changelist_view
        return with_fresh_rates(lambda: parent(request, extra_context))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        parent = super().change_view
        return with_fresh_rates(lambda: parent(request, object_id, form_url, extra_context))

    def response_add(self, request, obj, post_url_continue=None):
        # Opened from a case's page ("Add an asset"): back to that case.
        return back_to_case(request, super().response_add(request, obj, post_url_continue), obj.case_id)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.setdefault("extra_links", []).extend(self.step_links(request, obj))
            document_link = add_document_link(request, case=obj.case, asset=obj, back="asset")
            if document_link:
                context.setdefault("extra_links", []).append(document_link)
            if obj.status == S.FROZEN and self.has_change_permission(request, obj):
                context.setdefault("extra_links", []).append(
                    {"label": _("Renew the freeze"), "url": reverse("admin:assets_asset_renew_freeze", args=[obj.pk])}
                )
        return super().render_change_form(request, context, add, change, form_url, obj)


# The exchange-rate table, read once per page (recovery.stats.RateBook): set by the list and change
# views before their columns render, dropped once the page is rendered.
_page_rates: contextvars.ContextVar[RateBook | None] = contextvars.ContextVar("asset_admin_rates", default=None)


def _drop_page_rates(rendered) -> None:
    # A post-render callback's return value would replace the response: return nothing.
    _page_rates.set(None)


def with_fresh_rates(view):
    token = _page_rates.set(RateBook())
    response = view()
    if hasattr(response, "add_post_render_callback") and not getattr(response, "is_rendered", True):
        response.add_post_render_callback(_drop_page_rates)
    else:
        _page_rates.reset(token)
    return response


def reporting_value(money: Money | None) -> Money | None:
    """`money` in the reporting currency at the latest rate known today; None when it is in that
    currency already, is nothing, or has no rate."""
    if money is None or not money.amount or str(money.currency) == settings.REPORTING_CURRENCY:
        return None
    book = _page_rates.get()
    if book is None:
        book = RateBook()
        _page_rates.set(book)
    found = book.rate(str(money.currency), timezone.localdate())
    if found is None:
        return None
    rate, _rate_date = found
    return Money((money.amount * rate).quantize(Decimal("0.01")), settings.REPORTING_CURRENCY)


def reporting_value_text(money: Money | None):
    if money is None or not money.amount:
        return "—"
    if str(money.currency) == settings.REPORTING_CURRENCY:
        return money
    converted = reporting_value(money)
    if converted is None:
        return format_html("<small>{}</small>", _("no exchange rate"))
    return format_html("≈ {}", converted)


def with_reporting_value(money: Money):
    """'€1,000.00' and, under it, '≈ $1,080.00' (the reporting currency), for a list cell."""
    converted = reporting_value(money)
    if converted is None:
        return money
    return format_html("{}<br><small>≈ {}</small>", money, converted)


@admin.register(AssetStatusChange)
class AssetStatusChangeAdmin(
    ServiceImportExportMixin, ExportMixin, ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin
):
    list_display = (
        "asset",
        "from_status",
        "to_status",
        "step",
        "effective_on",
        "amount",
        "step_amount",
        "actor_name",
        "document_reference",
        "request",
        "court_decision",
    )
    list_select_related = ("asset", "request", "court_decision")
    list_filter = ("to_status", "step")
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
    upheld_amount = forms.DecimalField(
        label=_("amount upheld"),
        max_digits=20,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("For an upheld claim: what the court granted the claimant, in the asset's currency."),
    )

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = timezone.localdate()
        if obj is not None:
            self.fields["bona_fide"].initial = obj.bona_fide
            self.fields["upheld_amount"].label = _("amount upheld (%(currency)s)") % {"currency": obj.asset.currency}


@admin.register(ThirdPartyClaim)
class ThirdPartyClaimAdmin(
    ServiceImportExportMixin, ExportMixin, ReadOnlyAdminMixin, ScopedAdminMixin, ServiceActionMixin, admin.ModelAdmin
):
    list_display = ("claimant", "status", "amount", "upheld_amount", "filed_on", "decided_on", "asset")
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
                upheld_amount=data.get("upheld_amount"),
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


@admin.register(AssetAgreement)
class AssetAgreementAdmin(
    ServiceImportExportMixin, ExportMixin, ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin
):
    """Agreements are recorded from their asset's page; listed here across assets."""

    list_display = (
        "asset",
        "kind",
        "concluded_on",
        "other_state",
        "home_share_percent",
        "other_share_percent",
        "home_money",
        "other_money",
    )
    list_select_related = ("asset",)
    list_filter = ("kind",)
    search_fields = ("asset__identifier", "asset__description", "note")
    date_hierarchy = "concluded_on"

    @admin.display(description=_("Kazakhstan's amount"))
    def home_money(self, obj):
        return obj.home_money if obj.home_amount is not None else "—"

    @admin.display(description=_("other state's amount"))
    def other_money(self, obj):
        return obj.other_money if obj.other_amount is not None else "—"
