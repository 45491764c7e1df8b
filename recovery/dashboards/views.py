"""Dashboard pages. Each view reads the filter form, asks for one page's figures (scoped to the
signed-in user) and renders them; the charts are server-side SVG. The figures come from a fresh
snapshot of the same page, scope, filter and day when there is one (recovery.dashboards.snapshots),
else from recovery.stats live; the overdue list is always live."""

from __future__ import annotations

import datetime
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from recovery.dashboards import charts, export, fragments, snapshots
from recovery.dashboards.forms import DashboardFilterForm, IncomingFilterForm, ReportForm
from recovery.models import CountryProfile
from recovery.stats import Stats, may_view_dashboards


def dashboard_access(view):
    """Anonymous visitors go to the admin login; users without a role get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not may_view_dashboards(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return require_GET(wrapper)


def _filtered(request, form_class=DashboardFilterForm):
    form = form_class(request.GET)
    if not form.is_valid():
        return form, None
    return form, Stats(request.user, form.stats_filter())


def _figures(request, page, form_class=DashboardFilterForm):
    """(form, snapshots.Figures or None when the form is invalid) for a snapshotted page."""
    form = form_class(request.GET)
    if not form.is_valid():
        return form, None
    if page == "report":
        page = snapshots.report_page(form.cleaned_data["year"])
    return form, snapshots.figures_for(request.user, form.stats_filter(), page)


def _freshness(found) -> dict:
    """What the page says about the age of its figures."""
    return {
        "computed_at": found.computed_at,
        "refresh_minutes": max(1, round(settings.RECOVERY_DASHBOARD_REFRESH_SECONDS / 60))
        if settings.RECOVERY_DASHBOARD_REFRESH_SECONDS
        else None,
    }


def _active_filters(form) -> list[tuple[str, str]]:
    """(label, shown value) of each filter in use, printed above the figures."""
    if not form.is_valid():
        return []
    active = []
    for name, value in form.cleaned_data.items():
        if value in (None, ""):
            continue
        field = form.fields[name]
        choices = dict(getattr(field, "choices", ()) or ()) if not hasattr(field, "queryset") else {}
        active.append((str(field.label), str(choices.get(value, value))))
    return active


def _nav_queries(request) -> tuple[str, str]:
    """The filter carried by the navigation to the outgoing pages and to the incoming page. The two
    offer different channels: a channel the other side does not know is left behind rather than
    making the next page a 400 (a channel with a counterpart there, e.g. informal network, goes as
    it)."""
    from incoming.models import IncomingRequest
    from mla_requests.models import Request
    from recovery.stats import OUTGOING_TO_INCOMING_CHANNEL, incoming_channel

    query = request.GET.copy()
    query.pop("year", None)
    outgoing, incoming = query.copy(), query.copy()
    channel = query.get("channel")
    if channel:
        if channel not in Request.Channel.values:
            back = {v: k for k, v in OUTGOING_TO_INCOMING_CHANNEL.items()}.get(channel)
            if back:
                outgoing["channel"] = back
            else:
                outgoing.pop("channel")
        mapped = incoming_channel(channel)
        if mapped in IncomingRequest.Channel.values:
            incoming["channel"] = mapped
        else:
            incoming.pop("channel")
    return outgoing.urlencode(), incoming.urlencode()


def _render(request, template, form, context, *, page):
    query, incoming_query = _nav_queries(request)
    base = {
        "active_filters": _active_filters(form),
        "form": form,
        "page": page,
        "query": query,
        "incoming_query": incoming_query,
        "reporting_currency": settings.REPORTING_CURRENCY,
    }
    status = 200 if form.is_valid() else 400
    return render(request, template, {**base, **context}, status=status)


# Pages whose figures show money: their rendered figures depend on the exchange rates too.
MONEY_PAGES = {"overview", "assets", "trends", "report"}


def _snapshot_page(request, page, context_for, *, form_class=DashboardFilterForm, extra=None, variant=None):
    """The shape of every snapshotted page: the filter form, the figures section (rendered from a
    snapshot, or live on a miss, and kept in the cache: recovery.dashboards.fragments), what the
    page says about the figures' age, and the render (400 with the form's errors when the filter is
    invalid). `context_for(figures, form)` gives the section its charts and display choices;
    `variant(form)` names the request's choices the section depends on besides the filter."""
    form = form_class(request.GET)
    context = {**(extra or {})}
    if form.is_valid():
        key_page = snapshots.report_page(form.cleaned_data["year"]) if page == "report" else page
        served = fragments.serve(
            request.user,
            form.stats_filter(),
            key_page,
            template=f"dashboard/figures/{page}.html",
            context_for=lambda figures: context_for(figures, form),
            money=page in MONEY_PAGES,
            variant=variant(form) if variant else "",
        )
        context.update(
            _freshness(served), stats=served.stats, figures_html=served.html, year=form.cleaned_data.get("year")
        )
    return _render(request, f"dashboard/{page}.html", form, context, page=page)


def _hbar(items, label_key, title, segment_label=None):
    """A horizontal bar chart of one count (and its link) per item; the bars count requests unless
    `segment_label` says otherwise (translated per request, hence not a default argument)."""
    rows = [charts.Row(item[label_key], [charts.Segment(item["count"], item["url"])]) for item in items]
    return charts.hbar_chart(rows, [segment_label or _("Requests")], title=title)


