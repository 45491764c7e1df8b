"""The currencies a user may choose: current ISO 4217 codes only, the office's usual ones first,
each named in the user's language from CLDR (Babel), so no currency name needs hand translation.

django-money offers every code it knows (some 300, most of them withdrawn: the Austrian schilling,
the Soviet rouble); a money amount is recorded in a currency in use today. One list serves every
admin form (CurrencyChoiceField, CurrencyChoiceAdminMixin) and the services (recovery.cleaning.
clean_currency), so the API refuses what the forms do not offer.
"""

from __future__ import annotations

import datetime
import functools

from babel.core import UnknownLocaleError, get_global
from babel.numbers import get_currency_name, get_territory_currencies
from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


@functools.cache
def _codes_in_use(on: datetime.date) -> frozenset[str]:
    from moneyed import CURRENCIES as KNOWN_TO_MONEYED

    in_use = set()
    for territory in get_global("territory_currencies"):
        in_use.update(get_territory_currencies(territory, start_date=on, tender=True))
    # Money is stored through py-moneyed: a code it does not know could not be read back.
    return frozenset(code for code in in_use if code in KNOWN_TO_MONEYED)


def current_currency_codes() -> frozenset[str]:
    """Codes of the currencies legal tender somewhere today (CLDR's territory data), plus the
    office's usual ones (a setting) whatever CLDR says."""
    return _codes_in_use(datetime.date.today()) | frozenset(common_currency_codes())


def common_currency_codes() -> list[str]:
    """The office's usual currencies, in the order the setting gives them."""
    return [code.upper() for code in getattr(settings, "COMMON_CURRENCIES", ()) or ()]


def is_current_currency(code) -> bool:
    return str(code or "").strip().upper() in current_currency_codes()


def _babel_locale() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE or "en").split("-")[0]


def currency_label(code: str, locale: str | None = None) -> str:
    """'KZT — Kazakhstani tenge' (in the active language: 'KZT — казахский тенге')."""
    return _label(code, locale or _babel_locale())


@functools.lru_cache(maxsize=2048)
def _label(code: str, locale: str) -> str:
    # Every select of every form row asks the same few hundred names: worked out once.
    try:
        name = get_currency_name(code, locale=locale)
    except (UnknownLocaleError, ValueError):  # an unknown locale: the code alone says enough
        name = code
    return f"{code} — {name}" if name and name != code else code


def currency_choices(*, include_blank: bool = True, also: tuple = ()) -> list[tuple[str, str]]:
    """(code, label) pairs: a blank choice, the common currencies in the setting's order, then the
    others by code. `also` keeps a value already recorded selectable even when it left use."""
    locale = _babel_locale()
    common = common_currency_codes()
    others = sorted((current_currency_codes() | {c for c in also if c}) - set(common))
    choices = [(code, currency_label(code, locale)) for code in [*common, *others]]
    if include_blank:
        choices.insert(0, ("", "---------"))
    return choices


class CurrencyChoiceField(forms.TypedChoiceField):
    """A currency select of current ISO 4217 codes, labelled in the user's language."""

    def __init__(self, *, required=True, initial=None, recorded=(), **kwargs):
        kwargs.pop("choices", None)
        kwargs.pop("max_length", None)
        kwargs.pop("empty_value", None)
        kwargs.pop("coerce", None)
        self.recorded = frozenset(code for code in recorded if code)
        super().__init__(
            # A callable: the labels are worked out at each rendering, in the user's language.
            choices=functools.partial(currency_choices, also=tuple(self.recorded)),
            coerce=lambda value: str(value).upper(),
            empty_value="",
            required=required,
            initial=initial,
            **kwargs,
        )
        self.error_messages["invalid_choice"] = _("“%(value)s” is not a currency in use (current ISO 4217 codes only).")

    def valid_value(self, value):
        return is_current_currency(value) or str(value or "").upper() in self.recorded

    def keep_recorded(self, code) -> None:
        """Keep `code`, the record's own currency, valid and offered even if it has left use since:
        editing another field of an old record must not fail on its currency."""
        code = str(code or "").strip().upper()
        if code and not is_current_currency(code):
            self.recorded = self.recorded | {code}
            self.choices = functools.partial(currency_choices, also=tuple(self.recorded))


def _money_formfield_with_currency_choices(field):
    """django-money's form MoneyField with our currency select in place of its own."""
    currency = CurrencyChoiceField(required=field.required)
    field.fields = (field.fields[0], currency)
    field.widget.widgets[1] = currency.widget
    return field


class CurrencyChoiceAdminMixin:
    """Every currency in an admin form is the one select of current codes: the currency column of
    a djmoney MoneyField and a standalone CurrencyField alike. No currency is preselected where the
    user must choose one (an asset's: no silent USD)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        from djmoney.forms import MoneyField as MoneyFormField
        from djmoney.models.fields import CurrencyField

        if isinstance(db_field, CurrencyField) and db_field.editable:
            return CurrencyChoiceField(
                required=not db_field.blank,
                label=capfirst(db_field.verbose_name),
                help_text=db_field.help_text,
            )
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(field, MoneyFormField):
            field = _money_formfield_with_currency_choices(field)
        return field

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            from djmoney.forms import MoneyField as MoneyFormField

            for name, field in form_class.base_fields.items():
                if isinstance(field, CurrencyChoiceField):
                    field.keep_recorded(getattr(obj, name, ""))
                elif isinstance(field, MoneyFormField) and isinstance(field.fields[1], CurrencyChoiceField):
                    money = getattr(obj, name, None)
                    field.fields[1].keep_recorded(getattr(getattr(money, "currency", None), "code", ""))
                    field.widget.widgets[1].choices = field.fields[1].choices
        return form_class

    def get_changeform_initial_data(self, request):
        # A model's default currency (an asset's: USD) is not the user's choice: the add form
        # opens with none chosen, so the currency is picked, not inherited by omission.
        from djmoney.models.fields import CurrencyField

        initial = super().get_changeform_initial_data(request)
        for field in self.model._meta.get_fields():
            if isinstance(field, CurrencyField) and field.editable:
                initial.setdefault(field.name, "")
        return initial
