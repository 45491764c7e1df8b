"""URL lookups in the admin: a changelist (and its export page) accepts only the lookups declared
for it, whole path and lookup type (recovery.admin_base.UrlLookupGate); anything else is a 400
with no count, recorded as a `lookup_refused` audit event naming the lookups but not their values.

The attacks closed here: any lookup that merely started with a dashboard path was accepted, so
`?case__unit__parent__members__password__startswith=pbkdf2_sha256$` walked from a request of one's
own to a supervisor's password hash, and "1 result" or "0 results" answered each guess (password
hashes, TOTP keys, other units' subjects' IINs, bisected with `__regex`); and the change log
accepted `?changes__icontains=<digits>`, which confirmed a masked IIN digit by digit.

The walker below generates every lookup the models' relations allow to depth three and checks,
as each role, that the gate accepts none outside the allow-list, none reaching a person's
account, devices, tokens, messages or identifiers through a relation, and that the lookups it
accepts count only rows the role may see.
"""

from __future__ import annotations

import datetime
import json
import random
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlencode

import pytest
from django.conf import settings
from django.contrib import admin as django_admin
from django.contrib.admin.filters import SimpleListFilter
from django.contrib.admin.utils import get_fields_from_path, prepare_lookup_value
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from recovery.dashboards.admin_lookups import DASHBOARD_URL_LOOKUPS
from recovery.models import AuditEvent, Unit, User
from recovery.security.masking import IDENTIFIER_FIELDS
from tests.factories import UnitFactory, UserFactory
from tests.security.conftest import client_for
from tests.security.test_route_authorization_matrix import CASE_PATH

pytestmark = pytest.mark.django_db

# A supervisor's password hash as PBKDF2 stores it (written directly: hashing a million rounds
# per test is not what is under test).
SUPERVISOR_HASH = "pbkdf2_sha256$1000000$hq7Xa9Salt$3pQ2wE0oVvR3Zt9yFh1c8LkMnOpQrStUvWxYz012345="
IIN_A = "860101300123"  # unit A's subject (tests/security/conftest.py)


def refusals():
    return AuditEvent.objects.filter(action="lookup_refused").order_by("pk")


def query(params: dict) -> str:
    return urlencode(params)


# --- The attacks, through the real admin ----------------------------------------------------------
@pytest.fixture
def head_office(unit_a, unit_b):
    """Units A and B under a head office whose supervisor has a password and a TOTP device."""
    head = UnitFactory(code="head-office", name_en="Head office")
    Unit.objects.filter(pk__in=[unit_a.pk, unit_b.pk]).update(parent=head)
    supervisor = UserFactory(username="supervisor", unit=head, roles=["Supervisor"])
    User.objects.filter(pk=supervisor.pk).update(password=SUPERVISOR_HASH)
    device = TOTPDevice.objects.create(user=supervisor, name="phone", confirmed=True)
    return SimpleNamespace(unit=head, supervisor=supervisor, device=device)


@pytest.fixture
def decisions(records_a, records_b):
    from assets.services import court_decision_create

    for records in (records_a, records_b):
        court_decision_create(
            actor=records["case"].lead_investigator,
            asset=records["asset"],
            kind="restraint",
            court="Specialised inter-district court",
            country="KZ",
            decided_on=datetime.date(2024, 3, 10),
        )


def attacks(head):
    """(changelist path, what it reads, the lookups with a right guess, with a wrong guess): each
    as investigator_b, whose own request, asset and court decision are the rows it counts."""
    key = head.device.key
    members = "case__unit__parent__members"
    return [
        (
            "/admin/requests/request/",
            "a supervisor's password hash",
            {f"{members}__username": "supervisor", f"{members}__password__startswith": "pbkdf2_sha256$"},
            {f"{members}__username": "supervisor", f"{members}__password__startswith": "argon2$"},
        ),
        (
            "/admin/requests/request/",
            "a supervisor's TOTP key",
            {f"{members}__totpdevice__key__startswith": key[:6]},
            {f"{members}__totpdevice__key__startswith": "zzzzzz"},
        ),
        (
            "/admin/requests/request/",
            "another unit's subject's IIN",
            {"case__unit__parent__children__cases__subject_roles__subject__iin_bin__regex": f"^{IIN_A[:4]}"},
            {"case__unit__parent__children__cases__subject_roles__subject__iin_bin__regex": "^0000"},
        ),
        (
            "/admin/assets/asset/",
            "a supervisor's password hash",
            {f"{members}__password__startswith": "pbkdf2_sha256$"},
            {f"{members}__password__startswith": "argon2$"},
        ),
        (
            "/admin/assets/courtdecision/",
            "a supervisor's password hash",
            {f"asset__{members}__password__regex": "^pbkdf2_sha256\\$1000000\\$hq7"},
            {f"asset__{members}__password__regex": "^pbkdf2_sha256\\$1000000\\$zzz"},
        ),
        (
            "/admin/cases/case/",
            "the lead investigator's password hash",
            {"lead_investigator__password__startswith": "md5$"},
            {"lead_investigator__password__startswith": "argon2$"},
        ),
    ]


