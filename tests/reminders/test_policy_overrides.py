"""Administrators' policy rows override the settings per country and per legal instrument."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from mla_requests.models import Holiday, ReminderDelivery, ReminderPolicy
from mla_requests.reminder_services import PolicyBook, deliver_reminder, scan_reminders
from tests.reminders.conftest import at

D = datetime.date
pytestmark = pytest.mark.django_db


def test_settings_are_the_default(settings):
    settings.REMINDER_DAYS_BEFORE = (21,)
    policy = PolicyBook.load(today=D(2025, 4, 1)).resolve(country="CH")
    assert (policy.days_before, policy.overdue_every_days, policy.escalate_after_days) == ((21,), 14, 30)


def test_the_most_specific_row_wins_field_by_field(pending_request):
    ReminderPolicy.objects.create(days_before="30", escalate_after_days=60)
    ReminderPolicy.objects.create(country="CH", days_before="7", overdue_every_days=7)
    ReminderPolicy.objects.create(legal_instrument=pending_request.legal_basis, working_days=True)
    ReminderPolicy.objects.create(country="DE", days_before="1", is_active=False)
    book = PolicyBook.load(today=D(2025, 4, 1))
    general = book.resolve()
    assert (general.days_before, general.escalate_after_days, general.overdue_every_days) == ((30,), 60, 14)
    swiss = book.resolve(country="CH")
    assert (swiss.days_before, swiss.escalate_after_days, swiss.overdue_every_days) == ((7,), 60, 7)
    assert book.resolve(country="DE").days_before == (30,)  # inactive row ignored
    treaty = book.for_request(pending_request)
    assert (treaty.working_days, treaty.days_before) == (True, (7,))


def test_a_country_policy_changes_when_the_reminder_comes(pending_request):
    ReminderPolicy.objects.create(country="CH", days_before="30")
    now = at(D(2025, 3, 11))
    [delivery_id] = scan_reminders(now=now).to_deliver
    assert deliver_reminder(delivery_id, now=now) == "sent"
    assert ReminderDelivery.objects.get().stage == "before-30"


def test_holidays_move_a_working_day_reminder(pending_request):
    ReminderPolicy.objects.create(legal_instrument=pending_request.legal_basis, working_days=True)
    for day in (D(2025, 3, 21), D(2025, 3, 24), D(2025, 3, 25)):
        Holiday.objects.create(day=day, name="Nauryz")
    assert scan_reminders(now=at(D(2025, 3, 17))).to_deliver == []
    scan_reminders(now=at(D(2025, 3, 18)))
    assert ReminderDelivery.objects.get().fires_on == D(2025, 3, 18)


def test_a_policy_applies_to_an_instrument_or_a_country_not_both(pending_request):
    with pytest.raises(ValidationError):
        ReminderPolicy(legal_instrument=pending_request.legal_basis, country="CH").full_clean()
    with pytest.raises(ValidationError):
        ReminderPolicy(days_before="14;3").full_clean()
