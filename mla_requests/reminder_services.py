"""Reminder services: the scan that plans deliveries, the delivery itself, and the daily digest.

How a reminder goes exactly once (the healthchecks `sendalerts` pattern):

1. `scan_reminders` reads the pending requests whose schedule row is due (next_on <= today: the
   days a new stage can come, kept by the scan itself and brought forward by every service that
   changes a request), asks reminders.py which stage is due for each, and inserts one
   ReminderDelivery per (request, stage, deadline, recipient). The unique constraint on that key
   makes a duplicate beat, a retried task or a second worker insert nothing. It does so for each
   kind of request (KINDS: outgoing requests waiting for a foreign answer, incoming requests
   waiting for our execution) through the same code, the kind saying where its deadline, its
   people and its open rule are.
2. `deliver_reminder` claims the row with a compare-and-swap UPDATE (status pending/failed, or a
   stale claim -> sending); only the worker whose UPDATE changed the row sends. The claim commits
   before anything is sent. A worker that dies after claiming leaves the row "sending" with
   next_attempt_at = claim time + REMINDER_CLAIM_TIMEOUT; the next scan after that hands it out
   again, so a crash delays a reminder but never drops it.
3. Sending posts the in-app notification (idempotent by its source key) and the email; an SMTP
   failure leaves the row "failed" with the error and the time of the next attempt (exponential
   backoff), retried by later scans until REMINDER_EMAIL_MAX_ATTEMPTS.

Due dates live in the database; no ETA or countdown task is ever scheduled.
"""

from __future__ import annotations

import datetime
import gc
import json
import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import BooleanField, Case, DateField, F, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.models import Case as CriminalCase
from incoming.models import IncomingRequest
from mla_requests import reminder_schedule, reminders
from mla_requests.models import (
    Holiday,
    ReminderDelivery,
    ReminderDigest,
    ReminderPolicy,
    Request,
    RequestQuerySet,
)
from recovery.links import public_link
from recovery.notifications import email_modes_for, notify
from recovery.roles import SUPERVISOR

logger = logging.getLogger(__name__)

TODO_STATUSES = (ReminderDelivery.Status.PENDING, ReminderDelivery.Status.SENDING, ReminderDelivery.Status.FAILED)


# --- Policy -------------------------------------------------------------------------------------

POLICY_FIELDS = (
    "days_before",
    "overdue_every_days",
    "escalate_after_days",
    "ack_chase_after_days",
    "working_days",
    "propose_chaser_after_days",
)


def default_policy_values() -> dict:
    return {
        "days_before": tuple(settings.REMINDER_DAYS_BEFORE),
        "overdue_every_days": settings.REMINDER_OVERDUE_EVERY_DAYS,
        "escalate_after_days": settings.REMINDER_ESCALATE_AFTER_DAYS,
        "ack_chase_after_days": settings.REMINDER_ACK_CHASE_AFTER_DAYS,
        "working_days": settings.REMINDER_WORKING_DAYS,
        # No setting: chasers are proposed only where a policy row asks for them.
        "propose_chaser_after_days": None,
    }


def load_calendar(*, around: datetime.date) -> reminders.Calendar:
    """The holiday list, two years either side of `around` (all a reminder plan can reach)."""
    rows = Holiday.objects.filter(
        day__gte=around - datetime.timedelta(days=730), day__lte=around + datetime.timedelta(days=730)
    ).values_list("day", "is_working_day")
    return reminders.Calendar(
        holidays=frozenset(day for day, worked in rows if not worked),
        extra_working_days=frozenset(day for day, worked in rows if worked),
    )


OUTGOING = ReminderPolicy.Direction.OUTGOING
INCOMING = ReminderPolicy.Direction.INCOMING


@dataclass
class PolicyBook:
    """The policies in force, read once per scan: settings, then per direction (outgoing,
    incoming) the general row, per country, per legal instrument. `for_request` resolves one
    request's policy field by field; a row of one direction never applies to the other."""

    calendar: reminders.Calendar
    # {direction: row}, {(direction, country): row}, {(direction, instrument id): row}
    general: dict[str, ReminderPolicy] = field(default_factory=dict)
    by_country: dict[tuple[str, str], ReminderPolicy] = field(default_factory=dict)
    by_instrument: dict[tuple[str, int], ReminderPolicy] = field(default_factory=dict)

    @classmethod
    def load(cls, *, today: datetime.date) -> PolicyBook:
        book = cls(calendar=load_calendar(around=today))
        for row in ReminderPolicy.objects.filter(is_active=True):
            if row.legal_instrument_id:
                book.by_instrument[(row.direction, row.legal_instrument_id)] = row
            elif row.country:
                book.by_country[(row.direction, str(row.country))] = row
            else:
                book.general[row.direction] = row
        return book

    def resolve(self, *, legal_instrument_id=None, country: str = "", direction: str = OUTGOING) -> reminders.Policy:
        values = default_policy_values()
        layers = [
            self.general.get(direction),
            self.by_country.get((direction, str(country or ""))),
            self.by_instrument.get((direction, legal_instrument_id)),
        ]
        for row in layers:  # the most specific layer last, so it wins
            if row is None:
                continue
            for name in POLICY_FIELDS:
                value = getattr(row, name)
                if name == "days_before":
                    value = reminders.parse_days_list(value) if value.strip() else None
                if value is not None:
                    values[name] = value
        return reminders.Policy(calendar=self.calendar, **values)

    def for_request(self, request: Request | IncomingRequest) -> reminders.Policy:
        if isinstance(request, IncomingRequest):
            return self.resolve(
                legal_instrument_id=request.legal_basis_id, country=str(request.requesting_country), direction=INCOMING
            )
        return self.resolve(legal_instrument_id=request.legal_basis_id, country=str(request.country))

    def all_policies(self) -> list[reminders.Policy]:
        found = [self.resolve(direction=direction) for direction in (OUTGOING, INCOMING)]
        found += [self.resolve(country=c, direction=d) for d, c in self.by_country]
        found += [self.resolve(legal_instrument_id=i, direction=d) for d, i in self.by_instrument]
        return found


# --- Recipients ---------------------------------------------------------------------------------


