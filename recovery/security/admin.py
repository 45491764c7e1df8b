"""Read-only admin for the security audit events: administrators and auditors search them per
user, per record and per period, and export a selection as CSV (the export is audited too)."""

import csv

from django.contrib import admin
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recovery.models import AuditEvent
from recovery.security.events import record_event

CSV_COLUMNS = (
    "occurred_at",
    "username",
    "ip_address",
    "action",
    "outcome",
    "content_type",
    "object_id",
    "object_repr",
    "path",
    "extra",
)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "username", "ip_address", "action", "outcome", "content_type", "object_repr")
    list_filter = ("action", "outcome", "content_type", ("occurred_at", admin.DateFieldListFilter))
    search_fields = ("username", "object_repr", "object_id", "ip_address", "path")
    date_hierarchy = "occurred_at"
    list_select_related = ("content_type",)
    readonly_fields = [field.name for field in AuditEvent._meta.fields]
    actions = ["export_csv"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Export selected audit events as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="audit-events-{stamp}.csv"'
        writer = csv.writer(response)
        writer.writerow(CSV_COLUMNS)
        count = 0
        for event in queryset.select_related("content_type").order_by("occurred_at", "pk"):
            writer.writerow([getattr(event, column) for column in CSV_COLUMNS])
            count += 1
        record_event("export", request=request, extra={"what": "audit_events", "rows": count})
        return response


class PersonalDataAdminMixin:
    """For admin pages of persons (cases.Subject): each view of a subject's page is recorded as
    `personal_data_viewed`, and list columns named in `masked_identifier_fields` (e.g. "iin_bin",
    "passport_number") show the identifier masked for roles that may not see it in full."""

    masked_identifier_fields = ("iin_bin", "passport_number")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            from django.contrib.admin.utils import unquote

            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                record_personal_data_view(request, obj)
        return response

    def get_list_display(self, request):
        # Columns are bound to this request (the ModelAdmin instance is shared by threads).
        columns = []
        for column in super().get_list_display(request):
            if isinstance(column, str) and column in self.masked_identifier_fields:
                columns.append(_masked_column(column, request, self.model))
            else:
                columns.append(column)
        return columns

    def get_changelist_instance(self, request):
        # Decide for the whole page at once (at most one query) rather than one query per row;
        # the page's queryset is evaluated here and its rows are reused by the template.
        changelist = super().get_changelist_instance(request)
        from recovery.security.masking import subjects_seen_in_full

        page = {subject.pk for subject in changelist.result_list}
        request._identifiers_decided = (page, subjects_seen_in_full(request.user, page))
        return changelist


def _masked_column(field_name, request, model):
    from recovery.security.masking import mask_identifier, mask_value

    def column(obj):
        value = getattr(obj, field_name)
        decided, in_full = getattr(request, "_identifiers_decided", ((), ()))
        if obj.pk in decided:
            return (value or "") if obj.pk in in_full else mask_value(value)
        # A row outside the changelist's page (a column used on its own): ask for this subject.
        return mask_identifier(value, request.user, subject=obj)

    column.short_description = model._meta.get_field(field_name).verbose_name
    column.__name__ = f"masked_{field_name}"
    return column


def record_personal_data_view(request, subject):
    """Record that the signed-in user opened `subject`'s personal data (admin page, API detail)."""
    return record_event("personal_data_viewed", request=request, obj=subject)


@admin.action(description=_("Export case bundle (JSON + printable HTML)"))
def export_case_bundle(modeladmin, request, queryset):
    """Admin action for the case admin: a ZIP with each selected case's bundle, each export
    audited. Identifiers are masked per the signed-in user's role; cases outside their scope
    are never in the queryset (the case admin scopes it)."""
    import io
    import zipfile

    from recovery.security.bundle import bundle_file_stem, render_bundle

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for case in queryset.visible_to(request.user).order_by("register_number"):
            json_text, html_text = render_bundle(case, user=request.user, request=request)
            stem = bundle_file_stem(case)
            archive.writestr(f"{stem}.json", json_text)
            archive.writestr(f"{stem}.html", html_text)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="case-bundles-{stamp}.zip"'
    return response
