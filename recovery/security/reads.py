"""Bulk reads and imports in the audit trail: one event per page of persons read (admin list, API
list) and per import or preview, with what was asked (the filter) and how many rows came back.

The filter is kept with identifiers masked: the trail says someone searched for a number ending
in 456, not the number itself (the audit trail is read by auditors, who see identifiers masked).
"""

from __future__ import annotations

from recovery.security.events import record_event
from recovery.security.masking import masked_filters, masked_text


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
