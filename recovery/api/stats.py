"""/api/v1/stats/: the dashboards' figures as JSON, read through the same filter form and the same
selectors (recovery.stats) and the same snapshots (recovery.dashboards.snapshots), so the API and the
pages never disagree. Money amounts are strings; `computed_at` says when the figures were read."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from recovery.dashboards import snapshots
from recovery.dashboards.forms import DashboardFilterForm, IncomingFilterForm, ReportForm
from recovery.stats import jsonable, may_view_dashboards


class MayViewDashboards(permissions.BasePermission):
    def has_permission(self, request, view):
        return may_view_dashboards(request.user)


class StatsView(APIView):
    """Query parameters: date_from, date_to (ISO dates), unit (id), country (ISO 3166 alpha-2),
    crime_category (id), channel, legal_basis_kind; the report also takes year."""

    permission_classes = [permissions.IsAuthenticated, MayViewDashboards]
    form_class = DashboardFilterForm
    page = ""  # the snapshotted page (recovery.dashboards.snapshots.PAGES)

    @extend_schema(
        # 4xx answers are problem+json, documented for every operation by recovery.api.schema.
        responses={200: OpenApiTypes.OBJECT},
        parameters=[
            OpenApiParameter("date_from", OpenApiTypes.DATE),
            OpenApiParameter("date_to", OpenApiTypes.DATE),
            OpenApiParameter("unit", OpenApiTypes.INT),
            OpenApiParameter("country", OpenApiTypes.STR),
            OpenApiParameter("crime_category", OpenApiTypes.INT),
            OpenApiParameter("channel", OpenApiTypes.STR),
            OpenApiParameter("legal_basis_kind", OpenApiTypes.STR),
            OpenApiParameter("year", OpenApiTypes.INT, description="Statistics report only."),
        ],
    )
    def get(self, request, *args, **kwargs):
        form = self.form_class(request.query_params)
        # A parameter the figures do not take (a typo, or date_to on the yearly report) is refused,
        # not silently ignored: the client would otherwise believe its filter applied.
        unknown = sorted(set(request.query_params) - set(form.fields) - {"format"})
        for name in unknown:
            form.add_error(None, _("Unknown parameter: %(name)s.") % {"name": name})
        if unknown or not form.is_valid():
            return Response(
                {
                    "type": "about:blank",
                    "title": "Invalid filter",
                    "status": 400,
                    "detail": "; ".join(f"{f}: {' '.join(errs)}" for f, errs in form.errors.items()),
                    "errors": form.errors,
                },
                status=status.HTTP_400_BAD_REQUEST,
                content_type="application/problem+json",
            )
        found = snapshots.figures_for(request.user, form.stats_filter(), self.page_of(form))
        return Response(jsonable({**found.figures, "computed_at": timezone.localtime(found.computed_at)}))

    def page_of(self, form) -> str:
        return self.page


class OverviewStats(StatsView):
    page = "overview"


class CountryStats(StatsView):
    page = "countries"


class CategoryStats(StatsView):
    page = "categories"


class OverdueStats(StatsView):
    page = "overdue"  # live, as the page: an actionable list, never snapshotted


class AssetRecoveryStats(StatsView):
    page = "assets"


class TrendStats(StatsView):
    page = "trends"


class IncomingStats(StatsView):
    """Requests received from foreign states; `channel` takes the incoming channels, `unit` is the
    executing unit and `country` the requesting state."""

    form_class = IncomingFilterForm
    page = "incoming"


class ReportStats(StatsView):
    form_class = ReportForm

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT),
            OpenApiParameter("unit", OpenApiTypes.INT),
            OpenApiParameter("country", OpenApiTypes.STR),
            OpenApiParameter("crime_category", OpenApiTypes.INT),
            OpenApiParameter("channel", OpenApiTypes.STR),
            OpenApiParameter("legal_basis_kind", OpenApiTypes.STR),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def page_of(self, form) -> str:
        return snapshots.report_page(form.cleaned_data["year"])
