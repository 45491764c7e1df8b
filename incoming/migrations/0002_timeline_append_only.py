"""On PostgreSQL the incoming requests' timeline refuses UPDATE and DELETE (and TRUNCATE without the
owner's opt-in), as the other timelines do (recovery 0002 and 0009), with the same functions.

Written by hand (no model changes)."""

from django.db import migrations

TABLE = "incoming_incomingrequeststatuschange"


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION recovery_refuse_timeline_change();"
    )
    schema_editor.execute(
        f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION recovery_refuse_audit_truncate('timeline');"
    )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};")
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE};")


class Migration(migrations.Migration):
    dependencies = [
        ("incoming", "0001_initial"),
        ("recovery", "0009_timeline_tables_refuse_truncate"),
    ]

    operations = [migrations.RunPython(add_triggers, drop_triggers)]
