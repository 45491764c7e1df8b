"""The application's database role (docs/security.md, "Database roles"): the service works with the
privileges `manage.py grant_app_role` gives it, and with them nothing can silence or empty the audit
trails and the timelines: no session_replication_role, no ALTER TABLE, no TRUNCATE (opt-in or not),
no UPDATE or DELETE of their rows. Migrations and the grant connect as the tables' owner when
DATABASE_OWNER_URL is set.

The PostgreSQL tests create a role of their own (a unique name: roles are cluster-wide) and drop it.
"""

import contextlib
import io
import os
import secrets
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from rest_framework.test import APIClient

from config.database import database_config, database_role
from recovery.db_roles import append_only_tables
from recovery.security.events import record_event
from tests.factories import make_asset, make_case, make_request
from tests.security.conftest import client_for

ROOT = Path(__file__).resolve().parents[2]
AUDIT_TABLES = ("recovery_auditevent", "auditlog_logentry")
TIMELINE_TABLES = ("cases_casestatuschange", "requests_requeststatuschange", "assets_assetstatuschange")
APPEND_ONLY = AUDIT_TABLES + TIMELINE_TABLES


def _execute(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def _new_role(prefix="test_app"):
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
    _execute(f"CREATE ROLE {connection.ops.quote_name(name)} LOGIN")
    return name


def _drop_role(name):
    role = connection.ops.quote_name(name)
    _execute(f"DROP OWNED BY {role}")  # its privileges and default privileges in the test database
    _execute(f"DROP ROLE {role}")


# transaction=True: the role, its grants and the rows are committed, so that another connection
# (logged in as the role) sees them.
committed = pytest.mark.django_db(transaction=True)


@pytest.fixture
def app_role(on_postgres):
    name = _new_role()
    try:
        call_command("grant_app_role", name, stdout=io.StringIO())
        yield name
    finally:
        _drop_role(name)


@contextlib.contextmanager
def django_connected_as(role):
    """Django's own connection, logged in as `role`, for the real API and admin."""
    settings_dict = connection.settings_dict
    saved = settings_dict["USER"], settings_dict["PASSWORD"]
    connection.close()
    settings_dict["USER"], settings_dict["PASSWORD"] = role, ""
    try:
        yield
    finally:
        connection.close()
        settings_dict["USER"], settings_dict["PASSWORD"] = saved


def psycopg_connected_as(role):
    s = connection.settings_dict
    return psycopg.connect(
        host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, dbname=s["NAME"], user=role, autocommit=True
    )


@pytest.fixture
def trails(investigator_a):
    """A row in each append-only table (and a case, a request and an asset), committed."""
    case = make_case(lead=investigator_a)
    make_request(case=case)
    make_asset(case=case)
    record_event("export", user=investigator_a, extra={"what": "test"})
    counts = {table: _execute(f"SELECT count(*) FROM {table}")[0][0] for table in APPEND_ONLY}
    assert all(counts.values()), counts
    return case, counts


def _privileges(role, table):
    kinds = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
    return {kind for kind in kinds if _execute("SELECT has_table_privilege(%s, %s, %s)", [role, table, kind])[0][0]}


# --- the service works as the application's role -------------------------------------------------


@pytest.mark.postgres
@committed
def test_the_api_and_the_admin_work_as_the_app_role(app_role, investigator_a, trails):
    case, counts = trails
    api = APIClient()
    api.force_authenticate(investigator_a)
    with django_connected_as(app_role):
        assert _execute("SELECT current_user")[0][0] == app_role
        created = api.post(
            "/api/v1/cases/",
            {
                "register_number": "241500031000999",
                "title": "Opened as the application's role",
                "unit": investigator_a.unit_id,
                "lead_investigator": investigator_a.pk,
                "primary_crime_category": case.primary_crime_category_id,
                "opened_on": "2024-01-15",
            },
        )
        assert created.status_code == 201, created.content
        moved = api.post(f"/api/v1/cases/{created.json()['id']}/transitions/", {"to_status": "suspended"})
        assert moved.status_code == 200, moved.content
        assert api.get("/api/v1/cases/").status_code == 200
        admin = client_for(investigator_a)  # a session and a two-factor device written as the role
        assert admin.get("/admin/cases/case/").status_code == 200
    timeline = _execute(
        "SELECT to_status FROM cases_casestatuschange WHERE case_id = %s ORDER BY id", [created.json()["id"]]
    )
    assert [row[0] for row in timeline] == ["open", "suspended"]
    assert _execute("SELECT count(*) FROM auditlog_logentry")[0][0] > counts["auditlog_logentry"]


# --- and can neither silence nor empty the trails --------------------------------------------------


@pytest.mark.postgres
@committed
def test_the_app_role_cannot_switch_off_or_empty_the_trails(app_role, trails):
    case, counts = trails
    refused = [
        "SET session_replication_role = replica",
        "ALTER TABLE recovery_auditevent DISABLE TRIGGER ALL",
        "ALTER TABLE cases_casestatuschange DISABLE TRIGGER USER",
        "DROP TRIGGER cases_casestatuschange_append_only ON cases_casestatuschange",
        "ALTER TABLE auditlog_logentry OWNER TO CURRENT_USER",
    ]
    for table in APPEND_ONLY:
        refused += [f"TRUNCATE {table}", f"TRUNCATE {table} CASCADE", f"UPDATE {table} SET id = id"]
        refused.append(f"DELETE FROM {table}")
    with psycopg_connected_as(app_role) as conn:
        assert conn.execute("SELECT count(*) FROM cases_case WHERE id = %s", [case.pk]).fetchone() == (1,)
        # The opt-in of recovery 0008 is a setting anyone may set; it opens the way for the owner only.
        conn.execute("SET recovery.allow_audit_truncate = 'on'")
        for statement in refused:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
        assert conn.execute("SHOW session_replication_role").fetchone() == ("origin",)
    assert {table: _execute(f"SELECT count(*) FROM {table}")[0][0] for table in APPEND_ONLY} == counts
    disabled = _execute(
        "SELECT tgname FROM pg_trigger"
        " WHERE NOT tgisinternal AND tgenabled <> 'O' AND tgrelid::regclass::text = ANY(%s)",
        [list(APPEND_ONLY)],
    )
    assert disabled == []


@pytest.mark.postgres
@committed
def test_the_app_role_inserts_into_the_timelines_but_rewrites_nothing_else_there(app_role, trails):
    # INSERT stays (the services append rows); every other privilege is off on the append-only tables.
    with psycopg_connected_as(app_role) as conn:
        row = conn.execute(
            "INSERT INTO cases_casestatuschange (case_id, from_status, to_status, effective_on, recorded_at,"
            " actor_name, note, document_reference, override_reason)"
            " VALUES (%s, 'open', 'open', current_date, now(), '', 'appended', '', '') RETURNING id",
            [trails[0].pk],
        ).fetchone()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE cases_casestatuschange SET note = 'rewritten' WHERE id = %s", row)
    assert _execute("SELECT note FROM cases_casestatuschange WHERE id = %s", row) == [("appended",)]


# --- what the grant gives, exactly ------------------------------------------------------------------


@pytest.mark.postgres
@committed
def test_the_grant_is_exact_and_idempotent(app_role):
    assert set(APPEND_ONLY) <= set(append_only_tables())
    expected = {
        "cases_case": {"SELECT", "INSERT", "UPDATE", "DELETE"},
        "django_session": {"SELECT", "INSERT", "UPDATE", "DELETE"},
        "django_migrations": {"SELECT"},
        **{table: {"SELECT", "INSERT"} for table in APPEND_ONLY},
    }
    assert {table: _privileges(app_role, table) for table in expected} == expected
    # Nowhere TRUNCATE, REFERENCES or TRIGGER.
    tables = [row[0] for row in _execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")]
    assert not any(_privileges(app_role, table) & {"TRUNCATE", "REFERENCES", "TRIGGER"} for table in tables)

    # A privilege granted by hand is taken back by the next run; a second run changes nothing.
    _execute(f"GRANT TRUNCATE, UPDATE ON recovery_auditevent TO {connection.ops.quote_name(app_role)}")
    call_command("grant_app_role", app_role, stdout=io.StringIO())
    call_command("grant_app_role", app_role, stdout=io.StringIO())
    assert {table: _privileges(app_role, table) for table in expected} == expected


@pytest.mark.postgres
@committed
def test_a_table_created_later_is_readable_and_insertable_only_until_the_next_grant(app_role):
    _execute("CREATE TABLE test_later_table (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, note text)")
    try:
        assert _privileges(app_role, "test_later_table") == {"SELECT", "INSERT"}
        call_command("grant_app_role", app_role, stdout=io.StringIO())
        assert _privileges(app_role, "test_later_table") == {"SELECT", "INSERT", "UPDATE", "DELETE"}
    finally:
        _execute("DROP TABLE test_later_table")


@pytest.mark.postgres
@committed
def test_the_grant_refuses_a_role_that_could_undo_it(on_postgres):
    owner = _execute("SELECT current_user")[0][0]  # the test database's owner, a superuser
    with pytest.raises(CommandError, match="superuser"):
        call_command("grant_app_role", owner, stdout=io.StringIO())
    member = _new_role("test_owner_member")
    try:
        _execute(f"GRANT {connection.ops.quote_name(owner)} TO {connection.ops.quote_name(member)}")
        with pytest.raises(CommandError, match="owns"):
            call_command("grant_app_role", member, stdout=io.StringIO())
        # Refused before any grant (has_table_privilege would count the owner's, through membership).
        granted = "SELECT count(*) FROM pg_class c, aclexplode(c.relacl) a WHERE a.grantee = %s::regrole"
        assert _execute(granted, [member]) == [(0,)]
    finally:
        _drop_role(member)
    with pytest.raises(CommandError, match="No database role"):
        call_command("grant_app_role", f"test_nobody_{secrets.token_hex(4)}", stdout=io.StringIO())


# --- which role a process connects as ---------------------------------------------------------------

APP_URL = "postgres://recovery_app:app-pw@db.example.org:5432/recovery"
OWNER_URL = "postgres://recovery_owner:owner-pw@db.example.org:5432/recovery"


@pytest.mark.parametrize(
    ("argv", "owner_url", "forced", "role"),
    [
        (["manage.py", "migrate"], OWNER_URL, "", "owner"),
        (["manage.py", "grant_app_role"], OWNER_URL, "", "owner"),
        (["manage.py", "migrate"], "", "", "app"),  # no owner URL: one role, as in development
        (["manage.py", "load_reference_data"], OWNER_URL, "", "app"),
        (["manage.py", "shell"], OWNER_URL, "owner", "owner"),
        (["manage.py", "migrate"], OWNER_URL, "app", "app"),
        (["gunicorn", "config.wsgi:application"], OWNER_URL, "", "app"),
        (["celery", "-A", "config", "worker"], OWNER_URL, "", "app"),
    ],
)
def test_the_owner_connects_only_for_the_schema_commands(argv, owner_url, forced, role):
    assert database_role(argv, owner_url=owner_url, forced=forced) == role
    assert database_config(APP_URL, owner_url, role)["USER"] == f"recovery_{role}"


@pytest.mark.parametrize(
    "owner_url",
    [
        "postgres://recovery_owner:pw@db.example.org:5432/another",
        "postgres://recovery_owner:pw@elsewhere.example.org:5432/recovery",
        "postgres://recovery_app:pw@db.example.org:5432/recovery",
        "sqlite:////tmp/recovery.sqlite3",
    ],
)
def test_an_owner_url_for_another_database_or_the_same_role_is_refused(owner_url):
    with pytest.raises(ImproperlyConfigured):
        database_config(APP_URL, owner_url, "owner")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_OWNER_URL"):
        database_role(["manage.py", "shell"], owner_url="", forced="owner")


@pytest.mark.postgres
def test_manage_py_migrate_connects_as_the_owner(on_postgres, tmp_path):
    # Two roles that do not exist: the server's refusal names the one each command logged in as.
    s = connection.settings_dict
    where = f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    app, owner = f"test_app_absent_{secrets.token_hex(4)}", f"test_owner_absent_{secrets.token_hex(4)}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        {
            "VAR_DIR": str(tmp_path),
            "DATABASE_URL": f"postgres://{app}@{where}",
            "DATABASE_OWNER_URL": f"postgres://{owner}@{where}",
        }
    )

    def logs_in_as(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode != 0
        return result.stderr

    stderr = logs_in_as("migrate", "--plan")
    assert f'role "{owner}" does not exist' in stderr, stderr
    stderr = logs_in_as("showmigrations")
    assert f'role "{app}" does not exist' in stderr, stderr
