"""Reminders before a freeze abroad expires: each stage on its day (30, 14, 7 and 1 days before,
and the day after the last day, when it lapses), once per asset, expiry and stage whatever the
retries; a renewal re-plans them; only the people responsible receive them; a bad record is
skipped and the others are still reminded."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from djmoney.money import Money

from assets import freeze_reminders
from assets.models import Asset, FreezeExpiryReminder
from assets.services import asset_renew_freeze, asset_transition
from assets.tasks import deliver_freeze_expiry_reminders, scan_freeze_expiry_reminders
from recovery.models import Notification, NotificationPreference
from recovery.notifications import set_email_mode
from tests.factories import UserFactory, make_asset, make_case, make_incoming
from tests.reminders.conftest import at

D = datetime.date
S = Asset.Status
EXPIRES = D(2025, 4, 10)


@pytest.fixture(autouse=True)
def _freeze_reminder_days(settings):
    settings.RECOVERY_FREEZE_EXPIRY_REMINDER_DAYS = (30, 14, 7, 1)


def freeze(asset, expires_on=EXPIRES, actor=None):
    return asset_transition(
        asset=asset,
        to_status=S.FROZEN,
        actor=actor or asset.case.lead_investigator,
        amount=Money("1000.00", "USD"),
        effective_on=D(2025, 1, 10),
        freeze_expires_on=expires_on,
    )


@pytest.fixture
def frozen(investigator_a):
    return freeze(make_asset(case=make_case(lead=investigator_a)))


def run(day, hour=10):
    """One scan and delivery of everything due, as the task does it, at `day` in Almaty."""
    now = at(day, hour)
    result = freeze_reminders.scan(now=now)
    return result, [freeze_reminders.deliver(pk, now=now) for pk in result.to_deliver]


def stages(asset, **filters):
    return list(
        FreezeExpiryReminder.objects.filter(asset=asset, **filters).order_by("pk").values_list("stage", flat=True)
    )


def test_the_stage_arithmetic_without_the_database():
    days = (30, 14, 7, 1)
    latest = freeze_reminders.latest_stage
    assert latest(EXPIRES, days, D(2025, 3, 10)) is None  # 31 days left
    assert latest(EXPIRES, days, D(2025, 3, 11)) == ("before-30", D(2025, 3, 11))
    assert latest(EXPIRES, days, D(2025, 3, 26)) == ("before-30", D(2025, 3, 11))
    assert latest(EXPIRES, days, D(2025, 3, 27)) == ("before-14", D(2025, 3, 27))
    assert latest(EXPIRES, days, D(2025, 4, 2)) == ("before-14", D(2025, 3, 27))
    assert latest(EXPIRES, days, D(2025, 4, 9)) == ("before-1", D(2025, 4, 9))
    assert latest(EXPIRES, days, EXPIRES) == ("before-1", D(2025, 4, 9))  # its last day
    assert latest(EXPIRES, days, D(2025, 4, 11)) == ("lapsed", D(2025, 4, 11))
    assert latest(EXPIRES, days, D(2025, 9, 1)) == ("lapsed", D(2025, 4, 11))
    assert latest(EXPIRES, (), D(2025, 4, 9)) is None


@pytest.mark.django_db
def test_each_stage_fires_on_its_day_to_the_lead_investigator(frozen, investigator_a, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    fired = {}
    day = D(2025, 3, 1)
    while day <= D(2025, 4, 20):
        _result, outcomes = run(day)
        if outcomes:
            fired[day] = (stages(frozen)[-1], outcomes)
        day += datetime.timedelta(days=1)
    assert fired == {
        D(2025, 3, 11): ("before-30", ["sent"]),
        D(2025, 3, 27): ("before-14", ["sent"]),
        D(2025, 4, 3): ("before-7", ["sent"]),
        D(2025, 4, 9): ("before-1", ["sent"]),
        D(2025, 4, 11): ("lapsed", ["sent"]),
    }
    notes = Notification.objects.filter(recipient=investigator_a, source_key__startswith="freeze-expiry:")
    assert notes.count() == 5
    assert [m.to for m in mail.outbox] == [[investigator_a.email]] * 5
    assert "days left: 30" in mail.outbox[0].subject and "Freeze lapsed" in mail.outbox[-1].subject
    assert f"/admin/assets/asset/{frozen.pk}/change/" in mail.outbox[0].body


@pytest.mark.django_db
def test_a_scan_running_twice_or_a_task_redelivered_sends_nothing_twice(frozen, investigator_a, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    first, outcomes = run(D(2025, 3, 11))
    assert outcomes == ["sent"]
    again, outcomes = run(D(2025, 3, 11), hour=11)
    assert again.planned == 0 and outcomes == []
    # A chunk delivered again (acks_late after a crash) is not claimed again.
    assert deliver_freeze_expiry_reminders(first.to_deliver) == {"not-claimed": 1}
    assert stages(frozen) == ["before-30"] and len(mail.outbox) == 1
    assert Notification.objects.filter(recipient=investigator_a).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_scans_plan_each_reminder_once(frozen, on_postgres):
    barrier = threading.Barrier(2)
    errors = []

    def scan():
        try:
            barrier.wait(timeout=10)
            freeze_reminders.scan(now=at(D(2025, 3, 11)))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert stages(frozen) == ["before-30"]


@pytest.mark.django_db
def test_a_renewal_re_plans_the_reminders_for_the_new_date(frozen, investigator_a):
    run(D(2025, 4, 3))  # before-7 of 10 April
    asset_renew_freeze(asset=frozen, actor=investigator_a, renewed_on=D(2025, 1, 15), expires_on=D(2025, 10, 10))
    # Nothing more for the old date: not its before-1 nor its lapse.
    for day in (D(2025, 4, 9), D(2025, 4, 11)):
        assert run(day)[1] == []
    assert run(D(2025, 9, 10))[1] == ["sent"]
    assert list(
        FreezeExpiryReminder.objects.filter(asset=frozen).order_by("pk").values_list("stage", "expires_on")
    ) == [
        ("before-7", D(2025, 4, 10)),
        ("before-30", D(2025, 10, 10)),
    ]


@pytest.mark.django_db
def test_a_reminder_planned_before_a_renewal_is_cancelled_not_sent(frozen, investigator_a):
    result = freeze_reminders.scan(now=at(D(2025, 3, 11)))
    asset_renew_freeze(asset=frozen, actor=investigator_a, renewed_on=D(2025, 1, 15), expires_on=D(2025, 10, 10))
    assert [freeze_reminders.deliver(pk, now=at(D(2025, 3, 11))) for pk in result.to_deliver] == ["cancelled"]
    assert not Notification.objects.filter(recipient=investigator_a).exists()


@pytest.mark.django_db
def test_a_renewal_by_a_few_days_does_not_repeat_the_reminder_just_sent(frozen, investigator_a):
    assert run(D(2025, 4, 3))[1] == ["sent"]  # before-7 of 10 April
    asset_renew_freeze(asset=frozen, actor=investigator_a, renewed_on=D(2025, 1, 15), expires_on=D(2025, 4, 12))
    # On the 4th, before-14 of 12 April has come (29 March): told on the 3rd already, not repeated.
    assert run(D(2025, 4, 4))[1] == []
    assert run(D(2025, 4, 5))[1] == ["sent"]  # before-7 of 12 April: seven days left again
    assert run(D(2025, 4, 11))[1] == ["sent"]  # before-1 of 12 April
    assert stages(frozen) == ["before-7", "before-7", "before-1"]


@pytest.mark.django_db
def test_leaving_the_frozen_status_stops_the_reminders(frozen, investigator_a):
    run(D(2025, 3, 11))
    asset_transition(asset=frozen, to_status=S.RELEASED, actor=investigator_a)
    for day in (D(2025, 3, 27), D(2025, 4, 11)):
        assert run(day)[1] == []
    assert stages(frozen) == ["before-30"]


@pytest.mark.django_db
def test_only_the_people_responsible_are_reminded(investigator_a, investigator_b, supervisor_a, unit_a):
    colleague = UserFactory(unit=unit_a, roles=["Investigator"])
    ours = freeze(make_asset(case=make_case(lead=investigator_a)))
    theirs = freeze(make_asset(case=make_case(lead=investigator_b)))
    run(D(2025, 3, 11))
    assert set(FreezeExpiryReminder.objects.values_list("asset_id", "recipient_id")) == {
        (ours.pk, investigator_a.pk),
        (theirs.pk, investigator_b.pk),
    }
    for outsider in (colleague, supervisor_a):
        assert not Notification.objects.filter(recipient=outsider).exists()
    assert Notification.objects.get(recipient=investigator_b).link == f"/admin/assets/asset/{theirs.pk}/change/"


@pytest.mark.django_db
def test_an_asset_of_an_incoming_request_reminds_its_executor(unit_a, supervisor_a):
    from incoming.services import incoming_assign, incoming_transition

    executor = UserFactory(unit=unit_a, roles=["Investigator"])
    incoming = make_incoming(unit=unit_a)
    incoming = incoming_transition(incoming=incoming, to_status="registered", actor=supervisor_a)
    incoming = incoming_assign(incoming=incoming, actor=supervisor_a, executor=executor)
    from assets.services import asset_create

    asset = asset_create(
        actor=executor,
        incoming_request=incoming,
        kind="real_estate",
        description="Flat in Almaty",
        location_country="KZ",
        identified_on=D(2025, 1, 5),
        currency="KZT",
    )
    asset_transition(
        asset=asset,
        to_status=S.FROZEN,
        actor=executor,
        amount=Money("1000.00", "KZT"),
        effective_on=D(2025, 1, 10),
        freeze_expires_on=EXPIRES,
    )
    run(D(2025, 4, 11))
    assert list(FreezeExpiryReminder.objects.values_list("recipient_id", "stage")) == [(executor.pk, "lapsed")]


@pytest.mark.django_db
def test_when_the_lead_has_left_the_units_supervisors_are_reminded(frozen, investigator_a, supervisor_a):
    investigator_a.is_active = False
    investigator_a.save()
    run(D(2025, 3, 11))
    assert list(FreezeExpiryReminder.objects.values_list("recipient_id", flat=True)) == [supervisor_a.pk]


@pytest.mark.django_db
def test_a_bad_record_is_skipped_and_the_others_still_get_their_reminders(
    investigator_a, investigator_b, monkeypatch, caplog
):
    broken = freeze(make_asset(case=make_case(lead=investigator_a)))
    fine = freeze(make_asset(case=make_case(lead=investigator_b)))
    real = freeze_reminders.recipients_for

    def recipients_for(asset):
        if asset.pk == broken.pk:
            raise ValueError("corrupt record")
        return real(asset)

    monkeypatch.setattr(freeze_reminders, "recipients_for", recipients_for)
    result, outcomes = run(D(2025, 3, 11))
    assert result.skipped == [broken.pk] and outcomes == ["sent"]
    assert stages(fine) == ["before-30"] and stages(broken) == []
    assert f"asset #{broken.pk}" in caplog.text
    monkeypatch.setattr(freeze_reminders, "recipients_for", real)
    assert run(D(2025, 3, 11), hour=11)[1] == ["sent"]  # repaired: planned at the next scan


@pytest.mark.django_db
def test_email_follows_each_persons_preference(frozen, investigator_a, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    set_email_mode(user=investigator_a, email_mode=NotificationPreference.EmailMode.NONE)
    assert run(D(2025, 3, 11))[1] == ["sent"]
    assert mail.outbox == [] and Notification.objects.filter(recipient=investigator_a).count() == 1


@pytest.mark.django_db
def test_digest_readers_get_the_reminder_in_their_daily_digest(frozen, investigator_a, settings):
    from mla_requests.reminder_services import send_digests

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    set_email_mode(user=investigator_a, email_mode=NotificationPreference.EmailMode.DIGEST)
    assert run(D(2025, 3, 11), hour=8)[1] == ["queued"]
    assert mail.outbox == []
    send_digests(now=at(D(2025, 3, 11), 9))
    assert len(mail.outbox) == 1
    assert "Freeze expiring" in mail.outbox[0].body and f"/admin/assets/asset/{frozen.pk}/" in mail.outbox[0].body
    assert FreezeExpiryReminder.objects.get().digest is not None
    send_digests(now=at(D(2025, 3, 11), 10))
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_failed_email_is_retried_by_a_later_scan(frozen, investigator_a, monkeypatch):
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise OSError("SMTP down")

    monkeypatch.setattr(freeze_reminders, "send_email", flaky)
    assert run(D(2025, 3, 11))[1] == ["failed"]
    assert run(D(2025, 3, 11), hour=12)[1] == ["sent"]
    assert Notification.objects.filter(recipient=investigator_a).count() == 1


@pytest.mark.django_db
def test_the_task_hands_the_waiting_reminders_to_workers(frozen, monkeypatch):
    from django.utils import timezone

    handed = []
    monkeypatch.setattr(timezone, "now", lambda: at(D(2025, 3, 11)))
    monkeypatch.setattr(deliver_freeze_expiry_reminders, "delay", lambda ids: handed.append(ids))
    assert scan_freeze_expiry_reminders() == 1
    assert handed == [[FreezeExpiryReminder.objects.get().pk]]


def test_the_days_setting_is_parsed_strictly_and_scheduled():
    from config.beat import beat_schedule
    from mla_requests.reminders import parse_days_list

    assert parse_days_list("30, 14,7,1") == (30, 14, 7, 1)
    for bad in ("30,x", "0", "-7"):
        with pytest.raises(ValueError):
            parse_days_list(bad)
    entry = beat_schedule({})["scan-freeze-expiry-reminders"]
    assert entry["task"] == "assets.tasks.scan_freeze_expiry_reminders"
    assert "scan-freeze-expiry-reminders" not in beat_schedule({"FREEZE_EXPIRY_SCAN_CRON": "disable"})
