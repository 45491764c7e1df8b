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


def is_identifier_lookup(path: str) -> bool:
    """Whether a search field or lookup reads an identifier: "iin_bin", "=passport_number",
    "subject_roles__subject__iin_bin", "iin_bin__startswith"."""
    return any(part in IDENTIFIER_FIELDS for part in path.lstrip("=^@").split("__"))


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


def mask_identifier(value: str | None, user, *, case=None, subject=None) -> str:
    """The identifier as `user` may see it: in full or masked (see the module docstring)."""
    if access.sees_full_identifiers(user, case=case, subject=subject):
        return value or ""
    return mask_value(value)


def masked_changes(entry, user, *, subject=None) -> dict:
    """The entry's changes as `user` may read them: a person's identifiers (IIN/BIN, passport)
    masked, old and new value alike, for roles that see them masked everywhere else."""
    changes = entry.changes_dict
    if entry.content_type.app_label != "cases" or entry.content_type.model != "subject":
        return changes
    if access.sees_full_identifiers(user, subject=subject):
        return changes
    masked = {}
    for field, values in changes.items():
        if field in IDENTIFIER_FIELDS and isinstance(values, list):
            values = [value if value in (None, "None", "") else mask_value(value) for value in values]
        masked[field] = values
    return masked


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
