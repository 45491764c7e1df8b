"""Which tables changed: one version per table in the shared cache, moved after every commit that
wrote to the table.

Why: a cached answer (recovery.api.list_cache) is only correct while none of the tables it was read
from has changed. Rather than a hand-kept list of "what invalidates what", which misses the day
someone adds a `QuerySet.update()` or a raw statement, every SQL statement Django sends goes
through one execute wrapper (installed on each connection when it opens):

- a statement that writes (INSERT, UPDATE, DELETE, TRUNCATE, COPY, MERGE, or a WITH that does)
  names the tables it touches; their versions move when the transaction commits (at once in
  autocommit), never before, so nobody can tag old rows with a new version;
- while a cached computation runs (`reads()`), the tables every statement reads are collected, so
  an answer knows exactly what it depends on.

Table names are recognised by matching the statement's words against the tables of the installed
models (quoted or not, in any position): reading too many is harmless (a needless miss), missing
one is not. Writes that bypass Django (psql, pg_restore, COPY through the raw psycopg cursor as
the volume generator and the reminder scan do) are announced with `touch()`; what they write is
otherwise seen when a cached answer expires (RECOVERY_API_LIST_CACHE_SECONDS).

The versions live in Django's default cache: shared by every process when it is Redis (what
production runs), per process otherwise, which is why the list cache is only on by default with a
shared cache.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterable
from contextlib import contextmanager

from django.apps import apps
from django.core.cache import cache
from django.db import transaction

KEY_PREFIX = "tblver:"
# Versions outlive any answer tagged with them; an evicted version is re-created with a new value,
# which only turns hits into misses.
VERSION_TIMEOUT = None

_WRITE_HEADS = ("INSERT", "UPDATE", "DELETE", "TRUNCATE", "COPY", "MERGE", "REPLACE")
_WRITE_WORD = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

logger = logging.getLogger(__name__)

_local = threading.local()
_known: frozenset[str] | None = None


def known_tables() -> frozenset[str]:
    """The tables of every installed model, many-to-many tables included (lower case)."""
    global _known
    if _known is None:
        _known = frozenset(m._meta.db_table.lower() for m in apps.get_models(include_auto_created=True))
    return _known


def tables_in(sql: str) -> set[str]:
    """The known tables a statement names."""
    known = known_tables()
    return {word for word in (w.lower() for w in _WORD.findall(sql)) if word in known}


def is_write(sql: str) -> bool:
    head = sql.lstrip()[:8].upper()
    if head.startswith(_WRITE_HEADS):
        return True
    # A data-modifying CTE (WITH moved AS (UPDATE ...) SELECT ...).
    return head.startswith("WITH") and bool(_WRITE_WORD.search(sql))


# --- the execute wrapper ----------------------------------------------------------------------


def watch(execute, sql, params, many, context):
    """Django execute wrapper: note what the statement reads (while a computation is captured) and
    what it writes (versions moved on commit)."""
    reading = getattr(_local, "reads", None)
    writes = is_write(sql)
    if not writes and reading is None:
        return execute(sql, params, many, context)
    tables = tables_in(sql)
    if reading is not None:
        reading.update(tables)
    result = execute(sql, params, many, context)
    if writes and tables:
        written(context["connection"], tables)
    return result


def install(connection) -> None:
    """Put the wrapper on a connection once (connection_created fires again after a reconnect)."""
    if watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch)


def on_connection_created(sender, connection, **kwargs):
    install(connection)


def written(connection, tables: Iterable[str]) -> None:
    """Tables written on `connection`: move their versions now in autocommit, else when the
    outermost transaction commits (a rollback moves nothing: nothing changed)."""
    tables = set(tables)
    if not connection.in_atomic_block:
        bump(tables)
        return
    pending = connection.__dict__.setdefault("_table_versions_pending", set())
    pending.update(tables)
    # One callback per transaction. A rollback (of the transaction, or of the savepoint the
    # callback was registered in) drops it; the next write then registers it again.
    if not any(getattr(func, "_table_versions", False) for _sids, func, *_rest in connection.run_on_commit):

        def flush():
            moved = set(connection.__dict__.get("_table_versions_pending", ()))
            connection.__dict__["_table_versions_pending"] = set()
            bump(moved)

        flush._table_versions = True
        transaction.on_commit(flush, using=connection.alias)


# --- versions ---------------------------------------------------------------------------------


def _key(table: str) -> str:
    return KEY_PREFIX + table


def _new_value() -> int:
    return time.time_ns()


def bump(tables: Iterable[str]) -> None:
    """Give each table a new version (after a commit that wrote to it)."""
    tables = {t.lower() for t in tables}
    if not tables:
        return
    value = _new_value()
    try:
        cache.set_many({_key(t): value for t in tables}, timeout=VERSION_TIMEOUT)
    except Exception:  # noqa: BLE001 - the write has committed; failing its request now helps nobody
        # Pages kept before this write may be served until they expire (RECOVERY_API_LIST_CACHE_SECONDS).
        logger.exception("could not move the versions of %s in the cache", ", ".join(sorted(tables)))


def touch(*tables_or_models) -> None:
    """Announce a write made outside Django's cursor (COPY, psql, a restore). No argument: every
    known table."""
    names = set()
    for item in tables_or_models:
        names.add(item if isinstance(item, str) else item._meta.db_table)
    bump(names or known_tables())


def versions(tables: Iterable[str]) -> dict[str, int]:
    """The current version of each table; a table never written (or evicted) gets one now."""
    tables = sorted({t.lower() for t in tables})
    found = cache.get_many([_key(t) for t in tables])
    out = {}
    for table in tables:
        value = found.get(_key(table))
        if value is None:
            cache.add(_key(table), _new_value(), timeout=VERSION_TIMEOUT)
            value = cache.get(_key(table))
        out[table] = value
    return out


@contextmanager
def reads():
    """Collect the tables the statements in the block read: `with reads() as tables: ...`."""
    outer = getattr(_local, "reads", None)
    collected: set[str] = set()
    _local.reads = collected
    try:
        yield collected
    finally:
        _local.reads = outer
        if outer is not None:
            outer.update(collected)
