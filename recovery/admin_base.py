"""What every admin page of the project shares.

- Scoping: changelists, change pages, autocomplete answers, filter choices and foreign-key choices
  come from recovery.access, so another unit's record is never shown; a record one reads but may
  not write (an analyst who is also an investigator, looking at another unit's case) opens read-only.
- Analysts read only; nobody deletes cases, requests, assets or timeline rows from the admin.
- Writes go through the services: `save_model` calls the app's create/update service with the
  version the form was opened at, and a DomainError becomes an error on the redisplayed form.
- Status changes go through per-object transition forms (recovery.admin_transitions).
- History: the "History" button shows django-auditlog's trail (who changed what, old and new).
"""

from __future__ import annotations

from auditlog.mixins import AuditlogHistoryAdminMixin
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from recovery import access
from recovery.errors import DomainError, VersionConflict
from recovery.security.masking import is_identifier_lookup, searchable_fields, with_masked_changes

# --- scoped querysets ---------------------------------------------------------------------------


class ScopedAdminMixin:
    """Rows, choices and permissions limited to what the signed-in user may see and do."""

    # Cases, requests, assets and timelines carry legal history: never deleted from the admin.
    allow_delete = False

    def get_queryset(self, request):
        return access.rows_visible_to(request.user, self.model, super().get_queryset(request))

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Another unit's record answers exactly like a missing one: 404, nothing about it shown.
        raise Http404(_("No such record, or it is not visible to you."))

    def has_add_permission(self, request, *args):
        if not access.is_writer(request.user):
            return False
        parent = args[0] if args else None  # an inline's parent record
        if parent is not None and not self._may_write(request, parent):
            return False
        return super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        if not access.is_writer(request.user):
            return False
        if obj is not None and not self._may_write(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def _may_write(self, request, obj) -> bool:
        label = obj._meta.label_lower
        if label != "cases.subject" and label not in access.CASE_PATHS:
            return True  # not a case record: the model permission decides
        return access.may_write(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if not self.allow_delete or not access.is_writer(request.user):
            return False
        return super().has_delete_permission(request, obj)

    def get_search_fields(self, request):
        # Whoever sees a person's identifiers masked may not search by them (a match would confirm
        # the number): the IIN/BIN and passport fields drop out of the search (and autocomplete).
        return searchable_fields(super().get_search_fields(request), request.user)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        if changelist.search_help_text and len(changelist.search_fields) < len(super().get_search_fields(request)):
            changelist.search_help_text = format_lazy(
                "{} {}",
                changelist.search_help_text,
                _("Identifiers (IIN/BIN, passport) are not searched for your role."),
            )
        return changelist

    def lookup_allowed(self, lookup, value, request=None):
        # Nor filter by them in the URL (?iin_bin__startswith=8601 would answer yes or no).
        if is_identifier_lookup(lookup) and not access.may_search_identifiers(getattr(request, "user", None)):
            return False
        # The dashboards link each figure to the changelist of exactly its records, with lookups
        # that cross two relations (case__unit__id__in). Django accepts those only for paths in
        # list_filter; these are allowed here instead, without cluttering the filter sidebar.
        # The rows stay scoped by get_queryset, whatever the lookup.
        from recovery.dashboards.admin_lookups import REQUIRED_LIST_FILTERS

        paths = REQUIRED_LIST_FILTERS.get(self.model._meta.label_lower, ())
        if any(lookup == path or lookup.startswith(path + "__") for path in paths):
            return True
        return super().lookup_allowed(lookup, value, request)

    #: Fields naming a person (lead, responsible investigator, team): only those one may name.
    naming_fields: tuple[str, ...] = ()

    def choices_for(self, db_field, request, base):
        if db_field.name in self.naming_fields:
            nameable = access.nameable_users(request.user).values("pk")
            return (base if base is not None else db_field.related_model._default_manager.all()).filter(pk__in=nameable)
        if db_field.related_model._meta.label_lower == "cases.case":
            # A record is attached only to a case one may write.
            return access.writable(request.user, base if base is not None else db_field.related_model.objects.all())
        return access.rows_visible_to(request.user, db_field.related_model, base)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            base = self.get_field_queryset(None, db_field, request)
            kwargs["queryset"] = self.choices_for(db_field, request, base)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            base = self.get_field_queryset(None, db_field, request)
            kwargs["queryset"] = self.choices_for(db_field, request, base)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


# --- list filters limited to what the user sees -----------------------------------------------


def distinct_values(queryset, field_name: str) -> list:
    """The distinct non-empty values of a text column among the rows of `queryset`.

    An unfiltered queryset on PostgreSQL is answered by a loose index scan: a recursive query that
    jumps from one value to the next through the column's index, one probe per distinct value
    (thirty countries: thirty probes), where SELECT DISTINCT reads every row of a million-row table
    on each page view. A filtered (scoped) queryset, or another database: SELECT DISTINCT."""
    from django.db import connections

    qs = queryset.order_by()
    query = qs.query
    connection = connections[qs.db]
    field = qs.model._meta.get_field(field_name)
    loose_scan = (
        connection.vendor == "postgresql"
        and not query.where
        and not query.combinator
        and field.get_internal_type() in ("CharField", "TextField")
    )
    if not loose_scan:
        return [value for value in qs.values_list(field_name, flat=True).distinct() if value]
    table = connection.ops.quote_name(qs.model._meta.db_table)
    column = connection.ops.quote_name(field.column)
    sql = (
        f"WITH RECURSIVE v(x) AS ("
        f" (SELECT {column} FROM {table} WHERE {column} > '' ORDER BY {column} LIMIT 1)"
        f" UNION ALL"
        f" SELECT (SELECT {column} FROM {table} WHERE {column} > v.x ORDER BY {column} LIMIT 1)"
        f" FROM v WHERE v.x IS NOT NULL"
        f") SELECT x FROM v WHERE x IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


class VisibleCountryFilter(admin.SimpleListFilter):
    """Countries of the rows the user can see (not every country in the world, not another unit's)."""

    title = _("country")
    parameter_name = "country"
    field_name = "country"

    def lookups(self, request, model_admin):
        from django_countries import countries

        codes = distinct_values(model_admin.get_queryset(request), self.field_name)
        names = dict(countries)
        return sorted(((c, f"{names.get(c, c)} ({c})") for c in codes if c), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.field_name: self.value()})
        return queryset


class LocationCountryFilter(VisibleCountryFilter):
    title = _("located in")
    parameter_name = "location_country"
    field_name = "location_country"


class NationalityFilter(VisibleCountryFilter):
    title = _("nationality / country of registration")
    parameter_name = "nationality"
    field_name = "nationality"


class CurrencyFilter(admin.SimpleListFilter):
    """The currencies of the rows the user can see (distinct_values: an index probe per currency)."""

    title = _("currency")
    parameter_name = "currency"
    field_name = "currency"

    def lookups(self, request, model_admin):
        return [(code, code) for code in sorted(distinct_values(model_admin.get_queryset(request), self.field_name))]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.field_name: self.value()})
        return queryset