def unit_lineage() -> dict:
    """Each unit with the units above it ({unit id: [itself, its parent, ...]}), from one read of
    the (small) unit table."""
    from recovery.models import Unit

    parents = dict(Unit.objects.values_list("pk", "parent_id"))
    lineage = {}
    for unit_id in parents:
        chain, node = [], unit_id
        while node is not None and node not in chain:  # a cycle (bad data) ends the walk
            chain.append(node)
            node = parents.get(node)
        lineage[unit_id] = chain
    return lineage


def supervisors_by_unit(unit_ids) -> dict:
    """{unit id: [supervisor ids]}: active users in the Supervisor group whose unit is the given unit
    or one above it. Two queries however many units: the unit tree, then the supervisors."""
    from recovery.models import User

    lineage = unit_lineage()
    wanted = {unit_id: lineage.get(unit_id, [unit_id]) for unit_id in set(unit_ids) if unit_id is not None}
    if not wanted:
        return {}
    rows = (
        User.objects.filter(
            is_active=True, groups__name=SUPERVISOR, unit_id__in={u for chain in wanted.values() for u in chain}
        )
        .values_list("pk", "unit_id")
        .distinct()
    )
    in_unit: dict = {}
    for person_id, unit_id in rows:
        in_unit.setdefault(unit_id, []).append(person_id)
    return {
        unit_id: sorted({person_id for u in chain for person_id in in_unit.get(u, ())})
        for unit_id, chain in wanted.items()
    }


# --- The scan ----------------------------------------------------------------------------------


class PlannedReminder(NamedTuple):
    """One new delivery the scan plans (a named tuple: a scan at volume makes tens of thousands).
    `request_id` is the id of a request of its `kind` (outgoing or incoming)."""

    request_id: int
    reference: str
    stage: str
    deadline: datetime.date
    fires_on: datetime.date
    recipient_id: int
    recipient: str
    # Its key exists but was cancelled (the deadline moved away and came back): reopen that row.
    reopens_cancelled: bool = False
    cancelled_id: int | None = None
    kind: str = OUTGOING


@dataclass
class ScanResult:
    today: datetime.date
    planned: list[PlannedReminder] = field(default_factory=list)  # new delivery rows (or would-be, dry run)
    to_deliver: list[int] = field(default_factory=list)  # delivery ids to hand to workers
    read: int = 0  # pending requests the schedule had due (planned as of today)
    # Seconds per phase (read, plan, insert, schedule), for the log and the benchmark.
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class ScanPlan:
    planned: list[PlannedReminder]
    # (request id, schedule revision read, next day a new stage can come or None) per request read.
    next_days: list[tuple[int, int, datetime.date | None]]
    # (request id, revision) of due rows whose request no longer waits for an answer.
    not_pending: list[tuple[int, int]] = field(default_factory=list)
    read: int = 0
    timings: dict[str, float] = field(default_factory=dict)


def due_schedule(*, today: datetime.date, table: reminder_schedule.ScheduleTable = reminder_schedule.OUTGOING):
    """The schedule rows due by today (next_on <= today): an index range on the table's next_on
    index. Every other pending request has had what its plan holds up to today; its row says on
    which day that changes."""
    return table.model.objects.filter(next_on__lte=today).order_by()


def among(column: str, ids: list[int]) -> RawSQL:
    """`column` is one of `ids`, as one array parameter (PostgreSQL) or one JSON text (SQLite),
    not one placeholder per id: the scan reads thousands of requests by id, and a list of
    thousands of placeholders costs more to build and plan than the read. By id, PostgreSQL reads
    the rows off the primary key; joined to the schedule, it chose to hash the whole table."""
    if connection.vendor == "postgresql":
        # Written as the array's text: psycopg adapting a list walks it element by element.
        array = "{" + ",".join(map(str, ids)) + "}"
        return RawSQL(f"{column} = ANY(%s::bigint[])", [array], output_field=BooleanField())
    return RawSQL(f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(ids)], output_field=BooleanField())


def scan_candidates(ids: list[int]):
    """The requests of the due schedule rows, by id. Their status is not filtered: a due row of a
    request no longer pending is read too, so the scan can delete it (services delete theirs;
    such rows come from writes around them)."""
    return Request.objects.filter(among(f'"{Request._meta.db_table}"."id"', ids)).order_by()


# What the plan needs of each candidate: its dates, what picks its policy, and who hears of it.
# The case's unit and lead come after, for the few requests that need them (CASE_FIELDS).
CANDIDATE_FIELDS = (
    "pk",
    "reference",
    "status",
    "sent_on",
    "response_due",
    "acknowledged_on",
    "legal_basis_id",
    "country",
    "case_id",
    "responsible_investigator_id",
    "responsible_investigator__is_active",
    # Our deadline while the requested state waits for information, and the last chaser sent.
    "supplementary_due",
    "last_chaser_on",
)
# Of the cases of requests with an escalation due (the unit's supervisors) or whose responsible
# investigator has left (the case's lead): a read of the case table for every request read was
# a third of the scan's read at volume.
CASE_FIELDS = ("pk", "unit_id", "lead_investigator_id", "lead_investigator__is_active")

# An incoming request's row in the candidates' shape: no sending nor acknowledgement (nothing to
# chase), its execution deadline, its requesting state, its executing unit in place of the case,
# its executor in place of the responsible investigator.
INCOMING_CANDIDATE_FIELDS = (
    "pk",
    "reference",
    "status",
    "no_date",
    "execution_due",
    "no_date",
    "legal_basis_id",
    "requesting_country",
    "unit_id",
    "executor_id",
    "executor__is_active",
    "no_date",
    "no_date",
)


