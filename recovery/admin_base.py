"""What every admin page of the project shares.

- Scoping: changelists, change pages, autocomplete answers, filter choices and foreign-key choices
  come from recovery.access, so another unit's record is never shown; a record one reads but may
  not write (an analyst who is also an investigator, looking at another unit's case) opens read-only.
- URL lookups: a changelist or export page accepts only the lookups declared for it, whole path
  and lookup type (UrlLookupGate, on every admin page); any other is a 400 and an audit event.
- Analysts read only; nobody deletes cases, requests, assets or timeline rows from the admin.
- Writes go through the services: `save_model` calls the app's create/update service with the
  version the form was opened at, and a DomainError becomes an error on the redisplayed form.
- Status changes go through per-object transition forms (recovery.admin_transitions).
- History: the "History" button shows django-auditlog's trail (who changed what, old and new).
"""

from __future__ import annotations

import functools

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
from djmoney.forms.widgets import MoneyWidget

from recovery import access
from recovery.currencies import CurrencyChoiceAdminMixin
from recovery.errors import DomainError, VersionConflict
from recovery.security.masking import is_identifier_lookup, with_masked_changes

# --- scoped querysets ---------------------------------------------------------------------------


# Records that a lookup reaching them through a relation may ask for nothing but their id: a
# person's account (password, OTP key, e-mail...), their devices, sessions, API tokens and
# messages, and the audit trails. `lead_investigator__id__exact` names a colleague by id;
# `lead_investigator__password__startswith` would read a password hash a character at a time.
ID_ONLY_APPS = frozenset({"auth", "sessions", "axes", "auditlog", "otp_totp", "otp_static", "otp_email", "otp_hotp"})
ID_ONLY_MODELS = frozenset(
    {
        "recovery.apitoken",
        "recovery.idempotencykey",
        "recovery.notification",
        "recovery.notificationpreference",
        "recovery.auditevent",
        "requests.reminderdelivery",
        "requests.reminderdigest",
    }
)


def _id_only(opts) -> bool:
    from django.conf import settings

    return (
        opts.app_label in ID_ONLY_APPS
        or opts.label_lower in ID_ONLY_MODELS
        or opts.label_lower == settings.AUTH_USER_MODEL.lower()
    )


def reaches_beyond_id(model, lookup: str) -> bool:
    """Whether `lookup` crosses a relation into a record that may be asked only for its id (see
    ID_ONLY_MODELS) and asks it for more, or reaches a person's identifiers (IIN/BIN, passport:
    IDENTIFIER_FIELDS) through a relation. Whatever any admin declares, such a lookup is refused."""
    from django.core.exceptions import FieldDoesNotExist

    from recovery.security.masking import IDENTIFIER_FIELDS

    opts, crossed = model._meta, False
    for part in lookup.split("__"):
        try:
            field = opts.pk if part == "pk" else opts.get_field(part)
        except FieldDoesNotExist:
            return False  # a lookup type or transform of the field before: nothing further is reached
        if crossed and _id_only(opts) and not getattr(field, "primary_key", False):
            return True
        if crossed and field.name in IDENTIFIER_FIELDS:
            return True
        if not (field.is_relation and getattr(field, "path_infos", None)):
            return False  # a value field: the rest are its lookup types and transforms
        opts, crossed = field.path_infos[-1].to_opts, True
    return False  # ends on a relation: compares ids (`case__unit__in=3,4`)


def expand_url_lookups(declared) -> set[str]:
    """{("response_due", {"lt", "gte"})} -> {"response_due__lt", "response_due__gte"}; "exact" also
    admits the bare path (`status=` and `status__exact=` are the same query)."""
    names = set()
    for path, lookup_types in declared:
        for lookup_type in lookup_types:
            names.add(f"{path}__{lookup_type}")
            if lookup_type == "exact":
                names.add(path)
    return names


