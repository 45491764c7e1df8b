"""Export (CSV, XLSX) of any filtered changelist and import of cases, subjects and assets, with
django-import-export.

Exports read the changelist's queryset, so they hold exactly the rows the user sees with the
filters and search applied. Imports preview first (a dry run in a rolled-back transaction) and show
each row's errors; they create records through the services, never by saving models directly, and
they are all-or-nothing: one bad row and nothing is written. Every exported text cell goes through
recovery.exports.neutralise_formula (FormulaSafeResource), so no value runs as a spreadsheet formula.
"""

from __future__ import annotations

import numbers

from django.core.exceptions import NON_FIELD_ERRORS, ImproperlyConfigured, ObjectDoesNotExist, ValidationError
from django.utils.translation import gettext_lazy as _
from import_export import resources, widgets
from import_export.formats.base_formats import CSV, XLSX
from import_export.resources import modelresource_factory

from recovery.errors import DomainError
from recovery.exports import neutralise_formula


class ScopedLookupWidget(widgets.ForeignKeyWidget):
    """A foreign key looked up by a natural field among the rows the importing user may see; an
    unknown value is a row error naming the column, not a crash."""

    def get_queryset(self, value, row, *args, **kwargs):
        from recovery import access

        queryset = super().get_queryset(value, row, *args, **kwargs)
        user = kwargs.get("user")
        return access.rows_visible_to(user, self.model, queryset) if user is not None else queryset.none()

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row=row, **kwargs)
        except ObjectDoesNotExist:
            raise ValueError(
                _("%(model)s “%(value)s” is unknown or not visible to you.")
                % {"model": self.model._meta.verbose_name, "value": value}
            ) from None


class FormulaSafeResource(resources.ModelResource):
    """A resource whose exported text never runs as a spreadsheet formula, in CSV and XLSX alike.

    Not django-import-export's IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT: it only strips a leading
    `=` (so `+`, `-`, `@`, tab and carriage return still pass) and turns every cell into text,
    numbers and dates included. Here, each field's value is neutralised as it is exported, except
    a number's: widgets render numbers as text ("-5.00"), and -5 must stay the number -5."""

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        safe = neutralise_formula(value)
        if safe is value or self._renders_a_number(field, instance):
            return value
        return safe

    def _renders_a_number(self, field, instance) -> bool:
        if isinstance(field.widget, widgets.NumberWidget):
            return True
        # A declared field without a numeric widget renders its number with force_str; a
        # dehydrate method returns its value unrendered, judged by neutralise_formula itself.
        dehydrate = field.get_dehydrate_method(self.get_field_name(field))
        if not field.attribute or callable(dehydrate) or callable(getattr(self, dehydrate, None)):
            return False
        raw = field.get_value(instance)
        return isinstance(raw, numbers.Number) and not isinstance(raw, bool)


class ServiceResource(FormulaSafeResource):
    """A resource that always creates, through `create_through_service(instance, row, user)`.
    On export, `exporting_user` is the signed-in user (identifier columns are masked for them)."""

    def __init__(self, exporting_user=None, **kwargs):
        super().__init__(**kwargs)
        self.exporting_user = exporting_user

    def before_import(self, dataset, **kwargs):
        self.importing_user = kwargs.get("user")
        super().before_import(dataset, **kwargs)

    def import_data(self, dataset, dry_run=False, *args, **kwargs):
        # Every import and every preview (the dry run, which shows what a file would create) is
        # an audited event: who, which file, how many rows, how many refused.
        from recovery.security.reads import record_import

        result = super().import_data(dataset, dry_run, *args, **kwargs)
        opts = self._meta.model._meta
        record_import(
            what=f"{opts.app_label}.{opts.model_name}",
            result=result,
            dry_run=dry_run,
            file_name=kwargs.get("file_name") or "",
            user=kwargs.get("user"),
        )
        return result

    def get_instance(self, instance_loader, row):
        return None  # imports add records; they never overwrite existing ones

    def save_instance(self, instance, is_create, row, **kwargs):
        try:
            saved = self.create_through_service(instance, row, self.importing_user)
        except DomainError as exc:
            errors = {}
            export_names = {f.attribute for f in self.get_import_fields() if f.attribute}
            for name, messages in (exc.field_errors or {}).items():
                key = name if name in export_names else NON_FIELD_ERRORS
                errors.setdefault(key, []).extend(str(m) for m in messages)
            errors.setdefault(NON_FIELD_ERRORS, []).insert(0, str(exc.message))
            raise ValidationError(errors) from None
        instance.__dict__.update(saved.__dict__)

    def save_m2m(self, instance, row, **kwargs):
        pass  # written by the service

    def create_through_service(self, instance, row, user):  # pragma: no cover - abstract
        raise NotImplementedError


class ServiceImportExportMixin:
    """Admin side of import/export: CSV and XLSX, permissions from the admin's own, and a real
    import rolled back when any row is invalid."""

    formats = [CSV, XLSX]
    export_formats = [CSV, XLSX]
    import_formats = [CSV, XLSX]

    def has_import_permission(self, request):
        return bool(self.get_import_resource_classes(request)) and self.has_add_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_resource_classes(self, request):
        # An admin that names no resource exports its model's fields: through a formula-safe one.
        if not self.resource_classes and not getattr(self, "resource_class", None):
            return [modelresource_factory(self.model, resource_class=FormulaSafeResource)]
        return super().get_resource_classes(request)

    def get_export_resource_classes(self, request):
        classes = super().get_export_resource_classes(request)
        unsafe = [cls.__name__ for cls in classes if not issubclass(cls, FormulaSafeResource)]
        if unsafe:
            raise ImproperlyConfigured(
                f"{type(self).__name__} exports through {', '.join(unsafe)}, which does not derive from "
                "FormulaSafeResource: its text could run as spreadsheet formulas."
            )
        return classes

    def get_export_resource_kwargs(self, request, **kwargs):
        return {**super().get_export_resource_kwargs(request, **kwargs), "exporting_user": request.user}

    def get_data_for_export(self, request, queryset, **kwargs):
        # Every CSV/XLSX export of a changelist is an audited `export` event (what, how many rows).
        from recovery.security.events import record_event

        data = super().get_data_for_export(request, queryset, **kwargs)
        opts = self.model._meta
        record_event(
            "export", request=request, extra={"what": f"{opts.app_label}.{opts.model_name}", "rows": len(data)}
        )
        return data

    def get_import_data_kwargs(self, **kwargs):
        data_kwargs = super().get_import_data_kwargs(**kwargs)
        data_kwargs.pop("request", None)
        data_kwargs["rollback_on_validation_errors"] = True
        return data_kwargs
