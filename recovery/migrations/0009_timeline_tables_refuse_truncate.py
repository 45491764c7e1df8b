"""On PostgreSQL, the status timelines refuse TRUNCATE as the audit tables do (recovery 0008): their
row triggers (recovery 0002) refuse UPDATE and DELETE, and a TRUNCATE fires no row trigger.

The same function and the same one way through (the tables' owner, or a superuser, after
`SET recovery.allow_audit_truncate = 'on'`: the test suite's flush). The function now names the
rows in its refusal from the trigger's argument ('timeline' here; 'audit' when there is none, as on
the triggers of 0008).

Written by hand (no model changes).
"""

from django.db import migrations

TIMELINE_TABLES = ("cases_casestatuschange", "requests_requeststatuschange", "assets_assetstatuschange")

# %% for %: the schema editor passes the statement through the driver's parameter formatting.
FUNCTION = """
CREATE OR REPLACE FUNCTION recovery_refuse_audit_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('recovery.allow_audit_truncate', true) = 'on'
       AND pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '%% rows are append-only: %% on %% refused', COALESCE(TG_ARGV[0], 'audit'), TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

# recovery 0008's text, put back when this migration is reversed.
FUNCTION_0008 = """
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
    for table in TIMELINE_TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION recovery_refuse_audit_truncate('timeline');"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TIMELINE_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};")
    schema_editor.execute(FUNCTION_0008)


class Migration(migrations.Migration):
    dependencies = [
        ("recovery", "0008_audit_tables_refuse_truncate"),
        ("cases", "0002_initial"),
        ("assets", "0003_initial"),
        ("requests", "0001_initial"),
    ]

    operations = [migrations.RunPython(add_triggers, drop_triggers)]
