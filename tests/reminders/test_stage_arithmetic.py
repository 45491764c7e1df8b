"""The reminder plan of one deadline, without the database."""

import datetime

import pytest

from mla_requests import reminders
from mla_requests.reminders import Policy, Stage, due_stages

D = datetime.date
DUE = D(2025, 4, 10)
SENT = D(2025, 1, 10)
POLICY = Policy()


def names(today, *, acknowledged=True, policy=POLICY, response_due=DUE, sent_on=SENT):
    return [
        s.name
        for s in due_stages(
            sent_on=sent_on, response_due=response_due, acknowledged=acknowledged, policy=policy, today=today
        )
    ]


def test_nothing_before_the_first_reminder():
    assert names(D(2025, 3, 26)) == []


def test_fourteen_and_three_days_before_then_on_the_day():
    assert names(D(2025, 3, 27)) == ["before-14"]
    assert names(D(2025, 4, 6)) == ["before-14"]
    assert names(D(2025, 4, 7)) == ["before-3"]
    assert names(D(2025, 4, 10)) == ["due"]
    assert names(D(2025, 4, 23)) == ["due"]


def test_overdue_every_fourteen_days():
    assert names(D(2025, 4, 24)) == ["overdue-14"]
    assert names(D(2025, 5, 8)) == ["overdue-28"]
    assert names(D(2025, 5, 22)) == ["overdue-42", "escalated"]
    assert names(D(2025, 7, 3)) == ["overdue-84", "escalated"]


def test_escalation_at_thirty_days_overdue_goes_to_supervisors():
    assert names(D(2025, 5, 9)) == ["overdue-28"]
    stages = due_stages(sent_on=SENT, response_due=DUE, acknowledged=True, policy=POLICY, today=D(2025, 5, 10))
    assert [(s.name, s.audience, s.fires_on) for s in stages] == [
        ("overdue-28", reminders.TO_INVESTIGATOR, D(2025, 5, 8)),
        ("escalated", reminders.TO_SUPERVISORS, D(2025, 5, 10)),
    ]


def test_only_the_latest_stage_is_due_after_a_long_silence():
    # A request found 100 days overdue gets one reminder, not the whole backlog.
    assert names(DUE + datetime.timedelta(days=100)) == ["overdue-98", "escalated"]


def test_acknowledgement_chase_thirty_days_after_sending():
    assert names(D(2025, 2, 8), acknowledged=False) == []
    assert names(D(2025, 2, 9), acknowledged=False) == ["ack-chase"]
    assert names(D(2025, 2, 9), acknowledged=True) == []
    assert reminders.ack_chase_deadline(SENT, POLICY) == D(2025, 2, 9)


def test_policy_changes_the_plan():
    policy = Policy(days_before=(30, 7, 1), overdue_every_days=7, escalate_after_days=10)
    assert names(D(2025, 3, 11), policy=policy) == ["before-30"]
    assert names(D(2025, 4, 3), policy=policy) == ["before-7"]
    assert names(D(2025, 4, 9), policy=policy) == ["before-1"]
    assert names(D(2025, 4, 17), policy=policy) == ["overdue-7"]
    assert names(D(2025, 4, 20), policy=policy) == ["overdue-7", "escalated"]


def test_a_request_without_a_deadline_gets_only_the_acknowledgement_chase():
    assert names(D(2025, 6, 1), response_due=None, acknowledged=False) == ["ack-chase"]


def test_invalid_policies_are_refused():
    with pytest.raises(ValueError):
        Policy(days_before=(0,))
    with pytest.raises(ValueError):
        Policy(overdue_every_days=0)


def test_days_list_parser_is_strict():
    assert reminders.parse_days_list("14, 3") == (14, 3)
    assert reminders.parse_days_list("3,14,3") == (14, 3)
    for bad in ("14;3", "-1", "two", "0"):
        with pytest.raises(ValueError):
            reminders.parse_days_list(bad)


def test_a_moved_deadline_does_not_repeat_a_stage_already_had():
    stage = Stage(D(2025, 3, 27), "before-14")
    assert reminders.is_repeat_after_move(stage, [D(2025, 3, 28)])  # moved earlier: already had it
    assert not reminders.is_repeat_after_move(stage, [D(2025, 1, 20)])  # a later deadline: a new countdown
    assert not reminders.is_repeat_after_move(stage, [])


def test_the_day_is_the_office_day_in_almaty():
    utc = datetime.UTC
    # 20:00 UTC on 1 March 2025 is already 2 March in Almaty (UTC+5).
    assert reminders.local_date(datetime.datetime(2025, 3, 1, 20, 0, tzinfo=utc), "Asia/Almaty") == D(2025, 3, 2)
    assert reminders.local_date(datetime.datetime(2025, 3, 1, 18, 59, tzinfo=utc), "Asia/Almaty") == D(2025, 3, 1)
    assert reminders.local_date(datetime.datetime(2025, 3, 1, 20, 0, tzinfo=utc), "UTC") == D(2025, 3, 1)
    with pytest.raises(ValueError):
        reminders.local_date(datetime.datetime(2025, 3, 1, 20, 0), "Asia/Almaty")


def test_email_backoff_doubles_up_to_a_cap():
    assert [reminders.email_backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert reminders.email_backoff(30).total_seconds() == 6 * 3600


@pytest.mark.parametrize(
    "policy",
    [Policy(), Policy(days_before=(30, 7, 1), overdue_every_days=10), Policy(days_before=(), overdue_every_days=1)],
)
def test_the_calendar_shortcut_agrees_with_walking_the_plan(policy):
    # The scan's arithmetic (calendar days) must name the same stage as the walk of the whole plan.
    due = datetime.date(2025, 4, 10)
    for offset in range(-60, 400):
        today = due + datetime.timedelta(days=offset)
        plan = reminders.response_plan(due, policy, until=today)
        assert reminders.latest_investigator_stage(due, policy, today=today) == (max(plan) if plan else None), offset
