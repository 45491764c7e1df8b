"""Writes to the reminder schedule (ReminderSchedule): the day the reminder scan next reads a request.

The scan reads only requests whose row says `next_on <= today`, so every write that changes what a
request's reminders depend on must bring its row forward, in the same transaction:

- `replan(request_id, pending=...)`: the request services (sending, a transition, a moved
  deadline, an edit) after they changed a request. A request still waiting for a foreign answer
  gets next_on = REPLAN (the next scan re-plans it); one that stopped waiting loses its row.
- `replan_case(case_id)`: a case's unit or lead investigator changed (cases.services.case_update):
  its pending requests' rows are due again.
- `replan_all()`: a reminder policy or a holiday was saved or deleted (signals connected in
  apps.py): every row is due again, one UPDATE.
- `move_next_days(rows)`: the scan, after planning a request as of today, sets its next_on to
  the next day a new stage can come, unless a service changed the row meanwhile (revision).
- `drop(rows)`: the scan deletes the due rows it read of requests no longer pending (rows the
  services did not write, e.g. loaded in bulk), unless a service changed them meanwhile.
- `repair_missing()`: rows for pending requests that have none (the daily beat task), so a
  request written around the services is not forgotten for good.
"""

from __future__ import annotations

import datetime

from django.db import connection, transaction
from django.db.models import Case, DateField, F, Value, When

from mla_requests.models import ReminderSchedule, Request

#: Rows per UPDATE statement where no COPY is available.
WRITE_BATCH = 2000

TABLE = ReminderSchedule._meta.db_table


def _day(value: datetime.date | None):
    return connection.ops.adapt_datefield_value(value)


def replan(request_id: int, *, pending: bool) -> None:
    """After a service changed a request: due at the next scan if it is still pending (the row is
    created if missing, its revision bumped otherwise), no row if it is not."""
    if not pending:
        ReminderSchedule.objects.filter(pk=request_id).delete()
        return
    table = connection.ops.quote_name(TABLE)
    # One statement on both PostgreSQL and SQLite (>= 3.24), race-free against a concurrent insert.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (request_id, next_on, revision) VALUES (%s, %s, 0)"
            f" ON CONFLICT (request_id) DO UPDATE SET next_on = excluded.next_on, revision = {table}.revision + 1",
            [request_id, _day(ReminderSchedule.REPLAN)],
        )


def replan_case(case_id: int) -> int:
    """The case's pending requests due at the next scan: its unit or lead investigator changed,
    and with them who receives the reminders."""
    return ReminderSchedule.objects.filter(request__case_id=case_id).update(
        next_on=ReminderSchedule.REPLAN, revision=F("revision") + 1
    )


def replan_all() -> int:
    """Every pending request due at the next scan: a policy or the holiday calendar changed, which
    may move any stage of any plan. At volume that next scan re-plans all of them once."""
    return ReminderSchedule.objects.update(next_on=ReminderSchedule.REPLAN, revision=F("revision") + 1)


def _policy_or_calendar_changed(sender, **kwargs):
    replan_all()


def connect_signals() -> None:
    """ReminderPolicy and Holiday have no service of their own (administrators edit them in the
    admin); their save and delete signals, bulk deletes included, reset the schedule."""
    from django.db.models.signals import post_delete, post_save

    from mla_requests.models import Holiday, ReminderPolicy

    for model in (ReminderPolicy, Holiday):
        uid = f"reminder-schedule-{model._meta.model_name}"
        post_save.connect(_policy_or_calendar_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_policy_or_calendar_changed, sender=model, dispatch_uid=f"{uid}-delete")


def move_next_days(rows: list[tuple[int, int, datetime.date | None]], *, today: datetime.date) -> None:
    """Set next_on per (request id, revision read by the scan, next day) where the row is still at
    that revision: a service that changed the request after the scan read it bumped the revision,
    and its REPLAN must win over a day planned from the old values. Only rows due by `today` (the
    scan's day) are candidates: the range of the next_on index the scan read them from, rather
    than a hash of the whole table, and a row another scan moved on meanwhile stays where it is.

    PostgreSQL: COPY into a temporary table and one UPDATE ... FROM (the daily scan moves thousands
    of rows); elsewhere one UPDATE with CASE per batch, the same statement bulk_update writes plus
    the revision check."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        for start in range(0, len(rows), WRITE_BATCH):
            chunk = rows[start : start + WRITE_BATCH]
            ReminderSchedule.objects.filter(
                pk__in=[pk for pk, _rev, _day in chunk],
                next_on__lte=today,
                revision=Case(*[When(pk=pk, then=Value(rev)) for pk, rev, _day in chunk]),
            ).update(next_on=Case(*[When(pk=pk, then=Value(day)) for pk, _rev, day in chunk], output_field=DateField()))
        return
    table = connection.ops.quote_name(TABLE)
    # A transaction for the temporary table's life (ON COMMIT DROP); the scan's own, if in one.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE reminder_scan_next (request_id bigint, revision integer, next_on date)"
            " ON COMMIT DROP"
        )
        with cursor.cursor.copy("COPY reminder_scan_next (request_id, revision, next_on) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"UPDATE {table} AS s SET next_on = t.next_on FROM reminder_scan_next t"
            " WHERE s.request_id = t.request_id AND s.revision = t.revision AND s.next_on <= %s",
            [today],
        )
        # Dropped now, not at commit: the scan may run inside a longer transaction (the benchmark's).
        cursor.execute("DROP TABLE reminder_scan_next")


def drop(rows: list[tuple[int, int]]) -> int:
    """Delete rows by (request id, revision read), where the revision is unchanged: a request made
    pending again meanwhile (info requested -> acknowledged) keeps the row its service wrote."""
    deleted = 0
    for start in range(0, len(rows), WRITE_BATCH):
        chunk = rows[start : start + WRITE_BATCH]
        deleted += ReminderSchedule.objects.filter(
            pk__in=[pk for pk, _rev in chunk], revision=Case(*[When(pk=pk, then=Value(rev)) for pk, rev in chunk])
        ).delete()[0]
    return deleted


def repair_missing() -> int:
    """Give every pending request without a row one due at the next scan (an anti-join over the
    pending requests); returns how many were missing. Services always write the row, so this
    finds only requests written around them (a bulk load, a manual fix in the database)."""
    table = connection.ops.quote_name(TABLE)
    request_table = connection.ops.quote_name(Request._meta.db_table)
    marks = ", ".join(["%s"] * len(Request.PENDING_STATUSES))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (request_id, next_on, revision)"
            f" SELECT r.id, %s, 0 FROM {request_table} r WHERE r.status IN ({marks})"
            f" AND NOT EXISTS (SELECT 1 FROM {table} s WHERE s.request_id = r.id)"
            " ON CONFLICT (request_id) DO NOTHING",
            [_day(ReminderSchedule.REPLAN), *Request.PENDING_STATUSES],
        )
        return cursor.rowcount
