"""Each reminder goes once: duplicate scans, repeated deliveries, and a crash between claim and send."""

import datetime

import pytest
from django.core import mail

from mla_requests.models import ReminderDelivery
from mla_requests.reminder_services import claim_delivery, deliver_reminder, scan_reminders
from recovery.models import Notification
from tests.reminders.conftest import at

D = datetime.date
pytestmark = pytest.mark.django_db


def test_duplicate_scans_plan_one_delivery(pending_request):
    now = at(D(2025, 4, 10))
    first = scan_reminders(now=now)
    second = scan_reminders(now=now)
    later = scan_reminders(now=now + datetime.timedelta(hours=3))
    assert ReminderDelivery.objects.count() == 1
    assert first.to_deliver == second.to_deliver == later.to_deliver
    assert len(second.planned) == 0


def test_a_delivery_handed_out_twice_is_sent_once(pending_request):
    now = at(D(2025, 4, 10))
    [delivery_id] = scan_reminders(now=now).to_deliver
    assert deliver_reminder(delivery_id, now=now) == "sent"
    assert deliver_reminder(delivery_id, now=now) == "not-claimed"
    assert deliver_reminder(delivery_id, now=now + datetime.timedelta(days=1)) == "not-claimed"
    assert scan_reminders(now=now + datetime.timedelta(minutes=1)).to_deliver == []
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 1


def test_only_one_of_two_claims_wins(pending_request):
    now = at(D(2025, 4, 10))
    [delivery_id] = scan_reminders(now=now).to_deliver
    assert claim_delivery(delivery_id, now=now) is True
    assert claim_delivery(delivery_id, now=now) is False


def test_a_crash_between_claim_and_send_is_retried_not_dropped(pending_request, settings):
    settings.REMINDER_CLAIM_TIMEOUT = 900
    now = at(D(2025, 4, 10))
    [delivery_id] = scan_reminders(now=now).to_deliver
    assert claim_delivery(delivery_id, now=now)  # ...and the worker dies here: nothing was sent
    assert not mail.outbox

    # While the claim is fresh the row belongs to its (maybe still running) worker.
    soon = now + datetime.timedelta(minutes=5)
    assert scan_reminders(now=soon).to_deliver == []
    assert deliver_reminder(delivery_id, now=soon) == "not-claimed"

    # Past the claim timeout the next scan hands it out again, and it is sent once.
    later = now + datetime.timedelta(minutes=16)
    assert scan_reminders(now=later).to_deliver == [delivery_id]
    assert deliver_reminder(delivery_id, now=later) == "sent"
    row = ReminderDelivery.objects.get()
    assert (row.status, row.attempts) == (ReminderDelivery.Status.SENT, 2)
    assert len(mail.outbox) == 1


def test_a_crash_after_the_notification_does_not_post_it_twice(pending_request, settings):
    settings.REMINDER_CLAIM_TIMEOUT = 900
    now = at(D(2025, 4, 10))
    [delivery_id] = scan_reminders(now=now).to_deliver
    assert deliver_reminder(delivery_id, now=now) == "sent"
    # Simulate the worker dying after the notification but before marking the row sent.
    ReminderDelivery.objects.filter(pk=delivery_id).update(
        status=ReminderDelivery.Status.SENDING, next_attempt_at=now + datetime.timedelta(seconds=900)
    )
    later = now + datetime.timedelta(minutes=20)
    assert deliver_reminder(delivery_id, now=later) == "sent"
    assert Notification.objects.count() == 1
