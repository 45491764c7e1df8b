"""Create the four role groups, and make timeline tables append-only in PostgreSQL itself.

The ORM already refuses to update or delete timeline rows; on PostgreSQL a trigger also refuses
UPDATE and DELETE from any other client, so the legal history cannot be rewritten by SQL.
"""

from django.db import migrations

ROLES = ("Investigator", "Supervisor", "Analyst", "Administrator")
TIMELINE_TABLES = ("cases_casestatuschange", "requests_requeststatuschange", "assets_assetstatuschange")

FUNCTION = """
CREATE OR REPLACE FUNCTION recovery_refuse_timeline_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'timeline rows are append-only: %% on %% refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.using(schema_editor.connection.alias).get_or_create(name=name)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for table in TIMELINE_TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION recovery_refuse_timeline_change();"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TIMELINE_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS recovery_refuse_timeline_change();")


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("recovery", "0001_initial"),
        ("cases", "0002_initial"),
        ("assets", "0003_initial"),
        ("requests", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_groups, remove_groups),
        migrations.RunPython(add_triggers, drop_triggers),
    ]
