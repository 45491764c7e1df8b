"""Pagination that does not count a million rows to draw a page.

The admin's changelist asks its paginator for a count on every page view (and, unless told not
to, counts the whole table a second time for "N total"). On PostgreSQL a COUNT(*) of the request
table reads a million index entries; the page itself needs fifty rows. So:

- unfiltered list on PostgreSQL: the planner's estimate (pg_class.reltuples, kept fresh by
  autovacuum/ANALYZE), when it is large enough for exactness not to matter;
- filtered list: an exact count, capped at `count_cap` rows (COUNT over a LIMITed subquery), so
  a broad filter costs at most `count_cap` index entries; beyond it the page count says "cap+";
- anything else (SQLite, lists, small tables): the exact count.

Use it in an admin with EstimatedCountAdminMixin (docs/perf.md).
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin import helpers
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext


class EstimatedCountPaginator(Paginator):
    #: Below this estimate the table is counted exactly (small tables, fresh installations).
    exact_below = 10_000
    #: Filtered lists count at most this many rows (None: exact, however many).
    count_cap: int | None = 10_000

    def __init__(self, *args, exact_below: int | None = None, count_cap: int | None = -1, **kwargs):
        super().__init__(*args, **kwargs)
        if exact_below is not None:
            self.exact_below = exact_below
        if count_cap != -1:
            self.count_cap = count_cap
        self.count_is_estimate = False
        self.count_is_capped = False

    @cached_property
    def count(self) -> int:
        qs = self.object_list
        if not isinstance(qs, QuerySet):
            return super().count
        if self._is_unfiltered(qs):
            estimate = self._estimate(qs)
            if estimate is not None and estimate >= self.exact_below:
                self.count_is_estimate = True
                return estimate
            return qs.count()
        if self.count_cap is None:
            return qs.count()
        # COUNT(*) FROM (SELECT ... LIMIT cap + 1): stops reading after cap + 1 rows.
        n = qs.order_by()[: self.count_cap + 1].count()
        if n > self.count_cap:
            self.count_is_capped = True
        return n

    @staticmethod
    def _is_unfiltered(qs: QuerySet) -> bool:
        query = qs.query
        return (
            not query.where
            and not query.distinct
            and not query.combinator
            and query.low_mark == 0
            and (query.high_mark is None)
        )

    @staticmethod
    def _estimate(qs: QuerySet) -> int | None:
        connection = connections[qs.db]
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
                [connection.ops.quote_name(qs.model._meta.db_table)],
            )
            row = cursor.fetchone()
        # -1 (PostgreSQL 14+) or 0: never analysed; count instead of guessing.
        if not row or row[0] is None or row[0] <= 0:
            return None
        return int(row[0])


# Django's own message (translated in Django's catalogue); a name, not a literal, so that this
# project's makemessages does not copy it into locale/.
DJANGO_CHECKBOX_LABEL = "Select this object for an action - {}"


class EstimatedCountAdminMixin:
    """For a ModelAdmin over a large table: estimated/capped page counts, and no second full count."""

    paginator = EstimatedCountPaginator
    # Otherwise the changelist runs a second COUNT(*) of the whole table for "N total".
    show_full_result_count = False
    # Facet counts (?_facets) are one COUNT per filter choice over the whole list: not offered.
    show_facets = admin.ShowFacets.NEVER
    # Drawing a row costs the admin's templates about as much as PostgreSQL spends on the whole
    # page: fifty rows a page (the API's page size too) keep the list within its time budget.
    list_per_page = 50

    def action_checkbox(self, obj):
        """The row's selection checkbox, the same HTML as the admin's, without rendering a form
        widget template per row (a fifth of the changelist's time at a hundred rows)."""
        label = format_html(gettext(DJANGO_CHECKBOX_LABEL), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )
