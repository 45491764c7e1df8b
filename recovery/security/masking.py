"""How a person's identifiers (IIN/BIN, passport numbers) are shown masked.

Who sees them in full, and who may search by them, is recovery.access's answer
(`sees_full_identifiers`, `subjects_seen_in_full`, `may_search_identifiers`): only in the cases one
may write. Everyone else - analysts, auditors, investigators of other units - sees the last
characters. Lists, exports and the bundle use `mask_identifier`.
"""

from __future__ import annotations

import copy
import re
from urllib.parse import urlencode

from recovery import access

MASK_CHAR = "•"
VISIBLE_TAIL = 3
# Fields of cases.Subject that identify a person.
IDENTIFIER_FIELDS = ("iin_bin", "passport_number", "foreign_registration_number")
# A person's birth date gives half of the IIN away (it begins with YYMMDD): shown, searched and
# exported masked to whoever sees the identifiers masked. Masked whole: even the year is two digits.
BIRTH_DATE_FIELDS = ("birth_date",)
PERSONAL_FIELDS = IDENTIFIER_FIELDS + BIRTH_DATE_FIELDS
MASKED_DATE = "••••-••-••"


def is_identifier_lookup(path: str) -> bool:
    """Whether a search field or lookup reads an identifier: "iin_bin", "=passport_number",
    "subject_roles__subject__iin_bin", "iin_bin__startswith"."""
    return any(part in PERSONAL_FIELDS for part in path.lstrip("=^@").split("__"))


def searchable_fields(fields, user) -> tuple:
    """`fields` (search fields or lookups) less those on identifiers, unless `user` may search them."""
    if access.may_search_identifiers(user):
        return tuple(fields)
    return tuple(field for field in fields if not is_identifier_lookup(field))


def mask_value(value: str | None) -> str:
    """'860101300123' -> '•••••••••123'; short values are masked entirely."""
    if not value:
        return value or ""
    value = str(value)
    if len(value) <= VISIBLE_TAIL + 2:
        return MASK_CHAR * len(value)
    return MASK_CHAR * (len(value) - VISIBLE_TAIL) + value[-VISIBLE_TAIL:]


def mask_field(field_name: str, value):
    """`value` of a person's `field_name` masked: a birth date whole, an identifier but its tail."""
    if field_name in BIRTH_DATE_FIELDS:
        return MASKED_DATE if value not in (None, "", "None") else ("" if value is None else value)
    return mask_value(value)


def mask_account(value: str | None) -> str:
    """An asset's account identifier (an IBAN, an account number) masked like a person's
    identifier: it names the holder as surely as their IIN does."""
    return mask_value(value)


# Kinds of assets whose identifier is an account (an IBAN, an account number) of a person.
ACCOUNT_ASSET_KINDS = frozenset({"bank_account"})


def is_account(asset) -> bool:
    return asset.kind in ACCOUNT_ASSET_KINDS and bool(asset.identifier)


def asset_identifier(asset, user, *, in_full: set | None = None) -> str:
    """The asset's identifier as `user` may see it: an account masked unless they see its case's
    identifiers in full (`in_full`: access.assets_seen_in_full decided for a whole page)."""
    if not is_account(asset):
        return asset.identifier or ""
    if in_full is None:
        in_full = access.assets_seen_in_full(user, {asset.pk})
    return asset.identifier if asset.pk in in_full else mask_account(asset.identifier)


def mask_identifier(value: str | None, user, *, case=None, subject=None) -> str:
    """The identifier as `user` may see it: in full or masked (see the module docstring)."""
    if access.sees_full_identifiers(user, case=case, subject=subject):
        return value or ""
    return mask_value(value)


def mask_personal_field(field_name: str, value, user, *, case=None, subject=None):
    """A person's identifier or birth date as `user` may see it (mask_identifier's rule)."""
    if access.sees_full_identifiers(user, case=case, subject=subject):
        return value
    return mask_field(field_name, value)


