"""On PostgreSQL, a document's versions refuse UPDATE and DELETE from any client, as the status
timelines do (recovery 0002): the ORM already refuses (DocumentVersion is an AppendOnlyModel) and the
application's role holds only SELECT and INSERT on the table (recovery.db_roles), but the file a
letter was sent with must stay what it was even for a client with more privileges.

TRUNCATE is left to PostgreSQL's foreign keys and the tables' owner (the test suite's flush).
Written by hand (no model changes).
"""

from django.db import migrations

TABLE = "documents_documentversion"

# %% for %: the schema editor passes the statement through the driver's parameter formatting.
FUNCTION = """
CREATE OR REPLACE FUNCTION documents_refuse_version_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'document versions are append-only: %% on %% refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    schema_editor.execute(
        f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION documents_refuse_version_change();"
    )


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};")
    schema_editor.execute("DROP FUNCTION IF EXISTS documents_refuse_version_change();")


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_default_letter_templates")]

    operations = [migrations.RunPython(add_trigger, drop_trigger)]
