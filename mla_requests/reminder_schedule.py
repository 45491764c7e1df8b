"""Writes to the reminder schedule: the day the reminder scan next reads a request.

One table per kind of request (ScheduleTable: OUTGOING, ReminderSchedule; INCOMING,
IncomingReminderSchedule), every function the same for both. The scan reads only requests whose
row says `next_on <= today`, so every write that changes what a request's reminders depend on must
bring its row forward, in the same transaction:

- `replan(request_id, pending=...)`: the request services (sending, a transition, a moved
  deadline, an edit, a chaser recorded, supplementary information sent) after they changed a
  request. A request still waiting for a foreign answer, or for our additional information, gets
  next_on = REPLAN (the next scan re-plans it); one that stopped waiting loses its row.
- `replan_incoming(incoming_id, open=...)`: the same for an incoming request, called by every
  incoming service (receipt, edit, assignment, transition, a moved deadline): an open request is
  due at the next scan, any other has no row.
- `replan_case(case_id)`: a case's unit or lead investigator changed (cases.services.case_update):
  its pending requests' rows are due again.
- `replan_all()`: a reminder policy or a holiday was saved or deleted (signals connected in
  apps.py): every row of both tables is due again, one UPDATE each.
- `move_next_days(rows)`: the scan, after planning a request as of today, sets its next_on to
  the next day a new stage can come, unless a service changed the row meanwhile (revision).
- `drop(rows)`: the scan deletes the due rows it read of requests no longer pending (rows the
  services did not write, e.g. loaded in bulk), unless a service changed them meanwhile.
- `repair_missing()`: rows for pending (or open incoming) requests that have none (the daily
  beat task), so a request written around the services is not forgotten for good.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.db.models import Case, DateField, F, Value, When

from incoming.models import IncomingRequest
from mla_requests.models import IncomingReminderSchedule, ReminderSchedule, Request

#: Rows per UPDATE statement where no COPY is available.
WRITE_BATCH = 2000


@dataclass(frozen=True)
class ScheduleTable:
    """The schedule of one kind of request: its table, the column naming the request (the
    table's primary key), and the statuses in which the request waits and so keeps a row."""

    model: type[models.Model]
    subject_model: type[models.Model]
    key: str
    waiting_statuses: tuple[str, ...]

    @property
    def table(self) -> str:
        return self.model._meta.db_table


# Outgoing requests keep a row while pending and while the requested state waits for our
# additional information (our own deadline is reminded then).
OUTGOING = ScheduleTable(ReminderSchedule, Request, "request_id", tuple(Request.REMINDED_STATUSES))
INCOMING = ScheduleTable(
    IncomingReminderSchedule, IncomingRequest, "incoming_request_id", tuple(IncomingRequest.OPEN_STATUSES)
)
TABLES = (OUTGOING, INCOMING)


def _day(value: datetime.date | None):
    return connection.ops.adapt_datefield_value(value)


def replan(request_id: int, *, pending: bool, table: ScheduleTable = OUTGOING) -> None:
    """After a service changed a request: due at the next scan if it is still pending (the row is
    created if missing, its revision bumped otherwise), no row if it is not."""
    if not pending:
        table.model.objects.filter(pk=request_id).delete()
        return
    name = connection.ops.quote_name(table.table)
    # One statement on both PostgreSQL and SQLite (>= 3.24), race-free against a concurrent insert.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {name} ({table.key}, next_on, revision) VALUES (%s, %s, 0)"
            f" ON CONFLICT ({table.key}) DO UPDATE SET next_on = excluded.next_on, revision = {name}.revision + 1",
            [request_id, _day(ReminderSchedule.REPLAN)],
        )


def replan_incoming(incoming_id: int, *, open: bool) -> None:
    """After an incoming request changed: due at the next scan while it is open, else no row."""
    replan(incoming_id, pending=open, table=INCOMING)


def replan_case(case_id: int) -> int:
    """The case's pending requests due at the next scan: its unit or lead investigator changed,
    and with them who receives the reminders."""
    return ReminderSchedule.objects.filter(request__case_id=case_id).update(
        next_on=ReminderSchedule.REPLAN, revision=F("revision") + 1
    )


def replan_all() -> int:
    """Every waiting request of both kinds due at the next scan: a policy or the holiday calendar
    changed, which may move any stage of any plan. At volume that next scan re-plans all of them
    once."""
    return sum(
        table.model.objects.update(next_on=ReminderSchedule.REPLAN, revision=F("revision") + 1) for table in TABLES
    )


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


def move_next_days(
    rows: list[tuple[int, int, datetime.date | None]], *, today: datetime.date, table: ScheduleTable = OUTGOING
) -> None:
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
            table.model.objects.filter(
                pk__in=[pk for pk, _rev, _day in chunk],
                next_on__lte=today,
                revision=Case(*[When(pk=pk, then=Value(rev)) for pk, rev, _day in chunk]),
            ).update(next_on=Case(*[When(pk=pk, then=Value(day)) for pk, _rev, day in chunk], output_field=DateField()))
        return
    name = connection.ops.quote_name(table.table)
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
            f"UPDATE {name} AS s SET next_on = t.next_on FROM reminder_scan_next t"
            f" WHERE s.{table.key} = t.request_id AND s.revision = t.revision AND s.next_on <= %s",
            [today],
        )
        # Dropped now, not at commit: the scan may run inside a longer transaction (the benchmark's).
        cursor.execute("DROP TABLE reminder_scan_next")


def drop(rows: list[tuple[int, int]], *, table: ScheduleTable = OUTGOING) -> int:
    """Delete rows by (request id, revision read), where the revision is unchanged: a request made
    pending again meanwhile (info requested -> acknowledged) keeps the row its service wrote."""
    deleted = 0
    for start in range(0, len(rows), WRITE_BATCH):
        chunk = rows[start : start + WRITE_BATCH]
        deleted += table.model.objects.filter(
            pk__in=[pk for pk, _rev in chunk], revision=Case(*[When(pk=pk, then=Value(rev)) for pk, rev in chunk])
        ).delete()[0]
    return deleted


def repair_missing() -> int:
    """Give every waiting request of both kinds without a row one due at the next scan (an
    anti-join over the waiting requests); returns how many were missing. Services (and the
    incoming requests' signals) always write the row, so this finds only requests written around
    them (a bulk load, a manual fix in the database)."""
    return sum(_repair_missing(table) for table in TABLES)


def _repair_missing(table: ScheduleTable) -> int:
    name = connection.ops.quote_name(table.table)
    request_table = connection.ops.quote_name(table.subject_model._meta.db_table)
    marks = ", ".join(["%s"] * len(table.waiting_statuses))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {name} ({table.key}, next_on, revision)"
            f" SELECT r.id, %s, 0 FROM {request_table} r WHERE r.status IN ({marks})"
            f" AND NOT EXISTS (SELECT 1 FROM {name} s WHERE s.{table.key} = r.id)"
            f" ON CONFLICT ({table.key}) DO NOTHING",
            [_day(ReminderSchedule.REPLAN), *table.waiting_statuses],
        )
        return cursor.rowcount
