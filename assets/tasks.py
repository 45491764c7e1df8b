"""Celery tasks of assets: thin, they call assets.freeze_reminders.

Safe to run twice (acks_late redelivers after a crash, beat may fire twice): the scan inserts
under a unique key and each reminder is claimed by compare-and-swap before it is sent."""

from celery import shared_task

from assets import freeze_reminders

#: Reminders handed to one worker task.
DELIVERY_CHUNK = 100


@shared_task(name="assets.tasks.scan_freeze_expiry_reminders")
def scan_freeze_expiry_reminders() -> int:
    """Plan the reminders of freezes expiring or lapsed today and hand those waiting to workers."""
    ids = freeze_reminders.scan().to_deliver
    for start in range(0, len(ids), DELIVERY_CHUNK):
        deliver_freeze_expiry_reminders.delay(ids[start : start + DELIVERY_CHUNK])
    return len(ids)


@shared_task(name="assets.tasks.deliver_freeze_expiry_reminders")
def deliver_freeze_expiry_reminders(reminder_ids: list[int]) -> dict[str, int]:
    """Send a chunk of freeze expiry reminders, each claimed on its own. Returns how many ended how."""
    outcomes: dict[str, int] = {}
    for reminder_id in reminder_ids:
        outcome = freeze_reminders.deliver(reminder_id)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes
