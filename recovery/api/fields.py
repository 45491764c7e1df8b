"""Serializer fields for the API's representations: money and countries."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from djmoney.money import Money
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from recovery.cleaning import clean_amount, clean_currency
from recovery.errors import DomainError
from recovery.translation import country_choices, country_name

MONEY_SCHEMA = {
    "type": "object",
    "properties": {
        "amount": {
            "type": "string",
            "format": "decimal",
            "pattern": r"^\d{1,18}(\.\d{1,2})?$",
            "example": "1300000.00",
        },
        "currency": {"type": "string", "pattern": "^[A-Z]{3}$", "example": "USD"},
    },
    "required": ["amount", "currency"],
    "additionalProperties": False,
}

COUNTRY_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "example": "CH"},
        "name": {"type": "string", "example": "Switzerland"},
    },
    "required": ["code", "name"],
}


def money_representation(amount, currency) -> dict | None:
    if amount is None:
        return None
    return {"amount": f"{Decimal(amount):.2f}", "currency": str(currency)}


@extend_schema_field(MONEY_SCHEMA)
class MoneyField(serializers.Field):
    """Money as {"amount": "1300000.00", "currency": "USD"}: a decimal string, never a float."""

    default_error_messages = {
        "invalid": _('Give money as {"amount": "1300000.00", "currency": "USD"}.'),
    }

    def to_representation(self, value):
        if isinstance(value, Money):
            return money_representation(value.amount, value.currency)
        return value

    def to_internal_value(self, data):
        if not isinstance(data, dict) or set(data) - {"amount", "currency"} or "amount" not in data:
            # Not self.fail(): it str.format()s the message, whose braces are the example itself.
            raise serializers.ValidationError(self.error_messages["invalid"], code="invalid")
        amount, currency = data.get("amount"), data.get("currency")
        if isinstance(amount, bool) or not isinstance(amount, str | int):
            # Floats are refused: 0.1 + 0.2 is not money.
            raise serializers.ValidationError(_('The amount must be a decimal string, e.g. "1300000.00".'))
        if not isinstance(currency, str):
            raise serializers.ValidationError(_('The currency must be an ISO 4217 code, e.g. "USD".'))
        if isinstance(amount, str) and not amount.isascii():
            # Decimal() reads "٣٠٠" as 300: the schema's pattern (and a reader) takes ASCII digits only.
            raise serializers.ValidationError(_('The amount must be written in ASCII digits, e.g. "1300000.00".'))
        try:
            return Money(clean_amount(amount, allow_zero=True), clean_currency(currency))
        except DomainError as exc:
            raise serializers.ValidationError(str(exc)) from None


def country_representation(code) -> dict | None:
    code = str(code or "")
    if not code:
        return None
    return {"code": code, "name": country_name(code)}


@extend_schema_field(COUNTRY_SCHEMA)
class CountryField(serializers.Field):
    """A country as {"code": "CH", "name": "Switzerland"}; written as its ISO 3166-1 alpha-2 code."""

    default_error_messages = {"invalid": _("“%(value)s” is not an ISO 3166 country code.")}

    def to_representation(self, value):
        return country_representation(getattr(value, "code", value))

    def to_internal_value(self, data):
        if isinstance(data, dict):
            data = data.get("code")
        if not isinstance(data, str) or data.strip().upper() not in dict(country_choices()):
            raise serializers.ValidationError(self.error_messages["invalid"] % {"value": data})
        return data.strip().upper()


@extend_schema_field(OpenApiTypes.STR)
class StatusLabelField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, obj):
        return obj.status_label(obj.status)


MAX_ID = 2**63 - 1


def valid_id(value) -> bool:
    """An id the database can compare: a positive integer within BIGINT (SQLite overflows otherwise)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 0 < value <= MAX_ID
    # ASCII only: str.isdigit() is true of "²" and "٣" too, and int() reads the latter as 3.
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        return 0 < int(value) <= MAX_ID
    return False


class AsciiDateField(serializers.DateField):
    """An ISO 8601 date in ASCII digits: "٢٠٢٦-٠٣-٠٢" is refused, not read as 2026-03-02 (Python's
    date parsing takes any Unicode digit)."""

    def to_internal_value(self, value):
        if isinstance(value, str) and not value.isascii():
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)


@extend_schema_field(OpenApiTypes.INT)
class IdRelatedField(serializers.PrimaryKeyRelatedField):
    """A related record by id; an id out of range is "does not exist", never a database error."""

    def to_internal_value(self, data):
        if not valid_id(data):
            if isinstance(data, int) and not isinstance(data, bool):
                self.fail("does_not_exist", pk_value=data)
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.INT)
class NameableUserField(IdRelatedField):
    """A colleague the writer may name (recovery.access.nameable_users): lead or responsible
    investigator, team member. Anyone else, of another unit or nobody at all, gets the same
    "does not exist" answer, so the field confirms no account."""

    def get_queryset(self):
        from recovery import access

        return access.nameable_users(self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class ScopedRelatedField(IdRelatedField):
    """A related case record the writer may see; with `writable`, one they may change (the case a
    new request or asset is filed under). Another unit's record answers like a missing one."""

    def __init__(self, model_path, *, writable=False, **kwargs):
        self.model_path = model_path
        self.writable = writable
        super().__init__(**kwargs)

    def get_queryset(self):
        from django.apps import apps

        from recovery import access

        model = apps.get_model(self.model_path)
        user = self.context["request"].user
        if self.writable:
            return access.writable(user, model.objects.all())
        return access.readable(user, model.objects.all())