@dataclass(frozen=True)
class Kind:
    """What the scan needs to know of one kind of request; everything else is the same code.

    Each candidate row has one shape for both kinds: (id, reference, status, sent on, deadline,
    acknowledged on, legal basis id, foreign state, owner id, person id, person active). The owner
    is what names the unit whose supervisors are told on escalation: the case (outgoing requests,
    read afterwards with its lead investigator) or the executing unit itself (incoming requests).
    When the person reminded (the responsible investigator; the executor) has left or is not named
    yet, outgoing reminders go to the case's lead, incoming ones to the executing unit's
    supervisors, who name the executor."""

    direction: str
    schedule: reminder_schedule.ScheduleTable
    delivery_key: str
    owner_is_unit: bool

    @property
    def subject_model(self):
        return self.schedule.subject_model

    def candidates(self, ids: list[int]):
        if self.direction == OUTGOING:
            return scan_candidates(ids).values_list(*CANDIDATE_FIELDS)
        return (
            IncomingRequest.objects.filter(among(f'"{IncomingRequest._meta.db_table}"."id"', ids))
            .order_by()
            .annotate(no_date=Value(None, output_field=DateField()))
            .values_list(*INCOMING_CANDIDATE_FIELDS)
        )

    def is_waiting(self, status: str) -> bool:
        if self.direction == OUTGOING:
            # Pending (the foreign answer), or waiting for our additional information.
            return status in Request.REMINDED_STATUSES
        return status in IncomingRequest.OPEN_STATUSES

    def acknowledged(self, status: str, acknowledged_on) -> bool:
        if self.direction == OUTGOING:
            return not RequestQuerySet.is_awaiting_acknowledgement(status, acknowledged_on)
        return True  # nothing to chase

    def owners(self, owner_ids) -> dict[int, tuple]:
        """{owner id: (unit id, stand-in person id, stand-in active)}."""
        if self.owner_is_unit:
            return {unit_id: (unit_id, None, False) for unit_id in owner_ids}
        return {
            pk: tuple(rest)
            for pk, *rest in CriminalCase.objects.filter(
                among(f'"{CriminalCase._meta.db_table}"."id"', sorted(owner_ids))
            )
            .order_by()
            .values_list(*CASE_FIELDS)
        }


OUTGOING_KIND = Kind(OUTGOING, reminder_schedule.OUTGOING, "request_id", owner_is_unit=False)
INCOMING_KIND = Kind(INCOMING, reminder_schedule.INCOMING, "incoming_request_id", owner_is_unit=True)
KINDS = (OUTGOING_KIND, INCOMING_KIND)


def due_revisions(*, today: datetime.date) -> dict[str, dict[int, int]]:
    """{direction: {request id: revision}} of the schedule rows due by today, of every kind, in one
    statement (UNION ALL of each table's index range): one read however many kinds there are."""
    parts = [
        f"SELECT {n} AS kind, {connection.ops.quote_name(kind.schedule.key)}, revision"
        f" FROM {connection.ops.quote_name(kind.schedule.table)} WHERE next_on <= %s"
        for n, kind in enumerate(KINDS)
    ]
    found: dict[str, dict[int, int]] = {kind.direction: {} for kind in KINDS}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), [connection.ops.adapt_datefield_value(today)] * len(KINDS))
        for n, pk, revision in cursor.fetchall():
            found[KINDS[n].direction][pk] = revision
    return found


