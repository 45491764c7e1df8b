"""Bulk reads and imports in the audit trail: one event per page of persons read (admin list, API
list) and per import or preview, with what was asked (the filter) and how many rows came back.

The filter is kept with identifiers masked: the trail says someone searched for a number ending
in 456, not the number itself (the audit trail is read by auditors, who see identifiers masked).
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from recovery.security.events import record_event
from recovery.security.masking import MASK_CHAR, is_identifier_lookup, mask_value

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


def record_list_view(request, *, what: str, rows: int, params=None):
    """One `list_viewed` event for a page of `what` ("cases.subject") holding `rows` rows."""
    params = request.GET if params is None else params
    return record_event(
        "list_viewed", request=request, extra={"what": what, "rows": rows, "filter": masked_filters(params)}
    )


def record_import(*, what: str, result, dry_run: bool, file_name: str = "", user=None):
    """One event per import (`import`) or preview of an import (`import_previewed`, the dry run),
    with how many rows the file had and how many were refused."""
    totals = {str(kind): count for kind, count in result.totals.items() if count}
    refused = totals.get("error", 0) + totals.get("invalid", 0)
    return record_event(
        "import_previewed" if dry_run else "import",
        user=user,
        outcome="failure" if refused or result.has_errors() else "success",
        extra={
            "what": what,
            "rows": result.total_rows,
            "refused": refused,
            "totals": totals,
            "file": masked_text(file_name or "")[:100],
        },
    )
