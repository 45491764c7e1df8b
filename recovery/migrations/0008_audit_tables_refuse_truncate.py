"""On PostgreSQL, a statement trigger refuses TRUNCATE on the audit events and on django-auditlog's
change log, as the row triggers of recovery 0006 refuse UPDATE and DELETE.

One way through, for emptying a whole database on purpose (the test suite's flush between
transactional tests): the tables' owner (or a superuser) who has first run
`SET recovery.allow_audit_truncate = 'on'` in that session. The application's own database role
should not own the tables (docs/security.md), so it has no way through; the owner could drop the
trigger anyway, the setting only makes sure that nobody truncates the trail by accident.

Written by hand (no model changes).
"""

from django.db import migrations

AUDIT_TABLES = ("recovery_auditevent", "auditlog_logentry")

# %% for %: the schema editor passes the statement through the driver's parameter formatting.
FUNCTION = """
CREATE OR REPLACE FUNCTION recovery_refuse_audit_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('recovery.allow_audit_truncate', true) = 'on'
       AND pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit rows are append-only: %% on %% refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for table in AUDIT_TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION recovery_refuse_audit_truncate();"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in AUDIT_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS recovery_refuse_audit_truncate();")


class Migration(migrations.Migration):
    dependencies = [
        ("auditlog", "0017_add_actor_email"),
        ("recovery", "0007_dashboard_snapshots"),
    ]

    operations = [migrations.RunPython(add_triggers, drop_triggers)]