class ReferenceListFilter(admin.RelatedOnlyFieldListFilter):
    """A foreign-key filter for a large list whose choices need no pass over that list.

    RelatedOnlyFieldListFilter asks SELECT DISTINCT of the foreign key over every visible row (a
    million requests: most of a second per page view). Someone who sees everything sees every row,
    so the choices are the related table itself (units, people, crime categories, instruments: small
    tables). A scoped user still gets only what their own rows refer to (RelatedOnlyFieldListFilter
    over their share), so another unit's staff, units and instruments in use are not shown."""

    def field_choices(self, field, request, model_admin):
        if access.reads_everything(request.user):
            ordering = self.field_admin_ordering(field, request, model_admin)
            return field.get_choices(include_blank=False, ordering=ordering)
        return super().field_choices(field, request, model_admin)


def days_left_html(due, pending: bool):
    """'12 Mar 2026 — in 5 days' / '— 3 days overdue', for a deadline column."""
    if due is None:
        return "—"
    from django.utils.formats import date_format

    text = date_format(due, "SHORT_DATE_FORMAT")
    if not pending:
        return text
    delta = (due - timezone.localdate()).days
    if delta < 0:
        label = ngettext("%(n)d day overdue", "%(n)d days overdue", -delta) % {"n": -delta}
        return format_html('{} <strong class="deadline-overdue" style="color:#ba2121">{}</strong>', text, label)
    if delta == 0:
        return format_html("{} <strong>{}</strong>", text, _("due today"))
    label = ngettext("in %(n)d day", "in %(n)d days", delta) % {"n": delta}
    return format_html("{} <span>{}</span>", text, label)


def country_html(country):
    if not country:
        return "—"
    return format_html("{} <small>({})</small>", country.name, country.code)


# --- forms with a version check and service errors --------------------------------------------


