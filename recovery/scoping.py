"""Who may see what: the one scoping rule behind every `visible_to(user)`.

- superusers, administrators and analysts see every case;
- supervisors see the cases of their unit and of all its sub-units;
- investigators see the cases of their unit, and the cases they lead or whose team they are on;
- anyone else sees nothing.
Requests, assets and subjects are visible with their case. Admin, API and dashboards all use it.
"""

from django.db.models import Q

from recovery.roles import ADMINISTRATOR, ANALYST, INVESTIGATOR, SUPERVISOR, role_names

NOTHING = Q(pk__in=[])


def sees_everything(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or bool(role_names(user) & {ADMINISTRATOR, ANALYST})


def unit_and_descendant_ids(unit_id) -> set[int]:
    from recovery.models import Unit

    ids = {unit_id}
    frontier = [unit_id]
    while frontier:
        children = list(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier = [c for c in children if c not in ids]
        ids.update(frontier)
    return ids


def case_scope(user, prefix: str = "") -> Q:
    """A Q over Case (or over a model reaching it through `prefix`, e.g. "case__")."""
    if sees_everything(user):
        return Q()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    roles = role_names(user)
    scope = NOTHING
    if SUPERVISOR in roles and user.unit_id:
        scope |= Q(**{f"{prefix}unit_id__in": unit_and_descendant_ids(user.unit_id)})
    if INVESTIGATOR in roles or SUPERVISOR in roles:
        if user.unit_id:
            scope |= Q(**{f"{prefix}unit_id": user.unit_id})
        # The team is a subquery, not a join, so the result needs no DISTINCT.
        from cases.models import Case

        on_team = Case.team.through.objects.filter(user_id=user.pk).values("case_id")
        scope |= Q(**{f"{prefix}lead_investigator_id": user.pk}) | Q(**{f"{prefix}pk__in": on_team})
    return scope
