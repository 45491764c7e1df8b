"""`manage.py send_reminders [--dry-run]`: the same scan once, from cron or by hand."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from mla_requests.models import ReminderDelivery
from tests.reminders.conftest import send_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def due_today(investigator_a):
    today = timezone.localdate()
    return send_request(investigator=investigator_a, sent_on=today - datetime.timedelta(days=60), response_due=today)


def test_dry_run_lists_and_writes_nothing(due_today):
    out = StringIO()
    call_command("send_reminders", "--dry-run", stdout=out)
    assert due_today.reference in out.getvalue() and "due" in out.getvalue()
    assert "1 reminder(s) would be planned" in out.getvalue()
    assert not ReminderDelivery.objects.exists() and not mail.outbox


def test_the_command_sends_once_however_often_it_runs(due_today):
    call_command("send_reminders", stdout=StringIO())
    out = StringIO()
    call_command("scan_reminders", stdout=out)
    assert "nothing to send" in out.getvalue()
    assert ReminderDelivery.objects.get().status == ReminderDelivery.Status.SENT
    assert len(mail.outbox) == 1
