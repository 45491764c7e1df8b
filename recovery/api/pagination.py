"""Pagination: limit/offset with a capped page size, and a stable cursor for synchronisation.

A client that synchronises asks `?updated_after=<timestamp>` (or `?sync=1`): the list is then
ordered by (updated_at, id) and paged with an opaque cursor, so rows changed while it pages
through are neither skipped nor repeated out of order. Everything else uses limit/offset.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination, LimitOffsetPagination

MAX_PAGE_SIZE = 200


def _strict_int(request, name, minimum):
    """A paging parameter: absent means the default; present, it must be an integer >= minimum."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if not raw.strip().isdigit() or int(raw) < minimum:
        raise ValidationError({name: [_("A whole number of at least %(n)d.") % {"n": minimum}]})
    return int(raw)


class CappedLimitOffsetPagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = MAX_PAGE_SIZE

    def get_limit(self, request):
        limit = _strict_int(request, self.limit_query_param, 1)
        return self.default_limit if limit is None else min(limit, self.max_limit)

    def get_offset(self, request):
        offset = _strict_int(request, self.offset_query_param, 0)
        return offset or 0

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1 if parameter["name"] == self.limit_query_param else 0
        return parameters


class SyncCursorPagination(CursorPagination):
    ordering = ("updated_at", "id")
    page_size = 50
    page_size_query_param = "limit"
    max_page_size = MAX_PAGE_SIZE

    def get_ordering(self, request, queryset, view):
        # Always (updated_at, id), whatever ?ordering= says: the cursor is only stable on it.
        return self.ordering

    def get_page_size(self, request):
        limit = _strict_int(request, self.page_size_query_param, 1)
        return self.page_size if limit is None else min(limit, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        # The cursor pages by position, not by offset: an offset is refused rather than ignored
        # (a client that sends one expects it to mean something).
        if request.query_params.get("offset") is not None:
            raise ValidationError({"offset": [_("Not with a sync cursor: follow `next` instead.")]})
        return super().paginate_queryset(queryset, request, view)


SYNC_PARAMS = ("updated_after", "sync", "cursor")


class ApiPagination:
    """Chooses the cursor for synchronisation requests and limit/offset otherwise."""

    def __init__(self):
        self._delegate = None

    def _choose(self, request, view):
        if self._delegate is None:
            sync = getattr(view, "sync_cursor", False) and any(p in request.query_params for p in SYNC_PARAMS)
            self._delegate = SyncCursorPagination() if sync else CappedLimitOffsetPagination()
        return self._delegate

    def paginate_queryset(self, queryset, request, view=None):
        return self._choose(request, view).paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return self._delegate.get_paginated_response(data)

    def get_paginated_response_schema(self, schema):
        # Either shape: limit/offset pages carry `count`; sync cursor pages do not.
        page = CappedLimitOffsetPagination().get_paginated_response_schema(schema)
        page["required"] = ["results"]
        return page

    def get_schema_operation_parameters(self, view):
        return CappedLimitOffsetPagination().get_schema_operation_parameters(view)

    def __getattr__(self, name):
        # Anything else (the browsable API's get_results, to_html...) is the chosen paginator's.
        if name.startswith("__") or name == "_delegate":
            raise AttributeError(name)
        return getattr(self._delegate or CappedLimitOffsetPagination(), name)