def list_filter_parameters(model, list_filter) -> set[str]:
    """The query-string parameters one `list_filter` entry reads, worked out the way the admin's
    filter classes name them (without building the filter, which would query its choices)."""
    from django.contrib.admin.filters import (
        AllValuesFieldListFilter,
        BooleanFieldListFilter,
        ChoicesFieldListFilter,
        DateFieldListFilter,
        EmptyFieldListFilter,
        FieldListFilter,
        RelatedFieldListFilter,
        SimpleListFilter,
    )
    from django.contrib.admin.utils import get_fields_from_path

    if isinstance(list_filter, type) and issubclass(list_filter, SimpleListFilter):
        return {list_filter.parameter_name}
    path, filter_class = list_filter if isinstance(list_filter, (list, tuple)) else (list_filter, None)
    if not isinstance(path, str):  # a Field instance
        path = path.name
    field = get_fields_from_path(model, path)[-1]
    if filter_class is None:
        filter_class = next(cls for test, cls in FieldListFilter._field_list_filters if test(field))
    if issubclass(filter_class, RelatedFieldListFilter):
        return {f"{path}__{field.target_field.name}__exact", f"{path}__isnull"}
    if issubclass(filter_class, EmptyFieldListFilter):
        return {f"{path}__isempty"}
    if issubclass(filter_class, DateFieldListFilter):
        return {f"{path}__gte", f"{path}__lt"} | ({f"{path}__isnull"} if field.null else set())
    if issubclass(filter_class, (BooleanFieldListFilter, ChoicesFieldListFilter)):
        return {f"{path}__exact", f"{path}__isnull"}
    if issubclass(filter_class, AllValuesFieldListFilter):
        return {path, f"{path}__isnull"}
    return set()  # a filter class not known here: its parameters are refused until declared


class UrlLookupGate:
    """The one gate of the admin's URL lookups: a changelist (and the export page, which filters
    the same way) accepts a query-string lookup only when it is declared in full, path and lookup
    type:

    - a parameter of one of the admin's own list filters (what the filter sidebar links to) or of
      its date hierarchy (`<field>__year`, `__month`, `__day`);
    - `url_lookups`: (field path, {lookup types}) pairs, e.g. ("object_pk", {"exact"});
    - what the dashboards link with (recovery/dashboards/admin_lookups.py, per model).

    Anything else - `case__unit__parent__members__password__startswith`, `changes__icontains` -
    is refused: the admin answers 400 with no count (Django's DisallowedModelAdminLookup), and the
    refusal is an audit event (`lookup_refused`, the lookup names without their values). A lookup
    that reaches a person's account, devices, tokens or messages beyond their id, or a person's
    identifiers, through a relation is refused even when declared (`reaches_beyond_id`); one on
    an identifier, or on a field in `identifier_bearing_fields` (text that may hold identifiers),
    is refused to whoever sees identifiers masked, and those fields drop out of their search."""

    url_lookups: tuple = ()
    identifier_bearing_fields: tuple = ()

    def allowed_url_lookups(self, request) -> set[str]:
        """Every lookup this admin accepts in its URL (before the per-user refusals below)."""
        cache = getattr(request, "_allowed_url_lookups", None) if request is not None else None
        if cache is not None and id(self) in cache:
            return cache[id(self)]
        from recovery.dashboards.admin_lookups import DASHBOARD_URL_LOOKUPS

        list_filter = self.get_list_filter(request) if request is not None else self.list_filter
        names = set()
        for entry in list_filter:
            names |= list_filter_parameters(self.model, entry)
        if self.date_hierarchy:
            names |= {f"{self.date_hierarchy}__{part}" for part in ("year", "month", "day")}
        names |= expand_url_lookups(self.url_lookups)
        names |= expand_url_lookups(DASHBOARD_URL_LOOKUPS.get(self.model._meta.label_lower, ()))
        if request is not None:
            # The changelist asks once per parameter: work the list out once per request.
            if cache is None:
                cache = request._allowed_url_lookups = {}
            cache[id(self)] = names
        return names

    def lookup_allowed(self, lookup, value, request=None):
        if lookup not in self.allowed_url_lookups(request) and not self._raw_id_popup_lookup(lookup, value):
            return False
        if reaches_beyond_id(self.model, lookup):
            return False
        # Whoever sees identifiers masked may not filter by them (?iin_bin__startswith=8601 would
        # answer yes or no), nor by text that may hold them (the change log's recorded changes).
        return not self._reads_identifiers(lookup) or access.may_search_identifiers(getattr(request, "user", None))

    def _raw_id_popup_lookup(self, lookup, value) -> bool:
        # A raw-id widget's popup narrows the list by its foreign key's limit_choices_to: those
        # exact (lookup, value) pairs come from the code, as Django's own lookup_allowed allows them.
        if not self.model._meta.related_fkey_lookups:
            return False
        from django.contrib.admin.widgets import url_params_from_lookup_dict

        for fk_lookup in self.model._meta.related_fkey_lookups:
            if callable(fk_lookup):
                fk_lookup = fk_lookup()
            if (lookup, value) in url_params_from_lookup_dict(fk_lookup).items():
                return True
        return False

    def _reads_identifiers(self, path: str) -> bool:
        """Whether a lookup or search field reads a person's identifiers, or text that may hold them."""
        return is_identifier_lookup(path) or path.lstrip("=^@").split("__", 1)[0] in self.identifier_bearing_fields

    def get_search_fields(self, request):
        # Whoever sees identifiers masked may not search by them either (a match would confirm
        # the number): those fields drop out of the search box and the autocomplete.
        fields = super().get_search_fields(request)
        if access.may_search_identifiers(request.user):
            return fields
        return tuple(f for f in fields if not self._reads_identifiers(f))

    def get_changelist(self, request, **kwargs):
        # The changelist and django-import-export's export page both build their list from this class.
        return _gated_changelist(super().get_changelist(request, **kwargs))


