"""The application's PostgreSQL role: exactly the row privileges the service needs, granted by the
tables' owner (`manage.py grant_app_role`, after every migrate; docs/security.md, "Database roles").

- every table: SELECT, INSERT, UPDATE, DELETE;
- the append-only tables (the audit trails and the status timelines: every model whose manager is
  an AppendOnlyQuerySet's): SELECT and INSERT only;
- django_migrations: SELECT only (the app reads the migration state, it never records one);
- every sequence: USAGE; the database: CONNECT and TEMPORARY (the reminder scan's temporary tables);
- nothing else: no TRUNCATE, REFERENCES or TRIGGER, no ownership, so no ALTER TABLE, no trigger
  switched off, no `session_replication_role` (superusers only), and not the TRUNCATE opt-in of
  recovery 0008, which only a member of the tables' owner may use.

Granting starts by revoking everything the role held on the schema's tables and sequences, so a
second run changes nothing and a privilege granted by hand meanwhile is taken back. Tables a later
migration creates get SELECT and INSERT at once (default privileges of the owner): a new table is
usable for reading and inserting, and never open to rewriting, until the next grant looks at it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import connections, transaction

READ_ONLY_TABLES = ("django_migrations",)


class RoleRefused(Exception):
    """The role cannot be the application's role, or the database is not ready for the grant."""


@dataclass(frozen=True)
class Grant:
    role: str
    owner: str
    schema: str
    tables: int
    append_only: tuple[str, ...]


def append_only_tables() -> list[str]:
    """The tables whose rows are never changed: AppendOnlyModel's subclasses and django-auditlog's
    change log (its manager is swapped for an append-only one at start-up)."""
    from recovery.models import AppendOnlyQuerySet

    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if issubclass(model._default_manager._queryset_class, AppendOnlyQuerySet)
    )


def grant_app_role(role: str, *, using: str = "default") -> Grant:
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise RoleRefused("Database roles exist on PostgreSQL only.")
    name = connection.ops.quote_name
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_schema(), current_database(), (SELECT tableowner FROM pg_tables"
            " WHERE schemaname = current_schema() AND tablename = 'django_migrations')"
        )
        schema, database, owner = cursor.fetchone()
        if owner is None:
            raise RoleRefused("No django_migrations table in this schema: run migrate first.")
        cursor.execute("SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = %s", [role])
        found = cursor.fetchone()
        if found is None:
            raise RoleRefused(f"No database role named {role!r}.")
        if found[0] or found[1]:
            raise RoleRefused(f"Role {role!r} is a superuser or may create roles: it could undo any grant.")
        # Owning a table (or being a member of its owner or the schema's owner) means ALTER, DROP,
        # TRUNCATE and switching triggers off: whatever is granted or not.
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s AND (pg_has_role(%s, c.relowner, 'MEMBER') OR pg_has_role(%s, n.nspowner, 'MEMBER'))"
            " ORDER BY 1 LIMIT 3",
            [schema, role, role],
        )
        owned = [row[0] for row in cursor.fetchall()]
        if owned:
            raise RoleRefused(
                f"Role {role!r} owns (or is a member of the owner of) {', '.join(owned)} or their schema: "
                "the application needs a role of its own."
            )
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename = ANY(%s)",
            [schema, append_only_tables()],
        )
        append_only = tuple(sorted(row[0] for row in cursor.fetchall()))
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename = ANY(%s)",
            [schema, list(READ_ONLY_TABLES)],
        )
        read_only = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = %s", [schema])
        tables = cursor.fetchone()[0]

        r, s, o = name(role), name(schema), name(owner)
        statements = [
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {r}",
            f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {r}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s} REVOKE ALL ON TABLES FROM {r}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s} REVOKE ALL ON SEQUENCES FROM {r}",
            f"GRANT CONNECT, TEMPORARY ON DATABASE {name(database)} TO {r}",
            f"GRANT USAGE ON SCHEMA {s} TO {r}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {r}",
            *(f"REVOKE UPDATE, DELETE ON {s}.{name(table)} FROM {r}" for table in append_only),
            *(f"REVOKE INSERT, UPDATE, DELETE ON {s}.{name(table)} FROM {r}" for table in read_only),
            f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s} GRANT SELECT, INSERT ON TABLES TO {r}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s} GRANT USAGE ON SEQUENCES TO {r}",
        ]
        for statement in statements:
            cursor.execute(statement)
    return Grant(role=role, owner=owner, schema=schema, tables=tables, append_only=append_only)
