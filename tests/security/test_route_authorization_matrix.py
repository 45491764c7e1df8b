"""Authorization proved for every route: each URL of the project, as each role and as a user of
another unit, against the records of unit A and unit B, gives the expected answer.

The routes come from the URL resolver, so a route added later is visited too; a route that no
rule below covers fails its test until a rule says what each role must get. Expectations come
from the declared policy (which role may do what to which model, and which unit each user sees),
not from the code under test. The admin's pages are told apart by their URL names' suffixes; every
dashboard and API route is listed by name in a table (DASHBOARD_ROUTES, API_ROUTES), never given a
rule from the model its view happens to serve. Besides the GET visits, every API route that accepts
POST, PUT or PATCH is written to by the read-only roles and by a user of another unit
(test_api_writes_are_refused_to_read_only_roles_and_other_units). A document's file is read by
those who read its case and see its identifiers in full (DOWNLOAD): the others who read the case
are refused (403).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RoutePattern

# --- The cast ----------------------------------------------------------------------------------
# Who visits (the `world` fixture in conftest.py signs each in): fixture name -> (role groups,
# the units whose records they read, the units whose records they write). Roles combine per
# capability: the combinations below read everything as analysts and write only as their other
# role allows (an administrator writes everything).
VISITORS = {
    "anonymous": ((), set(), set()),
    "investigator_a": (("Investigator",), {"A"}, {"A"}),
    "investigator_b": (("Investigator",), {"B"}, {"B"}),  # the user of another unit
    "supervisor_a": (("Supervisor",), {"A"}, {"A"}),
    "analyst": (("Analyst",), {"A", "B"}, set()),
    "administrator": (("Administrator",), {"A", "B"}, {"A", "B"}),
    "auditor": (("Auditor",), set(), set()),
    "integration_client": (("Investigator",), {"A"}, {"A"}),  # a service account: not staff
    "investigator_analyst_b": (("Investigator", "Analyst"), {"A", "B"}, {"B"}),
    "supervisor_analyst_b": (("Supervisor", "Analyst"), {"A", "B"}, {"B"}),
    "administrator_investigator_b": (("Administrator", "Investigator"), {"A", "B"}, {"A", "B"}),
}
NOT_STAFF = {"anonymous", "integration_client"}

# --- Policy: which role may view/add/change/delete which model --------------------------------
INV, SUP, ANA, ADM, AUD = "Investigator", "Supervisor", "Analyst", "Administrator", "Auditor"
DOMAIN = {"view": {INV, SUP, ANA, ADM}, "add": {INV, SUP, ADM}, "change": {INV, SUP, ADM}, "delete": set()}
REFERENCE = {"view": {INV, SUP, ANA, ADM}, "add": {ADM}, "change": {ADM}, "delete": {ADM}}
ACCOUNTS = {"view": {ADM}, "add": {ADM}, "change": {ADM}, "delete": set()}
# Colleagues can be looked up by anyone with a role (naming a lead investigator); the list is
# limited to one's units; only administrators manage accounts, and deactivate rather than delete
# them (the append-only trails name them).
USERS = {"view": {INV, SUP, ANA, ADM, AUD}, "add": {ADM}, "change": {ADM}, "delete": set()}
AUDIT = {"view": {ADM, AUD}, "add": set(), "change": set(), "delete": set()}
LOCKOUTS = {"view": {ADM}, "add": set(), "change": set(), "delete": {ADM}}
LOGS = {"view": {ADM}, "add": set(), "change": set(), "delete": set()}
# Rows added only from their parent's page (a subject's role in a case, a checklist answer, a
# court decision, a claim): no add page of their own.
DOMAIN_CHILD = {**DOMAIN, "add": set()}
DOMAIN_CHILDREN = {"casesubject", "checklistanswer", "courtdecision", "thirdpartyclaim", "assetagreement"}
# Personal records (see OWNER_FIELD), visible to their owner only: in the admin only to
# administrators (their own); through the API every user reads their own (API_MODEL_POLICY).
NOTIFICATIONS = {"view": {ADM}, "add": set(), "change": set(), "delete": set()}
OWN_RECORDS_API = {"view": {INV, SUP, ANA, ADM, AUD}, "add": set(), "change": set(), "delete": set()}

MODEL_POLICY = {
    "recovery.unit": REFERENCE,
    "recovery.crimecategory": REFERENCE,
    "recovery.assistancemeasure": REFERENCE,
    "recovery.countryprofile": REFERENCE,
    "recovery.legalinstrument": REFERENCE,
    "recovery.instrumentrequirement": REFERENCE,
    "recovery.user": USERS,
    "auth.group": ACCOUNTS,
    "recovery.auditevent": AUDIT,
    "auditlog.logentry": AUDIT,
    "axes.accessattempt": LOCKOUTS,
    "axes.accesslog": LOGS,
    "axes.accessfailurelog": LOGS,
    "otp_totp.totpdevice": LOCKOUTS,
    "recovery.notification": NOTIFICATIONS,
    "recovery.exchangerate": REFERENCE,
    # Each person's notification choices: kept by administrators in the admin.
    "recovery.notificationpreference": {"view": {ADM}, "add": {ADM}, "change": {ADM}, "delete": {ADM}},
    # Reminder policy and holidays (issue 5): administrators keep them, supervisors read them.
    "requests.reminderpolicy": {"view": {SUP, ADM}, "add": {ADM}, "change": {ADM}, "delete": {ADM}},
    "requests.holiday": {"view": {SUP, ADM}, "add": {ADM}, "change": {ADM}, "delete": {ADM}},
    # The delivery log is written by the reminder service only.
    "requests.reminderdelivery": {"view": {SUP, ADM}, "add": set(), "change": set(), "delete": set()},
    "requests.reminderdigest": {"view": {SUP, ADM}, "add": set(), "change": set(), "delete": set()},
    # API tokens (issue 4): issued and revoked by administrators, never deleted; replay keys read-only.
    "recovery.apitoken": {"view": {ADM}, "add": {ADM}, "change": {ADM}, "delete": set()},
    "recovery.idempotencykey": {"view": {ADM}, "add": set(), "change": set(), "delete": {ADM}},
    # The case file: documents are case records; a version is added from its document's page and
    # never changed (APPEND_ONLY); letter templates are the administrators' to edit.
    "documents.document": DOMAIN,
    "documents.documentversion": {
        "view": {INV, SUP, ANA, ADM},
        "add": {INV, SUP, ADM},
        "change": set(),
        "delete": set(),
    },
    "documents.lettertemplate": {"view": {INV, SUP, ADM}, "add": {ADM}, "change": {ADM}, "delete": set()},
    **{
        f"{label}.{model}": DOMAIN_CHILD if model in DOMAIN_CHILDREN else DOMAIN
        for label, models in {
            "cases": ("case", "casestatuschange", "subject", "casesubject"),
            "requests": ("request", "requeststatuschange", "checklistanswer"),
            "assets": ("asset", "assetstatuschange", "courtdecision", "thirdpartyclaim", "assetagreement"),
            "incoming": ("incomingrequest", "incomingrequeststatuschange"),
        }.items()
        for model in models
    },
}
# Audit rows and timelines are never added, changed or deleted through the admin, whatever the permissions.
APPEND_ONLY = {"recovery.auditevent", "auditlog.logentry", "cases.casestatuschange", "requests.requeststatuschange"}
APPEND_ONLY |= {"assets.assetstatuschange", "documents.documentversion", "incoming.incomingrequeststatuschange"}
# Personal records, visible to their owner only: model -> the field naming the owner.
OWNER_FIELD = {"recovery.notification": "recipient"}
# Records of a person, visible by that person's unit (a supervisor reads their unit's digests):
# one per unit, that of the unit's investigator.
PERSON_UNIT_FIELD = {"requests.reminderdigest": "recipient"}
# How each domain model reaches its case (for "which unit is this record in").
CASE_PATH = {
    "cases.case": "",
    "cases.casestatuschange": "case__",
    "cases.casesubject": "case__",
    "cases.subject": "case_roles__case__",
    "requests.request": "case__",
    "requests.requeststatuschange": "request__case__",
    "requests.checklistanswer": "request__case__",
    # Chasers: seen with their request (recorded from its admin page, listed under it in the API).
    "requests.followup": "request__case__",
    "assets.asset": "case__",
    "assets.assetstatuschange": "asset__case__",
    "assets.courtdecision": "asset__case__",
    "assets.thirdpartyclaim": "asset__case__",
    "assets.assetagreement": "asset__case__",
    # A reminder delivery is visible with its request's case.
    "requests.reminderdelivery": "request__case__",
    "documents.document": "case__",
    "documents.documentversion": "document__case__",
}
# Incoming requests reach no case: they belong to their executing unit. Model -> how it reaches
# the incoming request (world["incoming_A"], world["incoming_B"]).
INCOMING_PATH = {
    "incoming.incomingrequest": "",
    "incoming.incomingrequeststatuschange": "incoming_request__",
}


# Where the API's policy for a model differs from the admin's.
API_MODEL_POLICY = {"recovery.notification": OWN_RECORDS_API}


def can(roles, model_label, verb, *, api=False) -> bool:
    """Whether any of `roles` may `verb` the model (permissions add up across roles)."""
    policy = (api and API_MODEL_POLICY.get(model_label)) or MODEL_POLICY.get(model_label)
    if policy is None:
        raise LookupError(f"no policy for model {model_label}: add it to MODEL_POLICY")
    if model_label in APPEND_ONLY and verb != "view":
        return False
    return any(role in policy[verb] or (verb == "view" and role in policy["change"]) for role in roles)


# --- The routes --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Route:
    path: str  # the URL pattern, joined
    name: str  # namespaced name ("admin:cases_case_change"), "" when unnamed
    callback: object
    params: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.name or '(unnamed)'} {self.path}"


def _params(pattern) -> tuple[str, ...]:
    if isinstance(pattern, RoutePattern):
        return tuple(pattern.converters)
    return tuple(pattern.regex.groupindex)


def _walk(patterns, prefix="", namespace="", params=()):
    for pattern in patterns:
        own = params + _params(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = ":".join(filter(None, [namespace, pattern.namespace or ""]))
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns, own)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or "")
            yield Route(prefix + str(pattern.pattern), name, pattern.callback, own)


ROUTES = list(_walk(get_resolver().url_patterns))


def build_path(route: Route, values: dict[str, str]) -> str:
    """The route's pattern with its parameters filled in (path converters and regex groups)."""
    path = route.path
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values[m.group(1)], path)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], path)
    path = path.replace("^", "").replace("$", "").replace("\\.", ".").replace("/?", "/")
    return "/" + path