def _rows_of(path, records):
    from assets.models import CourtDecision

    model_name = path.strip("/").split("/")[-1]
    if model_name == "courtdecision":
        return CourtDecision.objects.filter(asset=records["asset"])
    row = records[{"request": "request", "asset": "asset", "case": "case"}[model_name]]
    return type(row).objects.filter(pk=row.pk)


def test_the_attacks_would_answer_and_are_refused_with_400_and_recorded(
    head_office, decisions, records_a, records_b, investigator_b
):
    client = client_for(investigator_b)
    for path, what, right, wrong in attacks(head_office):
        # The database would tell the guesses apart among investigator_b's own rows: this is
        # what a 200 with its count disclosed.
        own = _rows_of(path, records_b)
        assert own.filter(**right).exists() and not own.filter(**wrong).exists(), what
        before = refusals().count()
        answers = []
        for guess in (right, wrong):
            for page in (path, f"{path}export/"):
                response = client.get(f"{page}?{query(guess)}")
                assert response.status_code == 400, (page, what, response.status_code)
                assert "result" not in response.content.decode().lower()
                answers.append(response.content)
            # Exporting the file (POST) is refused before any row is read.
            assert client.post(f"{path}export/?{query(guess)}", {"format": "0"}).status_code == 400
        # Whatever the guess, the same answer.
        assert answers[0] == answers[2] and answers[1] == answers[3], what
        recorded = list(refusals()[before:])
        assert len(recorded) == 6, what
        for event in recorded:
            assert (event.user, event.outcome) == (investigator_b, "denied")
            assert sorted(event.extra["refused"]) == sorted(right), what
            # Neither the guess nor the query string is kept.
            assert "?" not in event.path and event.path.startswith(path)
            kept = json.dumps(event.extra) + event.path
            assert not any(str(value) in kept for value in (*right.values(), *wrong.values()))


def test_the_same_pages_still_filter_by_their_declared_lookups(records_a, records_b, investigator_b, unit_b):
    # The refusal is the lookup's, not the page's: the unit filter the sidebar offers still works.
    client = client_for(investigator_b)
    for path, lookup in (
        ("/admin/requests/request/", "case__unit__id__exact"),
        ("/admin/assets/asset/", "case__unit__id__exact"),
        ("/admin/cases/case/", "unit__id__exact"),
    ):
        response = client.get(path, {lookup: unit_b.pk})
        assert response.status_code == 200, path
        assert response.context["cl"].result_count == 1
    assert not refusals().exists()


# --- The change log and the audit events ----------------------------------------------------------
@pytest.mark.parametrize(
    "lookup", ["changes__icontains", "changes_text__contains", "additional_data__icontains", "changes__regex"]
)
@pytest.mark.parametrize("who", ["auditor", "administrator"])
def test_the_change_log_answers_no_question_about_recorded_values(request, records_a, lookup, who):
    user = request.getfixturevalue(who)
    client = client_for(user)
    url = reverse("admin:auditlog_logentry_changelist")
    for digits in (IIN_A[:8], "99999999"):
        response = client.get(url, {lookup: digits})
        assert response.status_code == 400, (lookup, response.status_code)
        assert "result" not in response.content.decode().lower()
    events = list(refusals())
    assert [e.extra["refused"] for e in events] == [[lookup], [lookup]]
    assert all(IIN_A[:8] not in e.path + json.dumps(e.extra) for e in events)
    # The page itself, and its declared filters, still answer.
    assert client.get(url, {"action__exact": 0}).status_code == 200


def test_the_change_log_search_never_looks_into_recorded_values(records_a, auditor, administrator):
    """Declared or not, whoever sees identifiers masked does not search the recorded changes."""
    from auditlog.models import LogEntry

    registered = type(django_admin.site._registry[LogEntry])

    class SearchingChanges(registered):
        search_fields = ["object_repr", "changes", "changes_text"]

    model_admin = SearchingChanges(LogEntry, django_admin.site)
    http_request = RequestFactory().get("/")
    http_request.user = auditor
    assert list(model_admin.get_search_fields(http_request)) == ["object_repr"]
    http_request.user = administrator
    assert list(model_admin.get_search_fields(http_request)) == ["object_repr", "changes", "changes_text"]
    # And the registered one searches no recorded value for anyone.
    assert not {"changes", "changes_text", "additional_data"} & set(registered.search_fields)


