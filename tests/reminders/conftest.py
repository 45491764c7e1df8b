"""Fixtures for reminder tests: a request sent and waiting for its answer, and the office clock."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from mla_requests.models import ReminderDelivery
from mla_requests.services import request_send
from tests.factories import make_case, make_request

ALMATY = ZoneInfo("Asia/Almaty")


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """A moment on `day` in the office's time zone."""
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ALMATY)


def send_request(*, investigator, sent_on, response_due, country="CH", case=None, **kwargs):
    case = case or make_case(unit=investigator.unit, lead=investigator)
    request = make_request(case=case, actor=investigator, country=country, **kwargs)
    return request_send(request=request, actor=investigator, sent_on=sent_on, response_due=response_due)


def deliveries(**filters):
    return list(ReminderDelivery.objects.filter(**filters).order_by("pk"))


@pytest.fixture
def pending_request(investigator_a):
    """Sent 10 January 2025, answer due 10 April 2025, not yet acknowledged."""
    return send_request(
        investigator=investigator_a, sent_on=datetime.date(2025, 1, 10), response_due=datetime.date(2025, 4, 10)
    )


@pytest.fixture(autouse=True)
def _reminder_settings(settings):
    # The documented defaults, whatever the environment of the run says.
    settings.REMINDER_DAYS_BEFORE = (14, 3)
    settings.REMINDER_OVERDUE_EVERY_DAYS = 14
    settings.REMINDER_ESCALATE_AFTER_DAYS = 30
    settings.REMINDER_ACK_CHASE_AFTER_DAYS = 30
    settings.REMINDER_WORKING_DAYS = False
    settings.REMINDER_DIGEST_HOUR = 9
    settings.REMINDER_SITE_URL = "https://recovery.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
