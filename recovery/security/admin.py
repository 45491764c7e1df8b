"""Read-only admins for the two audit trails: the security events (AuditEvent) and the record
change log (django-auditlog's LogEntry). Administrators and auditors search them per user, per
record and per period, and export a selection as CSV (the export is audited too)."""

import csv
import json

from auditlog import admin as auditlog_admin
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recovery import access
from recovery.admin_base import ReadOnlyAdminMixin, UrlLookupGate
from recovery.exports import neutralise_row
from recovery.models import AuditEvent
from recovery.paginators import EstimatedCountAdminMixin
from recovery.security.events import record_event, record_personal_data_view
from recovery.security.masking import mask_field, masked_changes, with_masked_changes


def csv_export_response(request, *, rows, header, file_stem: str, what: str) -> HttpResponse:
    """A CSV attachment of `rows` (iterables of cells) under `header`, and an `export` audit event
    naming `what` was exported and how many rows. Shared by the audit admins' export actions.
    Cells are written through `neutralise_formula`: a failed login's username, a record's name, a
    path are whatever someone typed, and must not run as formulas in the auditor's spreadsheet."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="{file_stem}-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(neutralise_row(header))
    count = 0
    for row in rows:
        writer.writerow(neutralise_row(row))
        count += 1
    record_event("export", request=request, extra={"what": what, "rows": count})
    return response


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
class AuditEventAdmin(UrlLookupGate, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("occurred_at", "username", "ip_address", "action", "outcome", "content_type", "object_repr")
    list_filter = ("action", "outcome", "content_type", ("occurred_at", admin.DateFieldListFilter))
    search_fields = ("username", "object_repr", "object_id", "ip_address", "path")
    date_hierarchy = "occurred_at"
    # An event's details are free-form: none of them is filtered by in the address.
    identifier_bearing_fields = ("extra",)
    list_select_related = ("content_type",)
    readonly_fields = [field.name for field in AuditEvent._meta.fields]
    actions = ["export_csv"]

    @admin.action(description=_("Export selected audit events as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        events = queryset.select_related("content_type").order_by("occurred_at", "pk")
        return csv_export_response(
            request,
            rows=([getattr(event, column) for column in CSV_COLUMNS] for event in events.iterator()),
            header=CSV_COLUMNS,
            file_stem="audit-events",
            what="audit_events",
        )


# --- The record change log (django-auditlog) ---------------------------------------------------

CHANGE_LOG_CSV_COLUMNS = (
    "timestamp",
    "actor",
    "remote_addr",
    "action",
    "content_type",
    "object_pk",
    "object_repr",
    "changes",
)
# Stable codes in the CSV, whatever the language of the person exporting.
CHANGE_LOG_ACTIONS = {
    LogEntry.Action.CREATE: "create",
    LogEntry.Action.UPDATE: "update",
    LogEntry.Action.DELETE: "delete",
    LogEntry.Action.ACCESS: "access",
}


class AuditedModelFilter(admin.SimpleListFilter):
    """The kinds of record the change log covers (the models registered with auditlog), listed
    without scanning the log itself."""

    title = _("record type")
    parameter_name = "content_type"

    def lookups(self, request, model_admin):
        types = ContentType.objects.get_for_models(*auditlog.get_models()).values()
        return sorted(
            ((ct.pk, str(ct.model_class()._meta.verbose_name).capitalize()) for ct in types), key=lambda t: t[1]
        )

    def queryset(self, request, queryset):
        if self.value() in (None, ""):
            return queryset
        try:
            return queryset.filter(content_type_id=int(self.value()))
        except ValueError:
            return queryset.none()


# ReadOnlyAdminMixin first: auditlog's own admin allows deletes cascading from a deleted record;
# ours never adds, changes or deletes an entry.
class ChangeLogAdmin(UrlLookupGate, ReadOnlyAdminMixin, EstimatedCountAdminMixin, auditlog_admin.LogEntryAdmin):
    """The record change log, read-only for everyone (the database refuses changes anyway on
    PostgreSQL): per user (actor filter or search), per record (record type filter + record id,
    searched exactly) and per period (date hierarchy, date filter, `timestamp__gte`/`__lt`)."""

    list_display = ["created", "resource_url", "action", "msg_short", "user_url", "remote_addr"]
    list_filter = [
        "action",
        AuditedModelFilter,
        "actor",
        ("timestamp", admin.DateFieldListFilter),
    ]
    # Not the changes themselves: searching them would find a masked identifier by its value.
    search_fields = ["object_repr", "=object_pk", "actor__username"]
    date_hierarchy = "timestamp"
    # One record's entries: the record type filter and its id (`?content_type=7&object_pk=42`).
    url_lookups = (("object_pk", {"exact"}),)
    # The recorded values (a person's IIN among them): never a filter or a search for whoever sees
    # identifiers masked, whatever is declared above (`?changes__icontains=8601...` would confirm
    # a masked number digit by digit).
    identifier_bearing_fields = ("changes", "changes_text", "additional_data")
    actions = ["export_csv"]
    fieldsets = [
        (None, {"fields": ["created", "user_url", "remote_addr", "resource_url", "cid"]}),
        (_("Changes"), {"fields": ["action", "msg"]}),
    ]
    readonly_fields = ["created", "resource_url", "action", "user_url", "remote_addr", "cid", "msg"]

    def get_object(self, request, object_id, from_field=None):
        # The entry page shows the changes of this copy, masked for this request's user (not
        # through a request kept on the admin, which every thread shares).
        entry = super().get_object(request, object_id, from_field)
        return None if entry is None else with_masked_changes(entry, request.user)

    @admin.action(description=_("Export selected change log entries as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        entries = queryset.select_related("content_type", "actor").order_by("timestamp", "pk")
        user = request.user

        def rows():
            for entry in entries.iterator():
                yield [
                    entry.timestamp.isoformat(),
                    entry.actor.get_username() if entry.actor_id else "",
                    entry.remote_addr or "",
                    CHANGE_LOG_ACTIONS.get(entry.action, str(entry.action)),
                    f"{entry.content_type.app_label}.{entry.content_type.model}",
                    entry.object_pk,
                    entry.object_repr,
                    json.dumps(masked_changes(entry, user), ensure_ascii=False, sort_keys=True),
                ]

        return csv_export_response(
            request, rows=rows(), header=CHANGE_LOG_CSV_COLUMNS, file_stem="change-log", what="change_log"
        )


# auditlog registers its own LogEntryAdmin (importing it above made sure it has); ours replaces it.
if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)
admin.site.register(LogEntry, ChangeLogAdmin)


class PersonalDataAdminMixin:
    """For admin pages of persons (cases.Subject): each view of a subject's page is recorded as
    `personal_data_viewed`, and list columns named in `masked_identifier_fields` (e.g. "iin_bin",
    "passport_number") show the identifier masked for roles that may not see it in full."""

    masked_identifier_fields = ("iin_bin", "passport_number", "foreign_registration_number", "birth_date")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            from django.contrib.admin.utils import unquote

            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                record_personal_data_view(request, obj)
        return response

    def get_fieldsets(self, request, obj=None):
        # A person's page shown read-only to a role that sees identifiers masked (an analyst, an
        # auditor) shows them masked too: the fields are swapped for the masked_* displays below.
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        if access.sees_full_identifiers(request.user, subject=obj):
            return fieldsets
        swap = {name: f"masked_{name}" for name in self.masked_identifier_fields}
        return [
            (title, {**options, "fields": [_swapped(field, swap) for field in options.get("fields", ())]})
            for title, options in fieldsets
        ]

    # The same labels as cases.Subject's fields (same translations).
    @admin.display(description=_("IIN/BIN"))
    def masked_iin_bin(self, obj):
        return _masked(obj, "iin_bin")

    @admin.display(description=_("passport number"))
    def masked_passport_number(self, obj):
        return _masked(obj, "passport_number")

    @admin.display(description=_("foreign registration number"))
    def masked_foreign_registration_number(self, obj):
        return _masked(obj, "foreign_registration_number")

    @admin.display(description=_("date of birth / registration"))
    def masked_birth_date(self, obj):
        return _masked(obj, "birth_date")

    def get_list_display(self, request):
        # Columns are bound to this request (the ModelAdmin instance is shared by threads).
        columns = []
        for column in super().get_list_display(request):
            if isinstance(column, str) and column in self.masked_identifier_fields:
                columns.append(_masked_column(column, request, self.model))
            else:
                columns.append(column)
        return columns

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        # Each page of persons shown is one audited `list_viewed` event: how many rows, which
        # filter (identifiers in it masked). Action posts and redirects show no page.
        context = getattr(response, "context_data", None) or {}
        changelist = context.get("cl")
        if request.method == "GET" and response.status_code == 200 and changelist is not None:
            from recovery.security.reads import record_list_view

            opts = self.model._meta
            record_list_view(request, what=f"{opts.app_label}.{opts.model_name}", rows=len(changelist.result_list))
        return response

    def get_changelist_instance(self, request):
        # Decide for the whole page at once (at most one query) rather than one query per row;
        # the page's queryset is evaluated here and its rows are reused by the template.
        changelist = super().get_changelist_instance(request)
        page = {subject.pk for subject in changelist.result_list}
        request._identifiers_decided = (page, access.subjects_seen_in_full(request.user, page))
        return changelist


def _swapped(field, swap):
    if isinstance(field, (list, tuple)):  # several fields on one line
        return type(field)(swap.get(name, name) for name in field)
    return swap.get(field, field)


def _masked(obj, field_name):
    return mask_field(field_name, getattr(obj, field_name))


def _masked_column(field_name, request, model):
    from recovery.security.masking import mask_personal_field

    def column(obj):
        value = getattr(obj, field_name)
        decided, in_full = getattr(request, "_identifiers_decided", ((), ()))
        if obj.pk in decided:
            return (value or "") if obj.pk in in_full else mask_field(field_name, value)
        # A row outside the changelist's page (a column used on its own): ask for this subject.
        return mask_personal_field(field_name, value, request.user, subject=obj) or ""

    column.short_description = model._meta.get_field(field_name).verbose_name
    column.__name__ = f"masked_{field_name}"
    return column


@admin.action(description=_("Export case bundle (JSON + printable HTML)"))
def export_case_bundle(modeladmin, request, queryset):
    """Admin action for the case admin: a ZIP with each selected case's bundle, each export
    audited. Identifiers are masked per the signed-in user's role; cases outside their scope
    are never in the queryset (the case admin scopes it)."""
    import io
    import zipfile

    from recovery.security.bundle import write_bundle_to_zip

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for case in queryset.visible_to(request.user).order_by("register_number"):
            # With the case's document files when the user may download them (the manifest in each
            # case's documents folder reports a file found missing or changed).
            write_bundle_to_zip(archive, case, user=request.user, request=request)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="case-bundles-{stamp}.zip"'
    return response
