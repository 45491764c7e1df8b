"""Celery tasks for reminders: thin, they take ids and call reminder_services.

Every task is safe to run twice (acks_late redelivers after a crash, beat may fire twice): the
scan inserts under a unique key and each delivery is claimed by compare-and-swap before sending.
"""

import logging

from celery import shared_task

from mla_requests import reminder_schedule, reminder_services

logger = logging.getLogger(__name__)

#: Deliveries handed to one worker task: 10,000 due reminders make 100 messages, not 10,000.
DELIVERY_CHUNK = 100


@shared_task(name="mla_requests.tasks.scan_reminders")
def scan_reminders() -> int:
    """Plan the reminders due now and hand the waiting deliveries to workers, a chunk per task."""
    result = reminder_services.scan_reminders()
    ids = result.to_deliver
    for start in range(0, len(ids), DELIVERY_CHUNK):
        deliver_reminders.delay(ids[start : start + DELIVERY_CHUNK])
    return len(ids)


@shared_task(name="mla_requests.tasks.deliver_reminders")
def deliver_reminders(delivery_ids: list[int]) -> dict[str, int]:
    """Send a chunk of reminders, each claimed on its own (a redelivered chunk sends nothing twice:
    the rows already sent are not claimed again). Returns how many ended how."""
    outcomes: dict[str, int] = {}
    for delivery_id in delivery_ids:
        outcome = reminder_services.deliver_reminder(delivery_id)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


@shared_task(name="mla_requests.tasks.deliver_reminder")
def deliver_reminder(delivery_id: int) -> str:
    """Send one reminder (notification and email) if this worker wins its claim."""
    return reminder_services.deliver_reminder(delivery_id)


@shared_task(name="mla_requests.tasks.send_reminder_digests")
def send_reminder_digests() -> dict:
    """Send the daily digests that are due, and retry failed ones."""
    return reminder_services.send_digests()


@shared_task(name="mla_requests.tasks.repair_reminder_schedule")
def repair_reminder_schedule() -> int:
    """Give every pending request without a reminder schedule row one due at the next scan (daily,
    from beat). Returns how many were missing; any is logged, as the services should have written
    them."""
    missing = reminder_schedule.repair_missing()
    if missing:
        logger.warning("Reminder schedule: %s pending requests had no row (written around the services?)", missing)
    return missing
