"""Working-day counting with holidays and worked weekend days, without the database."""

import datetime

import pytest

from mla_requests.reminders import Calendar, Policy, due_stages, response_plan

D = datetime.date
# Kazakhstan, spring 2025: 21-25 March Nauryz (Friday 21 to Tuesday 25).
NAURYZ = frozenset({D(2025, 3, 21), D(2025, 3, 24), D(2025, 3, 25)})


def test_weekends_are_skipped():
    cal = Calendar()
    assert cal.add_working_days(D(2025, 4, 4), 1) == D(2025, 4, 7)  # Friday + 1 = Monday
    assert cal.add_working_days(D(2025, 4, 7), -1) == D(2025, 4, 4)
    assert cal.add_working_days(D(2025, 4, 10), -14) == D(2025, 3, 21)


def test_holidays_are_skipped_and_worked_saturdays_count():
    cal = Calendar(holidays=NAURYZ)
    assert cal.add_working_days(D(2025, 4, 10), -14) == D(2025, 3, 18)
    worked = Calendar(holidays=NAURYZ, extra_working_days=frozenset({D(2025, 3, 22)}))
    assert worked.is_working_day(D(2025, 3, 22))
    assert worked.add_working_days(D(2025, 4, 10), -14) == D(2025, 3, 19)


def test_working_day_policy_plans_in_working_days():
    policy = Policy(working_days=True, calendar=Calendar(holidays=NAURYZ))
    plan = response_plan(D(2025, 4, 10), policy, until=D(2025, 6, 30))
    by_name = {s.name: s.fires_on for s in plan}
    assert by_name["before-14"] == D(2025, 3, 18)
    assert by_name["before-3"] == D(2025, 4, 7)
    assert by_name["due"] == D(2025, 4, 10)
    assert by_name["overdue-14"] == D(2025, 4, 30)


def test_a_deadline_on_a_holiday_is_reminded_on_the_last_working_day_before():
    policy = Policy(working_days=True, calendar=Calendar(holidays=NAURYZ))
    # Due Monday 24 March (a holiday): the "due" reminder comes on Thursday 20 March.
    plan = response_plan(D(2025, 3, 24), policy, until=D(2025, 3, 24))
    assert {s.name: s.fires_on for s in plan}["due"] == D(2025, 3, 20)


def test_escalation_counts_working_days():
    policy = Policy(working_days=True, escalate_after_days=5)
    stages = due_stages(
        sent_on=None, response_due=D(2025, 4, 10), acknowledged=True, policy=policy, today=D(2025, 4, 16)
    )
    assert "escalated" not in [s.name for s in stages]
    stages = due_stages(
        sent_on=None, response_due=D(2025, 4, 10), acknowledged=True, policy=policy, today=D(2025, 4, 17)
    )
    assert "escalated" in [s.name for s in stages]


def test_a_calendar_without_working_days_is_refused():
    never = Calendar(weekend=frozenset(range(7)))
    with pytest.raises(ValueError):
        never.add_working_days(D(2025, 4, 10), 3)
