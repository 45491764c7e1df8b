"""Celery tasks for reminders: thin, they take ids and call reminder_services.

Every task is safe to run twice (acks_late redelivers after a crash, beat may fire twice): the
scan inserts under a unique key and each delivery is claimed by compare-and-swap before sending.
"""

from celery import shared_task

from mla_requests import reminder_services


@shared_task(name="mla_requests.tasks.scan_reminders")
def scan_reminders() -> int:
    """Plan the reminders due now and hand each waiting delivery to a worker."""
    result = reminder_services.scan_reminders()
    for delivery_id in result.to_deliver:
        deliver_reminder.delay(delivery_id)
    return len(result.to_deliver)


@shared_task(name="mla_requests.tasks.deliver_reminder")
def deliver_reminder(delivery_id: int) -> str:
    """Send one reminder (notification and email) if this worker wins its claim."""
    return reminder_services.deliver_reminder(delivery_id)


@shared_task(name="mla_requests.tasks.send_reminder_digests")
def send_reminder_digests() -> dict:
    """Send the daily digests that are due, and retry failed ones."""
    return reminder_services.send_digests()