# --- Expected answers --------------------------------------------------------------------------
ANON_ADMIN = 302  # the admin sends anonymous visitors to its login page
# A record the visitor may not see: 404 from the scoped admin pages; Django's own pages (e.g. the
# user admin's history) redirect to the index instead. Neither shows anything of the record.
MISSING_ADMIN_OBJECT = {302, 404}


SERVICE_ACTION_SUFFIXES = (
    "_transition",
    "_deadline",
    "_decide",
    "_new_version",
    "_letter",
    "_follow_up",
    "_supplementary",
    "_partial_release",
    "_sale",
    "_renew_freeze",
)


def expect_admin(route: Route, visitor: str, target) -> set[int]:
    role, units, _writes = VISITORS[visitor]
    staff = visitor not in NOT_STAFF
    name = route.name.split(":", 1)[1] if ":" in route.name else ""
    if visitor == "anonymous":
        return {200} if name == "login" else {ANON_ADMIN}
    if not staff:
        # Not staff: the admin treats them as signed out (login page shown, everything else redirects).
        return {200} if name == "login" else {302}
    if name == "login":
        return {302}  # already signed in: on to the index
    if name == "logout":
        return {405}  # logout is POST only
    if name in {"index", "password_change", "password_change_done"}:
        return {200}
    if name == "jsi18n":
        return {200}
    if name == "autocomplete":
        return {403}  # without a valid source field the autocomplete refuses
    if name == "view_on_site":
        return {404}  # no model here has a public page
    if name == "app_list":
        models = [m for m in apps.get_app_config(target.app_label).get_models() if _registered(m)]
        return (
            {200}
            if any(can(role, _label(m), v) for m in models for v in ("view", "add", "change", "delete"))
            else {404}
        )
    if route.name in ("admin:", "") and route.path.endswith("(?P<url>.*)$"):
        return {404}  # the catch-all
    model_label = _label(target.model)
    view = route.path.rstrip("/").rsplit("/", 1)[-1]
    if route.name.endswith("_changelist"):
        return {200} if can(role, model_label, "view") else {403}
    if route.name.endswith("_add"):
        return {200} if can(role, model_label, "add") else {403}
    if route.name.endswith("_process_import"):
        return {405}  # POST only, refused before anything else
    if route.name.endswith("_export"):
        return {200} if can(role, model_label, "view") else {403}
    if route.name.endswith("_import"):
        return {200} if can(role, model_label, "add") else {403}
    in_scope = in_scope_for(visitor, target)
    if route.name.endswith("_password_change"):
        if not can(role, model_label, "change"):
            return {403}  # checked before the lookup
        return {200} if in_scope else {404}
    if route.name.endswith("_change"):
        if not can(role, model_label, "view"):
            return {403}
        return {200} if in_scope else MISSING_ADMIN_OBJECT
    if route.name.endswith("_delete"):
        if not can(role, model_label, "delete"):
            return {403}
        return {200} if in_scope else MISSING_ADMIN_OBJECT
    if route.name.endswith(("_history", "_auditlog")):
        if not in_scope:
            return MISSING_ADMIN_OBJECT  # the history views look the object up first
        return {200} if can(role, model_label, "view") else {403}
    if route.name.endswith("_assign"):
        # Naming an incoming request's executor: a supervisor of the executing unit (or whoever
        # writes everything); the unit's investigators register and execute, they do not assign.
        if not in_scope:
            return {404}  # looked up first
        assigns = SUP in role or ADM in role
        return {200} if can(role, model_label, "change") and writes_target(visitor, target) and assigns else {403}
    if route.name.endswith(SERVICE_ACTION_SUFFIXES):
        # Forms that call a service on one record (a status move, a deadline, a claim decision):
        # for whoever may change the model and writes the record's unit.
        if not in_scope:
            return {404}  # looked up first
        return {200} if can(role, model_label, "change") and writes_target(visitor, target) else {403}
    if route.name.endswith("_download"):
        # A document's file: looked up within what the visitor reads (another unit's is missing),
        # then opened only by those who see the case's identifiers in full, that is who write it
        # (settings.DOCUMENT_DOWNLOAD_FOR_MASKED_ROLES is off here).
        if not in_scope:
            return {404}
        return {200} if can(role, model_label, "view") and writes_target(visitor, target) else {403}
    if route.name.endswith("_page"):
        # A foreign state's page: read-only, for whoever reads the reference data; the requests it
        # counts are the visitor's own scope (tests/recovery/test_country_page.py).
        return {200} if can(role, model_label, "view") else {403}
    if route.name.endswith(("_config", "_qrcode")):
        return {403}  # OTP_ADMIN_HIDE_SENSITIVE_DATA: nobody reads another user's secret
    if not route.name and view == "<path:object_id>":
        return {302}  # the old-style object URL redirects to the change page
    raise LookupError(f"no admin rule for {route.id}")


