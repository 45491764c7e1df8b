"""Two workers at once, on PostgreSQL with real connections: one delivery row, one email."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection

from mla_requests.models import ReminderDelivery
from mla_requests.reminder_services import deliver_reminder, scan_reminders
from recovery.models import Notification
from tests.reminders.conftest import at

D = datetime.date
pytestmark = pytest.mark.django_db(transaction=True)


def run_in_threads(target, count=2):
    """Run `target` in `count` threads released together; each uses its own database connection."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker():
        try:
            barrier.wait(timeout=30)
            results.append(target())
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    return results


def test_two_concurrent_scans_plan_each_reminder_once(on_postgres, pending_request):
    now = at(D(2025, 4, 10))
    run_in_threads(lambda: scan_reminders(now=now), count=4)
    assert ReminderDelivery.objects.count() == 1


def test_two_workers_delivering_the_same_reminder_send_it_once(on_postgres, pending_request):
    now = at(D(2025, 4, 10))
    [delivery_id] = scan_reminders(now=now).to_deliver
    outcomes = run_in_threads(lambda: deliver_reminder(delivery_id, now=now), count=4)
    assert sorted(outcomes) == ["not-claimed"] * 3 + ["sent"]
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 1
    assert ReminderDelivery.objects.get().status == ReminderDelivery.Status.SENT


def test_concurrent_scan_and_delivery_rounds_send_each_stage_once(on_postgres, pending_request):
    def beat(day):
        def round_():
            now = at(day)
            for pk in scan_reminders(now=now).to_deliver:
                deliver_reminder(pk, now=now)

        return round_

    for day in (D(2025, 3, 27), D(2025, 4, 7), D(2025, 4, 10)):
        run_in_threads(beat(day), count=3)
    assert sorted(ReminderDelivery.objects.values_list("stage", flat=True)) == ["before-14", "before-3", "due"]
    assert len(mail.outbox) == 3
