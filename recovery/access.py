"""Who may see what, who may change what, whom one may name, who may grant what, and who sees a
person's identifiers in full: every access question of the project, answered here and nowhere else.

Admin querysets, forms, lookups and actions; API querysets, serializers and permissions; dashboards,
statistics, exports, imports, the case bundle and tasks ask this module. The services ask it too
(`require_case_write`, `require_nameable`, ...) before they write, so an edge that forgets still
cannot write what its user may not.

Roles combine per capability, never as a rank:
- reading: superusers, administrators and analysts read every case; supervisors the cases of their
  unit and its sub-units; investigators the cases of their unit, those they lead and those whose
  team they are on. A user with several roles reads the union.
- writing: superusers and administrators write every case; supervisors and investigators what
  their own reading rule gives them. Analysts write nothing, so an analyst who is also an
  investigator reads everything and writes only their unit's cases.
- naming (lead investigator, responsible investigator, team member): active colleagues of the
  writer's unit and its sub-units (everyone, for those who write every case).
- identifiers (IIN/BIN, passport) in full: only in cases the user may write; masked elsewhere, and
  a user who reads more than they write may not search or filter by them.
- granting: superusers grant any role and superuser status; administrators grant the working roles
  (not Administrator, not superuser), never to themselves, and never touch a superuser's account.

Requests, assets, subjects and their rows are seen (and written) with their case. Incoming requests
(foreign states' requests executed here) belong to their executing unit: the unit rule above applies
to them with the executor in place of the lead investigator; only supervisors of that unit (and
those who write everything) assign the executor. A subject is seen with any case or incoming
request it appears in. Everything here reads models through the app registry, so no app module
imports another through this one.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from recovery.errors import AccessDenied, InvalidInput
from recovery.roles import ADMINISTRATOR, ANALYST, AUDITOR, INVESTIGATOR, SUPERVISOR, role_names

NOTHING = Q(pk__in=[])

# How each case record reaches its case: the one table of "which unit is this row in".
CASE_PATHS = {
    "cases.case": "",
    "cases.casestatuschange": "case__",
    "cases.casesubject": "case__",
    "requests.request": "case__",
    "requests.requeststatuschange": "request__case__",
    "requests.checklistanswer": "request__case__",
    "requests.followup": "request__case__",
    "requests.reminderdelivery": "request__case__",
    "requests.reminderschedule": "request__case__",
    "assets.asset": "case__",
    "assets.assetstatuschange": "asset__case__",
    "assets.courtdecision": "asset__case__",
    "assets.thirdpartyclaim": "asset__case__",
    "assets.assetagreement": "asset__case__",
    "assets.freezeexpiryreminder": "asset__case__",
    "documents.document": "case__",
    "documents.documentversion": "document__case__",
}
# Subjects belong to no single case: they are seen with any case they appear in.
SUBJECT_CASE_PATH = "case_roles__case__"
# Incoming requests reach the unit tree themselves (their executing unit), not through a case.
INCOMING_PATHS = {
    "incoming.incomingrequest": "",
    "incoming.incomingrequeststatuschange": "incoming_request__",
    "requests.incomingreminderschedule": "incoming_request__",
}


# --- capabilities ---------------------------------------------------------------------------------


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def reads_everything(user) -> bool:
    """Superusers, administrators and analysts read every case of every unit."""
    if not _active(user):
        return False
    return user.is_superuser or bool(role_names(user) & {ADMINISTRATOR, ANALYST})


def writes_everything(user) -> bool:
    """Superusers and administrators write every case; reading everything (analysts) does not."""
    if not _active(user):
        return False
    return user.is_superuser or ADMINISTRATOR in role_names(user)


def is_writer(user) -> bool:
    """Whether any role of `user` writes case records at all (analysts and auditors do not)."""
    if not _active(user):
        return False
    return user.is_superuser or bool(role_names(user) & {INVESTIGATOR, SUPERVISOR, ADMINISTRATOR})


def is_case_reader(user) -> bool:
    """Whether `user` works with case records at all (an auditor reads the audit trail instead)."""
    if not _active(user):
        return False
    return user.is_superuser or bool(role_names(user) & {INVESTIGATOR, SUPERVISOR, ANALYST, ADMINISTRATOR})


def unit_and_descendant_ids(unit_id) -> set[int]:
    Unit = apps.get_model("recovery", "Unit")
    ids = {unit_id}
    frontier = [unit_id]
    while frontier:
        children = list(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier = [c for c in children if c not in ids]
        ids.update(frontier)
    return ids


def _own_cases(user, prefix: str) -> Q:
    """The unit rule of investigators and supervisors (the cases they work on), over `prefix`."""
    if not _active(user):
        return NOTHING
    roles = role_names(user)
    if not roles & {INVESTIGATOR, SUPERVISOR}:
        return NOTHING
    scope = NOTHING
    if user.unit_id:
        if SUPERVISOR in roles:
            scope |= Q(**{f"{prefix}unit_id__in": unit_and_descendant_ids(user.unit_id)})
        else:
            scope |= Q(**{f"{prefix}unit_id": user.unit_id})
    # The team is a subquery, not a join, so the result needs no DISTINCT.
    on_team = apps.get_model("cases", "Case").team.through.objects.filter(user_id=user.pk).values("case_id")
    return scope | Q(**{f"{prefix}lead_investigator_id": user.pk}) | Q(**{f"{prefix}pk__in": on_team})


def case_read_scope(user, prefix: str = "") -> Q:
    """A Q over Case (or over a model reaching it through `prefix`, e.g. "case__"): what `user` reads."""
    if reads_everything(user):
        return Q()
    return _own_cases(user, prefix)


def case_write_scope(user, prefix: str = "") -> Q:
    """A Q over Case (or through `prefix`): the cases whose records `user` may change."""
    if writes_everything(user):
        return Q()
    return _own_cases(user, prefix)


def _own_incoming(user, prefix: str) -> Q:
    """The unit rule for incoming requests: investigators those of their unit and those they
    execute; supervisors those of their unit and its sub-units."""
    if not _active(user):
        return NOTHING
    roles = role_names(user)
    if not roles & {INVESTIGATOR, SUPERVISOR}:
        return NOTHING
    scope = Q(**{f"{prefix}executor_id": user.pk})
    if user.unit_id:
        if SUPERVISOR in roles:
            scope |= Q(**{f"{prefix}unit_id__in": unit_and_descendant_ids(user.unit_id)})
        else:
            scope |= Q(**{f"{prefix}unit_id": user.unit_id})
    return scope


def incoming_read_scope(user, prefix: str = "") -> Q:
    """A Q over IncomingRequest (or a model reaching it through `prefix`): what `user` reads."""
    if reads_everything(user):
        return Q()
    return _own_incoming(user, prefix)


def incoming_write_scope(user, prefix: str = "") -> Q:
    """A Q over IncomingRequest (or through `prefix`): what `user` may register, execute, answer."""
    if writes_everything(user):
        return Q()
    return _own_incoming(user, prefix)


def may_assign_incoming(user, incoming) -> bool:
    """Whether `user` may name (or change) the executor of `incoming`: a supervisor of its unit or a
    unit above it, or whoever writes everything."""
    if writes_everything(user):
        return True
    if not _active(user) or SUPERVISOR not in role_names(user) or not user.unit_id:
        return False
    return incoming.unit_id in unit_and_descendant_ids(user.unit_id)


def require_assign_incoming(user, incoming) -> None:
    if user is None or may_assign_incoming(user, incoming):
        return
    if not may_read(user, incoming):
        raise AccessDenied(_("No such record, or it is not visible to you."), code="not_found")
    raise AccessDenied(_("Only a supervisor of the executing unit assigns the executor."))


def require_executor(actor, incoming, executor, field: str = "executor") -> None:
    """The executor is an active colleague `actor` may name, of the executing unit or its sub-units."""
    require_nameable(actor, field, [executor])
    if executor is not None and executor.unit_id not in unit_and_descendant_ids(incoming.unit_id):
        raise InvalidInput(
            _("The executor works in the executing unit or one of its sub-units."),
            field_errors={field: [_("Not of the executing unit.")]},
        )


# Records of a case that may instead (or also) belong to an incoming request: an asset in
# Kazakhstan frozen at a foreign state's request, the documents of an incoming request, a reminder
# about either direction's deadline. They are seen, and written, by whoever sees (writes) either
# the case or the incoming request.
INCOMING_ALSO = {
    "requests.reminderdelivery": "incoming_request__",
    "assets.asset": "incoming_request__",
    "assets.assetstatuschange": "asset__incoming_request__",
    "assets.courtdecision": "asset__incoming_request__",
    "assets.thirdpartyclaim": "asset__incoming_request__",
    "assets.assetagreement": "asset__incoming_request__",
    "assets.freezeexpiryreminder": "asset__incoming_request__",
    "documents.document": "incoming_request__",
    "documents.documentversion": "document__incoming_request__",
}

_INCOMING_SCOPE = {}  # case scope -> incoming scope; filled below, once both are defined


def _either(one: Q, other: Q) -> Q:
    # An empty Q means "every row"; Django's `Q() | x` would give x alone.
    if not one or not other:
        return Q()
    return one | other


# --- rows -----------------------------------------------------------------------------------------


def _scoped(user, queryset, scope):
    model = queryset.model
    label = model._meta.label_lower
    if label == "cases.subject":
        # The scope reads the unit tree: built once.
        case_scope = scope(user)
        if case_scope == Q():
            return queryset
        Case = apps.get_model("cases", "Case")
        CaseSubject = apps.get_model("cases", "CaseSubject")
        IncomingRequest = apps.get_model("incoming", "IncomingRequest")
        cases = Case.objects.filter(case_scope).values("pk")
        incoming = IncomingRequest.objects.filter(_INCOMING_SCOPE[scope](user)).values("pk")
        return queryset.filter(
            Q(pk__in=CaseSubject.objects.filter(case__in=cases).values("subject_id"))
            | Q(
                pk__in=IncomingRequest.subjects.through.objects.filter(incomingrequest__in=incoming).values(
                    "subject_id"
                )
            )
        )
    if label in INCOMING_PATHS:
        return queryset.filter(_INCOMING_SCOPE[scope](user, INCOMING_PATHS[label]))
    prefix = CASE_PATHS.get(label)
    if prefix is None:
        raise LookupError(f"{label} is not a case record; use readable_units/readable_users or reference data")
    q = scope(user, prefix)
    if label in INCOMING_ALSO:
        q = _either(q, _INCOMING_SCOPE[scope](user, INCOMING_ALSO[label]))
    return queryset.filter(q)


_INCOMING_SCOPE.update({case_read_scope: incoming_read_scope, case_write_scope: incoming_write_scope})


def readable(user, queryset):
    """The rows of `queryset` (any case record: cases, requests, assets, subjects, their rows) that
    `user` may read."""
    return _scoped(user, queryset, case_read_scope)


def writable(user, queryset):
    """The rows of `queryset` (any case record) that `user` may change."""
    return _scoped(user, queryset, case_write_scope)


def rows_visible_to(user, model, queryset=None):
    """The rows of any model the admin shows or offers as a choice: case records by their case,
    colleagues and units by the unit tree, reference data to everyone."""
    qs = queryset if queryset is not None else model._default_manager.all()
    label = model._meta.label_lower
    if label == "recovery.user":
        return qs.filter(pk__in=readable_users(user).values("pk"))
    if label == "recovery.unit":
        return qs.filter(pk__in=readable_units(user).values("pk"))
    if label == "cases.subject" or label in CASE_PATHS or label in INCOMING_PATHS:
        return readable(user, qs)
    return qs  # reference data: everyone reads it


def may_read(user, obj) -> bool:
    """Whether `user` may read this case record (a case, request, asset, subject or one of their rows)."""
    if obj is None or obj.pk is None:
        return False
    return readable(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()


def may_write(user, obj) -> bool:
    """Whether `user` may change this case record. A subject: in any case it appears in that they
    write, or while it appears in no case yet (recorded, about to be linked to one)."""
    if obj is None or not is_writer(user):
        return False
    if writes_everything(user):
        return True
    if obj.pk is None:
        return False
    if obj._meta.label_lower == "cases.subject" and not obj.case_roles.exists() and not obj.incoming_requests.exists():
        return True
    return writable(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()


def require_write(user, obj) -> None:
    """Refuse (AccessDenied) a change of a record `user` may not write. A record they cannot even
    read gets the same answer as one that does not exist, so the refusal confirms nothing.

    `user` None is the system itself (a task, a command run by the operator on the server): the
    services are called so only from there; every web and API edge passes the signed-in user."""
    if user is None or may_write(user, obj):
        return
    if not may_read(user, obj):
        raise AccessDenied(_("No such record, or it is not visible to you."), code="not_found")
    raise AccessDenied(_("You may read this record but not change it."))


def digest_read_scope(user) -> Q:
    """A Q over reminder digests: one person's daily mail (who, which day, whether it went) is read
    by that person, by a supervisor for the people of their unit and its sub-units, and by whoever
    reads every case. Its items are deliveries, each shown (or not) by its own case's scope."""
    if reads_everything(user):
        return Q()
    if not _active(user):
        return NOTHING
    scope = Q(recipient_id=user.pk)
    if SUPERVISOR in role_names(user) and user.unit_id:
        scope |= Q(recipient__unit_id__in=unit_and_descendant_ids(user.unit_id))
    return scope


