"""Moving response_due re-plans the stages still ahead, without repeating those already sent."""

import datetime

import pytest
from django.core import mail

from mla_requests.models import ReminderDelivery
from mla_requests.reminder_services import deliver_reminder, scan_reminders
from mla_requests.services import request_set_response_due
from tests.reminders.conftest import at

D = datetime.date
pytestmark = pytest.mark.django_db


def run_scan(day):
    now = at(day)
    return [deliver_reminder(pk, now=now) for pk in scan_reminders(now=now).to_deliver]


def sent_stages():
    return list(
        ReminderDelivery.objects.filter(status=ReminderDelivery.Status.SENT)
        .order_by("pk")
        .values_list("stage", "deadline")
    )


def test_an_extension_restarts_the_countdown_for_the_new_deadline(pending_request, investigator_a):
    for day in (D(2025, 3, 27), D(2025, 4, 7), D(2025, 4, 10)):
        run_scan(day)
    request_set_response_due(
        request=pending_request, actor=investigator_a, response_due=D(2025, 7, 10), reason="Extension agreed"
    )
    # Same day and the days after: nothing is repeated for the new deadline, nothing overdue.
    for day in (D(2025, 4, 10), D(2025, 4, 24), D(2025, 6, 25)):
        assert run_scan(day) == []
    # The new deadline's stages come on their days.
    for day in (D(2025, 6, 26), D(2025, 7, 7), D(2025, 7, 10)):
        assert run_scan(day) == ["sent"]
    assert sent_stages() == [
        ("before-14", D(2025, 4, 10)),
        ("before-3", D(2025, 4, 10)),
        ("due", D(2025, 4, 10)),
        ("before-14", D(2025, 7, 10)),
        ("before-3", D(2025, 7, 10)),
        ("due", D(2025, 7, 10)),
    ]
    assert len(mail.outbox) == 6


def test_a_deadline_brought_forward_does_not_repeat_a_stage_already_had(pending_request, investigator_a):
    run_scan(D(2025, 3, 27))  # before-14 of 10 April
    request_set_response_due(
        request=pending_request, actor=investigator_a, response_due=D(2025, 4, 8), reason="Corrected date"
    )
    # In the new plan before-14 was due on 25 March: already had, not repeated.
    assert run_scan(D(2025, 3, 28)) == []
    assert run_scan(D(2025, 4, 5)) == ["sent"]  # before-3 of 8 April
    assert sent_stages() == [("before-14", D(2025, 4, 10)), ("before-3", D(2025, 4, 8))]


def test_a_reminder_planned_for_the_old_deadline_is_cancelled_not_sent(pending_request, investigator_a):
    now = at(D(2025, 4, 10))
    [delivery_id] = scan_reminders(now=now).to_deliver
    request_set_response_due(
        request=pending_request, actor=investigator_a, response_due=D(2025, 5, 10), reason="Extension agreed"
    )
    assert deliver_reminder(delivery_id, now=now) == "cancelled"
    assert not mail.outbox


def test_a_deadline_moved_away_and_back_still_gets_its_reminder(pending_request, investigator_a):
    now = at(D(2025, 4, 10))
    [delivery_id] = scan_reminders(now=now).to_deliver
    request_set_response_due(
        request=pending_request, actor=investigator_a, response_due=D(2025, 5, 10), reason="Extension agreed"
    )
    assert deliver_reminder(delivery_id, now=now) == "cancelled"
    request_set_response_due(
        request=pending_request, actor=investigator_a, response_due=D(2025, 4, 10), reason="Extension withdrawn"
    )
    later = now + datetime.timedelta(hours=1)
    assert scan_reminders(now=later).to_deliver == [delivery_id]
    assert deliver_reminder(delivery_id, now=later) == "sent"
    assert len(mail.outbox) == 1