# --- The API: every route by name ---------------------------------------------------------------
# What a GET of the route is: READ (a list or a record: 200, or 403 without the model's view
# permission, 404 for a record out of scope), POST_ONLY (an action: 405 for whoever may view
# the model, 403 for the others), or DOWNLOAD (a record's file: as READ, but 403 for those who
# read the record without writing its unit, the roles that see identifiers masked).
READ, POST_ONLY, DOWNLOAD = "read", "post-only", "download"
# URL name -> (the model whose policy decides, what a GET is). A route missing here fails
# test_every_route_has_a_rule; a line naming a route that no longer exists fails too.
API_ROUTES = {
    "api:case-list": ("cases.case", READ),
    "api:case-detail": ("cases.case", READ),
    "api:case-subjects": ("cases.case", POST_ONLY),
    "api:case-timeline": ("cases.case", READ),
    "api:case-transitions": ("cases.case", POST_ONLY),
    "api:subject-list": ("cases.subject", READ),
    "api:subject-detail": ("cases.subject", READ),
    "api:request-list": ("requests.request", READ),
    "api:request-detail": ("requests.request", READ),
    "api:request-checklist": ("requests.request", POST_ONLY),
    "api:request-letter": ("requests.request", POST_ONLY),
    # A request's chasers: read with the request, recorded by whoever writes it.
    "api:request-follow-ups": ("requests.request", READ),
    "api:request-supplementary": ("requests.request", POST_ONLY),
    "api:request-timeline": ("requests.request", READ),
    "api:request-transitions": ("requests.request", POST_ONLY),
    "api:asset-list": ("assets.asset", READ),
    "api:asset-detail": ("assets.asset", READ),
    "api:asset-timeline": ("assets.asset", READ),
    "api:asset-transitions": ("assets.asset", POST_ONLY),
    # An asset's agreements on return or sharing: read with the asset, recorded by its writers.
    "api:asset-agreements": ("assets.asset", READ),
    # The renewals of an asset's freeze: read with the asset, recorded by its writers.
    "api:asset-freeze-renewals": ("assets.asset", READ),
    # Its third-party claims: read with the asset, recorded and decided by its writers.
    "api:asset-claims": ("assets.asset", READ),
    "api:asset-claim-decision": ("assets.asset", POST_ONLY),
    "api:incoming-request-list": ("incoming.incomingrequest", READ),
    "api:incoming-request-detail": ("incoming.incomingrequest", READ),
    "api:incoming-request-timeline": ("incoming.incomingrequest", READ),
    "api:incoming-request-transitions": ("incoming.incomingrequest", POST_ONLY),
    "api:incoming-request-assign": ("incoming.incomingrequest", POST_ONLY),
    "api:incoming-request-execution-due": ("incoming.incomingrequest", POST_ONLY),
    "api:document-list": ("documents.document", READ),
    "api:document-detail": ("documents.document", READ),
    "api:document-versions": ("documents.document", POST_ONLY),
    "api:document-download": ("documents.document", DOWNLOAD),
    "api:document-version-download": ("documents.document", DOWNLOAD),
    "api:country-list": ("recovery.countryprofile", READ),
    "api:country-detail": ("recovery.countryprofile", READ),
    "api:legal-instrument-list": ("recovery.legalinstrument", READ),
    "api:legal-instrument-detail": ("recovery.legalinstrument", READ),
    "api:measure-list": ("recovery.assistancemeasure", READ),
    "api:measure-detail": ("recovery.assistancemeasure", READ),
    "api:crime-category-list": ("recovery.crimecategory", READ),
    "api:crime-category-detail": ("recovery.crimecategory", READ),
    "api:unit-list": ("recovery.unit", READ),
    "api:unit-detail": ("recovery.unit", READ),
    # Each person's own notifications (API_MODEL_POLICY: everyone reads their own).
    "notification-list": ("recovery.notification", READ),
    "notification-detail": ("recovery.notification", READ),
    "notification-unread-count": ("recovery.notification", READ),
    "notification-read": ("recovery.notification", POST_ONLY),
    "notification-read-all": ("recovery.notification", POST_ONLY),
}