def _plan(
    *,
    today: datetime.date,
    book: PolicyBook | None = None,
    kind: Kind = OUTGOING_KIND,
    revisions: dict[int, int] | None = None,
) -> ScanPlan:
    """The scan's plan for one kind of request: the new reminders, and each request's next day.

    Set-based: a fixed number of queries however many requests are due (the policies, the
    candidates with what the plan needs of them, their earlier deliveries, the supervisors of their
    units, the recipients' names); the rest is arithmetic in memory."""
    started = time.perf_counter()
    book = book or PolicyBook.load(today=today)
    plan = ScanPlan(planned=[], next_days=[])
    # The revision of each due row: the scan moves next_on only where it is unchanged (a request
    # changed after this read is planned again by the next scan).
    if revisions is None:
        revisions = dict(due_schedule(today=today, table=kind.schedule).values_list(kind.schedule.key, "revision"))
    if not revisions:
        plan.timings["read"] = time.perf_counter() - started
        return plan
    ids = sorted(revisions)
    is_waiting = kind.is_waiting
    rows = []
    for row in sorted(kind.candidates(ids)):  # by request id: a stable plan
        if is_waiting(row[2]):
            rows.append(row)
        else:
            plan.not_pending.append((row[0], revisions[row[0]]))
    plan.read = len(rows)
    # Deliveries already made for these requests: by key, and by (request, stage, recipient) with
    # the day each was planned, for the re-plan rule when a deadline moved (off the unique key,
    # whose first column is the request).
    existing_keys, cancelled_keys = set(), {}
    earlier: dict[tuple, list[datetime.date]] = {}
    key = kind.delivery_key
    for pk, request_id, stage, deadline, recipient_id, created_at, status in (
        ReminderDelivery.objects.filter(among(f'"{ReminderDelivery._meta.db_table}"."{key}"', ids))
        .order_by()
        .values_list("pk", key, "stage", "deadline", "recipient_id", "created_at", "status")
    ):
        # A cancelled row does not count: its deadline may have come back (moved away and back).
        if status == ReminderDelivery.Status.CANCELLED:
            cancelled_keys[(request_id, stage, deadline, recipient_id)] = pk
        else:
            existing_keys.add((request_id, stage, deadline, recipient_id))
            day = reminders.local_date(created_at, settings.TIME_ZONE)
            earlier.setdefault((request_id, stage, recipient_id), []).append(day)
    plan.timings["read"] = time.perf_counter() - started

    policies: dict[tuple, reminders.Policy] = {}
    # Bound once: the loops below run for every request read, tens of thousands at volume.
    due_stages_and_next_day, next_days = reminders.due_stages_and_next_day, plan.next_days
    to_supervisors, ack_chase = reminders.TO_SUPERVISORS, reminders.ACK_CHASE
    is_acknowledged, direction = kind.acknowledged, kind.direction
    # Incoming requests have a status of that name too, but it is not among their waiting ones.
    info_requested = Request.Status.INFO_REQUESTED if direction == OUTGOING else None
    # First the stages due today and each request's next day; the cases whose unit or lead a
    # stage needs are noted, and read once afterwards.
    staged: list[tuple] = []  # (row, stages, policy)
    case_ids: set[int] = set()
    for row in rows:
        (pk, _ref, status, sent_on, response_due, acknowledged_on, legal_basis_id, country, case_id) = row[:9]
        policy_key = (legal_basis_id, country)
        policy = policies.get(policy_key)
        if policy is None:
            policy = policies[policy_key] = book.resolve(
                legal_instrument_id=legal_basis_id, country=str(country or ""), direction=direction
            )
        if status == info_requested:
            # The requested state waits for us: our own deadline's stages, none of the answer's.
            stages, next_on = reminders.supplementary_stages_and_next_day(row[11], policy, today)
        else:
            acknowledged = is_acknowledged(status, acknowledged_on)
            # The stages due today, and the day until which due_stages gives nothing it does not
            # give today (no need to read the request again before it).
            stages, next_on = due_stages_and_next_day(sent_on, response_due, acknowledged, policy, today)
            if info_requested is not None and policy.propose_chaser_after_days is not None:
                chaser, chaser_next = reminders.chaser_stage_and_next_day(response_due, row[12], policy, today)
                if chaser is not None:
                    stages = [*stages, chaser]
                if chaser_next is not None and (next_on is None or chaser_next < next_on):
                    next_on = chaser_next
        if stages:
            staged.append((row, stages, policy))
            if not row[10] or any(stage.audience == to_supervisors for stage in stages):
                case_ids.add(case_id)
        next_days.append((pk, revisions[pk], next_on))
    cases: dict[int, tuple] = {}
    supervisors: dict = {}
    if case_ids:
        cases = kind.owners(case_ids)
        supervisors = supervisors_by_unit({unit_id for unit_id, _lead, _active in cases.values()})

    if staged:
        from recovery.models import User

        # Everyone a reminder can go to (the investigators, the leads, the supervisors read), named
        # once, so that each planned reminder is built as soon as it is known to be new.
        people = {row[9] for row, _stages, _policy in staged}
        people |= {lead_id for _unit, lead_id, _active in cases.values() if lead_id is not None}
        people |= {person_id for ids in supervisors.values() for person_id in ids}
        names = {person.pk: str(person) for person in User.objects.filter(pk__in=people)}
    append, is_repeat_after_move = plan.planned.append, reminders.is_repeat_after_move
    chaser_prefix = reminders.CHASER_PREFIX
    owner_is_unit = kind.owner_is_unit
    for row, stages, policy in staged:
        pk, reference, sent_on, response_due, case_id, investigator_id, investigator_active = (
            row[0], row[1], row[3], row[4], row[8], row[9], row[10]
        )  # fmt: skip
        for stage in stages:
            deadline = response_due
            if stage.name == ack_chase:
                deadline = reminders.ack_chase_deadline(sent_on, policy)
            elif info_requested is not None and row[2] == info_requested:
                deadline = row[11]  # our deadline: the supplementary stages' key
            elif stage.name.startswith(chaser_prefix):
                # The day the chaser period ran from: a new chaser starts a new key.
                deadline = reminders.chaser_basis(response_due, row[12])
            if stage.audience == to_supervisors:
                recipients = supervisors.get(cases[case_id][0], []) if case_id in cases else []
            elif investigator_active:
                recipients = [investigator_id]
            elif owner_is_unit:  # no executor named yet, or gone: the unit's supervisors, who name one
                recipients = supervisors.get(case_id, [])
            else:  # the responsible investigator has left: the case's lead, if still active
                _unit, lead_id, lead_active = cases.get(case_id, (None, None, False))
                recipients = [lead_id] if lead_id is not None and lead_active else []
            for person_id in recipients:
                key = (pk, stage.name, deadline, person_id)
                if key in existing_keys:
                    continue
                before = earlier.get((pk, stage.name, person_id))
                if before and is_repeat_after_move(stage, before):
                    continue
                cancelled_id = cancelled_keys.get(key) if cancelled_keys else None
                # Positional, in the fields' order (request, reference, stage, deadline, fires on,
                # recipient id and name, reopens, cancelled id, kind): the cheapest way to build one.
                append(
                    PlannedReminder(
                        pk,
                        reference,
                        stage.name,
                        deadline,
                        stage.fires_on,
                        person_id,
                        names.get(person_id, ""),
                        cancelled_id is not None,
                        cancelled_id,
                        direction,
                    )
                )
    plan.timings["plan"] = time.perf_counter() - started - plan.timings["read"]
    return plan


#: Rows per INSERT / UPDATE statement of the scan.
SCAN_WRITE_BATCH = 2000


NEW_DELIVERY_COLUMNS = ("request_id", "stage", "deadline", "recipient_id", "fires_on", "email_mode")


def insert_deliveries(rows: list[tuple], *, now: datetime.datetime, key: str = "request_id") -> list[int] | None:
    """Insert new pending deliveries, (request id, stage, deadline, recipient id, fires on, email
    mode) each, skipping any key that exists already (ON CONFLICT DO NOTHING on the unique key).
    Returns the ids of the rows inserted on PostgreSQL, None elsewhere (not known there). `key` is
    the column the first value goes to: request_id, or incoming_request_id for incoming requests.

    On PostgreSQL the rows go through COPY into a temporary table and one INSERT ... SELECT: the
    first scan over a large backlog plans tens of thousands of reminders, and building a model
    instance and quoting every value of each (bulk_create) cost ten times the database's work."""
    names = (key, *NEW_DELIVERY_COLUMNS[1:])
    if connection.vendor != "postgresql":
        ReminderDelivery.objects.bulk_create(
            [
                ReminderDelivery(**dict(zip(names, row, strict=True)), next_attempt_at=now, created_at=now)
                for row in rows
            ],
            batch_size=SCAN_WRITE_BATCH,
            ignore_conflicts=True,
        )
        return None
    table = connection.ops.quote_name(ReminderDelivery._meta.db_table)
    columns = ", ".join(NEW_DELIVERY_COLUMNS)
    # A transaction for the temporary table's life (ON COMMIT DROP); the scan's own, if in one.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE reminder_scan_new (request_id bigint, stage text, deadline date,"
            " recipient_id bigint, fires_on date, email_mode text) ON COMMIT DROP"
        )
        with cursor.cursor.copy(f"COPY reminder_scan_new ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        # Without a conflict target: any unique key, the partial one of incoming requests included.
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(names)}, status, attempts, next_attempt_at, last_error, created_at)"
            f" SELECT {columns}, %s, 0, %s, '', %s FROM reminder_scan_new ON CONFLICT DO NOTHING RETURNING id",
            [ReminderDelivery.Status.PENDING, now, now],
        )
        inserted = [row[0] for row in cursor.fetchall()]
        cursor.execute("DROP TABLE reminder_scan_new")
    return inserted