# --- units and colleagues -------------------------------------------------------------------------


def readable_units(user):
    """Units one sees (and may open cases in): one's unit and its sub-units; every unit for those
    who write every case or read every case."""
    Unit = apps.get_model("recovery", "Unit")
    if reads_everything(user):
        return Unit.objects.all()
    if not _active(user) or not getattr(user, "unit_id", None):
        return Unit.objects.none()
    return Unit.objects.filter(pk__in=unit_and_descendant_ids(user.unit_id))


def case_units(user):
    """Units `user` may open a case in or move a case to."""
    Unit = apps.get_model("recovery", "Unit")
    if writes_everything(user):
        return Unit.objects.all()
    if not is_writer(user) or not user.unit_id:
        return Unit.objects.none()
    return Unit.objects.filter(pk__in=unit_and_descendant_ids(user.unit_id))


def readable_users(user):
    """Colleagues one may look up: those of one's unit and its sub-units (everyone, for those who
    read every case), and oneself."""
    User = apps.get_model("recovery", "User")
    if reads_everything(user):
        return User.objects.all()
    if not getattr(user, "is_authenticated", False):
        return User.objects.none()
    if not user.unit_id:
        return User.objects.filter(pk=user.pk)
    return User.objects.filter(Q(unit_id__in=unit_and_descendant_ids(user.unit_id)) | Q(pk=user.pk))


