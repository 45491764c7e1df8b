"""A person who chose the daily digest gets one email a day listing their reminders."""

import datetime

import pytest
from django.core import mail

from mla_requests.models import ReminderDelivery, ReminderDigest
from mla_requests.reminder_services import deliver_reminder, scan_reminders, send_digests
from recovery.models import Notification, NotificationPreference
from recovery.notifications import set_email_mode
from tests.reminders.conftest import at, send_request
from tests.reminders.flaky_smtp import FlakySMTPBackend

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def three_requests_due(investigator_a):
    set_email_mode(user=investigator_a, email_mode=NotificationPreference.EmailMode.DIGEST)
    return [
        send_request(investigator=investigator_a, sent_on=D(2025, 1, 10), response_due=due)
        for due in (D(2025, 4, 10), D(2025, 4, 13), D(2025, 4, 24))
    ]


def scan_and_deliver(now):
    return [deliver_reminder(pk, now=now) for pk in scan_reminders(now=now).to_deliver]


def test_reminders_wait_for_one_digest_at_the_configured_hour(three_requests_due, investigator_a):
    morning = at(D(2025, 4, 10), hour=7)
    assert scan_and_deliver(morning) == ["queued"] * 3
    assert Notification.objects.filter(recipient=investigator_a).count() == 3  # in-app at once
    assert not mail.outbox

    assert send_digests(now=at(D(2025, 4, 10), hour=8, minute=45)) == {"sent": 0, "failed": 0, "gave_up": 0}
    assert not mail.outbox

    assert send_digests(now=at(D(2025, 4, 10), hour=9))["sent"] == 1
    [message] = mail.outbox
    assert message.to == [investigator_a.email]
    assert "3" in message.subject
    for request in three_requests_due:
        assert request.reference in message.body

    # Later the same day, and again: no second digest.
    assert send_digests(now=at(D(2025, 4, 10), hour=9, minute=15))["sent"] == 0
    assert send_digests(now=at(D(2025, 4, 10), hour=18))["sent"] == 0
    assert len(mail.outbox) == 1
    assert ReminderDigest.objects.get().items.count() == 3


def test_a_reminder_after_todays_digest_waits_for_tomorrows(investigator_a):
    set_email_mode(user=investigator_a, email_mode=NotificationPreference.EmailMode.DIGEST)
    first = send_request(investigator=investigator_a, sent_on=D(2025, 1, 10), response_due=D(2025, 4, 10))
    scan_and_deliver(at(D(2025, 4, 10), hour=7))
    assert send_digests(now=at(D(2025, 4, 10), hour=9))["sent"] == 1
    # A second request comes within 14 days of its deadline after today's digest went.
    second = send_request(investigator=investigator_a, sent_on=D(2025, 1, 10), response_due=D(2025, 4, 24))
    assert scan_and_deliver(at(D(2025, 4, 10), hour=9, minute=30)) == ["queued"]
    assert send_digests(now=at(D(2025, 4, 10), hour=9, minute=45))["sent"] == 0
    assert send_digests(now=at(D(2025, 4, 11), hour=8))["sent"] == 0
    assert send_digests(now=at(D(2025, 4, 11), hour=9))["sent"] == 1
    assert len(mail.outbox) == 2
    assert first.reference in mail.outbox[0].body and second.reference not in mail.outbox[0].body
    assert second.reference in mail.outbox[1].body and first.reference not in mail.outbox[1].body


def test_a_failed_digest_is_retried(three_requests_due, investigator_a, settings):
    settings.EMAIL_BACKEND = "tests.reminders.flaky_smtp.FlakySMTPBackend"
    FlakySMTPBackend.failures_left = 1
    try:
        scan_and_deliver(at(D(2025, 4, 10), hour=7))
        nine = at(D(2025, 4, 10), hour=9)
        assert send_digests(now=nine)["failed"] == 1
        digest = ReminderDigest.objects.get()
        assert digest.status == ReminderDigest.Status.FAILED and "SMTP" in digest.last_error
        assert send_digests(now=nine + datetime.timedelta(minutes=1))["sent"] == 1
        assert len(mail.outbox) == 1
    finally:
        FlakySMTPBackend.failures_left = 0


def test_immediate_and_no_email_modes(pending_request, investigator_a):
    set_email_mode(user=investigator_a, email_mode=NotificationPreference.EmailMode.NONE)
    now = at(D(2025, 4, 10))
    assert scan_and_deliver(now) == ["sent"]
    assert ReminderDelivery.objects.get().email_mode == ReminderDelivery.EmailMode.NONE
    assert not mail.outbox
    assert send_digests(now=at(D(2025, 4, 10), hour=10))["sent"] == 0
