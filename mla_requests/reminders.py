"""Reminder policy arithmetic: which reminder stage is due for a request on a given day.

Pure functions over dates, free of the database, so every rule is tested on its own
(tests/reminders/test_stage_arithmetic.py, test_working_days.py). The services in
reminder_services.py feed them the request's dates and the effective policy, and turn what they
return into delivery rows.

The plan for one response deadline D (offsets in calendar days, or in working days when the
policy says so):

    before-14   D - 14        to the responsible investigator
    before-3    D - 3
    due         D             (in working-day mode: the last working day on or before D)
    overdue-14  D + 14, overdue-28 D + 28, ... every 14 days while the request is pending
    escalated   D + 30        to the supervisors of the case's unit and of the units above it

and, separately, `ack-chase` at sent_on + 30 when the foreign state has not acknowledged receipt.

While the requested state waits for additional information from us, the same countdown and
escalation run to our own deadline (Request.supplementary_due), as stages named
`supplementary-before-14`, `supplementary-due`, `supplementary-overdue-14`,
`supplementary-escalated`, and the foreign answer's stages stop. Where a policy proposes chasers
(`propose_chaser_after_days` N), `chaser-N`, `chaser-2N`... come N, 2N... days after the later of
the response deadline and the last chaser recorded (the stage's deadline key is that day).

Only the latest stage that has come is delivered: a request found 100 days overdue (after an
outage, or imported old) gets one "overdue-98" reminder, not the whole backlog.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple
from zoneinfo import ZoneInfo

# Stage names; the number in before-N / overdue-N is the offset in (working) days.
DUE = "due"
ESCALATED = "escalated"
ACK_CHASE = "ack-chase"
BEFORE_PREFIX = "before-"
OVERDUE_PREFIX = "overdue-"
# Our own deadline's stages: the same names after this prefix, so that the delivery key (request,
# stage, deadline, recipient) of one never collides with the foreign answer's.
SUPPLEMENTARY_PREFIX = "supplementary-"
CHASER_PREFIX = "chaser-"

# Who a stage goes to.
TO_INVESTIGATOR = "investigator"
TO_SUPERVISORS = "supervisors"

SATURDAY, SUNDAY = 5, 6


@dataclass(frozen=True)
class Calendar:
    """Which days count as working days: Monday to Friday, minus holidays, plus weekend days that
    are worked (Kazakhstan moves working days onto Saturdays around some holidays)."""

    holidays: frozenset[datetime.date] = frozenset()
    extra_working_days: frozenset[datetime.date] = frozenset()
    weekend: frozenset[int] = frozenset({SATURDAY, SUNDAY})

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.extra_working_days:
            return True
        return day.weekday() not in self.weekend and day not in self.holidays

    def add_working_days(self, day: datetime.date, count: int) -> datetime.date:
        """`count` working days after `day` (before it when negative); `day` itself is not counted."""
        step = datetime.timedelta(days=1 if count >= 0 else -1)
        remaining = abs(count)
        if remaining and not any(self.is_working_day(day + step * i) for i in range(1, 15)):
            raise ValueError("the calendar has no working day within two weeks")
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_day_on_or_before(self, day: datetime.date) -> datetime.date:
        for _i in range(31):
            if self.is_working_day(day):
                return day
            day -= datetime.timedelta(days=1)
        raise ValueError("the calendar has no working day within a month")


@dataclass(frozen=True)
class Policy:
    """The reminder policy in force for one request (settings defaults, overridden per country or
    legal instrument by administrators)."""

    days_before: tuple[int, ...] = (14, 3)
    overdue_every_days: int = 14
    escalate_after_days: int = 30
    ack_chase_after_days: int = 30
    working_days: bool = False
    calendar: Calendar = field(default_factory=Calendar)
    # None: never propose a chaser.
    propose_chaser_after_days: int | None = None

    def __post_init__(self):
        if any(d <= 0 for d in self.days_before):
            raise ValueError("days before the deadline must be positive")
        if self.overdue_every_days <= 0 or self.escalate_after_days <= 0 or self.ack_chase_after_days <= 0:
            raise ValueError("reminder intervals must be positive")
        if self.propose_chaser_after_days is not None and self.propose_chaser_after_days <= 0:
            raise ValueError("reminder intervals must be positive")

    def shift(self, day: datetime.date, days: int) -> datetime.date:
        if self.working_days:
            return self.calendar.add_working_days(day, days)
        return day + datetime.timedelta(days=days)


class Stage(NamedTuple):
    """One reminder of the plan: its name, the day it comes, and who it goes to. Ordered by day
    first. A named tuple, not a dataclass: the scan makes tens of thousands of them per run, and a
    frozen dataclass costs several times more to build."""

    fires_on: datetime.date
    name: str
    audience: str = TO_INVESTIGATOR
    # Days relative to the deadline (negative before it), for the message.
    offset: int = 0


def response_plan(response_due: datetime.date, policy: Policy, *, until: datetime.date) -> list[Stage]:
    """Every stage of the response-deadline plan that comes on or before `until`, in order."""
    stages = []
    for days in sorted(set(policy.days_before), reverse=True):
        stages.append(Stage(policy.shift(response_due, -days), f"{BEFORE_PREFIX}{days}", TO_INVESTIGATOR, -days))
    due_day = policy.calendar.working_day_on_or_before(response_due) if policy.working_days else response_due
    stages.append(Stage(due_day, DUE, TO_INVESTIGATOR, 0))
    days = policy.overdue_every_days
    while True:
        day = policy.shift(response_due, days)
        if day > until:
            break
        stages.append(Stage(day, f"{OVERDUE_PREFIX}{days}", TO_INVESTIGATOR, days))
        days += policy.overdue_every_days
    return [s for s in stages if s.fires_on <= until]


def latest_investigator_stage(response_due: datetime.date, policy: Policy, *, today: datetime.date) -> Stage | None:
    """The latest before/due/overdue stage that has come by `today`, or None before the first."""
    if not policy.working_days:
        return _latest_calendar_stage(response_due, policy, today=today)
    plan = response_plan(response_due, policy, until=today)
    return max(plan) if plan else None


def _latest_calendar_stage(response_due: datetime.date, policy: Policy, *, today: datetime.date) -> Stage | None:
    """latest_investigator_stage in calendar days, by arithmetic instead of walking the plan: the
    scan asks it for every candidate request, tens of thousands at volume. Same answer as
    max(response_plan(...)) (tests/reminders/test_stage_arithmetic.py compares them)."""
    late = (today - response_due).days
    every = policy.overdue_every_days
    if late >= every:
        days = late // every * every
        return Stage(response_due + datetime.timedelta(days=days), f"{OVERDUE_PREFIX}{days}", TO_INVESTIGATOR, days)
    if late >= 0:
        return Stage(response_due, DUE, TO_INVESTIGATOR, 0)
    come = [days for days in policy.days_before if days >= -late]
    if not come:
        return None
    days = min(come)
    return Stage(response_due - datetime.timedelta(days=days), f"{BEFORE_PREFIX}{days}", TO_INVESTIGATOR, -days)


def escalation_stage(response_due: datetime.date, policy: Policy, *, today: datetime.date) -> Stage | None:
    day = policy.shift(response_due, policy.escalate_after_days)
    if day > today:
        return None
    return Stage(day, ESCALATED, TO_SUPERVISORS, policy.escalate_after_days)


def ack_chase_stage(
    sent_on: datetime.date | None, acknowledged: bool, policy: Policy, *, today: datetime.date
) -> Stage | None:
    if sent_on is None or acknowledged:
        return None
    day = policy.shift(sent_on, policy.ack_chase_after_days)
    if day > today:
        return None
    return Stage(day, ACK_CHASE, TO_INVESTIGATOR, policy.ack_chase_after_days)


def ack_chase_deadline(sent_on: datetime.date, policy: Policy) -> datetime.date:
    """The day by which an acknowledgement was expected: the key of the ack-chase delivery."""
    return policy.shift(sent_on, policy.ack_chase_after_days)


def due_stages(
    *,
    sent_on: datetime.date | None,
    response_due: datetime.date | None,
    acknowledged: bool,
    policy: Policy,
    today: datetime.date,
) -> list[Stage]:
    """The stages to deliver today for a pending request: at most one per track (investigator's
    countdown, escalation, acknowledgement chase). Callers drop those already delivered."""
    found = []
    if response_due is not None:
        for stage in (
            latest_investigator_stage(response_due, policy, today=today),
            escalation_stage(response_due, policy, today=today),
        ):
            if stage is not None:
                found.append(stage)
    chase = ack_chase_stage(sent_on, acknowledged, policy, today=today)
    if chase is not None:
        found.append(chase)
    return found


def next_firing_day(
    *,
    sent_on: datetime.date | None,
    response_due: datetime.date | None,
    acknowledged: bool,
    policy: Policy,
    after: datetime.date,
) -> datetime.date | None:
    """The first day after `after` on which due_stages gives a stage it did not give the day
    before, across the three tracks (countdown, escalation, acknowledgement chase); None when no
    new stage can ever come (no deadline, and the acknowledgement is in or already chased).

    The scan keeps this day per request (ReminderSchedule.next_on) so that it reads a request
    only on the days something new can be due for it, instead of re-planning every pending request
    on every run. A new stage comes exactly on a stage's own day: on that day the latest stage of
    its track is that one (stages are ordered by day first), the day before it was not come yet.
    tests/reminders/test_next_firing_day.py checks it against walking due_stages day by day."""
    days = []
    if response_due is not None:
        days.append(_next_countdown_day(response_due, policy, after=after))
        escalation = policy.shift(response_due, policy.escalate_after_days)
        if escalation > after:
            days.append(escalation)
    if sent_on is not None and not acknowledged:
        chase = ack_chase_deadline(sent_on, policy)
        if chase > after:
            days.append(chase)
    return min(days, default=None)


def _next_countdown_day(response_due: datetime.date, policy: Policy, *, after: datetime.date) -> datetime.date:
    """The first before/due/overdue stage day after `after`. There always is one: overdue repeats
    for as long as the request is pending."""
    every = policy.overdue_every_days
    if not policy.working_days:
        # Computed, not listed: the scan asks this for every request it reads.
        late = (after - response_due).days
        if late < 0:
            # Before the deadline: the latest "before" day still ahead (D - d > after), else D.
            ahead = [days for days in policy.days_before if days < -late]
            return response_due - datetime.timedelta(days=max(ahead)) if ahead else response_due
        # The first multiple of `every` days past the deadline that lies after `after`.
        return response_due + datetime.timedelta(days=(late // every + 1) * every)
    ahead = [policy.shift(response_due, -days) for days in policy.days_before]
    ahead.append(policy.calendar.working_day_on_or_before(response_due))
    ahead = [day for day in ahead if day > after]
    if ahead:
        return min(ahead)
    # overdue-k*N is k*N working days after the deadline: step N working days at a time (counting
    # on from the previous stage gives the same day as counting from the deadline).
    day = policy.calendar.add_working_days(response_due, every)
    while day <= after:
        day = policy.calendar.add_working_days(day, every)
    return day


def due_stages_and_next_day(
    sent_on: datetime.date | None,
    response_due: datetime.date | None,
    acknowledged: bool,
    policy: Policy,
    today: datetime.date,
) -> tuple[list[Stage], datetime.date | None]:
    """(due_stages(today), next_firing_day(after=today)) in one pass: what the scan asks of every
    request it reads. In calendar days each track's day is computed once for both answers (the
    scan's plan at volume spent most of its arithmetic here); in working days, the two functions.
    tests/reminders/test_next_firing_day.py checks that both ways agree."""
    if policy.working_days:
        kwargs = {"sent_on": sent_on, "response_due": response_due, "acknowledged": acknowledged, "policy": policy}
        return due_stages(**kwargs, today=today), next_firing_day(**kwargs, after=today)
    found, ahead = [], []
    if response_due is not None:
        latest = _latest_calendar_stage(response_due, policy, today=today)
        if latest is not None:
            found.append(latest)
        ahead.append(_next_countdown_day(response_due, policy, after=today))
        escalation = response_due + datetime.timedelta(days=policy.escalate_after_days)
        if escalation <= today:
            found.append(Stage(escalation, ESCALATED, TO_SUPERVISORS, policy.escalate_after_days))
        else:
            ahead.append(escalation)
    if sent_on is not None and not acknowledged:
        chase = sent_on + datetime.timedelta(days=policy.ack_chase_after_days)
        if chase <= today:
            found.append(Stage(chase, ACK_CHASE, TO_INVESTIGATOR, policy.ack_chase_after_days))
        else:
            ahead.append(chase)
    return found, min(ahead, default=None)


def is_supplementary(stage_name: str) -> bool:
    return stage_name.startswith(SUPPLEMENTARY_PREFIX)


def is_chaser(stage_name: str) -> bool:
    return stage_name.startswith(CHASER_PREFIX)


def supplementary_stages_and_next_day(
    supplementary_due: datetime.date | None, policy: Policy, today: datetime.date
) -> tuple[list[Stage], datetime.date | None]:
    """Our deadline to send the additional information asked for: the foreign answer's countdown
    and escalation (no acknowledgement to chase), each stage named with SUPPLEMENTARY_PREFIX."""
    stages, next_on = due_stages_and_next_day(None, supplementary_due, True, policy, today)
    return [stage._replace(name=SUPPLEMENTARY_PREFIX + stage.name) for stage in stages], next_on


def chaser_basis(response_due: datetime.date | None, last_chaser_on: datetime.date | None) -> datetime.date | None:
    """The day a chaser period runs from: the response deadline, or the last chaser if it is later
    (a chaser sent before the deadline does not put off the first proposal)."""
    if response_due is None:
        return None
    if last_chaser_on is not None and last_chaser_on > response_due:
        return last_chaser_on
    return response_due


def chaser_stage_and_next_day(
    response_due: datetime.date | None, last_chaser_on: datetime.date | None, policy: Policy, today: datetime.date
) -> tuple[Stage | None, datetime.date | None]:
    """(the latest chaser proposal that has come by today, the day of the next one) for a pending
    request: proposals come every N (working) days after chaser_basis, while no chaser resets it.
    (None, None) when the policy proposes none or there is no deadline."""
    every = policy.propose_chaser_after_days
    basis = chaser_basis(response_due, last_chaser_on)
    if every is None or basis is None:
        return None, None
    if not policy.working_days:
        periods = max((today - basis).days // every, 0)
        stage = None
        if periods:
            days = periods * every
            stage = Stage(basis + datetime.timedelta(days=days), f"{CHASER_PREFIX}{days}", TO_INVESTIGATOR, days)
        return stage, basis + datetime.timedelta(days=(periods + 1) * every)
    stage, days = None, every
    day = policy.calendar.add_working_days(basis, every)
    while day <= today:
        stage = Stage(day, f"{CHASER_PREFIX}{days}", TO_INVESTIGATOR, days)
        day = policy.calendar.add_working_days(day, every)
        days += every
    return stage, day


def is_repeat_after_move(stage: Stage, earlier_deliveries: Iterable[datetime.date]) -> bool:
    """True when the same stage was already delivered, for an earlier deadline of this request, on
    or after the day the stage comes in the new plan.

    Moving response_due re-plans the stages: a stage that in the new plan still lies ahead of the
    reminder already sent is a new reminder (an extension of three months restarts the countdown),
    while one the person already had at or after its new date would only repeat it."""
    return any(sent_day >= stage.fires_on for sent_day in earlier_deliveries)


def local_date(moment: datetime.datetime, tz_name: str) -> datetime.date:
    """The calendar day of an aware moment in the office's time zone (Asia/Almaty by default):
    reminders follow the office's day, not UTC's."""
    if moment.tzinfo is None:
        raise ValueError("an aware datetime is required")
    return moment.astimezone(ZoneInfo(tz_name)).date()


def email_backoff(attempts: int, *, base_seconds: int = 60, cap_seconds: int = 6 * 3600) -> datetime.timedelta:
    """Wait before retrying a failed email: 1, 2, 4, 8... minutes, at most six hours."""
    attempts = max(attempts, 1)
    return datetime.timedelta(seconds=min(base_seconds * 2 ** (attempts - 1), cap_seconds))


def parse_days_list(raw: str) -> tuple[int, ...]:
    """'14, 3' -> (14, 3). Refuses anything but positive integers (a typo must not silence reminders)."""
    values = []
    for part in (raw or "").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or int(part) <= 0:
            raise ValueError(f"{part!r} is not a positive number of days")
        values.append(int(part))
    return tuple(sorted(set(values), reverse=True))