@dashboard_access
def overview(request):
    def status_chart(figures, form):
        shown = [s for s in figures["requests_by_status"] if s["count"]]
        return {"status_chart": _hbar(shown, "label", _("Requests by status"))}

    return _snapshot_page(request, "overview", status_chart)


@dashboard_access
def by_country(request):
    def country_chart(figures, form):
        rows = [
            charts.Row(c["name"], [charts.Segment(seg["count"], seg["url"]) for seg in c["segments"]])
            for c in figures["countries"]
        ]
        # The states with a profile get a link to their page (authorities, channels, instruments).
        profiled = set(CountryProfile.objects.values_list("country", flat=True))
        return {
            "country_chart": charts.hbar_chart(rows, figures["segment_labels"], title=_("Requests per country")),
            "profiled_countries": {str(code) for code in profiled},
        }

    return _snapshot_page(request, "countries", country_chart)


@dashboard_access
def by_category(request):
    def category_chart(figures, form):
        # The seed's figure 1: formal requests per category (informal inquiries are in the table).
        formal = sorted(({"name": c["name"], **c["formal"]} for c in figures["categories"]), key=lambda c: -c["count"])
        return {"category_chart": _hbar(formal, "name", _("Formal requests per crime category"))}

    return _snapshot_page(request, "categories", category_chart)


@dashboard_access
def overdue(request):
    # Live: an actionable list of late requests, read off the partial index (not snapshotted).
    form, stats = _filtered(request)
    context = {"stats": stats.overdue()} if stats else {}
    return _render(request, "dashboard/overdue.html", form, context, page="overdue")


@dashboard_access
def asset_recovery(request):
    def funnel_chart(figures, form):
        title = _("Asset recovery funnel (number of assets)")
        return {"funnel_chart": _hbar(figures["funnel"], "label", title, _("Assets"))}

    return _snapshot_page(request, "assets", funnel_chart)


# Without a period in the filter the trends page shows the months of the last calendar years, not
# every month since the first request (263 at the volume, and a chart whose columns are a pixel
# wide); the filter's period, or "every month" (?months=all), shows the others. The JSON and the
# snapshot keep every month.
TRENDS_RECENT_YEARS = 5


def _canonical_query(form) -> str:
    """The filter in use as a query string made from the form's cleaned values, not the request's
    own string: the same filter always gives the same links (and cache key)."""
    pairs = []
    for name, value in form.cleaned_data.items():
        if value in (None, ""):
            continue
        if hasattr(value, "pk"):
            value = value.pk
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        pairs.append((name, str(value)))
    return urlencode(pairs)


def _with(query: str, **params) -> str:
    return "&".join(part for part in (query, urlencode(params)) if part)


@dashboard_access
def trends(request):
    show_all = request.GET.get("months") == "all"

    def months_and_chart(figures, form):
        months = figures["months"]
        recent_from = None
        if months and not (form.cleaned_data.get("date_from") or form.cleaned_data.get("date_to")):
            first_recent = int(months[-1]["month"][:4]) - TRENDS_RECENT_YEARS + 1
            recent = [m for m in months if int(m["month"][:4]) >= first_recent]
            if len(recent) < len(months):
                recent_from = recent[0]["month"]
                if not show_all:
                    months = recent
        columns = [
            charts.Row(
                m["month"],
                [
                    charts.Segment(m["sent"]["count"], m["sent"]["url"]),
                    charts.Segment(m["answered"]["count"], m["answered"]["url"]),
                ],
            )
            for m in months
        ]
        title = _("Requests sent and answered per month")
        query = _canonical_query(form)
        return {
            "months": months,
            "recent_from": recent_from,
            "show_all": show_all,
            "first_month": figures["months"][0]["month"] if figures["months"] else None,
            "all_months_query": _with(query, months="all"),
            "recent_query": query,
            "month_chart": charts.column_chart(columns, [_("Sent"), _("Answered")], title=title),
        }

    # Which months are shown, and the filter the links carry, are in the section: they key it too.
    months = "all" if show_all else "recent"
    return _snapshot_page(
        request, "trends", months_and_chart, variant=lambda form: f"months={months}&{_canonical_query(form)}"
    )


def _report(request):
    return _figures(request, "report", ReportForm)


@dashboard_access
def report(request):
    def country_chart(figures, form):
        return {"country_chart": _hbar(figures["by_country"], "name", _("Requests sent per country"))}

    return _snapshot_page(
        request, "report", country_chart, form_class=ReportForm, extra={"year_query": request.GET.urlencode()}
    )


@dashboard_access
def report_csv(request):
    form, found = _report(request)
    if found is None:
        return _render(request, "dashboard/report.html", form, {}, page="report")
    export.record_report_export(request, found.figures, "csv")
    return export.csv_response(found.figures)


@dashboard_access
def report_xlsx(request):
    form, found = _report(request)
    if found is None:
        return _render(request, "dashboard/report.html", form, {}, page="report")
    export.record_report_export(request, found.figures, "xlsx")
    return export.xlsx_response(found.figures)


@dashboard_access
def incoming(request):
    """Requests foreign states address to us: received by requesting state, outcomes, time to
    answer, what is overdue."""

    def country_chart(figures, form):
        return {
            "country_chart": _hbar(figures["by_country"], "name", _("Incoming requests per requesting state")),
            "outcome_chart": _hbar(figures["outcomes"], "label", _("Incoming requests by outcome")),
        }

    return _snapshot_page(request, "incoming", country_chart, form_class=IncomingFilterForm)
