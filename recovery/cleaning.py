"""Input checks the services (and model forms) have in common: countries, currencies, amounts,
versions, dates. Reads no model, so any module may use it."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from djmoney.money import Money
from moneyed import get_currency
from moneyed.classes import CurrencyDoesNotExist

from recovery.errors import InvalidAmount, InvalidInput, VersionConflict


def clean_country(code, *, field: str = "country", allow_home: bool = True) -> str:
    """An ISO 3166-1 alpha-2 code, upper-cased; refuses unknown codes, and the home state where the
    country is the foreign party of a request (the state asked, or the state asking)."""
    # A CountryField value is a django_countries Country object, not a str: take its code.
    value = (str(getattr(code, "code", code) or "")).strip().upper()
    if value not in dict(countries):
        raise InvalidInput(
            _("“%(code)s” is not an ISO 3166 country code.") % {"code": code},
            field_errors={field: [_("Unknown country code.")]},
        )
    if not allow_home and value == settings.HOME_COUNTRY:
        raise InvalidInput(
            _("The home state (%(code)s) cannot be the foreign state of a request.") % {"code": value},
            field_errors={field: [_("A foreign state is required here.")]},
        )
    return value


def clean_currency(code, *, field: str = "currency", current_only: bool = True) -> str:
    """An ISO 4217 code, upper-cased. With `current_only` (money being recorded) only a currency in
    use today (recovery.currencies); an exchange-rate table may also name a withdrawn one."""
    value = (code or "").strip().upper()
    try:
        get_currency(value)
    except CurrencyDoesNotExist:
        raise InvalidInput(
            _("“%(code)s” is not an ISO 4217 currency code.") % {"code": code},
            field_errors={field: [_("Unknown currency code.")]},
        ) from None
    if len(value) != 3:
        raise InvalidInput(_("A currency code has three letters."), field_errors={field: [_("Unknown currency code.")]})
    from recovery.currencies import is_current_currency

    if current_only and not is_current_currency(value):
        # The admin's currency select offers only these: the API refuses the same.
        raise InvalidInput(
            _("“%(code)s” is no longer in use: choose a current ISO 4217 currency.") % {"code": value},
            field_errors={field: [_("Not a currency in use.")]},
        )
    return value


def clean_amount(value, *, field: str = "amount", allow_zero: bool = False) -> Decimal:
    """A non-negative Decimal with at most 2 decimal places; floats are refused, not rounded."""
    if isinstance(value, Money):
        value = value.amount
    if isinstance(value, float):
        raise InvalidAmount(
            _("Amounts must be given as decimal strings, not floats."), field_errors={field: [_("Not a decimal.")]}
        )
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidAmount(
            _("“%(value)s” is not an amount.") % {"value": value}, field_errors={field: [_("Not a decimal.")]}
        ) from None
    if not amount.is_finite():
        raise InvalidAmount(_("The amount must be a finite number."), field_errors={field: [_("Not finite.")]})
    if amount < 0 or (amount == 0 and not allow_zero):
        raise InvalidAmount(
            _("The amount must be greater than zero.") if not allow_zero else _("The amount cannot be negative."),
            field_errors={field: [_("Must be positive.")]},
        )
    if amount.as_tuple().exponent < -2:
        raise InvalidAmount(_("At most two decimal places."), field_errors={field: [_("Too many decimals.")]})
    if amount >= Decimal("1e18"):
        raise InvalidAmount(_("The amount is too large."), field_errors={field: [_("Too large.")]})
    return amount


def clean_money(value, *, field: str) -> Money | None:
    """Money(amount >= 0, ISO currency) from a Money, or a (amount, currency) pair; None stays None."""
    if value is None:
        return None
    if isinstance(value, Money):
        amount, currency = value.amount, str(value.currency)
    else:
        amount, currency = value
    return Money(clean_amount(amount, field=field, allow_zero=True), clean_currency(currency, field=field))


def check_version(obj, expected_version: int | None) -> None:
    """Refuse a write based on a stale copy of the record (optimistic locking)."""
    if expected_version is not None and obj.version != expected_version:
        raise VersionConflict()


def check_not_future(day: datetime.date | None, *, field: str) -> None:
    if day is not None and day > timezone.localdate():
        raise InvalidInput(_("The date cannot be in the future."), field_errors={field: [_("In the future.")]})