@contextmanager
def _no_gc_pauses():
    """Hold Python's cycle collector while a scan builds its plan: tens of thousands of small
    tuples, none in a cycle, each batch of which started a collection that walks every object of
    the process (a third of the scan's CPU time at volume). What is left is collected after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def scan_reminders(*, now: datetime.datetime | None = None, dry_run: bool = False) -> ScanResult:
    """Plan today's reminders and list the deliveries to hand to workers.

    Reads the pending requests the schedule has due (ReminderSchedule.next_on <= today), inserts a
    delivery row per new (request, stage, deadline, recipient), ignoring rows another scan inserted
    first (the unique constraint), moves each request's next_on to the next day a new stage can
    come, all in one transaction; then lists every delivery waiting to be sent: new ones, failed
    ones whose retry time has come, and claims older than REMINDER_CLAIM_TIMEOUT (their worker
    died). With dry_run nothing is written. The number of queries does not depend on how many
    requests are due (tests/reminders/test_scan_shape.py)."""
    with _no_gc_pauses():
        return _scan_reminders(now=now, dry_run=dry_run)


def _plan_all(*, today: datetime.date) -> list[tuple[Kind, ScanPlan]]:
    """Each kind's plan, from one read of the policies and the holidays and one of the due rows."""
    book = PolicyBook.load(today=today)
    due = due_revisions(today=today)
    return [(kind, _plan(today=today, book=book, kind=kind, revisions=due[kind.direction])) for kind in KINDS]


def _merge(today: datetime.date, plans: list[tuple[Kind, ScanPlan]]) -> ScanResult:
    result = ScanResult(today=today)
    for _kind, plan in plans:
        result.planned += plan.planned
        result.read += plan.read
        for phase, seconds in plan.timings.items():
            result.timings[phase] = result.timings.get(phase, 0.0) + seconds
    return result


def _scan_reminders(*, now: datetime.datetime | None, dry_run: bool) -> ScanResult:
    now = now or timezone.now()
    today = reminders.local_date(now, settings.TIME_ZONE)
    if dry_run:
        return _merge(today, _plan_all(today=today))
    # One transaction: the deliveries and the days that say they are made commit together (a scan
    # that fails leaves next_on where it was, and the next scan plans the same again). On SQLite
    # (transaction_mode IMMEDIATE) it also holds the write lock from the read on. No savepoint
    # inside a caller's transaction: a scan that fails there fails the caller's transaction too.
    with transaction.atomic(savepoint=False):
        plans = _plan_all(today=today)
        result = _merge(today, plans)
        started = time.perf_counter()
        modes = email_modes_for({p.recipient_id for p in result.planned})
        # On PostgreSQL the deliveries waiting from before are listed now, and the new ones come
        # back from the insert itself: reading thirty thousand rows just written back off the
        # index cost a fifth of the scan.
        waiting = list(_waiting(now)) if connection.vendor == "postgresql" else None
        inserted = []
        for kind, plan in plans:
            new_rows = [
                (item.request_id, item.stage, item.deadline, item.recipient_id, item.fires_on, modes[item.recipient_id])
                for item in plan.planned
                if not item.reopens_cancelled
            ]
            if new_rows:
                # A row another scan inserted meanwhile is skipped by the unique key, not duplicated.
                inserted += insert_deliveries(new_rows, now=now, key=kind.delivery_key) or []
        # A key cancelled earlier (the deadline moved away and back) is due again: reopen that row,
        # if it is still cancelled (a concurrent scan may have reopened it first).
        reopened = [p for p in result.planned if p.reopens_cancelled]
        for start in range(0, len(reopened), SCAN_WRITE_BATCH):
            chunk = reopened[start : start + SCAN_WRITE_BATCH]
            ReminderDelivery.objects.filter(
                pk__in=[p.cancelled_id for p in chunk], status=ReminderDelivery.Status.CANCELLED
            ).update(
                status=ReminderDelivery.Status.PENDING,
                next_attempt_at=now,
                fires_on=Case(
                    *[When(pk=p.cancelled_id, then=Value(p.fires_on)) for p in chunk], output_field=DateField()
                ),
            )
        result.timings["insert"] = time.perf_counter() - started
        started = time.perf_counter()
        for kind, plan in plans:
            reminder_schedule.move_next_days(plan.next_days, today=today, table=kind.schedule)
            if plan.not_pending:
                # Rows of requests that stopped waiting without a service (bulk loads): not planned.
                reminder_schedule.drop(plan.not_pending, table=kind.schedule)
        result.timings["schedule"] = time.perf_counter() - started
    if waiting is None:
        result.to_deliver = list(_waiting(now))
    else:
        # New and reopened rows are due now, after every row waiting from before.
        listed = set(waiting)
        fresh = sorted({*inserted, *(p.cancelled_id for p in reopened)} - listed)
        result.to_deliver = waiting + fresh
    return result


def _waiting(now: datetime.datetime):
    """Deliveries waiting to be sent at `now`: new, failed and due for a retry, or claimed by a
    worker silent past the claim timeout (the partial index reminderdelivery_todo_idx)."""
    return (
        ReminderDelivery.objects.filter(status__in=TODO_STATUSES, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)
    )


# --- Delivery ----------------------------------------------------------------------------------


def claim_delivery(delivery_id: int, *, now: datetime.datetime) -> bool:
    """Compare-and-swap: take a delivery that is waiting (new, failed and due for retry, or claimed
    by a worker that has been silent past the claim timeout). True only for the one caller whose
    UPDATE changed the row; it is committed at once, before anything is sent."""
    claimed = ReminderDelivery.objects.filter(
        pk=delivery_id, status__in=TODO_STATUSES, next_attempt_at__lte=now
    ).update(
        status=ReminderDelivery.Status.SENDING,
        claimed_at=now,
        next_attempt_at=now + datetime.timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT),
        attempts=F("attempts") + 1,
    )
    return claimed == 1


def _finish(delivery: ReminderDelivery, **fields) -> bool:
    """Write the outcome, only if our claim still holds (nobody took the row over meanwhile)."""
    return bool(
        ReminderDelivery.objects.filter(
            pk=delivery.pk, status=ReminderDelivery.Status.SENDING, claimed_at=delivery.claimed_at
        ).update(**fields)
    )


