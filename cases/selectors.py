"""Reads of cases beyond a one-line filter."""

from django.db.models import Case as CaseWhen
from django.db.models import IntegerField, Q, Value, When

from assets.models import AssetStatusChange
from cases.models import Case, CaseSubject, Subject
from mla_requests.models import RequestStatusChange
from recovery import access


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


def subject_search_rank(term: str, *, by_identifier: bool = False):
    """An expression ranking subjects for a typed `term`: 0 the surname itself (the name's first
    word: "Bekov" finds "Bekov Arman"), or the identifier itself; 1 a name beginning with it
    ("Bekova Aigul"), or an identifier beginning with it; 2 another word of the name beginning with
    it ("Arman Bekov"); 3 anything else the search matched ("Dzhaksybekov Arman"). Identifiers rank
    only for `by_identifier` (who may search them: recovery.access.may_search_identifiers), as a
    match on a number shown masked would confirm it."""
    term = " ".join((term or "").split())
    if not term:
        return Value(3)
    names = ("name_latin", "name_cyrillic")
    exact = Q()
    prefix = Q()
    word = Q()
    for name in names:
        exact |= Q(**{f"{name}__iexact": term}) | Q(**{f"{name}__istartswith": f"{term} "})
        prefix |= Q(**{f"{name}__istartswith": term})
        word |= Q(**{f"{name}__icontains": f" {term}"})
    if by_identifier:
        exact |= Q(iin_bin=term)
        prefix |= Q(iin_bin__startswith=term)
    return CaseWhen(
        When(exact, then=Value(0)),
        When(prefix, then=Value(1)),
        When(word, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )


def subject_picker_details(user, subject_ids) -> dict[int, dict]:
    """For the subject picker, per subject id: whether `user` sees its identifiers in full and the
    register numbers of its cases that `user` may see (never another unit's). Two queries for a
    whole page of options."""
    subject_ids = list(subject_ids)
    seen_in_full = access.subjects_seen_in_full(user, subject_ids)
    details = {pk: {"full": pk in seen_in_full, "cases": []} for pk in subject_ids}
    if not subject_ids or not access.is_case_reader(user):
        return details
    rows = (
        CaseSubject.objects.filter(access.case_read_scope(user, "case__"), subject_id__in=subject_ids)
        .values_list("subject_id", "case__register_number")
        .order_by("case__register_number")
        .distinct()
    )
    for subject_id, register_number in rows:
        if register_number not in details[subject_id]["cases"]:
            details[subject_id]["cases"].append(register_number)
    return details


def visible_namesakes(user, *, name_latin: str = "", name_cyrillic: str = "", iin_bin: str = ""):
    """Subjects `user` may see that bear the same name (either script, case aside) or the same
    IIN/BIN: the possible duplicates of a subject about to be recorded. Only visible rows are
    compared, so the answer says nothing of another unit's subjects."""
    match = Q(pk__in=[])
    for name, value in (("name_latin", name_latin), ("name_cyrillic", name_cyrillic)):
        value = " ".join((value or "").split())
        if value:
            match |= Q(**{f"{name}__iexact": value})
    if iin_bin:
        match |= Q(iin_bin=iin_bin)
    return access.readable(user, Subject.objects.filter(match)).order_by("name_latin", "name_cyrillic", "pk")
