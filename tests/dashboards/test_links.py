"""Every number links to the admin changelist of exactly the records behind it: the link's lookups
are accepted by the admin, and selecting with them gives as many records as the figure says."""

import datetime
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory

from recovery.access import case_read_scope as case_scope
from recovery.access import unit_and_descendant_ids
from recovery.admin_base import UrlLookupGate
from recovery.stats import Stats, StatsFilter

pytestmark = pytest.mark.django_db

# Links that deliberately select more than their figure: none since the timeliness figures (answered
# on time, late) link to the admin's `answer` list filter, which applies their rule.
BROADER: set[str] = set()


def linked_figures(node, key=None):
    """(count, url) for every figure of a page: any dict with an integer count and an admin list URL."""
    if isinstance(node, dict):
        url = node.get("url", "")
        linked = isinstance(node.get("count"), int) and "/admin/" in url and "/change/" not in url
        if linked and key not in BROADER and node.get("key") not in BROADER:
            yield node["count"], url
        for k, v in node.items():
            yield from linked_figures(v, k)
    elif isinstance(node, list):
        for item in node:
            yield from linked_figures(item, key)


STAND_IN_SITE = admin.AdminSite(name="dashboard_links_test")


def model_admin_for(app_label, model_name):
    """The registered ModelAdmin, or until there is one a plain one behind the URL-lookup gate
    (which accepts the dashboards' lookups: recovery/dashboards/admin_lookups.py) with the scoping
    every admin changelist must apply."""
    model = apps.get_model(app_label, model_name)
    registered = admin.site._registry.get(model)
    if registered is not None:
        return registered
    if model_name == "incomingrequest":
        return incoming_stand_in(model)
    prefix = {"courtdecision": "asset__case__", "case": ""}.get(model_name, "case__")

    class StandIn(UrlLookupGate, admin.ModelAdmin):
        def get_queryset(self, request):
            return super().get_queryset(request).filter(case_scope(request.user, prefix=prefix))

    return StandIn(model, STAND_IN_SITE)


def incoming_stand_in(model):
    """Until incoming requests have their admin: one behind the gate, scoped by recovery.access,
    whose list filters are the FilterSet's read rules (the parameters the figures link with)."""
    from incoming.filters import IncomingRequestFilterSet
    from recovery import access
    from recovery.filters import filterset_list_filter

    class IncomingStandIn(UrlLookupGate, admin.ModelAdmin):
        list_filter = tuple(
            filterset_list_filter(IncomingRequestFilterSet, name) for name in ("due", "open", "overdue", "answered")
        )

        def get_queryset(self, request):
            return access.readable(request.user, super().get_queryset(request))

    return IncomingStandIn(model, STAND_IN_SITE)


def records_behind(url, user):
    """How many records the admin changelist at `url` lists for `user` (the admin's own filtering)."""
    parts = urlsplit(url)
    _empty, _admin, app_label, model_name, _rest = parts.path.split("/", 4)
    http_request = RequestFactory().get(url)
    http_request.user = user
    changelist = model_admin_for(app_label, model_name).get_changelist_instance(http_request)
    return changelist.queryset.count()


FILTERS = {
    "none": lambda k: StatsFilter(),
    "unit": lambda k: StatsFilter(unit_ids=frozenset(unit_and_descendant_ids(k.case_a.unit_id))),
    "country": lambda k: StatsFilter(country="RU"),
    "category": lambda k: StatsFilter(crime_category_id=k.corruption.pk),
    "channel": lambda k: StatsFilter(channel="central_authority"),
    "kind": lambda k: StatsFilter(legal_basis_kind="multilateral_convention"),
    "period": lambda k: StatsFilter(date_from=datetime.date(2025, 1, 1), date_to=datetime.date(2025, 6, 30)),
}


@pytest.mark.parametrize("who", ["supervisor", "analyst"])
@pytest.mark.parametrize("flt", sorted(FILTERS))
def test_every_linked_number_selects_exactly_its_records(known, who, flt):
    user = getattr(known, who)
    stats = Stats(user, FILTERS[flt](known))
    pages = [
        stats.overview(),
        stats.by_country(),
        stats.by_category(),
        stats.overdue(),
        stats.asset_recovery(),
        stats.trends(),
        stats.report(2025),
    ]
    checked = 0
    for page in pages:
        for count, url in linked_figures(page):
            assert records_behind(url, user) == count, url
            checked += 1
    assert checked > 40
