"""Admin list_filter entries the dashboards' links need.

Every figure links to the admin changelist of the records behind it with field lookups in the query
string. Django's admin accepts a lookup on the model's own fields, or across one relation, without
further ado; a lookup that crosses two relations or more (case__unit__id__in) is accepted only when
its path is in the ModelAdmin's list_filter (ModelAdmin.lookup_allowed), otherwise the changelist
answers with an error. These are those paths, per model; tests/dashboards/test_links.py checks every
link of every page against the registered admin (or, while a model is not registered, against a
plain ModelAdmin with exactly these filters).

A figure counted by a read rule (overdue, pending, answered on time; an asset's stage) links with
the parameter of the list filter that applies the rule (`due=overdue`, `stage=frozen`: the
FilterSets' RULES), not with field lookups; the registered admins declare those list filters.
"""

REQUIRED_LIST_FILTERS = {
    "requests.request": ("case__unit", "legal_basis__kind"),
    "assets.asset": (
        "case__unit",
        "case__primary_crime_category",
        "requests__channel",
        "requests__legal_basis__kind",
        "timeline__to_status",
        "timeline__effective_on",
    ),
    "cases.case": ("requests__country", "requests__channel", "requests__legal_basis__kind"),
    "assets.courtdecision": (
        "asset__case__unit",
        "asset__location_country",
        "asset__case__primary_crime_category",
        "asset__requests__channel",
        "asset__requests__legal_basis__kind",
    ),
}
