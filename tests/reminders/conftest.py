"""Fixtures for reminder tests: a request sent and waiting for its answer, and the office clock."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from mla_requests.models import ReminderDelivery, Request
from mla_requests.services import request_send, request_transition
from tests.factories import make_case, make_request

ALMATY = ZoneInfo("Asia/Almaty")


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """A moment on `day` in the office's time zone."""
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ALMATY)


def send_request(*, investigator, sent_on, response_due, acknowledged_on="auto", country="CH", case=None, **kwargs):
    """A request sent on `sent_on`, due `response_due`, acknowledged ten days after sending unless
    `acknowledged_on` says otherwise (None: never acknowledged, so the acknowledgement is chased)."""
    case = case or make_case(unit=investigator.unit, lead=investigator)
    request = make_request(case=case, actor=investigator, country=country, **kwargs)
    request = request_send(request=request, actor=investigator, sent_on=sent_on, response_due=response_due)
    if acknowledged_on == "auto":
        acknowledged_on = sent_on + datetime.timedelta(days=10)
    if acknowledged_on is not None:
        request = request_transition(
            request=request, to_status=Request.Status.ACKNOWLEDGED, actor=investigator, effective_on=acknowledged_on
        )
    return request


def deliveries(**filters):
    return list(ReminderDelivery.objects.filter(**filters).order_by("pk"))


@pytest.fixture
def pending_request(investigator_a):
    """Sent 10 January 2025, acknowledged 20 January, answer due 10 April 2025."""
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
    settings.PUBLIC_URL = "https://recovery.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def unacknowledged_request(investigator_a):
    """Sent 10 January 2025, answer due 10 April 2025, no acknowledgement."""
    return send_request(
        investigator=investigator_a,
        sent_on=datetime.date(2025, 1, 10),
        response_due=datetime.date(2025, 4, 10),
        acknowledged_on=None,
    )
