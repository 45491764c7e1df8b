"""The Celery beat schedule, defined here and overridable from the environment.

Each periodic task has a default cron expression and an environment variable that replaces it
(five fields: minute hour day-of-month month day-of-week, in the project's time zone), or removes
the task with `disable`. A malformed expression stops the process with a message naming the
variable, instead of silently never running the task (as paperless-ngx's parse_beat_schedule does).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from celery.schedules import ParseException, crontab, crontab_parser
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class PeriodicTask:
    name: str  # the beat entry's name
    task: str  # the registered task name
    env_var: str  # the variable that overrides the default
    default_cron: str
    # Seconds after which beat's message expires unsent, so a stopped worker does not find a
    # pile of identical scans on restart (each scan covers everything anyway).
    expires: int | None = None


PERIODIC_TASKS = (
    # Cheap (it reads only due requests through an index), so it runs often: a request that
    # becomes overdue is noticed within a minute, and failed emails are retried on time.
    PeriodicTask("scan-reminders", "mla_requests.tasks.scan_reminders", "REMINDER_SCAN_CRON", "* * * * *", 55),
    # Once a day, before office hours: a schedule row for every pending request that has none (the
    # services always write it; this catches requests written around them). An anti-join over the
    # pending requests, 0.1-0.17 s at a million requests: too dear for the every-minute scan.
    PeriodicTask(
        "repair-reminder-schedule",
        "mla_requests.tasks.repair_reminder_schedule",
        "REMINDER_SCHEDULE_REPAIR_CRON",
        "17 5 * * *",
        3600,
    ),
    # Reminders before a freeze abroad expires (assets.freeze_reminders): stages come by the day,
    # so hourly is enough; each run also retries the emails that failed.
    PeriodicTask(
        "scan-freeze-expiry-reminders",
        "assets.tasks.scan_freeze_expiry_reminders",
        "FREEZE_EXPIRY_SCAN_CRON",
        "11 * * * *",
        3300,
    ),
    # Sends each daily digest once the configured hour (REMINDER_DIGEST_HOUR) has come.
    PeriodicTask(
        "send-reminder-digests", "mla_requests.tasks.send_reminder_digests", "REMINDER_DIGEST_CRON", "*/15 * * * *", 840
    ),
)

DISABLE = "disable"
_RANGES = (  # (field, max value) as celery's crontab checks them
    ("minute", 60),
    ("hour", 24),
    ("day_of_month", 31),
    ("month_of_year", 12),
    ("day_of_week", 7),
)


def parse_cron(name: str, raw: str) -> crontab:
    """A five-field cron expression as a celery crontab; ImproperlyConfigured naming `name` if malformed."""
    fields = raw.split()
    if len(fields) != 5:
        raise ImproperlyConfigured(
            f"{name}={raw!r}: a cron expression needs five fields (minute hour day month weekday), or '{DISABLE}'."
        )
    for (field, max_value), value in zip(_RANGES, fields, strict=True):
        try:
            if field == "day_of_week":
                crontab(day_of_week=value)
            elif field in ("day_of_month", "month_of_year"):
                crontab_parser(max_value, 1).parse(value)
            else:
                crontab_parser(max_value).parse(value)
        except (ParseException, ValueError) as exc:
            raise ImproperlyConfigured(f"{name}={raw!r}: bad {field.replace('_', ' ')} {value!r} ({exc}).") from None
    minute, hour, day_of_month, month_of_year, day_of_week = fields
    return crontab(
        minute=minute, hour=hour, day_of_month=day_of_month, month_of_year=month_of_year, day_of_week=day_of_week
    )


def beat_schedule(environ: Mapping[str, str] | None = None) -> dict:
    """The CELERY_BEAT_SCHEDULE: the defaults above, with each environment override applied."""
    environ = os.environ if environ is None else environ
    schedule = {}
    for entry in PERIODIC_TASKS:
        raw = environ.get(entry.env_var, "").strip() or entry.default_cron
        if raw.lower() == DISABLE:
            continue
        item = {"task": entry.task, "schedule": parse_cron(entry.env_var, raw)}
        if entry.expires:
            item["options"] = {"expires": entry.expires}
        schedule[entry.name] = item
    return schedule


def dashboard_refresh_entry(every_seconds: int) -> dict:
    """The beat entry of the dashboard snapshot refresh: every `every_seconds` (the setting
    RECOVERY_DASHBOARD_REFRESH_SECONDS; 0 leaves it out). Its message expires before the next one
    is due, so a stopped worker does not find a queue of refreshes on restart."""
    if not every_seconds:
        return {}
    return {
        "refresh-dashboard-snapshots": {
            "task": "recovery.tasks.refresh_dashboard_snapshots",
            "schedule": float(every_seconds),
            "options": {"expires": max(every_seconds - 5, 1)},
        }
    }