def still_relevant(delivery: ReminderDelivery) -> bool:
    """A reminder is sent only while its request is pending (an incoming one: open) and its
    deadline is the one chased."""
    if delivery.incoming_request_id is not None:
        incoming = delivery.incoming_request
        return incoming.is_open and delivery.recipient.is_active and incoming.execution_due == delivery.deadline
    request = delivery.request
    if not delivery.recipient.is_active:
        return False
    if reminders.is_supplementary(delivery.stage):
        # Until the information is sent (status back to waiting for the answer, deadline cleared).
        return request.status == Request.Status.INFO_REQUESTED and request.supplementary_due == delivery.deadline
    if not request.is_pending:
        return False
    if delivery.stage == reminders.ACK_CHASE:
        return request.is_awaiting_acknowledgement
    if reminders.is_chaser(delivery.stage):
        # A chaser recorded since (or a deadline moved) starts another period: this one is moot.
        return reminders.chaser_basis(request.response_due, request.last_chaser_on) == delivery.deadline
    return request.response_due == delivery.deadline


def admin_path(request: Request | IncomingRequest) -> str:
    """The request's page in the admin, as a path (the in-app notification's link)."""
    if isinstance(request, IncomingRequest):
        return f"/admin/incoming/incomingrequest/{request.pk}/change/"
    return f"/admin/requests/request/{request.pk}/change/"


def request_link(request: Request | IncomingRequest) -> str:
    """The request's admin page as a full address (emails)."""
    return public_link(admin_path(request))


def chaser_form_path(request: Request) -> str:
    """The admin form that records a chaser on the request (a chaser proposal's link)."""
    return f"/admin/requests/request/{request.pk}/follow-up/"


def delivery_path(delivery: ReminderDelivery) -> str:
    """Where a reminder's in-app notification leads: the chaser form for a chaser proposal, the
    request's page otherwise."""
    if delivery.request_id is not None and reminders.is_chaser(delivery.stage):
        return chaser_form_path(delivery.request)
    return admin_path(delivery.subject)


def supplementary_reminder_text(delivery: ReminderDelivery, *, today: datetime.date) -> tuple[str, str]:
    """(subject, body) of a reminder of our deadline to send the additional information the
    requested state asked for, in the active language."""
    request = delivery.request
    stage = delivery.stage[len(reminders.SUPPLEMENTARY_PREFIX) :]
    due = request.supplementary_due or delivery.deadline
    values = {"ref": request.reference, "country": request.country.name, "due": due.isoformat()}
    if stage.startswith(reminders.BEFORE_PREFIX):
        values["days"] = max((due - today).days, 0)
        subject = (
            _(
                "Reminder: the additional information %(country)s asked for on %(ref)s is to be sent by %(due)s, "
                "days left: %(days)s"
            )
            % values
        )
    elif stage == reminders.DUE:
        subject = (
            _("Reminder: the additional information %(country)s asked for on %(ref)s is to be sent today, %(due)s")
            % values
        )
    else:
        values["days"] = (today - due).days
        if stage == reminders.ESCALATED:
            template = _(
                "Escalation: the additional information %(country)s asked for on %(ref)s is not sent, "
                "days overdue: %(days)s"
            )
        else:
            template = _(
                "Overdue: the additional information %(country)s asked for on %(ref)s is not sent, "
                "days overdue: %(days)s"
            )
        subject = template % values
    lines = [
        subject,
        "",
        _("Request: %(ref)s") % values,
        _("Requested state: %(country)s") % values,
        _("Case: %(case)s") % {"case": request.case.register_number},
        _("Responsible investigator: %(person)s") % {"person": request.responsible_investigator},
        _("Additional information due: %(due)s") % values,
        _("Once it is sent, record it on the request (“Supplementary information sent”): the reminders stop."),
        "",
        _("Open the request: %(link)s") % {"link": request_link(request)},
    ]
    if stage == reminders.ESCALATED:
        lines.insert(2, _("You receive this as a supervisor of the unit in charge of the case."))
    return subject, "\n".join(lines)


def chaser_reminder_text(delivery: ReminderDelivery, *, today: datetime.date) -> tuple[str, str]:
    """(subject, body) of a chaser proposal: the answer is overdue and no chaser went for a while."""
    request = delivery.request
    due = request.response_due
    values = {
        "ref": request.reference,
        "country": request.country.name,
        "due": due.isoformat() if due else "-",
        "days": (today - due).days if due else 0,
        "last": request.last_chaser_on.isoformat() if request.last_chaser_on else _("none yet"),
    }
    subject = _("A chaser is due: no answer to %(ref)s (%(country)s), days overdue: %(days)s") % values
    lines = [
        subject,
        "",
        _("Request: %(ref)s") % values,
        _("Requested state: %(country)s") % values,
        _("Foreign reference: %(foreign)s") % {"foreign": request.foreign_reference or "-"},
        _("Case: %(case)s") % {"case": request.case.register_number},
        _("Response due: %(due)s") % values,
        _("Last chaser sent on: %(last)s") % values,
        "",
        _("Record the chaser once sent: %(link)s") % {"link": public_link(chaser_form_path(request))},
    ]
    return subject, "\n".join(lines)


