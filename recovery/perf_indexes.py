"""Indexes for the large tables, created by the apps' `*_perf_indexes` migrations (docs/perf.md).

They are raw SQL rather than Meta.indexes so that models.py, which every branch edits, stays as it
is; Django's migration state does not track them (makemigrations leaves them alone). On PostgreSQL
they are built CONCURRENTLY, so adding them to a live database does not block writes.
"""

from __future__ import annotations


def create(*indexes: tuple[str, str, str]):
    """A RunPython pair creating/dropping (name, table, "columns [WHERE ...]") indexes."""

    def forwards(apps, schema_editor):
        concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
        for name, table, body in indexes:
            schema_editor.execute(f"CREATE INDEX {concurrently}IF NOT EXISTS {name} ON {table} {body}")

    def backwards(apps, schema_editor):
        concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
        for name, _table, _body in indexes:
            schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {name}")

    return forwards, backwards
