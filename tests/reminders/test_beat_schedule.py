"""The beat schedule in code, overridable from the environment by a strict parser; Celery settings."""

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.beat import beat_schedule, parse_cron


def test_the_default_schedule_scans_every_minute_and_sends_digests():
    schedule = beat_schedule({})
    assert schedule["scan-reminders"]["task"] == "mla_requests.tasks.scan_reminders"
    assert schedule["scan-reminders"]["schedule"] == crontab(minute="*")
    assert schedule["send-reminder-digests"]["schedule"] == crontab(minute="*/15")


def test_the_reminder_schedule_is_repaired_once_a_day():
    entry = beat_schedule({})["repair-reminder-schedule"]
    assert entry["task"] == "mla_requests.tasks.repair_reminder_schedule"
    assert entry["schedule"] == crontab(minute="17", hour="5")
    assert "repair-reminder-schedule" not in beat_schedule({"REMINDER_SCHEDULE_REPAIR_CRON": "disable"})


def test_an_environment_variable_replaces_or_disables_an_entry():
    schedule = beat_schedule({"REMINDER_SCAN_CRON": "*/5 7-20 * * mon-fri", "REMINDER_DIGEST_CRON": "disable"})
    assert schedule["scan-reminders"]["schedule"] == crontab(minute="*/5", hour="7-20", day_of_week="mon-fri")
    assert "send-reminder-digests" not in schedule


@pytest.mark.parametrize(
    "raw", ["* * * *", "61 * * * *", "* 24 * * *", "* * 32 * *", "* * * 0 *", "* * * * funday", "x"]
)
def test_a_malformed_expression_is_refused_naming_the_variable(raw):
    with pytest.raises(ImproperlyConfigured, match="REMINDER_SCAN_CRON"):
        beat_schedule({"REMINDER_SCAN_CRON": raw})


def test_parse_cron_reads_five_fields():
    assert parse_cron("X", "30 9 1 * *") == crontab(minute="30", hour="9", day_of_month="1")


def test_the_project_settings_are_safe_for_late_acknowledgement():
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_SERIALIZER == "json" and settings.CELERY_ACCEPT_CONTENT == ["json"]
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT
    assert settings.REMINDER_CLAIM_TIMEOUT > settings.CELERY_TASK_TIME_LIMIT
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout")
    assert visibility is None or visibility > settings.CELERY_TASK_TIME_LIMIT
    assert "scan-reminders" in settings.CELERY_BEAT_SCHEDULE