def masked_changes(entry, user, *, subject=None) -> dict:
    """The entry's changes as `user` may read them: a person's identifiers (IIN/BIN, passport)
    masked, old and new value alike, for roles that see them masked everywhere else."""
    changes = entry.changes_dict
    if (entry.content_type.app_label, entry.content_type.model) == ("assets", "asset"):
        return _masked_account_changes(entry, changes, user, asset=subject)
    if entry.content_type.app_label != "cases" or entry.content_type.model != "subject":
        return changes
    if access.sees_full_identifiers(user, subject=subject):
        return changes
    masked = {}
    for field, values in changes.items():
        if field in PERSONAL_FIELDS and isinstance(values, list):
            values = [value if value in (None, "None", "") else mask_field(field, value) for value in values]
        masked[field] = values
    return masked


def _masked_account_changes(entry, changes: dict, user, *, asset=None) -> dict:
    """An asset's change: its identifier masked when it is an account the user sees masked.
    `asset`: the asset itself when the caller has it (its history page), saving a query."""
    values = changes.get("identifier")
    if not isinstance(values, list):
        return changes
    from django.apps import apps

    Asset = apps.get_model("assets", "Asset")
    if isinstance(asset, Asset) and str(asset.pk) == str(entry.object_pk):
        kind = asset.kind
    else:
        kind = Asset.objects.filter(pk=entry.object_pk).values_list("kind", flat=True).first()
    if kind is None:  # gone, or never saved: its kind as the entry recorded it
        kinds = changes.get("kind")
        kind = kinds[-1] if isinstance(kinds, list) and kinds else None
    if kind not in ACCOUNT_ASSET_KINDS:
        return changes
    try:
        asset_pk = int(entry.object_pk)
    except (TypeError, ValueError):
        asset_pk = None
    if asset_pk is not None and asset_pk in access.assets_seen_in_full(user, {asset_pk}):
        return changes
    masked = [value if value in (None, "None", "") else mask_account(value) for value in values]
    return {**changes, "identifier": masked}


def with_masked_changes(entry, user, *, subject=None):
    """A copy of `entry` (never saved: log entries are append-only) whose changes are masked."""
    shown = copy.copy(entry)
    shown.changes = masked_changes(entry, user, subject=subject)
    shown.changes_text = ""
    return shown


# A run of letters and digits with five digits or more may be an IIN/BIN, a passport or a
# registration number; dates and times (digits between separators) are kept as asked.
_IDENTIFIER_LIKE = re.compile(r"[^\W_]*\d[^\W_]*")
_MIN_DIGITS = 5
# Cut long values: a filter is evidence of what was asked, not a place to store a document.
_MAX_VALUE = 200


def masked_text(value) -> str:
    """`value` with every identifier-like run (five digits or more) masked, names and dates kept."""

    def mask(match):
        token = match.group(0)
        return mask_value(token) if sum(c.isdigit() for c in token) >= _MIN_DIGITS else token

    return _IDENTIFIER_LIKE.sub(mask, str(value)[:_MAX_VALUE])


def masked_filters(params) -> dict:
    """A request's query parameters (a QueryDict) as {key: value or [values]}, identifiers
    masked: every value of a lookup on an identifier field, and identifier-like tokens anywhere
    else (a search box may hold a number as well as a name)."""
    filters = {}
    for key in sorted(params):
        values = [
            mask_value(str(value)[:_MAX_VALUE]) if is_identifier_lookup(key) else masked_text(value)
            for value in params.getlist(key)
        ]
        filters[masked_text(key)[:100]] = values[0] if len(values) == 1 else values
    return filters


def masked_query_string(params) -> str:
    """The query string of `params` (a QueryDict) with identifiers masked as in masked_filters."""
    pairs = []
    for key, value in masked_filters(params).items():
        pairs += [(key, v) for v in (value if isinstance(value, list) else [value])]
    return urlencode(pairs, safe=MASK_CHAR)
