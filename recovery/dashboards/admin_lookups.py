"""The URL lookups the dashboards' links use, per admin changelist.

Every figure links to the admin changelist of the records behind it with field lookups in the query
string (recovery/stats.py builds them). The admin accepts a lookup only when it is declared in full,
path and lookup type (recovery.admin_base.UrlLookupGate): a list filter's own parameter, the date
hierarchy's, the admin's `url_lookups`, or an entry of this table for its model. Each entry is a
field path and the lookup types the links use on it; "exact" also admits the bare path (`status=`
and `status__exact=` are the same query). tests/dashboards/test_links.py opens every link of every
page through the registered admin, so a lookup the dashboards start to use fails there until it is
added here.

A figure counted by a read rule (overdue, pending, answered on time; an asset's stage) links with
the parameter of the list filter that applies the rule (`due=overdue`, `stage=frozen`: the
FilterSets' RULES), not with field lookups; the registered admins declare those list filters.
"""

DASHBOARD_URL_LOOKUPS = {
    "requests.request": (
        ("status", {"exact", "in"}),
        ("country", {"exact"}),
        ("channel", {"exact"}),
        ("refusal_grounds", {"exact"}),
        ("crime_category__id", {"exact"}),
        ("legal_basis__kind", {"exact", "in"}),
        ("case__unit__id", {"in"}),
        ("sent_on", {"gte", "lte", "isnull", "year", "month"}),
        ("answered_on", {"gte", "lte", "isnull", "year", "month"}),
        ("response_due", {"lt", "gte", "lte"}),
    ),
    "assets.asset": (
        ("status", {"exact"}),
        ("kind", {"exact"}),
        ("currency", {"exact"}),
        ("location_country", {"exact"}),
        ("identified_on", {"gte", "lte"}),
        ("frozen_amount", {"gt"}),
        ("confiscated_amount", {"gt"}),
        ("returned_amount", {"gt"}),
        ("case__unit__id", {"in"}),
        ("case__primary_crime_category__id", {"exact"}),
        # An asset's requests and timeline are to-many: `__in`, `__gt`, `__lte`, `__year` (which no
        # list filter consumes) go into one filter() and so hold for the same related row.
        ("requests__channel", {"in"}),
        ("requests__legal_basis__kind", {"in"}),
        ("timeline__to_status", {"in"}),
        ("timeline__effective_on", {"gt", "lte", "year"}),
        # Assets acted on at a foreign state's request (Asset.incoming_request, once assets carry
        # it): the incoming request's filter, through it.
        ("incoming_request", {"isnull"}),
        ("incoming_request__requesting_country", {"exact"}),
        ("incoming_request__unit__id", {"in"}),
        ("incoming_request__crime_category__id", {"exact"}),
        ("incoming_request__channel", {"exact"}),
        ("incoming_request__legal_basis__kind", {"exact"}),
    ),
    # Incoming requests' read rules (open, overdue, due, answered) are the FilterSet's parameters
    # (incoming.filters.RULES), applied by the admin's list filters of the same name.
    "incoming.incomingrequest": (
        ("status", {"exact", "in"}),
        ("requesting_country", {"exact"}),
        ("channel", {"exact"}),
        ("refusal_ground", {"exact"}),
        ("crime_category__id", {"exact"}),
        ("legal_basis__kind", {"exact"}),
        ("unit__id", {"in"}),
        ("received_on", {"gte", "lte"}),
    ),
    "cases.case": (
        ("status", {"exact"}),
        ("unit__id", {"in"}),
        ("primary_crime_category__id", {"exact"}),
        ("requests__country", {"in"}),
        ("requests__channel", {"in"}),
        ("requests__legal_basis__kind", {"in"}),
    ),
    "assets.courtdecision": (
        ("kind", {"exact"}),
        ("amount_currency", {"exact"}),
        ("conviction_based", {"exact", "isnull"}),
        ("decided_on", {"gte", "lte"}),
        ("asset__location_country", {"exact"}),
        ("asset__case__unit__id", {"in"}),
        ("asset__case__primary_crime_category__id", {"exact"}),
        ("asset__requests__channel", {"in"}),
        ("asset__requests__legal_basis__kind", {"in"}),
    ),
}