def nameable_users(user):
    """Whom `user` may name lead investigator, responsible investigator or team member: active
    colleagues of their unit and its sub-units (or anyone active, for those who write every case)."""
    User = apps.get_model("recovery", "User")
    if writes_everything(user):
        return User.objects.filter(is_active=True)
    if not is_writer(user):
        return User.objects.none()
    if not user.unit_id:
        return User.objects.filter(pk=user.pk, is_active=True)
    return User.objects.filter(Q(unit_id__in=unit_and_descendant_ids(user.unit_id)) | Q(pk=user.pk), is_active=True)


def require_nameable(actor, field: str, people) -> None:
    """Refuse naming someone `actor` may not name. The message is the same for a colleague of
    another unit and for nobody at all, so it confirms no account."""
    people = [p for p in people if p is not None]
    if not people or actor is None:
        return
    allowed = set(nameable_users(actor).filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True))
    if any(p.pk not in allowed for p in people):
        raise InvalidInput(
            _("You may name only active colleagues of your unit and its sub-units."),
            field_errors={field: [_("Not a colleague you may name.")]},
        )


def require_case_unit(actor, unit, field: str = "unit") -> None:
    if unit is None or actor is None:
        return
    if not case_units(actor).filter(pk=unit.pk).exists():
        raise InvalidInput(
            _("You may open or move cases only in your unit and its sub-units."),
            field_errors={field: [_("Not a unit you may choose.")]},
        )


