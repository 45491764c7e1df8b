"""django-filter FilterSets shared by the admin, the API and the dashboards: the common base
(free-text `q`, `updated_after` for synchronisation), the reference data's filters, and
`filterset_list_filter`, which makes one filter of a FilterSet an admin list filter."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import NamedTuple

import django_filters
from django import forms
from django.db import models
from django.db.models import Q
from django.http import QueryDict
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from recovery.models import AssistanceMeasure, CountryProfile, CrimeCategory, LegalInstrument, Unit
from recovery.translation import country_choices


class AsciiIntegerField(forms.IntegerField):
    """An integer in ASCII digits: int() reads "٣" as 3, and "²" is a digit to str.isdigit()."""

    def to_python(self, value):
        if isinstance(value, str) and not value.isascii():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """The id of a related record (an integer within BIGINT, in ASCII digits; 2.5 is refused, not
    rounded)."""

    field_class = AsciiIntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -(2**63))
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.NUMBER)
class AmountFilter(django_filters.NumberFilter):
    """A bound on an amount: `<field>_min` (>=) or `<field>_max` (<=)."""


class StrictNullBooleanSelect(forms.NullBooleanSelect):
    # Django's select maps any unknown value to None ("no filter"); hand the raw text to the field
    # so that it can refuse it. The select's own options are "unknown", "true" and "false".
    def value_from_datadict(self, data, files, name):
        return data.get(name)


class StrictBooleanField(forms.Field):
    """`true` or `false`, as the OpenAPI schema says ("unknown" from a form's select means no
    filter); anything else, 1/0 included, is an error, not silently "no filter" or a guess."""

    widget = StrictNullBooleanSelect
    TRUE, FALSE = {"true"}, {"false"}

    def to_python(self, value):
        if value in self.empty_values or value == "unknown":
            return None
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError(_("Give true or false."), code="invalid")


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


def _refuse_bad_ids(field, values):
    from django.core.exceptions import ValidationError

    from recovery.api.fields import valid_id

    for value in values:
        if value not in field.empty_values and not valid_id(str(value).strip()):
            raise ValidationError(
                field.error_messages[
                    "invalid_pk_value" if "invalid_pk_value" in field.error_messages else "invalid_choice"
                ],
                code="invalid_pk_value",
                params={"pk": value, "value": value},
            )


class IdsField(forms.ModelMultipleChoiceField):
    # Ids beyond BIGINT overflow SQLite's integer: refuse them as invalid instead of a 500.
    def _check_values(self, value):
        _refuse_bad_ids(self, value)
        return super()._check_values(value)


class IdField(forms.ModelChoiceField):
    def to_python(self, value):
        _refuse_bad_ids(self, [value])
        return super().to_python(value)


class IdsFilter(django_filters.ModelMultipleChoiceFilter):
    """Several ids. Used on the model's own or forward foreign keys, which cannot yield duplicate
    rows, so no DISTINCT (django-filter's default would turn every list into SELECT DISTINCT over all
    columns, and its count with it: 1.2 s instead of 30 ms at a million requests, see docs/perf.md)."""

    field_class = IdsField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


class RefFilter(django_filters.ModelChoiceFilter):
    field_class = IdField


def amount_range(field_name, label):
    return (
        AmountFilter(field_name=field_name, lookup_expr="gte", label=label),
        AmountFilter(field_name=field_name, lookup_expr="lte", label=label),
    )


class CountryMultipleFilter(django_filters.MultipleChoiceFilter):
    """Several ISO 3166 codes: ?country=CH&country=AE (upper-cased before validation)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", country_choices)
        kwargs.setdefault("distinct", False)  # a single-valued field: see IdsFilter
        super().__init__(*args, **kwargs)