@functools.cache
def _gated_changelist(changelist_class):
    from django.contrib.admin.exceptions import DisallowedModelAdminLookup

    class GatedChangeList(changelist_class):
        def get_filters(self, request):
            try:
                return super().get_filters(request)
            except DisallowedModelAdminLookup:
                record_refused_lookups(request, self.model_admin, self.get_filters_params())
                raise

    GatedChangeList.__name__ = GatedChangeList.__qualname__ = f"Gated{changelist_class.__name__}"
    return GatedChangeList


# A refusal names at most this many lookups, each cut to this length: the names are the attacker's
# to choose too.
REFUSED_LOOKUPS_RECORDED, REFUSED_LOOKUP_LENGTH = 20, 120


def record_refused_lookups(request, model_admin, params) -> None:
    """One `lookup_refused` audit event for a changelist or export request refused for its lookups.
    It names the lookups, never their values (a guessed password hash, an IIN), and records the
    path without its query string for the same reason."""
    from recovery.security.events import record_event

    refused = sorted(
        key
        for key, values in params.items()
        if any(not model_admin.lookup_allowed(key, value, request) for value in values)
    )
    record_event(
        "lookup_refused",
        request=request,
        outcome="denied",
        path=request.path,
        extra={
            "model": model_admin.model._meta.label_lower,
            "refused": [key[:REFUSED_LOOKUP_LENGTH] for key in refused[:REFUSED_LOOKUPS_RECORDED]],
            "lookups": len(params),
        },
    )


class ScopedAdminMixin(CurrencyChoiceAdminMixin, UrlLookupGate):
    """Rows, choices and permissions limited to what the signed-in user may see and do; URL
    lookups limited to the declared ones (UrlLookupGate)."""

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
        if label != "cases.subject" and label not in access.CASE_PATHS and label not in access.INCOMING_PATHS:
            return True  # not a case record nor an incoming request: the model permission decides
        # A change page asks several times (form, buttons, inlines): one answer per record and request.
        answers = request.__dict__.setdefault("_may_write", {})
        key = (label, obj.pk)
        if key not in answers:
            answers[key] = access.may_write(request.user, obj)
        return answers[key]

    def has_delete_permission(self, request, obj=None):
        if not self.allow_delete or not access.is_writer(request.user):
            return False
        return super().has_delete_permission(request, obj)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        if changelist.search_help_text and len(changelist.search_fields) < len(
            admin.ModelAdmin.get_search_fields(self, request)
        ):
            changelist.search_help_text = format_lazy(
                "{} {}",
                changelist.search_help_text,
                _("Identifiers (IIN/BIN, passport) are not searched for your role."),
            )
        return changelist

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


def name_currency_select(formfield):
    """django-money's widget renders an amount and a currency under one <label> that points at
    neither (a label names one control): each gets a name of its own, the field's and its currency."""
    widget = getattr(formfield, "widget", None)
    if isinstance(widget, MoneyWidget):
        amount, currency = widget.widgets
        amount.attrs.setdefault("aria-label", formfield.label)
        currency.attrs.setdefault("aria-label", format_lazy("{} — {}", formfield.label, _("Currency")))
    return formfield


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
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return name_currency_select(super().formfield_for_dbfield(db_field, request, **kwargs))

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


def back_to_case(request, response, case_id=None):
    """After adding a record from a case's page (its "add" links carry ?case=N), a plain "Save"
    goes back to a case rather than to the list: `case_id`, the case the record was saved in (the
    form may have changed it), else N; only a case the user may see."""
    from django.apps import apps
    from django.http import HttpResponseRedirect
    from django.urls import reverse

    if not isinstance(response, HttpResponseRedirect):
        return response
    if any(key in request.POST for key in ("_continue", "_addanother", "_saveasnew", "_popup")):
        return response
    opened_from = request.GET.get("case", "")
    if not opened_from.isdigit():
        return response
    case_id = str(case_id or opened_from)
    if not case_id.isdigit():
        return response
    Case = apps.get_model("cases", "Case")
    if not access.readable(request.user, Case.objects.filter(pk=int(case_id))).exists():
        return response
    return HttpResponseRedirect(reverse("admin:cases_case_change", args=[int(case_id)]))
