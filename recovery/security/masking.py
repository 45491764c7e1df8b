"""Masking of personal identifiers (IIN/BIN, passport numbers) for roles that do not need them.

Who sees them in full: superusers, administrators and supervisors, and investigators on the
case (leading it, on its team, or in the unit that owns it). Everyone else - analysts, auditors,
investigators of other units, service accounts without a role - sees only the last characters.
Lists, exports and the bundle use `mask_identifier`; the admin and API helpers call it too.
Whoever sees identifiers masked may not search or filter by them either (`may_search_identifiers`).
"""

from __future__ import annotations

from recovery.roles import ADMINISTRATOR, INVESTIGATOR, SUPERVISOR, role_names

MASK_CHAR = "•"
VISIBLE_TAIL = 3
# Fields of cases.Subject that identify a person.
IDENTIFIER_FIELDS = ("iin_bin", "passport_number", "foreign_registration_number")


def _investigates(user, case) -> bool:
    if case is None:
        return False
    if case.lead_investigator_id == user.pk or (user.unit_id and case.unit_id == user.unit_id):
        return True
    return case.team.filter(pk=user.pk).exists()


def _decided_by_role(user) -> bool | None:
    """True: `user` sees every identifier in full; False: every one masked; None: an investigator,
    who sees in full those of subjects in the cases they investigate (a question per case)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    roles = role_names(user)
    if roles & {ADMINISTRATOR, SUPERVISOR}:
        return True
    if INVESTIGATOR not in roles:
        return False
    return None


def sees_full_identifiers(user, *, case=None, subject=None) -> bool:
    """Whether `user` may see a subject's identifiers unmasked, in `case` or in any case of `subject`."""
    by_role = _decided_by_role(user)
    if by_role is not None:
        return by_role
    if case is not None:
        return _investigates(user, case)
    if subject is not None:
        from cases.models import Case

        cases = Case.objects.filter(subject_roles__subject=subject).distinct()
        return any(_investigates(user, c) for c in cases)
    return False


def subjects_seen_in_full(user, subject_ids) -> set:
    """Of `subject_ids`, those whose identifiers `user` sees in full: the answer of
    sees_full_identifiers(user, subject=...) for a whole list at once, in at most one query
    (none unless `user` is an investigator)."""
    subject_ids = set(subject_ids)
    by_role = _decided_by_role(user)
    if by_role is not None or not subject_ids:
        return subject_ids if by_role else set()
    from django.db.models import Q

    from cases.models import Case, CaseSubject

    # The cases `_investigates` accepts: led by the user, owned by their unit, or with them on the team.
    investigated = Q(case__lead_investigator_id=user.pk) | Q(
        case_id__in=Case.team.through.objects.filter(user_id=user.pk).values("case_id")
    )
    if user.unit_id:
        investigated |= Q(case__unit_id=user.unit_id)
    return set(
        CaseSubject.objects.filter(investigated, subject_id__in=subject_ids).values_list("subject_id", flat=True)
    )


def may_search_identifiers(user) -> bool:
    """Whether a search or filter on a person's identifiers may run for `user` (the admin's search
    and lookups, the API's `q`): only when every identifier it can reach is one they see in full.
    Otherwise a match, or its absence, would confirm a number shown to them masked."""
    by_role = _decided_by_role(user)
    if by_role is not None:
        return by_role
    # An investigator sees in full the identifiers in the cases they investigate, which is all
    # their scope reaches (recovery.scoping.case_scope: their unit, cases they lead or are on the
    # team of) - unless another role (Analyst) widens that scope to every case.
    from recovery.scoping import sees_everything

    return not sees_everything(user)


def is_identifier_lookup(path: str) -> bool:
    """Whether a search field or lookup reads an identifier: "iin_bin", "=passport_number",
    "subject_roles__subject__iin_bin", "iin_bin__startswith"."""
    return any(part in IDENTIFIER_FIELDS for part in path.lstrip("=^@").split("__"))


def searchable_fields(fields, user) -> tuple:
    """`fields` (search fields or lookups) less those on identifiers, unless `user` may search them."""
    if may_search_identifiers(user):
        return tuple(fields)
    return tuple(field for field in fields if not is_identifier_lookup(field))


def mask_value(value: str | None) -> str:
    """'860101300123' -> '•••••••••123'; short values are masked entirely."""
    if not value:
        return value or ""
    value = str(value)
    if len(value) <= VISIBLE_TAIL + 2:
        return MASK_CHAR * len(value)
    return MASK_CHAR * (len(value) - VISIBLE_TAIL) + value[-VISIBLE_TAIL:]


def mask_identifier(value: str | None, user, *, case=None, subject=None) -> str:
    """The identifier as `user` may see it: in full or masked (see the module docstring)."""
    if sees_full_identifiers(user, case=case, subject=subject):
        return value or ""
    return mask_value(value)
