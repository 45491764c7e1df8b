"""next_firing_day (the day kept in ReminderSchedule.next_on) against the plain definition: walk
due_stages day by day from `after` and stop at the first day it gives a stage it did not give the
day before. Random requests and policies, in calendar days and in working days with holidays."""

import datetime
import random

import pytest

from mla_requests.reminders import Calendar, Policy, due_stages, due_stages_and_next_day, next_firing_day

D = datetime.date
ONE = datetime.timedelta(days=1)
# Far enough for the longest gap the random policies below can leave between two stages.
WALK_LIMIT = 400


def walked_next_day(*, sent_on, response_due, acknowledged, policy, after):
    def stages(day):
        return set(
            due_stages(sent_on=sent_on, response_due=response_due, acknowledged=acknowledged, policy=policy, today=day)
        )

    before = stages(after)
    day = after
    for _ in range(WALK_LIMIT):
        day += ONE
        now = stages(day)
        if now - before:
            return day
        before = now
    return None


def random_calendar(rng: random.Random, around: D) -> Calendar:
    """Holidays on about one day in twelve, and a few weekend days worked, within a year or so."""
    start = around - datetime.timedelta(days=200)
    days = [start + datetime.timedelta(days=n) for n in range(600)]
    holidays = frozenset(d for d in days if d.weekday() < 5 and rng.random() < 1 / 12)
    worked = frozenset(d for d in days if d.weekday() >= 5 and rng.random() < 1 / 20)
    return Calendar(holidays=holidays, extra_working_days=worked)


def random_policy(rng: random.Random, *, working_days: bool, around: D) -> Policy:
    count = rng.choice([0, 1, 2, 3])
    return Policy(
        days_before=tuple(sorted({rng.randint(1, 30) for _ in range(count)}, reverse=True)),
        overdue_every_days=rng.choice([1, 2, 7, 10, 14, 30]),
        escalate_after_days=rng.choice([1, 5, 14, 28, 30, 45]),
        ack_chase_after_days=rng.choice([1, 10, 30, 60]),
        working_days=working_days,
        calendar=random_calendar(rng, around) if working_days else Calendar(),
    )


@pytest.mark.parametrize("working_days", [False, True], ids=["calendar-days", "working-days"])
@pytest.mark.parametrize("seed", range(4))
def test_next_firing_day_is_the_first_day_a_new_stage_comes(seed, working_days):
    rng = random.Random(seed * 2 + working_days)
    checked = 0
    for _ in range(250):
        sent_on = D(2025, 1, 1) + datetime.timedelta(days=rng.randint(0, 120))
        response_due = None if rng.random() < 0.1 else sent_on + datetime.timedelta(days=rng.randint(0, 150))
        acknowledged = rng.random() < 0.5
        policy = random_policy(rng, working_days=working_days, around=response_due or sent_on)
        anchor = response_due or sent_on
        after = anchor + datetime.timedelta(days=rng.randint(-60, 150))
        args = {"sent_on": sent_on, "response_due": response_due, "acknowledged": acknowledged, "policy": policy}
        expected = walked_next_day(**args, after=after)
        assert next_firing_day(**args, after=after) == expected, (args, after)
        # The scan's one-pass form gives the same two answers.
        assert due_stages_and_next_day(sent_on, response_due, acknowledged, policy, after) == (
            due_stages(**args, today=after),
            expected,
        ), (args, after)
        checked += expected is not None
    assert checked > 180  # most samples have a next day (overdue repeats while pending)


def test_the_countdown_days_then_overdue_forever():
    policy = Policy()
    due = D(2025, 4, 10)

    def nxt(after, **kw):
        return next_firing_day(sent_on=D(2025, 1, 10), response_due=due, acknowledged=True, policy=policy, after=after)

    assert nxt(D(2025, 1, 10)) == D(2025, 3, 27)  # before-14
    assert nxt(D(2025, 3, 27)) == D(2025, 4, 7)  # before-3
    assert nxt(D(2025, 4, 7)) == due
    assert nxt(due) == D(2025, 4, 24)  # overdue-14
    assert nxt(D(2025, 5, 8)) == D(2025, 5, 10)  # the escalation comes between overdue-28 and overdue-42
    assert nxt(D(2025, 5, 10)) == D(2025, 5, 22)
    assert nxt(D(2030, 1, 1)) > D(2030, 1, 1)  # while pending, there is always a next overdue reminder


def test_the_acknowledgement_chase_and_nothing_left():
    policy = Policy()
    chase = next_firing_day(
        sent_on=D(2025, 1, 10), response_due=None, acknowledged=False, policy=policy, after=D(2025, 1, 10)
    )
    assert chase == D(2025, 2, 9)
    # No deadline and the chase already come (or the acknowledgement in): nothing can ever fire.
    assert (
        next_firing_day(sent_on=D(2025, 1, 10), response_due=None, acknowledged=False, policy=policy, after=chase)
        is None
    )
    assert (
        next_firing_day(
            sent_on=D(2025, 1, 10), response_due=None, acknowledged=True, policy=policy, after=D(2025, 1, 1)
        )
        is None
    )


def test_working_days_skip_holidays():
    nauryz = frozenset({D(2025, 3, 21), D(2025, 3, 24), D(2025, 3, 25)})
    policy = Policy(working_days=True, calendar=Calendar(holidays=nauryz))
    # before-14 of 10 April in working days is 18 March (Nauryz and the weekends are not counted).
    day = next_firing_day(
        sent_on=D(2025, 1, 10), response_due=D(2025, 4, 10), acknowledged=True, policy=policy, after=D(2025, 3, 1)
    )
    assert day == D(2025, 3, 18)