def add_domain_error(form, exc: DomainError):
    """Put a DomainError on a form: field errors on their fields when shown, the message on top."""
    placed = False
    for name, errors in (exc.field_errors or {}).items():
        if name in form.fields:
            for error in errors:
                form.add_error(name, str(error))
            placed = True
    if not placed or str(exc.message):
        form.add_error(None, ValidationError(str(exc.message), code=getattr(exc, "code", "invalid")))


class VersionedModelForm(forms.ModelForm):
    """Carries the version the record had when the form was opened; a stale save is refused."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    admin_request = None  # set by ServiceModelAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and "expected_version" in self.fields:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        data = super().clean()
        error = getattr(self.admin_request, "_domain_error", None)
        if error is not None:
            add_domain_error(self, error)
            return data
        seen = data.get("expected_version")
        if self.instance.pk is not None and seen is not None:
            current = (
                type(self.instance)
                ._default_manager.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current != seen:
                raise ValidationError(str(VersionConflict.default_message), code=VersionConflict.code)
        return data


class ServiceModelAdmin(AuditlogHistoryAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """A ModelAdmin whose saves go through the app's services.

    Subclasses implement `service_create(request, data)` and `service_update(request, obj, changes,
    expected_version)`; `service_fields` lists the form fields the update service accepts.
    """

    form = VersionedModelForm
    service_fields: frozenset = frozenset()
    change_form_template = "admin/recovery/change_form.html"
    transitions: dict = {}  # filled by TransitionAdminMixin subclasses

    # -- forms
    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        return type(form_class.__name__, (form_class,), {"admin_request": request})

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.fieldsets and obj is not None and self.has_change_permission(request, obj):
            name, options = fieldsets[0]
            options = {**options, "fields": [*options["fields"], "expected_version"]}
            fieldsets = [(name, options), *fieldsets[1:]]
        return fieldsets

    # -- saving through services
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            if request.method != "POST":
                raise
            # The service refused and its transaction rolled back: show the same form again with
            # the reason, keeping what the user typed.
            messages.error(request, str(exc.message))
            request._domain_error = exc
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            changes = {name: data[name] for name in form.changed_data if name in self.service_fields}
            saved = self.service_update(request, obj, changes, data.get("expected_version"))
        else:
            saved = self.service_create(request, data)
        # The admin goes on with `obj` (inlines, the log entry, the redirect): make it the saved row.
        obj.__dict__.update(saved.__dict__)

    def save_related(self, request, form, formsets, change):
        # Many-to-many fields were written by the service; only the inlines remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        buttons = getattr(self, "transition_buttons", None)
        context["transition_buttons"] = buttons(request, obj) if buttons and obj is not None else []
        context["timeline_rows"] = self.timeline_rows(obj) if obj is not None else []
        context["timeline_title"] = self.timeline_title
        return super().render_change_form(request, context, add, change, form_url, obj)

    timeline_title = _("Timeline")

    def timeline_rows(self, obj) -> list[dict]:
        if not hasattr(obj, "timeline"):
            return []
        return timeline_rows_for(obj, obj.timeline.all())

    def service_create(self, request, data):  # pragma: no cover - abstract
        raise NotImplementedError

    def service_update(self, request, obj, changes, expected_version):  # pragma: no cover - abstract
        raise NotImplementedError

    # -- history: Django's "History" button shows the audit trail
    def history_view(self, request, object_id, extra_context=None):
        return self.auditlog_history_view(request, object_id, extra_context)

    def auditlog_history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        response = super().auditlog_history_view(request, object_id, extra_context)
        # A person's identifiers in the recorded changes are masked as everywhere else for this user.
        page = response.context_data["log_entries"]
        page.object_list = [with_masked_changes(entry, request.user, subject=obj) for entry in page.object_list]
        return response


def timeline_rows_for(subject, entries, *, label="", url="") -> list[dict]:
    """Timeline rows of one record as dicts the timeline template shows (oldest first)."""
    rows = []
    for entry in entries:
        rows.append(
            {
                "effective_on": entry.effective_on,
                "recorded_at": entry.recorded_at,
                "record": label,
                "record_url": url,
                "from_status": subject.status_label(entry.from_status) if entry.from_status else "",
                "to_status": subject.status_label(entry.to_status),
                "note": entry.note,
                "document_reference": entry.document_reference,
                "amount": entry.amount,
                "override_reason": entry.override_reason,
                "actor": entry.actor_name,
            }
        )
    return rows


def merge_timelines(*row_lists) -> list[dict]:
    rows = [row for rows in row_lists for row in rows]
    rows.sort(key=lambda row: (row["effective_on"], row["recorded_at"]))
    return rows


class ReadOnlyAdminMixin:
    """Timeline rows and other derived records: shown, never written from the admin."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