@pytest.mark.parametrize("lookup", ["extra__icontains", "extra__username", "user__password__startswith"])
def test_the_audit_events_answer_no_question_about_their_details(records_a, auditor, lookup):
    client = client_for(auditor)
    response = client.get(reverse("admin:recovery_auditevent_changelist"), {lookup: "inv"})
    assert response.status_code == 400
    assert refusals().get().extra["refused"] == [lookup]


# --- The walker: every lookup the relations allow, as every role -------------------------------------
ROLES = (
    "investigator_a",
    "investigator_b",
    "supervisor_a",
    "analyst",
    "administrator",
    "auditor",
    "investigating_analyst",
)
# Who sees a person's identifiers masked (recovery/security/masking.py's rule, for this cast).
MASKED = {"analyst", "auditor", "investigating_analyst"}
# Which units' cases each role sees (recovery/scoping.py's rule, for this cast); None: no domain pages.
CASE_UNITS = {
    "investigator_a": {"A"},
    "investigator_b": {"B"},
    "supervisor_a": {"A"},
    "analyst": {"A", "B"},
    "administrator": {"A", "B"},
    "auditor": None,
    "investigating_analyst": {"A", "B"},
}
# Records a lookup may reach through a relation by their id only.
ID_ONLY = {
    settings.AUTH_USER_MODEL.lower(),
    "auth.group",
    "auth.permission",
    "sessions.session",
    "otp_totp.totpdevice",
    "recovery.apitoken",
    "recovery.idempotencykey",
    "recovery.notification",
    "recovery.notificationpreference",
    "recovery.auditevent",
    "auditlog.logentry",
}
# Text that may hold a person's identifiers, per model.
IDENTIFIER_BEARING = {
    "auditlog.logentry": {"changes", "changes_text", "additional_data"},
    "recovery.auditevent": {"extra"},
}
DEPTH = 3


def generate_lookups(model) -> tuple[list[str], set[str]]:
    """Every lookup from `model` across up to DEPTH relations (forward and reverse foreign keys,
    many-to-many, one-to-one): each field's path bare and with each of its lookup types and
    transforms (field.get_lookups()). Also returns those that ask a record reached through a
    relation for more than its id, or reach a person's identifiers through a relation."""
    lookups, forbidden = [], set()

    def walk(opts, prefix, hops, beyond_id):
        for field in opts.get_fields():
            path = prefix + field.name
            asks_more = opts.label_lower in ID_ONLY and not getattr(field, "primary_key", False)
            reached = beyond_id or (hops > 0 and (asks_more or field.name in IDENTIFIER_FIELDS))
            names = [path, *(f"{path}__{name}" for name in getattr(field, "get_lookups", dict)())]
            lookups.extend(names)
            if reached:
                forbidden.update(names)
            if field.is_relation and field.related_model is not None and hops < DEPTH:
                walk(field.related_model._meta, f"{path}__", hops + 1, reached)

    walk(model._meta, "", 0, False)
    return lookups, forbidden


