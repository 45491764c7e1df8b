"""Reads of cases beyond a one-line filter."""

from assets.models import AssetStatusChange
from cases.models import Case
from mla_requests.models import RequestStatusChange


def case_desk_timeline(case: Case) -> list[tuple[object, object]]:
    """One chronological timeline of a case, its requests and its assets, as (record, entry)
    pairs, oldest first by effective date (then by when it was recorded). Three queries."""
    pairs = [(case, entry) for entry in case.timeline.all()]
    pairs += [
        (entry.request, entry)
        for entry in RequestStatusChange.objects.filter(request__case=case).select_related("request")
    ]
    pairs += [
        (entry.asset, entry) for entry in AssetStatusChange.objects.filter(asset__case=case).select_related("asset")
    ]
    pairs.sort(key=lambda pair: (pair[1].effective_on, pair[1].recorded_at, pair[1].pk))
    return pairs