def require_writer(actor) -> None:
    """Refuse a new record (a case, a subject) to whoever writes no case records at all."""
    if actor is not None and not is_writer(actor):
        raise AccessDenied(_("Your role does not allow changing case records."))


# --- identifiers ----------------------------------------------------------------------------------


def sees_full_identifiers(user, *, case=None, subject=None) -> bool:
    """Whether `user` sees a subject's identifiers unmasked, in `case` or in any case of `subject`:
    only where they may write."""
    if writes_everything(user):
        return True
    if not is_writer(user):
        return False
    if case is not None:
        return may_write(user, case)
    if subject is not None:
        return may_write(user, subject)
    return False


def may_download_documents(user, owner) -> bool:
    """Whether `user` may open the files of the documents of `owner` (a case or an incoming
    request). Whoever reads it sees the documents' metadata; the files carry identifiers in full, so
    roles that see them masked (readers who may not write it) do not download, unless the office's
    setting allows it."""
    if not may_read(user, owner):
        return False
    return sees_full_identifiers(user, case=owner) or settings.DOCUMENT_DOWNLOAD_FOR_MASKED_ROLES


def subjects_seen_in_full(user, subject_ids) -> set:
    """Of `subject_ids`, those whose identifiers `user` sees in full, in at most one query."""
    subject_ids = set(subject_ids)
    if not subject_ids or not is_writer(user):
        return set()
    if writes_everything(user):
        return subject_ids
    CaseSubject = apps.get_model("cases", "CaseSubject")
    IncomingRequest = apps.get_model("incoming", "IncomingRequest")
    in_cases = CaseSubject.objects.filter(case_write_scope(user, "case__"), subject_id__in=subject_ids)
    in_incoming = IncomingRequest.subjects.through.objects.filter(
        incoming_write_scope(user, "incomingrequest__"), subject_id__in=subject_ids
    )
    return set(in_cases.values_list("subject_id", flat=True)) | set(in_incoming.values_list("subject_id", flat=True))