def expect_api(route: Route, visitor: str, target) -> set[int]:
    role, units, _writes = VISITORS[visitor]
    model_label, kind = API_ROUTES[route.name]
    if visitor == "anonymous":
        return {401, 403}
    allowed = can(role, model_label, "view", api=True)
    if kind == POST_ONLY:
        return {405} if allowed else {403}  # an action visited with GET
    if not allowed:
        return {403}
    if target.pk is None:
        return {200}
    if not in_scope_for(visitor, target):
        return {404}
    if kind == DOWNLOAD:
        # settings.DOCUMENT_DOWNLOAD_FOR_MASKED_ROLES is off by default.
        return {200} if writes_target(visitor, target) else {403}
    return {200}


def expect_api_docs(route: Route, visitor: str, target) -> set[int]:
    return {200}  # the schema and its two viewers are public (they hold no records)


def writes_target(visitor, target) -> bool:
    """Whether `visitor` writes the target record's unit (records outside any unit: by permission)."""
    _roles, _reads, writes = VISITORS[visitor]
    return target.unit is None or target.unit in writes


def in_scope_for(visitor, target) -> bool:
    """Whether `visitor` may see the target record: by unit, or by owner for personal records."""
    _role, units, _writes = VISITORS[visitor]
    if target.owner is not None:
        return visitor == target.owner
    return target.unit is None or target.unit in units


# Dashboards and their figures as JSON: every role of the office (each sees its own scope's
# figures), not auditors. Investigators' figures are limited by scoping, not refused.
DASHBOARD_ROLES = {INV, SUP, ANA, ADM}


def expect_dashboard(route: Route, visitor: str, target) -> set[int]:
    role, _units, _writes = VISITORS[visitor]
    if visitor == "anonymous":
        return {302}  # to the login page
    return {200} if set(role) & DASHBOARD_ROLES else {403}


def expect_stats_api(route: Route, visitor: str, target) -> set[int]:
    role, _units, _writes = VISITORS[visitor]
    if visitor == "anonymous":
        return {401, 403}
    return {200} if set(role) & DASHBOARD_ROLES else {403}


def expect_public(codes):
    return lambda route, visitor, target: set(codes)


def expect_otp_page(route, visitor, target):
    if visitor == "anonymous":
        return {302}  # to the login page
    # Everyone signed in here has a confirmed device: setup sends them to verify.
    return {302} if route.name == "security:otp-setup" else {200}


# The dashboards and their figures as JSON, page by page.
DASHBOARD_ROUTES = {
    **{
        f"dashboard:{name}": expect_dashboard
        for name in (
            "overview",
            "countries",
            "categories",
            "overdue",
            "assets",
            "trends",
            "incoming",
            "report",
            "report-csv",
            "report-xlsx",
        )
    },
    **{
        f"stats:{name}": expect_stats_api
        for name in ("overview", "countries", "categories", "overdue", "assets", "trends", "incoming", "report")
    },
}


def expect_calendar(route, visitor, target):
    """The deadline calendar's pages: the admin's gate, then anyone who reads case records (each
    sees their own scope in it); the auditor reads no case."""
    if visitor in NOT_STAFF:
        return {302}
    return {200} if set(VISITORS[visitor][0]) - {AUD} else {403}


def expect_inbox(route, visitor, target):
    """The desk and the notifications inbox: the admin's gate, then each person's own notifications. Marking is
    POST only; opening one's own notification redirects to its page, another's is not found."""
    if visitor == "anonymous":
        return {ANON_ADMIN}
    if visitor in NOT_STAFF:
        return {302}
    name = route.name.split(":", 1)[1]
    if name in {"read", "read-all"}:
        return {405}
    if name in {"home", "inbox"}:
        return {200}  # each sees their own desk and notifications (possibly none)
    return {302} if in_scope_for(visitor, target) else {404}


