"""Reminder emails and notifications are written in the recipient's language."""

import datetime

import pytest
from django.core import mail

from mla_requests.reminder_services import deliver_reminder, scan_reminders
from recovery.models import Notification
from tests.reminders.conftest import at

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "subject_start", "body_phrase", "country"),
    [
        ("en", "Reminder: the answer to", "Responsible investigator:", "Switzerland"),
        ("ru", "Напоминание: ответ по запросу", "Ответственный следователь:", "Швейцария"),
        # Kazakh country names come from locale_supplement/ (django-countries has none of its own).
        ("kk", "Еске салу:", "Жауапты тергеуші:", "Швейцария"),
    ],
)
def test_the_reminder_speaks_the_recipients_language(
    pending_request, investigator_a, language, subject_start, body_phrase, country
):
    investigator_a.preferred_language = language
    investigator_a.save()
    now = at(D(2025, 3, 27))
    [delivery_id] = scan_reminders(now=now).to_deliver
    assert deliver_reminder(delivery_id, now=now) == "sent"
    [message] = mail.outbox
    assert message.subject.startswith(subject_start)
    assert pending_request.reference in message.subject
    assert "2025-04-10" in message.subject and "14" in message.subject
    assert country in message.subject
    assert body_phrase in message.body
    assert f"https://recovery.example.org/admin/requests/request/{pending_request.pk}/change/" in message.body
    assert message.to == [investigator_a.email]
    assert Notification.objects.get(recipient=investigator_a).title == message.subject


def test_an_overdue_reminder_says_how_late_in_russian(pending_request, investigator_a):
    investigator_a.preferred_language = "ru"
    investigator_a.save()
    now = at(D(2025, 4, 24))
    [delivery_id] = scan_reminders(now=now).to_deliver
    deliver_reminder(delivery_id, now=now)
    assert mail.outbox[0].subject.startswith("Просрочено: нет ответа по запросу")
    assert "дней просрочки: 14" in mail.outbox[0].subject


def test_a_person_without_an_email_address_gets_the_notification_only(pending_request, investigator_a):
    investigator_a.email = ""
    investigator_a.save()
    now = at(D(2025, 4, 10))
    [delivery_id] = scan_reminders(now=now).to_deliver
    assert deliver_reminder(delivery_id, now=now) == "sent"
    assert not mail.outbox
    assert Notification.objects.filter(recipient=investigator_a).count() == 1