def assets_seen_in_full(user, asset_ids) -> set:
    """Of `asset_ids`, the assets whose account identifiers (IBANs, account numbers) `user` sees in
    full: an account names its holder as surely as their IIN, so the rule of a person's identifiers
    (only where one writes), in at most one query."""
    asset_ids = set(asset_ids)
    if not asset_ids or not is_writer(user):
        return set()
    if writes_everything(user):
        return asset_ids
    Asset = apps.get_model("assets", "Asset")
    return set(writable(user, Asset.objects.filter(pk__in=asset_ids)).values_list("pk", flat=True))


def may_search_identifiers(user) -> bool:
    """Whether a search or filter on identifiers may run for `user`: only when every identifier it
    can reach is one they see in full, that is when they write all they read. Otherwise a match,
    or its absence, would confirm a number shown to them masked."""
    if writes_everything(user):
        return True
    if not is_writer(user):
        return False
    return not reads_everything(user)


# --- accounts -------------------------------------------------------------------------------------

WORKING_ROLES = (INVESTIGATOR, SUPERVISOR, ANALYST, AUDITOR)


def grantable_roles(actor) -> set[str]:
    """The role groups `actor` may give or take away."""
    if not _active(actor):
        return set()
    if actor.is_superuser:
        return {*WORKING_ROLES, ADMINISTRATOR}
    if ADMINISTRATOR in role_names(actor):
        return set(WORKING_ROLES)
    return set()


def may_manage_account(actor, target) -> bool:
    """Whether `actor` may change `target`'s account (details, password, roles, activity)."""
    if not _active(actor):
        return False
    if actor.is_superuser:
        return True
    if ADMINISTRATOR not in role_names(actor):
        return False
    if target is None or target.pk is None:
        return True  # a new account
    # A superuser's or another administrator's account is a superuser's to change.
    return not target.is_superuser and (target.pk == actor.pk or ADMINISTRATOR not in role_names(target))


def require_account_change(actor, target, *, roles_before, roles_after, changes: dict) -> None:
    """Refuse an account change `actor` may not make. `changes` maps changed flag names
    (is_superuser, is_staff, is_active, user_permissions) to their new values."""
    if not may_manage_account(actor, target):
        raise AccessDenied(_("Only a superuser may change this account."))
    moved = set(roles_before) ^ set(roles_after)
    not_grantable = moved - grantable_roles(actor)
    if not_grantable:
        raise InvalidInput(
            _("You may not give or take away these roles: %(roles)s.") % {"roles": ", ".join(sorted(not_grantable))},
            field_errors={"groups": [_("Not a role you may grant.")]},
        )
    if actor.is_superuser:
        return
    for flag in ("is_superuser", "user_permissions"):
        if flag in changes:
            raise InvalidInput(
                _("Only a superuser may change superuser status or individual permissions."),
                field_errors={flag: [_("Only a superuser may change this.")]},
            )
    if target is not None and target.pk == actor.pk and (moved or {"is_staff", "is_active"} & set(changes)):
        raise InvalidInput(
            _("You may not change your own roles or access."),
            field_errors={"groups": [_("Not on your own account.")]},
        )


def supervised_unit_ids(user) -> set[int]:
    """The units a supervisor oversees (their unit and its sub-units): what the supervisor's desk
    lists, grouped by investigator, on top of what `readable` already lets them read. Empty for
    anyone who is not an active supervisor with a unit."""
    if not _active(user) or SUPERVISOR not in role_names(user) or not user.unit_id:
        return set()
    return unit_and_descendant_ids(user.unit_id)


def has_desk(user) -> bool:
    """Whether the admin's home shows `user` a desk: investigators and supervisors, who work cases."""
    return _active(user) and bool(role_names(user) & {INVESTIGATOR, SUPERVISOR})
