"""The changelist paginator: the planner's estimate for a large unfiltered table on PostgreSQL,
a capped count for filtered lists, the exact count everywhere else."""

import pytest
from django.db import connection

from mla_requests.models import Request
from recovery.paginators import EstimatedCountAdminMixin, EstimatedCountPaginator
from recovery.volume import VolumeGenerator


@pytest.fixture
def requests_300(db):
    VolumeGenerator(cases=20, requests=300, assets=0, seed=11, quiet=True).run()


def test_small_or_unanalysed_tables_are_counted_exactly(requests_300, django_assert_num_queries):
    paginator = EstimatedCountPaginator(Request.objects.all(), 50)
    assert paginator.count == 300  # below exact_below: exact whatever the estimate
    assert paginator.num_pages == 6
    assert not paginator.count_is_estimate


def test_filtered_lists_count_exactly_up_to_the_cap(requests_300):
    ru = Request.objects.filter(country="RU")
    exact = ru.count()
    assert EstimatedCountPaginator(ru, 50, count_cap=None).count == exact
    assert EstimatedCountPaginator(ru, 50, count_cap=1000).count == exact
    capped = EstimatedCountPaginator(ru, 50, count_cap=20)
    assert capped.count == 21 and capped.count_is_capped  # "20+": one more than the cap, no more read
    assert capped.page(1).object_list[0] == ru.first()


def test_plain_lists_are_counted(db):
    assert EstimatedCountPaginator(list(range(120)), 50).count == 120


def test_unfiltered_large_table_uses_the_planner_estimate(requests_300, on_postgres, django_assert_num_queries):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE requests_request")
    paginator = EstimatedCountPaginator(Request.objects.all(), 50, exact_below=100)
    with django_assert_num_queries(1) as ctx:
        count = paginator.count
    assert paginator.count_is_estimate
    assert "pg_class" in ctx.captured_queries[0]["sql"] and "count(" not in ctx.captured_queries[0]["sql"].lower()
    assert count == 300  # ANALYZE of a small table reads every row, so the estimate is exact here
    # A filter is never estimated.
    assert not EstimatedCountPaginator(Request.objects.filter(status="sent"), 50, exact_below=100).count_is_estimate


def test_admin_mixin_switches_off_the_second_full_count():
    assert EstimatedCountAdminMixin.paginator is EstimatedCountPaginator
    assert EstimatedCountAdminMixin.show_full_result_count is False


class _SmallTablePaginator(EstimatedCountPaginator):
    exact_below = 100  # 300 rows count as "large" here, as a million do in production


def _changelist(admin_class, query: dict, user):
    from django.contrib import admin
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/requests/request/", query)
    request.user = user
    return admin_class(Request, admin.site).get_changelist_instance(request)


def test_admin_changelist_with_the_mixin_never_counts_the_whole_table(requests_300, on_postgres, administrator):
    from django.contrib import admin
    from django.test.utils import CaptureQueriesContext

    class RequestChangelistAdmin(EstimatedCountAdminMixin, admin.ModelAdmin):
        paginator = _SmallTablePaginator
        list_filter = ("status",)

    administrator.is_superuser = True
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE requests_request")
    with CaptureQueriesContext(connection) as unfiltered:
        cl = _changelist(RequestChangelistAdmin, {}, administrator)
    assert cl.result_count == 300 and cl.full_result_count is None
    with CaptureQueriesContext(connection) as filtered:
        cl = _changelist(RequestChangelistAdmin, {"status__exact": "executed"}, administrator)
    assert cl.result_count == Request.objects.filter(status="executed").count()
    counts = [q["sql"] for q in unfiltered.captured_queries + filtered.captured_queries if "COUNT(" in q["sql"].upper()]
    # The only count is the filtered one, over a LIMITed subquery.
    assert counts and all("LIMIT 10001" in sql for sql in counts), counts