class StrictFilterSet(django_filters.FilterSet):
    """Through the API, a parameter given with an empty value is an error (400), not silently "no
    filter": a client that meant to filter and sent nothing should hear about it (free-text filters
    may be blank); so is a single-valued parameter given several times. HTML forms (admin,
    dashboards) submit empty fields for "any", so for them, and whenever the FilterSet is built
    without a DRF request, empty values mean no filter as usual."""

    FILTER_DEFAULTS = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
    }

    blank_allowed = frozenset({"q", "currency"})

    @property
    def refuses_blank_values(self) -> bool:
        from rest_framework.request import Request

        return isinstance(self.request, Request)

    def get_form_class(self):
        base = super().get_form_class()
        if not self.refuses_blank_values:
            return base
        data, blank_allowed = self.data, self.blank_allowed
        message = _("Give a value, or leave the parameter out.")
        once = _("Give this parameter once.")

        class StrictForm(base):
            def clean(self):
                cleaned = super().clean()
                for key in data:
                    name = key
                    for suffix in ("_after", "_before", "_min", "_max"):
                        if name not in self.fields and name.endswith(suffix):
                            name = name[: -len(suffix)]
                    if name not in self.fields:
                        continue
                    values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
                    # A single-valued filter given several times would silently use the last one.
                    multiple = getattr(self.fields[name].widget, "allow_multiple_selected", False)
                    if len(values) > 1 and not multiple and name not in self.errors:
                        self.add_error(name, once)
                    if name in blank_allowed:
                        continue
                    if any(str(v).strip() == "" for v in values) and name not in self.errors:
                        self.add_error(name, message)
                return cleaned

        return StrictForm


class SearchFilterSet(StrictFilterSet):
    """`q`: every word must appear in one of `search_fields` (case-insensitive)."""

    search_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))

    def filter_q(self, queryset, name, value):
        # A person's identifiers are searched only for those who see them in full (masking.py):
        # a match would otherwise confirm a number the API shows them masked.
        from recovery.security.masking import searchable_fields

        fields = searchable_fields(self.search_fields, getattr(self.request, "user", None))
        for word in value.split()[:10]:
            condition = Q()
            for field in fields:
                condition |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(condition)
        return queryset


class UtcIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 timestamp, normalised to UTC: an offset such as +16:13 is valid ISO 8601 but
    beyond what PostgreSQL accepts, so the database never sees it."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(datetime.UTC)
        except OverflowError:
            raise forms.ValidationError(_("The date is out of range."), code="invalid") from None


@extend_schema_field({"type": "string", "format": "date-time"})
class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class SyncFilterSet(SearchFilterSet):
    """Adds `updated_after` (ISO 8601 timestamp): the records changed since a client's last sync."""

    updated_after = UtcIsoDateTimeFilter(field_name="updated_at", lookup_expr="gt", label=_("Updated after (ISO 8601)"))


class UnitFilterSet(SearchFilterSet):
    search_fields = ("code", "name_en", "name_ru", "name_kk")
    parent = RefFilter(queryset=Unit.objects.all())

    class Meta:
        model = Unit
        fields = ["parent"]


class CrimeCategoryFilterSet(SearchFilterSet):
    search_fields = ("code", "name_en", "name_ru", "name_kk")

    class Meta:
        model = CrimeCategory
        fields = []


class AssistanceMeasureFilterSet(SearchFilterSet):
    search_fields = ("code", "name_en", "name_ru", "name_kk")

    class Meta:
        model = AssistanceMeasure
        fields = ["concerns_assets"]


class CountryProfileFilterSet(SearchFilterSet):
    search_fields = ("country", "central_authority", "notes")
    country = CountryMultipleFilter(label=_("Country"))

    class Meta:
        model = CountryProfile
        fields = []


class LegalInstrumentFilterSet(SearchFilterSet):
    search_fields = ("code", "short_name", "name_en", "name_ru", "name_kk")
    kind = django_filters.MultipleChoiceFilter(distinct=False, choices=LegalInstrument.Kind.choices, label=_("Kind"))
    country = django_filters.ChoiceFilter(
        choices=country_choices, method="filter_country", label=_("Applies to country")
    )
    measure = RefFilter(queryset=AssistanceMeasure.objects.all(), method="filter_measure", label=_("Allows measure"))

    class Meta:
        model = LegalInstrument
        fields = ["open_to_all_states"]

    @extend_schema_field(OpenApiTypes.STR)  # documents the parameter's type for the schema
    def filter_country(self, queryset, name, value):
        bound = LegalInstrument.counterpart_countries.through.objects.filter(countryprofile__country=value)
        return queryset.filter(Q(open_to_all_states=True) | Q(pk__in=bound.values("legalinstrument_id")))

    @extend_schema_field(OpenApiTypes.INT)  # documents the parameter's type for the schema
    def filter_measure(self, queryset, name, value):
        allowed = LegalInstrument.measures.through.objects.filter(assistancemeasure=value)
        return queryset.filter(Q(any_other_assistance=True) | Q(pk__in=allowed.values("legalinstrument_id")))


# --- Read rules as filter parameters --------------------------------------------------------------
class Rule(NamedTuple):
    label: str
    q: Callable[[datetime.date], Q]  # today -> the rule's Q


class Rules:
    """The filter parameters that apply a model's read rules (the Q builders of its QuerySet),
    declared once: parameter -> value -> Rule. A boolean parameter has its rule under "true", and
    "false" is its negation. FilterSets filter with `q`; statistics count with `q` and link to the
    admin list with `params`, which names the same entry, so a figure and its list agree."""

    def __init__(self, table: dict[str, dict[str, Rule]]):
        self.table = table

    def _boolean(self, param: str) -> bool:
        return set(self.table[param]) == {"true"}

    def q(self, param: str, value: str, today: datetime.date | None = None) -> Q:
        from django.utils import timezone

        today = today if today is not None else timezone.localdate()
        if value == "false" and self._boolean(param):
            return ~self.table[param]["true"].q(today)
        return self.table[param][value].q(today)

    def params(self, *pairs: tuple[str, str]) -> dict[str, str]:
        """Query-string parameters selecting the given (parameter, value) rules; an unknown one is
        a KeyError, so a link cannot name a rule that does not exist."""
        out = {}
        for param, value in pairs:
            if value not in self.table[param] and not (value == "false" and self._boolean(param)):
                raise KeyError(f"{param}={value}")
            out[param] = value
        return out

    def choices(self, param: str) -> list[tuple[str, str]]:
        return [(value, rule.label) for value, rule in self.table[param].items()]

    def filter(self, queryset, name, value):
        """A FilterSet filter method (`method=RULES.filter`): `?name=value` applies its rule."""
        if value is None or value == "":
            return queryset
        if isinstance(value, bool):
            value = "true" if value else "false"
        return queryset.filter(self.q(name, value))


# --- The admin's side of a FilterSet ---------------------------------------------------------------
def _lower_first(text) -> str:
    text = str(text)
    return text[:1].lower() + text[1:]


def filterset_list_filter(filterset_class, name: str, *, title=None, shown: bool = True):
    """An admin list filter that is one filter of a FilterSet: the same query-string parameter,
    the same choices and label, and the filtering done by the FilterSet's own filter, so that the
    admin list, the API and the dashboards' links select the same rows with the same code.

    A choice filter offers its choices; a boolean filter offers Yes and No (`true`/`false`). A value
    the FilterSet refuses is refused by the admin as any unknown lookup is (IncorrectLookupParameters:
    the list redirects with `?e=1`), never ignored. `shown=False` accepts the parameter (dashboard
    links use it) without offering it in the sidebar."""
    from django.contrib import admin
    from django.contrib.admin.options import IncorrectLookupParameters

    declared = filterset_class.base_filters[name]
    if isinstance(declared, django_filters.BooleanFilter):
        choices = [("true", _("Yes")), ("false", _("No"))]
    else:
        choices = list(declared.extra["choices"])

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        data = QueryDict(mutable=True)
        data[name] = value
        filterset = filterset_class(data, queryset=queryset, request=request)
        if name in filterset.errors:
            raise IncorrectLookupParameters(filterset.errors[name])
        return filterset.filters[name].filter(queryset, filterset.form.cleaned_data[name])

    attrs = {
        "__module__": filterset_class.__module__,
        "__doc__": f"{filterset_class.__name__}'s `{name}` as an admin list filter.",
        "parameter_name": name,
        "title": title if title is not None else lazy(_lower_first, str)(declared.label),
        "lookups": lambda self, request, model_admin: choices,
        "queryset": queryset,
    }
    if not shown:
        # Still a list filter (one left out of the changelist's filters is never applied), drawn
        # as nothing.
        attrs["template"] = "admin/recovery/hidden_list_filter.html"
    return type(f"{filterset_class.__name__}_{name}", (admin.SimpleListFilter,), attrs)