def declared_lookups(model_admin, http_request) -> set[str]:
    """The allow-list, from the declarations and Django's own filter classes: what each list
    filter reads (built as the changelist builds it), the date hierarchy, `url_lookups` and the
    dashboards' table."""
    names = set()
    for entry in model_admin.get_list_filter(http_request):
        if isinstance(entry, type) and issubclass(entry, SimpleListFilter):
            spec = entry(http_request, {}, model_admin.model, model_admin)
        else:
            path, filter_class = entry if isinstance(entry, (list, tuple)) else (entry, None)
            field = get_fields_from_path(model_admin.model, path)[-1]
            make = filter_class or django_admin.FieldListFilter.create
            spec = make(field, http_request, {}, model_admin.model, model_admin, field_path=path)
        names.update(spec.expected_parameters())
    if model_admin.date_hierarchy:
        names.update(f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day"))
    label = model_admin.model._meta.label_lower
    for path, types in (*model_admin.url_lookups, *DASHBOARD_URL_LOOKUPS.get(label, ())):
        names.update(f"{path}__{t}" for t in types)
        names.update(path for t in types if t == "exact")
    return names


@pytest.fixture
def investigating_analyst(unit_a):
    return UserFactory(username="inv_analyst", unit=unit_a, roles=["Investigator", "Analyst"])


@pytest.fixture
def cast(request, world, investigating_analyst):
    return {name: request.getfixturevalue(name) for name in ROLES}


def _request(user, path="/admin/"):
    http_request = RequestFactory().get(path)
    http_request.user = user
    return http_request


def test_every_admin_is_behind_the_gate():
    from recovery.admin_base import UrlLookupGate

    ungated = [m._meta.label for m, a in django_admin.site._registry.items() if not isinstance(a, UrlLookupGate)]
    assert not ungated


def test_the_gate_accepts_nothing_undeclared_and_nothing_beyond_an_id_for_any_role(cast):
    """The bulk sweep, through ModelAdmin.lookup_allowed (the gate the changelist asks for every
    parameter): for each registered admin and each role that may open it, every generated lookup."""
    generated = {model: generate_lookups(model) for model in django_admin.site._registry}
    assert sum(len(lookups) for lookups, _f in generated.values()) > 100_000
    failures, swept = [], 0
    for role, user in cast.items():
        for model, model_admin in django_admin.site._registry.items():
            http_request = _request(user)
            if not model_admin.has_view_or_change_permission(http_request):
                continue
            label = model._meta.label_lower
            lookups, forbidden = generated[model]
            allowed = declared_lookups(model_admin, http_request)
            accepted = {lookup for lookup in lookups if model_admin.lookup_allowed(lookup, "1", http_request)}
            swept += len(lookups)
            for lookup in accepted - allowed:
                failures.append((role, label, lookup, "not declared"))
            for lookup in accepted & forbidden:
                failures.append((role, label, lookup, "reaches beyond an id"))
            if role in MASKED:
                bearing = IDENTIFIER_BEARING.get(label, set())
                for lookup in accepted:
                    parts = lookup.split("__")
                    if set(parts) & set(IDENTIFIER_FIELDS) or parts[0] in bearing:
                        failures.append((role, label, lookup, "identifiers for a masked role"))
            # The declared ones that the generator produced are accepted (the sidebar and the
            # dashboards' links work), identifiers aside for a masked role.
            for lookup in (allowed & set(lookups)) - accepted:
                if not (role in MASKED and set(lookup.split("__")) & set(IDENTIFIER_FIELDS)):
                    failures.append((role, label, lookup, "declared but refused"))
    assert swept > 1_000_000
    assert not failures, failures[:20]


def _admin_url(model, suffix):
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{suffix}")
    except NoReverseMatch:
        return None


def test_a_sample_of_refused_lookups_through_http_on_every_changelist_and_export_page(cast):
    """For every registered admin (and its export page where it has one): two refused lookups
    drawn from the generated ones, one asked by the administrator and one by another role that
    may open the page, each a 400 with a `lookup_refused` event naming it."""
    clients = {role: client_for(user) for role, user in cast.items()}
    pick = random.Random(2024)
    checked = 0
    for model, model_admin in django_admin.site._registry.items():
        lookups, _forbidden = generate_lookups(model)
        viewers = [
            role
            for role, user in cast.items()
            if role != "administrator" and model_admin.has_view_or_change_permission(_request(user))
        ]
        for role in ("administrator", *pick.sample(viewers, min(1, len(viewers)))):
            http_request = _request(cast[role])
            refused = [lookup for lookup in lookups if not model_admin.lookup_allowed(lookup, "1", http_request)]
            # Across relations where the model has any, else on its own fields (`rate__gt`).
            lookup = pick.choice([lookup for lookup in refused if lookup.count("__") >= 2] or refused)
            for page in (_admin_url(model, "changelist"), _admin_url(model, "export")):
                if page is None:
                    continue
                before = refusals().count()
                response = clients[role].get(page, {lookup: "1"})
                assert response.status_code == 400, (role, page, lookup, response.status_code)
                event = refusals()[before:].get()
                assert (event.user, event.extra["refused"]) == (cast[role], [lookup])
                assert event.extra["model"] == model._meta.label_lower
                checked += 1
    assert checked >= 2 * len(django_admin.site._registry)


def test_the_sidebar_filters_and_date_hierarchy_links_are_accepted(cast):
    """What the admin itself links to (each list filter's choices, the date hierarchy's years)
    passes the gate, for every registered admin, as the administrator."""
    user = cast["administrator"]
    opened = 0
    for model, model_admin in django_admin.site._registry.items():
        changelist = model_admin.get_changelist_instance(_request(user))
        links = [choice["query_string"] for spec in changelist.filter_specs for choice in spec.choices(changelist)]
        if model_admin.date_hierarchy:
            field = model_admin.date_hierarchy
            for value in model._default_manager.exclude(**{f"{field}__isnull": True}).values_list(field, flat=True)[:2]:
                links.append(f"?{field}__year={value.year}&{field}__month={value.month}&{field}__day={value.day}")
        for link in links:
            params = dict(parse_qsl(link.lstrip("?"), keep_blank_values=True))
            model_admin.get_changelist_instance(_request(user, "/admin/?" + urlencode(params)))
            opened += 1
    assert opened > 100
    assert not refusals().exists()


# --- Accepted lookups count only visible rows ---------------------------------------------------------
def _visible(model, role, world):
    """The rows of a domain model `role` sees, worked out from the world, not from the admin."""
    units = CASE_UNITS[role]
    cases = [world[f"case_{unit}"].pk for unit in sorted(units)]
    path = CASE_PATH[model._meta.label_lower]
    return model._default_manager.filter(**{f"{path}pk__in": cases}).values("pk")


def _simple_filter(model_admin, http_request, lookup):
    for entry in model_admin.get_list_filter(http_request):
        if isinstance(entry, type) and issubclass(entry, SimpleListFilter) and entry.parameter_name == lookup:
            return entry
    return None


def _values(model_admin, http_request, lookup):
    """Values for `lookup`: a list filter's own choices, or values taken from every row of the
    model, visible to the role or not (at most two, and both together for `__in`)."""
    model = model_admin.model
    simple = _simple_filter(model_admin, http_request, lookup)
    if simple is not None:
        return [str(value) for value, _label in simple(http_request, {}, model, model_admin).lookup_choices]
    try:
        get_fields_from_path(model, lookup)
        path, lookup_type = lookup, "exact"
    except Exception:
        path, lookup_type = lookup.rsplit("__", 1)
    if lookup_type == "isnull":
        return ["True", "False"]
    raw = model._default_manager.values_list(path, flat=True).distinct().order_by()[:20]
    values = set()
    for value in raw:
        if value is None:
            continue
        if lookup_type in ("year", "month", "day"):
            value = getattr(value, lookup_type)
        elif isinstance(value, (datetime.date, datetime.datetime)):
            value = value.isoformat()
        elif lookup_type == "startswith":
            value = str(value)[:4]
        values.add(str(value))
    values = sorted(values)[:2]
    if lookup_type == "in" and len(values) == 2:
        values.append(",".join(values))
    return values


def _expected(model_admin, http_request, rows, lookup, value):
    """`rows` narrowed by `lookup=value` as the changelist narrows its own: a list filter of the
    admin's through its own queryset() - or not at all when it offers this user no choice, since
    the admin then leaves the filter out, its parameter with it - any other lookup as a filter()."""
    for entry in model_admin.get_list_filter(http_request):
        params = {lookup: [value]}
        if isinstance(entry, type) and issubclass(entry, SimpleListFilter):
            spec = entry(http_request, params, model_admin.model, model_admin)
        else:
            path, filter_class = entry if isinstance(entry, (list, tuple)) else (entry, None)
            field = get_fields_from_path(model_admin.model, path)[-1]
            make = filter_class or django_admin.FieldListFilter.create
            spec = make(field, http_request, params, model_admin.model, model_admin, field_path=path)
        if lookup in spec.expected_parameters():
            narrowed = spec.queryset(http_request, rows) if spec.has_output() else rows
            return narrowed.distinct().count()
    return rows.filter(**{lookup: prepare_lookup_value(lookup, value)}).distinct().count()


def test_accepted_lookups_count_only_the_rows_the_role_sees(cast, world):
    """Each declared lookup of every domain changelist, with values from every unit's rows: the
    changelist lists as many rows as the same lookup selects among the rows the role may see."""
    mismatches, checked = [], 0
    for model, model_admin in django_admin.site._registry.items():
        label = model._meta.label_lower
        if label not in CASE_PATH:
            continue
        for role, user in cast.items():
            if CASE_UNITS[role] is None:
                continue
            http_request = _request(user)
            visible = model._default_manager.filter(pk__in=_visible(model, role, world))
            for lookup in sorted(declared_lookups(model_admin, http_request)):
                if not model_admin.lookup_allowed(lookup, "1", http_request):
                    continue  # identifiers for a masked role: refused, counted nowhere
                for value in _values(model_admin, http_request, lookup):
                    listed_request = _request(user, "/admin/?" + urlencode({lookup: value}))
                    listed = model_admin.get_changelist_instance(listed_request).result_count
                    expected = _expected(model_admin, http_request, visible, lookup, value)
                    checked += 1
                    if listed != expected:
                        mismatches.append((role, label, lookup, value, listed, expected))
    assert checked > 300
    assert not mismatches, mismatches[:20]
