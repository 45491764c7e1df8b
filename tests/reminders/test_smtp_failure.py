"""An SMTP failure is recorded on the delivery row and retried with backoff, not lost."""

import datetime

import pytest
from django.core import mail

from mla_requests.models import ReminderDelivery
from mla_requests.reminder_services import deliver_reminder, scan_reminders
from recovery.models import Notification
from tests.reminders.conftest import at
from tests.reminders.flaky_smtp import FlakySMTPBackend

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def flaky_smtp(settings):
    settings.EMAIL_BACKEND = "tests.reminders.flaky_smtp.FlakySMTPBackend"
    yield FlakySMTPBackend
    FlakySMTPBackend.failures_left = 0


def test_a_failed_email_is_recorded_and_retried_after_the_backoff(pending_request, flaky_smtp):
    flaky_smtp.failures_left = 2
    now = at(D(2025, 4, 10))
    [delivery_id] = scan_reminders(now=now).to_deliver
    assert deliver_reminder(delivery_id, now=now) == "failed"
    row = ReminderDelivery.objects.get()
    assert row.status == ReminderDelivery.Status.FAILED
    assert "SMTPServerDisconnected" in row.last_error
    assert row.next_attempt_at == now + datetime.timedelta(minutes=1)
    # The in-app notification did not wait for the mail server.
    assert Notification.objects.count() == 1

    # Not before the retry time...
    assert scan_reminders(now=now + datetime.timedelta(seconds=30)).to_deliver == []
    # ...then retried: fails again, and waits twice as long.
    retry = now + datetime.timedelta(minutes=1)
    assert scan_reminders(now=retry).to_deliver == [delivery_id]
    assert deliver_reminder(delivery_id, now=retry) == "failed"
    row.refresh_from_db()
    assert (row.attempts, row.next_attempt_at) == (2, retry + datetime.timedelta(minutes=2))

    third = retry + datetime.timedelta(minutes=2)
    assert scan_reminders(now=third).to_deliver == [delivery_id]
    assert deliver_reminder(delivery_id, now=third) == "sent"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (ReminderDelivery.Status.SENT, 3, "")
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 1


def test_after_the_last_attempt_the_failure_stays_visible(pending_request, flaky_smtp, settings):
    settings.REMINDER_EMAIL_MAX_ATTEMPTS = 2
    flaky_smtp.failures_left = 5
    now = at(D(2025, 4, 10))
    [delivery_id] = scan_reminders(now=now).to_deliver
    assert deliver_reminder(delivery_id, now=now) == "failed"
    later = now + datetime.timedelta(minutes=1)
    assert deliver_reminder(delivery_id, now=later) == "gave_up"
    row = ReminderDelivery.objects.get()
    assert row.status == ReminderDelivery.Status.GAVE_UP
    assert "SMTPServerDisconnected" in row.last_error
    assert scan_reminders(now=later + datetime.timedelta(days=1)).to_deliver == []
    assert not mail.outbox


def test_an_administrator_can_put_a_given_up_email_back_in_line(pending_request, flaky_smtp, settings):
    from mla_requests.reminder_services import retry_deliveries

    settings.REMINDER_EMAIL_MAX_ATTEMPTS = 1
    flaky_smtp.failures_left = 1
    now = at(D(2025, 4, 10))
    [delivery_id] = scan_reminders(now=now).to_deliver
    assert deliver_reminder(delivery_id, now=now) == "gave_up"
    later = now + datetime.timedelta(hours=1)
    assert retry_deliveries(ids=[delivery_id], now=later) == 1
    assert scan_reminders(now=later).to_deliver == [delivery_id]
    assert deliver_reminder(delivery_id, now=later) == "sent"
    assert len(mail.outbox) == 1
