"""A real Celery worker on the real Redis broker: the scan task, sent through the broker, yields
one notification and one email for a due request, and still one after the tasks run again.

Broker: REMINDERS_TEST_BROKER_URL, default redis://127.0.0.1:6379/4 (this suite's own database
number, flushed before the test). Skipped when no Redis answers there, and on SQLite (see the test).
"""

import datetime
import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from config.celery import app as celery_app
from mla_requests import tasks
from mla_requests.models import ReminderDelivery
from recovery.models import Notification
from tests.factories import UserFactory
from tests.reminders.conftest import send_request

BROKER_URL = os.environ.get("REMINDERS_TEST_BROKER_URL", "redis://127.0.0.1:6379/4")
pytestmark = pytest.mark.django_db(transaction=True)


def _reset_connections(app):
    # The app caches its connection and producer pools; drop them so the next message uses the
    # broker URL set now (what celery itself does after a fork).
    app._pool = None
    app.__dict__.get("amqp") and setattr(app.amqp, "_producer_pool", None)


@pytest.fixture
def redis_broker():
    import redis

    client = redis.Redis.from_url(BROKER_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not reachable at {BROKER_URL}")
    client.flushdb()
    conf = celery_app.conf
    saved = {k: conf[k] for k in ("broker_url", "broker_transport_options", "task_always_eager")}
    conf.broker_url = BROKER_URL
    conf.broker_transport_options = {"visibility_timeout": 3600}
    conf.task_always_eager = False
    _reset_connections(celery_app)
    try:
        yield client
    finally:
        for key, value in saved.items():
            conf[key] = value
        _reset_connections(celery_app)
        client.flushdb()


def wait_for(condition, timeout=60.0):
    """Poll until `condition()` holds; the worker runs in another thread."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


# PostgreSQL only: the worker runs in a thread of this process and writes while the test writes;
# SQLite's shared in-memory test database refuses the second writer at once ("database table is
# locked") instead of waiting, so on SQLite the outcome would depend on thread timing. CI runs it
# on PostgreSQL, with the real Redis broker that is the point of the test.
def test_the_scan_task_on_a_real_worker_sends_one_reminder(on_postgres, redis_broker, investigator_a, unit_a):
    today = timezone.localdate()
    request = send_request(investigator=investigator_a, sent_on=today - datetime.timedelta(days=90), response_due=today)
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        tasks.scan_reminders.delay()
        assert wait_for(lambda: ReminderDelivery.objects.filter(status=ReminderDelivery.Status.SENT).count() == 1)
        delivery = ReminderDelivery.objects.get()
        assert (delivery.request_id, delivery.stage, delivery.recipient_id) == (request.pk, "due", investigator_a.pk)
        assert Notification.objects.filter(recipient=investigator_a).count() == 1
        assert len(mail.outbox) == 1

        # The same work delivered again: a duplicate beat and a redelivered delivery task...
        tasks.scan_reminders.delay()
        tasks.deliver_reminder.delay(delivery.pk)
        tasks.deliver_reminder.delay(delivery.pk)
        # ...then a marker behind them in the queue: another person's request, due today. The
        # solo worker takes messages in order, so once its reminder is there the others have run.
        other = UserFactory(username="inv_a_marker", unit=unit_a, roles=["Investigator"])
        send_request(investigator=other, sent_on=today - datetime.timedelta(days=90), response_due=today)
        tasks.scan_reminders.delay()
        assert wait_for(lambda: Notification.objects.filter(recipient=other).count() == 1)

    assert Notification.objects.filter(recipient=investigator_a).count() == 1
    assert ReminderDelivery.objects.filter(request=request).count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([investigator_a.email, other.email])