# Rules: exact URL name first; then, for the admin only, its path prefix (expect_admin tells the
# admin's pages apart by their URL names). Dashboard and API routes have a rule only by name.
RULES_BY_NAME = {
    "healthz": expect_public({200}),
    "readyz": expect_public({200}),
    "set_language": expect_public({302}),  # a GET without a language goes back where it came from
    "home": expect_public({302}),  # to the admin
    "security:otp-setup": expect_otp_page,
    "security:otp-verify": expect_otp_page,
    # The API's index of resources: any signed-in account may read the list of links.
    "api:api-root": lambda route, visitor, target: {401, 403} if visitor == "anonymous" else {200},
    "api:schema": expect_api_docs,
    "api:docs": expect_api_docs,
    "api:redoc": expect_api_docs,
    "calendar:month": expect_calendar,
    "calendar:agenda": expect_calendar,
    "calendar:feed-settings": expect_calendar,
    # The feed's address is its credential: a made-up one is unknown to everyone, signed in or not.
    "calendar-feed": expect_public({404}),
    "desk:home": expect_inbox,
    "desk:inbox": expect_inbox,
    "desk:read-all": expect_inbox,
    "desk:read": expect_inbox,
    "desk:open": expect_inbox,
}
RULES_BY_PREFIX = {"admin/": expect_admin}
NAMED_ONLY_PREFIXES = ("api/", "dashboard/")


def rule_for(route: Route):
    if route.name in RULES_BY_NAME:
        return RULES_BY_NAME[route.name]
    if route.name in API_ROUTES:
        return expect_api
    if route.name in DASHBOARD_ROUTES:
        return DASHBOARD_ROUTES[route.name]
    path = route.path.lstrip("^")
    if path.startswith(NAMED_ONLY_PREFIXES):
        return None
    for prefix in sorted(RULES_BY_PREFIX, key=len, reverse=True):
        if path.startswith(prefix):
            return RULES_BY_PREFIX[prefix]
    return None