def incoming_reminder_text(delivery: ReminderDelivery, *, today: datetime.date) -> tuple[str, str]:
    """(subject, body) of an incoming request's reminder, in the active language: our execution
    deadline, the requesting state and its reference."""
    incoming = delivery.incoming_request
    stage = delivery.stage
    due = incoming.execution_due
    values = {
        "ref": incoming.reference,
        "country": incoming.requesting_country.name,
        "due": due.isoformat() if due else "-",
    }
    if stage.startswith(reminders.BEFORE_PREFIX):
        values["days"] = max((due - today).days, 0) if due else 0
        subject = (
            _("Reminder: incoming request %(ref)s (%(country)s) is to be executed by %(due)s, days left: %(days)s")
            % values
        )
    elif stage == reminders.DUE:
        subject = _("Reminder: incoming request %(ref)s (%(country)s) is to be executed today, %(due)s") % values
    elif stage.startswith(reminders.OVERDUE_PREFIX):
        values["days"] = (today - due).days
        subject = _("Overdue: incoming request %(ref)s (%(country)s) is not executed, days overdue: %(days)s") % values
    else:
        values["days"] = (today - due).days
        subject = (
            _("Escalation: incoming request %(ref)s (%(country)s) is not executed, days overdue: %(days)s") % values
        )
    lines = [
        subject,
        "",
        _("Incoming request: %(ref)s") % values,
        _("Requesting state: %(country)s") % values,
        _("Requesting authority: %(authority)s") % {"authority": incoming.requesting_authority},
        _("Their reference: %(foreign)s") % {"foreign": incoming.foreign_reference or "-"},
        _("Legal basis: %(basis)s") % {"basis": incoming.legal_basis},
        _("Executing unit: %(unit)s") % {"unit": incoming.unit},
        _("Executor: %(person)s") % {"person": incoming.executor or _("not named yet")},
        _("Received on: %(received)s") % {"received": incoming.received_on.isoformat()},
        _("Execution deadline: %(due)s") % values,
        "",
        _("Open the incoming request: %(link)s") % {"link": request_link(incoming)},
    ]
    if stage == reminders.ESCALATED:
        lines.insert(2, _("You receive this as a supervisor of the executing unit."))
    elif delivery.recipient_id != incoming.executor_id:
        lines.insert(2, _("You receive this as a supervisor of the executing unit: no active executor is named."))
    return subject, "\n".join(lines)


def reminder_text(delivery: ReminderDelivery, *, today: datetime.date) -> tuple[str, str]:
    """(subject, body) in the active language."""
    if delivery.incoming_request_id is not None:
        return incoming_reminder_text(delivery, today=today)
    if reminders.is_supplementary(delivery.stage):
        return supplementary_reminder_text(delivery, today=today)
    if reminders.is_chaser(delivery.stage):
        return chaser_reminder_text(delivery, today=today)
    request = delivery.request
    stage = delivery.stage
    ref = request.reference
    values = {
        "ref": ref,
        "country": request.country.name,
        "due": request.response_due.isoformat() if request.response_due else "-",
        "sent": request.sent_on.isoformat() if request.sent_on else "-",
    }
    if stage.startswith(reminders.BEFORE_PREFIX):
        values["days"] = max((request.response_due - today).days, 0) if request.response_due else 0
        subject = _("Reminder: the answer to %(ref)s (%(country)s) is due on %(due)s, days left: %(days)s") % values
    elif stage == reminders.DUE:
        subject = _("Reminder: the answer to %(ref)s (%(country)s) is due today, %(due)s") % values
    elif stage.startswith(reminders.OVERDUE_PREFIX):
        values["days"] = (today - request.response_due).days
        subject = _("Overdue: no answer to %(ref)s (%(country)s), days overdue: %(days)s") % values
    elif stage == reminders.ESCALATED:
        values["days"] = (today - request.response_due).days
        subject = _("Escalation: no answer to %(ref)s (%(country)s), days overdue: %(days)s") % values
    else:
        values["days"] = (today - request.sent_on).days
        subject = _("No acknowledgement: %(ref)s (%(country)s) was sent %(sent)s, days ago: %(days)s") % values
    lines = [
        subject,
        "",
        _("Request: %(ref)s") % values,
        _("Requested state: %(country)s") % values,
        _("Legal basis: %(basis)s") % {"basis": request.legal_basis},
        _("Case: %(case)s") % {"case": request.case.register_number},
        _("Responsible investigator: %(person)s") % {"person": request.responsible_investigator},
        _("Sent on: %(sent)s") % values,
        _("Response due: %(due)s") % values,
        "",
        _("Open the request: %(link)s") % {"link": request_link(request)},
    ]
    if stage == reminders.ESCALATED:
        lines.insert(2, _("You receive this as a supervisor of the unit in charge of the case."))
    return subject, "\n".join(lines)


# What the text of a delivery of either kind reads (nullable relations: outer joins).
DELIVERY_RELATED = (
    "request__legal_basis",
    "request__case",
    "request__responsible_investigator",
    "incoming_request__legal_basis",
    "incoming_request__unit",
    "incoming_request__executor",
    "recipient",
)


def send_email(*, to: str, subject: str, body: str) -> None:
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]).send()


def deliver_reminder(delivery_id: int, *, now: datetime.datetime | None = None) -> str:
    """Send one delivery if this caller wins its claim. Returns what happened: "sent", "queued"
    (notification posted, email waits for the digest), "failed" (email refused, retried later),
    "gave_up", "cancelled" (request no longer pending, deadline moved), or "not-claimed"."""
    now = now or timezone.now()
    if not claim_delivery(delivery_id, now=now):
        return "not-claimed"
    delivery = ReminderDelivery.objects.select_related(*DELIVERY_RELATED).get(pk=delivery_id)
    if not still_relevant(delivery):
        _finish(delivery, status=ReminderDelivery.Status.CANCELLED, next_attempt_at=None)
        return "cancelled"
    recipient = delivery.recipient
    with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
        subject, body = reminder_text(delivery, today=reminders.local_date(now, settings.TIME_ZONE))
    notify(
        recipient=recipient,
        title=subject,
        body=body,
        link=delivery_path(delivery),
        kind="reminder",
        source_key=f"reminder:{delivery.pk}",
    )
    if delivery.email_mode == ReminderDelivery.EmailMode.IMMEDIATE:
        try:
            send_email(to=recipient.email, subject=subject, body=body)
        except Exception as exc:  # SMTP and connection errors of any backend
            return _record_failure(delivery, exc, now=now)
    _finish(delivery, status=ReminderDelivery.Status.SENT, sent_at=now, next_attempt_at=None, last_error="")
    return "queued" if delivery.email_mode == ReminderDelivery.EmailMode.DIGEST else "sent"


def _record_failure(row, exc: Exception, *, now: datetime.datetime) -> str:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    logger.warning("Reminder email %s #%s failed (attempt %s): %s", type(row).__name__, row.pk, row.attempts, error)
    status_cls = type(row).Status
    if row.attempts >= settings.REMINDER_EMAIL_MAX_ATTEMPTS:
        fields = {"status": status_cls.GAVE_UP, "next_attempt_at": None, "last_error": error}
        outcome = "gave_up"
    else:
        retry_at = now + reminders.email_backoff(row.attempts)
        fields = {"status": status_cls.FAILED, "next_attempt_at": retry_at, "last_error": error}
        outcome = "failed"
    type(row).objects.filter(pk=row.pk, status=status_cls.SENDING, claimed_at=row.claimed_at).update(**fields)
    return outcome