# --- Targets: which records each route is visited with -----------------------------------------
@pytest.fixture
def world(world, settings):
    """The conftest's world, with a document (one version) in each unit's case, a letter template,
    an incoming request received for each unit, and each unit's request sent and chased once."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents.models import Document, LetterTemplate
    from documents.services import document_add
    from tests.factories import make_incoming

    settings.DOCUMENT_DOWNLOAD_FOR_MASKED_ROLES = False
    for unit in ("A", "B"):
        case = world[f"case_{unit}"]
        if not Document.objects.filter(case=case).exists():
            document_add(
                actor=case.lead_investigator,
                case=case,
                kind="other",
                title=f"Note of unit {unit}",
                file=SimpleUploadedFile("note.txt", b"A plain note of the case file.\n", content_type="text/plain"),
            )
    if not LetterTemplate.objects.exists():
        LetterTemplate.objects.create(instrument_kind="bilateral_treaty", language="en", body="<p>{{ case }}</p>")
    for unit in ("A", "B"):
        # An incoming request received by each unit's investigator, for their unit to execute.
        investigator = world[f"investigator_{unit.lower()}"]
        world[f"incoming_{unit}"] = make_incoming(actor=investigator, foreign_reference=f"THEIRS-{unit}-1")
    from mla_requests.models import Request
    from mla_requests.services import follow_up_create, request_send

    for unit in ("A", "B"):
        # The first request of each case (the one every request route targets), sent and chased.
        request = world[f"case_{unit}"].requests.order_by("pk").first()
        if request.status == Request.Status.DRAFT:
            request = request_send(
                request=request,
                actor=request.case.lead_investigator,
                sent_on=datetime.date(2024, 5, 2),
                override_reason="Sent before the checklist was kept here",
            )
        if not request.follow_ups.exists():
            lead = request.case.lead_investigator
            follow_up_create(request=request, actor=lead, sent_on=datetime.date(2024, 5, 20), channel="email")
    return world


@dataclass
class Target:
    label: str  # "A", "B" or "-"
    unit: str | None  # the unit whose record this is; None for records outside any unit
    model: type | None = None
    pk: object = None
    app_label: str = ""
    owner: str | None = None  # personal records (notifications): the visitor who owns it


def _label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def _registered(model) -> bool:
    from django.contrib import admin

    return admin.site.is_registered(model)


def _view_model(route: Route):
    """The model a DRF view serves, read off its queryset or serializer (None if neither says)."""
    cls = getattr(route.callback, "cls", None)
    queryset = getattr(cls, "queryset", None)
    if queryset is not None:
        return queryset.model
    serializer = getattr(cls, "serializer_class", None)
    return getattr(getattr(serializer, "Meta", None), "model", None)


# Pages outside the admin's model URLs that show one record, by URL name.
ROUTE_MODELS = {"desk:read": "recovery.notification", "desk:open": "recovery.notification"}


def _route_model(route: Route):
    if route.name in ROUTE_MODELS:
        return apps.get_model(ROUTE_MODELS[route.name])
    if route.name in API_ROUTES:
        return apps.get_model(API_ROUTES[route.name][0])
    if route.path.startswith("admin/"):
        match = re.match(r"admin/(\w+)/(\w+)/", route.path)
        if match:
            try:
                return apps.get_model(match.group(1), match.group(2))
            except LookupError:
                return None
        return None
    return None


def _records(world, model):
    """[(unit label, instance)] for `model`: one per unit for domain models, one otherwise."""
    label = _label(model)
    if label in INCOMING_PATH:
        found = []
        for unit in ("A", "B"):
            incoming = world[f"incoming_{unit}"]
            obj = model.objects.filter(**{f"{INCOMING_PATH[label]}pk": incoming.pk}).order_by("pk").first()
            found.append((unit, obj))
        return found
    if label in CASE_PATH:
        found = []
        for unit in ("A", "B"):
            case = world[f"case_{unit}"]
            obj = model.objects.filter(**{f"{CASE_PATH[label]}pk": case.pk}).order_by("pk").first()
            if obj is None:
                raise LookupError(f"no {label} record for unit {unit}: create one in the `world` fixture")
            found.append((unit, obj))
        return found
    if label == "recovery.user":
        return [("A", world["investigator_a"]), ("B", world["investigator_b"])]
    if label in PERSON_UNIT_FIELD:
        found = []
        for unit in ("A", "B"):
            person = world[f"investigator_{unit.lower()}"]
            obj = model.objects.filter(**{PERSON_UNIT_FIELD[label]: person}).order_by("pk").first()
            if obj is None:
                raise LookupError(f"no {label} record of unit {unit}: create one in the `world` fixture")
            found.append((unit, obj))
        return found
    if label in OWNER_FIELD:
        owned = []
        for owner in ("investigator_a", "investigator_b"):
            obj = model.objects.filter(**{OWNER_FIELD[label]: world[owner]}).order_by("pk").first()
            if obj is None:
                raise LookupError(f"no {label} record of {owner}: create one in the `world` fixture")
            owned.append((f"owner:{owner}", obj))
        return owned
    obj = model.objects.order_by("pk").first()
    if obj is None:
        raise LookupError(f"no {label} record: create one in the `world` fixture")
    return [("-", obj)]


def targets_for(route: Route, world) -> list[tuple[Target, str]]:
    params = set(route.params)
    model = _route_model(route)
    if not params:
        return [(Target("-", None, model=model), build_path(route, {}))]
    if "app_label" in params:
        labels = re.search(r"\(\?P<app_label>([^)]*)\)", route.path).group(1).split("|")
        return [(Target("-", None, app_label=label), build_path(route, {"app_label": label})) for label in labels]
    if "url" in params:
        return [(Target("-", None), build_path(route, {"url": "no-such-page/"}))]
    if params == {"token"}:
        return [(Target("-", None), build_path(route, {"token": "not-a-real-token"}))]
    if params == {"content_type_id", "object_id"}:
        case = world["case_A"]
        ct = ContentType.objects.get_for_model(case)
        return [(Target("A", "A"), build_path(route, {"content_type_id": str(ct.pk), "object_id": str(case.pk)}))]
    if model is None:
        raise LookupError(f"cannot tell which model {route.id} shows; give it a rule and targets")
    out = []
    for unit_label, obj in _records(world, model):
        values = {}
        for param in params:
            if param in {"object_id", "pk", "id"} or param.endswith("_pk"):
                values[param] = str(obj.pk)
            elif param == "format":
                values[param] = "json"
            elif param == "country":
                values[param] = str(obj.country)  # a country profile's page, by ISO code
            elif param == "number":
                values[param] = "1"  # a document's first version
            elif param == "claim_id":
                # The asset's own claim (the world files one on each unit's asset).
                values[param] = str(obj.claims.order_by("pk").first().pk)
            elif param == "to_status":
                # A move the record's workflow allows from where it is now.
                values[param] = sorted(obj.workflow.allowed_from(obj.status))[0]
            else:
                lookup = getattr(getattr(route.callback, "cls", None), "lookup_field", None)
                if param == getattr(getattr(route.callback, "cls", None), "lookup_url_kwarg", None) or param == lookup:
                    values[param] = str(getattr(obj, lookup or "pk"))
                else:
                    raise LookupError(f"no value for parameter {param!r} of {route.id}")
        owner = unit_label.split(":", 1)[1] if unit_label.startswith("owner:") else None
        unit = None if unit_label == "-" or owner else unit_label
        out.append((Target(unit_label, unit, model=model, pk=obj.pk, owner=owner), build_path(route, values)))
    return out


@pytest.mark.parametrize("route", ROUTES, ids=[r.id for r in ROUTES])
def test_route_answers_each_role_as_declared(route, world):
    rule = rule_for(route)
    assert rule is not None, f"{route.id} has no authorization rule: add one to RULES_BY_NAME or RULES_BY_PREFIX"
    targets = targets_for(route, world)
    failures = []
    for target, path in targets:
        assert resolve(path).func == route.callback, f"{path} does not resolve to {route.id}"
        for visitor, client in world["clients"].items():
            expected = rule(route, visitor, target)
            actual = client.get(path).status_code
            if actual not in expected:
                failures.append(f"{visitor:<18} {target.label} GET {path} -> {actual}, expected {sorted(expected)}")
    assert targets and set(world["clients"]) == set(VISITORS)
    assert not failures, "\n" + "\n".join(failures)


def test_every_route_has_a_rule():
    missing = [route.id for route in ROUTES if rule_for(route) is None]
    assert not missing, f"routes without an authorization rule: {missing} (API_ROUTES, DASHBOARD_ROUTES, RULES_BY_NAME)"


def test_a_new_api_or_dashboard_route_needs_its_own_line():
    """No rule comes from a path prefix or from the model a view serves: a new route fails above."""
    from cases.api.views import CaseViewSet

    for path, name in (
        ("api/v1/^cases/(?P<pk>[^/.]+)/archive/$", "api:case-archive"),
        ("api/v1/^widgets/$", "api:widget-list"),
        ("dashboard/heatmap/", "dashboard:heatmap"),
        ("api/v1/stats/heatmap/", "stats:heatmap"),
    ):
        route = Route(path, name, CaseViewSet.as_view({"get": "list"}), ())
        assert rule_for(route) is None, name


def test_the_tables_name_existing_routes_and_agree_with_the_views():
    names = {route.name: route for route in ROUTES}
    stale = sorted((set(API_ROUTES) | set(DASHBOARD_ROUTES)) - set(names))
    assert not stale, f"lines for routes that no longer exist: {stale}"
    for name, (model_label, kind) in API_ROUTES.items():
        route = names[name]
        served = _view_model(route)
        assert served is None or _label(served) == model_label, f"{name} serves {_label(served)}, not {model_label}"
        actions = getattr(route.callback, "actions", None) or {}
        assert (kind == POST_ONLY) == ("get" not in actions), f"{name}: GET is {kind} in API_ROUTES, view has {actions}"


def test_matrix_tells_roles_apart(world):
    """The rules are not all-permissive: the same page answers differently per role."""
    route = next(r for r in ROUTES if r.name == "admin:auth_group_changelist")
    target = Target("-", None, model=targets_for(route, world)[0][0].model)
    assert expect_admin(route, "administrator", target) == {200}
    assert expect_admin(route, "investigator_a", target) == {403}
    assert world["clients"]["investigator_a"].get("/admin/auth/group/").status_code == 403
    assert world["clients"]["administrator"].get("/admin/auth/group/").status_code == 200


# --- Writes: every API route that accepts POST, PUT or PATCH ------------------------------------
WRITE_METHODS = ("post", "put", "patch")
WRITE_ROUTES = [
    (route, method)
    for route in ROUTES
    for method in WRITE_METHODS
    if method in (getattr(route.callback, "actions", None) or {})
]
# Who must not write unit A's records: the read-only roles, a user of another unit, and users of
# another unit who read everything as analysts too.
WRITE_REFUSED_TO = ("analyst", "auditor", "investigator_b", "investigator_analyst_b", "supervisor_analyst_b")


def _records_of_unit_a(world) -> dict:
    case = world["case_A"]
    return {
        "case": case,
        "subject": case.subject_roles.order_by("pk").first().subject,
        "request": case.requests.order_by("pk").first(),
        "asset": case.assets.order_by("pk").first(),
        "document": case.documents.order_by("pk").first(),
        "incoming": world["incoming_A"],
    }


def _case_body(world, **extra):
    case = world["case_A"]
    return {
        "title": "Another embezzlement",
        "unit": case.unit_id,
        "lead_investigator": world["investigator_a"].pk,
        "primary_crime_category": case.primary_crime_category_id,
        "opened_on": "2024-01-01",
        **extra,
    }


def _asset_body(world, **extra):
    return {
        "kind": "bank_account",
        "description": "Current account at a private bank",
        "identifier": "CH5604835012345678009",
        "location_country": "CH",
        "currency": "USD",
        "estimated_value": {"amount": "1000.00", "currency": "USD"},
        "identified_on": "2024-03-01",
        **extra,
    }


def _request_body(world):
    request = _records_of_unit_a(world)["request"]
    return {
        "case": world["case_A"].pk,
        "country": "CH",
        "legal_basis": request.legal_basis_id,
        "crime_category": request.crime_category_id,
        "measures": list(request.measures.values_list("pk", flat=True)),
    }


def _incoming_body(world, **extra):
    incoming = world["incoming_A"]
    return {
        "requesting_authority": "Office of the Attorney General",
        "legal_basis": incoming.legal_basis_id,
        "measures": list(incoming.measures.values_list("pk", flat=True)),
        "crime_category": incoming.crime_category_id,
        **extra,
    }


def _transition_body(world, kind):
    obj = _records_of_unit_a(world)[kind]
    return {"to_status": sorted(obj.workflow.allowed_from(obj.status))[0], "effective_on": "2024-06-01"}


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("letter.txt", b"Request letter, signed.\n", content_type="text/plain")


def _document_body(world, **extra):
    return {"kind": "request_letter", "title": "Letter to Switzerland", "file": _upload(), **extra}


# Writes sent as multipart/form-data (they carry a file), the others as JSON.
MULTIPART_WRITES = {("api:document-list", "post"), ("api:document-versions", "post")}

# (URL name, method) -> (body: what the record's own investigator could send, whether the test
# also sends it as investigator_a and expects success: the proof that the refusals are the
# authorization's, not the body's). A write route missing here fails with what to add.
API_WRITES = {
    ("api:case-list", "post"): (lambda w: _case_body(w, register_number="240000000000099"), True),
    ("api:case-detail", "put"): (_case_body, True),
    ("api:case-detail", "patch"): (lambda w: {"title": "Renamed"}, True),
    ("api:case-subjects", "post"): (
        lambda w: {"subject": _records_of_unit_a(w)["subject"].pk, "role": "witness"},
        False,
    ),
    ("api:case-transitions", "post"): (lambda w: _transition_body(w, "case"), False),
    ("api:subject-list", "post"): (
        lambda w: {"kind": "person", "name_latin": "A new witness", "case": w["case_A"].pk, "role": "witness"},
        True,
    ),
    ("api:subject-detail", "put"): (lambda w: {"name_latin": "Renamed subject"}, True),
    ("api:subject-detail", "patch"): (lambda w: {"notes": "Checked"}, True),
    ("api:request-list", "post"): (_request_body, True),
    ("api:request-detail", "put"): (lambda w: {"summary": "Replaced"}, False),
    ("api:request-detail", "patch"): (lambda w: {"foreign_reference": "B-77"}, True),
    ("api:request-checklist", "post"): (lambda w: {"answers": {}}, False),
    ("api:request-letter", "post"): (lambda w: {"language": "en", "force": True}, True),
    ("api:request-follow-ups", "post"): (lambda w: {"sent_on": "2024-06-03", "channel": "letter"}, True),
    # The world's request is not waiting for our information: its own investigator is refused too.
    ("api:request-supplementary", "post"): (lambda w: {"sent_on": "2024-06-03"}, False),
    ("api:request-transitions", "post"): (lambda w: _transition_body(w, "request"), False),
    ("api:asset-list", "post"): (lambda w: _asset_body(w, case=w["case_A"].pk), True),
    ("api:asset-detail", "put"): (_asset_body, True),
    ("api:asset-detail", "patch"): (lambda w: {"description": "Savings account"}, True),
    ("api:asset-transitions", "post"): (lambda w: _transition_body(w, "asset"), False),
    ("api:asset-agreements", "post"): (
        lambda w: {"kind": "sharing", "concluded_on": "2024-06-02", "home_share_percent": "50"},
        True,
    ),
    # The world's asset is not frozen: its own investigator is refused too (409).
    ("api:asset-freeze-renewals", "post"): (
        lambda w: {"renewed_on": "2024-06-02", "expires_on": "2025-06-01"},
        False,
    ),
    ("api:asset-claims", "post"): (
        lambda w: {"claimant": "A pledgee bank", "basis": "Pledge of 2020", "filed_on": "2024-06-02"},
        True,
    ),
    ("api:asset-claim-decision", "post"): (lambda w: {"status": "dismissed", "decided_on": "2024-06-02"}, True),
    ("api:incoming-request-list", "post"): (
        lambda w: _incoming_body(w, requesting_country="CH", unit=w["incoming_A"].unit_id),
        True,
    ),
    ("api:incoming-request-detail", "put"): (lambda w: _incoming_body(w, summary="Replaced"), True),
    ("api:incoming-request-detail", "patch"): (lambda w: {"summary": "Checked"}, True),
    ("api:incoming-request-transitions", "post"): (lambda w: {"to_status": "registered"}, True),
    # Only a supervisor of the executing unit assigns: its own investigator is refused too.
    ("api:incoming-request-assign", "post"): (lambda w: {"executor": w["investigator_a"].pk}, False),
    ("api:incoming-request-execution-due", "post"): (
        lambda w: {"execution_due": "2026-12-31", "reason": "Agreed with the requesting state"},
        True,
    ),
    ("api:document-list", "post"): (lambda w: _document_body(w, case=w["case_A"].pk), True),
    ("api:document-detail", "put"): (lambda w: {"kind": "other", "title": "Replaced"}, True),
    ("api:document-detail", "patch"): (lambda w: {"title": "Renamed document"}, True),
    ("api:document-versions", "post"): (lambda w: {"file": _upload(), "note": "Signed"}, True),
    ("notification-read", "post"): (lambda w: {}, False),
    ("notification-read-all", "post"): (lambda w: {}, False),
}
# A refusal says why and nothing about the record: a problem document with only these keys.
PROBLEM_KEYS = {"type", "title", "status", "detail", "instance", "code", "errors"}


def expect_write(route: Route, method: str, visitor: str, target) -> set[int]:
    role, _units, _writes = VISITORS[visitor]
    model_label, _kind = API_ROUTES[route.name]
    if model_label in OWNER_FIELD:
        # Personal records: another's is not found; a collection action touches one's own only.
        return {200} if target.pk is None else ({200} if in_scope_for(visitor, target) else {404})
    verb = "add" if method == "post" and target.pk is None else "change"
    if not can(role, model_label, verb, api=True):
        return {403}  # refused before the body is read or the record looked up
    if target.pk is None:
        return {400}  # a create naming another unit's case or unit: refused, naming the field
    if not in_scope_for(visitor, target):
        return {404}
    return {200, 201} if writes_target(visitor, target) else {403}  # read, not written


def _written(world) -> dict:
    """What a write would change: the rows of every domain table and of the change log, unit A's
    investigator's read notifications, and each unit-A record's version."""
    from auditlog.models import LogEntry

    from recovery.models import Notification

    state = {
        model._meta.label: model._base_manager.count()
        for app in ("cases", "requests", "assets", "documents", "incoming")
        for model in apps.get_app_config(app).get_models()
    }
    state["auditlog.logentry"] = LogEntry.objects.count()
    # Unit A's investigator's notifications (the others may mark their own read).
    state["read notifications of investigator_a"] = Notification.objects.filter(
        recipient=world["investigator_a"], read_at__isnull=False
    ).count()
    for name, obj in _records_of_unit_a(world).items():
        state[f"{name} version"] = type(obj)._base_manager.filter(pk=obj.pk).values_list("version", flat=True).get()
    return state


def test_every_write_route_has_a_body():
    missing = sorted({(route.name, method) for route, method in WRITE_ROUTES} - set(API_WRITES))
    assert not missing, f"API write routes without a line in API_WRITES: {missing}"
    stale = sorted(set(API_WRITES) - {(route.name, method) for route, method in WRITE_ROUTES})
    assert not stale, f"lines in API_WRITES for writes that no longer exist: {stale}"


@pytest.mark.parametrize(("route", "method"), WRITE_ROUTES, ids=[f"{m.upper()} {r.name}" for r, m in WRITE_ROUTES])
def test_api_writes_are_refused_to_read_only_roles_and_other_units(route, method, world):
    import json

    build_body, control = API_WRITES[(route.name, method)]
    [(target, path)] = [(t, p) for t, p in targets_for(route, world) if t.label in ("A", "-", "owner:investigator_a")]
    owner = world["clients"]["investigator_a"]
    records = _records_of_unit_a(world)
    # Nothing of unit A's records may come back in a refusal.
    secrets = [
        records["case"].register_number,
        records["case"].title,
        records["subject"].name_latin,
        records["subject"].iin_bin,
        records["request"].reference,
        records["asset"].identifier,
        records["document"].title,
        records["incoming"].reference,
        records["incoming"].foreign_reference,
    ]

    def send(client):
        headers = {}
        if method in ("put", "patch"):
            headers["If-Match"] = owner.get(path)["ETag"]  # the current version: only authorization stands
        if (route.name, method) in MULTIPART_WRITES:
            return client.post(path, build_body(world), headers=headers)  # the test client's multipart
        return getattr(client, method)(
            path, json.dumps(build_body(world)), content_type="application/json", headers=headers
        )

    before = _written(world)
    failures = []
    for visitor in WRITE_REFUSED_TO:
        expected = expect_write(route, method, visitor, target)
        response = send(world["clients"][visitor])
        if response.status_code not in expected:
            failures.append(f"{visitor}: {method.upper()} {path} -> {response.status_code}, expected {expected}")
            continue
        if response.status_code >= 400:
            body = response.content.decode()
            if body:
                problem = response.json()
                assert set(problem) <= PROBLEM_KEYS, (visitor, path, problem)
                assert len(body) < 1000, (visitor, path, body)
            leaked = [secret for secret in secrets if secret and secret in body]
            assert not leaked, (visitor, path, leaked)
            if response.status_code == 400:
                assert set(response.json()["errors"]) & {"case", "unit"}, (visitor, path, response.json())
    assert not failures, "\n" + "\n".join(failures)
    assert _written(world) == before, f"{method.upper()} {path}: a refused write changed something"
    if control:
        response = send(owner)
        assert response.status_code in (200, 201), (path, response.status_code, response.content[:500])
        assert _written(world) != before