# --- Daily digest ------------------------------------------------------------------------------


def _digest_waiting(recipient_id):
    return ReminderDelivery.objects.filter(
        recipient_id=recipient_id,
        status=ReminderDelivery.Status.SENT,
        email_mode=ReminderDelivery.EmailMode.DIGEST,
        digest__isnull=True,
    )


def send_digests(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """From REMINDER_DIGEST_HOUR (local time) on, send each person who chose the digest one email
    a day listing the reminders posted to them since the last digest; retry failed digests with
    backoff. At most one digest per person and day (unique row, claimed like a delivery)."""
    now = now or timezone.now()
    local_now = timezone.localtime(now)
    today = local_now.date()
    outcome = {"sent": 0, "failed": 0, "gave_up": 0}
    if local_now.hour >= settings.REMINDER_DIGEST_HOUR:
        waiting = (
            ReminderDelivery.objects.filter(
                status=ReminderDelivery.Status.SENT,
                email_mode=ReminderDelivery.EmailMode.DIGEST,
                digest__isnull=True,
            )
            .values_list("recipient_id", flat=True)
            .distinct()
        )
        for recipient_id in set(waiting) | _freeze_expiry_digest_recipients():
            ReminderDigest.objects.get_or_create(
                recipient_id=recipient_id, day=today, defaults={"next_attempt_at": now}
            )
    todo = ReminderDigest.objects.filter(
        Q(status__in=[ReminderDigest.Status.PENDING, ReminderDigest.Status.FAILED, ReminderDigest.Status.SENDING]),
        next_attempt_at__lte=now,
    ).values_list("pk", flat=True)
    for digest_id in list(todo):
        result = deliver_digest(digest_id, now=now)
        if result in outcome:
            outcome[result] += 1
    return outcome


def deliver_digest(digest_id: int, *, now: datetime.datetime) -> str:
    claimed = ReminderDigest.objects.filter(
        pk=digest_id,
        status__in=[ReminderDigest.Status.PENDING, ReminderDigest.Status.FAILED, ReminderDigest.Status.SENDING],
        next_attempt_at__lte=now,
    ).update(
        status=ReminderDigest.Status.SENDING,
        claimed_at=now,
        next_attempt_at=now + datetime.timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT),
        attempts=F("attempts") + 1,
    )
    if claimed != 1:
        return "not-claimed"
    digest = ReminderDigest.objects.select_related("recipient").get(pk=digest_id)
    with transaction.atomic():
        _digest_waiting(digest.recipient_id).update(digest=digest)
        _freeze_expiry_digest_waiting(digest.recipient_id).update(digest=digest)
    items = list(
        digest.items.select_related(*DELIVERY_RELATED).order_by(
            Coalesce("request__response_due", "incoming_request__execution_due"), "pk"
        )
    )
    freeze_items = list(
        digest.freeze_expiry_items.select_related("asset__case", "asset__incoming_request").order_by("expires_on", "pk")
    )
    if not items and not freeze_items:
        ReminderDigest.objects.filter(pk=digest.pk, claimed_at=digest.claimed_at).update(
            status=ReminderDigest.Status.SENT, sent_at=now, next_attempt_at=None
        )
        return "sent"
    recipient = digest.recipient
    with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
        subject = _("Reminders for %(day)s: %(count)s requests need attention") % {
            "day": digest.day.isoformat(),
            "count": len(items),
        }
        if freeze_items:
            subject = _("Reminders for %(day)s: %(count)s records need attention") % {
                "day": digest.day.isoformat(),
                "count": len(items) + len(freeze_items),
            }
        parts = [subject, ""]
        for item in items:
            item_subject, _body = reminder_text(item, today=digest.day)
            parts.append(f"- {item_subject}")
            parts.append(f"  {request_link(item.subject)}")
        parts += _freeze_expiry_digest_lines(freeze_items, today=digest.day)
        body = "\n".join(parts)
    try:
        send_email(to=recipient.email, subject=subject, body=body)
    except Exception as exc:
        return _record_failure(digest, exc, now=now)
    ReminderDigest.objects.filter(
        pk=digest.pk, status=ReminderDigest.Status.SENDING, claimed_at=digest.claimed_at
    ).update(status=ReminderDigest.Status.SENT, sent_at=now, next_attempt_at=None, last_error="")
    return "sent"


# Freeze expiry reminders (assets.freeze_reminders) of people who chose the digest go in the same
# daily mail.
def _freeze_expiry_digest_waiting(recipient_id=None):
    from assets.models import FreezeExpiryReminder

    rows = FreezeExpiryReminder.objects.filter(
        status=FreezeExpiryReminder.Status.SENT,
        email_mode=FreezeExpiryReminder.EmailMode.DIGEST,
        digest__isnull=True,
    )
    return rows if recipient_id is None else rows.filter(recipient_id=recipient_id)


def _freeze_expiry_digest_recipients() -> set:
    return set(_freeze_expiry_digest_waiting().values_list("recipient_id", flat=True).distinct())


# How one freeze expiry reminder reads in the digest: set by the assets app when it is ready
# (assets.apps), since the assets' reminders build on this module, not the other way round.
freeze_expiry_digest_text = None


def _freeze_expiry_digest_lines(freeze_items, *, today: datetime.date) -> list[str]:
    lines = []
    for item in freeze_items:
        item_subject, path = freeze_expiry_digest_text(item, today=today)
        lines.append(f"- {item_subject}")
        lines.append(f"  {public_link(path)}")
    return lines


def retry_deliveries(*, ids, now: datetime.datetime | None = None) -> int:
    """Put failed or abandoned deliveries back in line for the next scan (an administrator's
    "retry now" after the mail server is fixed). Sent, cancelled and in-flight rows are untouched."""
    now = now or timezone.now()
    return ReminderDelivery.objects.filter(
        pk__in=list(ids), status__in=[ReminderDelivery.Status.FAILED, ReminderDelivery.Status.GAVE_UP]
    ).update(status=ReminderDelivery.Status.FAILED, next_attempt_at=now, attempts=0)
