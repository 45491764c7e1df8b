"""The deadline calendar's iCalendar feed: a secret address per user (only its hash stored, shown
once, revoked at once, audited), serving exactly the user's current scope as all-day events with
stable UIDs and links to the records, odd text escaped, no detail for a bad address."""

import hashlib
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from incoming.services import incoming_set_execution_due
from recovery.models import AuditEvent, CalendarFeedToken
from tests.factories import make_case
from tests.recovery import calendar_world as world
from tests.recovery.calendar_world import days, frozen_asset, sent_request

pytestmark = pytest.mark.django_db
calendar_world = world.calendar_world

SETTINGS_URL = "/admin/calendar/feed/"
FEED_RE = re.compile(r"https?://[^\s<\"]+/calendar/feed/([A-Za-z0-9_\-]+)\.ics")


@pytest.fixture(autouse=True)
def _site(settings):
    settings.PUBLIC_URL = "https://recovery.example.org"


def subscribe(client, user) -> str:
    """Sign `user` in, make their address on the page, return the token from the URL shown."""
    client.force_login(user)
    response = client.post(SETTINGS_URL, {"action": "create"})
    assert response.status_code == 200
    found = FEED_RE.search(response.content.decode())
    assert found, "the new address is shown"
    return found.group(1)


def fetch(token: str):
    return Client().get(f"/calendar/feed/{token}.ics")


def events(response) -> dict[str, dict]:
    cal = Calendar.from_ical(response.content)
    return {
        str(e["UID"]): {
            "start": e.decoded("DTSTART"),
            "end": e.decoded("DTEND"),
            "summary": str(e["SUMMARY"]),
            "description": str(e["DESCRIPTION"]),
            "url": str(e["URL"]),
        }
        for e in cal.walk("VEVENT")
    }


# --- the address ---------------------------------------------------------------------------------


def test_the_address_is_shown_once_and_only_its_hash_is_kept(client, investigator_a):
    token = subscribe(client, investigator_a)
    row = CalendarFeedToken.objects.get(user=investigator_a)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = [str(v) for v in CalendarFeedToken.objects.values_list("token_hash", "created_at", "user_id").get()]
    assert not any(token in value for value in stored)
    page = client.get(SETTINGS_URL)
    assert token not in page.content.decode() and 'id="feed-live"' in page.content.decode()
    assert "no-store" in page["Cache-Control"]


def test_the_new_address_is_offered_as_a_webcal_link_too(client, investigator_a):
    client.force_login(investigator_a)
    content = client.post(SETTINGS_URL, {"action": "create"}).content.decode()
    token = FEED_RE.search(content).group(1)
    assert f'href="webcal://recovery.example.org/calendar/feed/{token}.ics"' in content


def test_a_calendar_client_may_ask_for_the_headers_alone(client, calendar_world, investigator_a):
    token = subscribe(client, investigator_a)
    response = Client().head(f"/calendar/feed/{token}.ics")
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar; charset=utf-8"
    assert Client().post(f"/calendar/feed/{token}.ics").status_code == 405


def test_making_and_revoking_are_audited(client, investigator_a):
    subscribe(client, investigator_a)
    client.post(SETTINGS_URL, {"action": "revoke"})
    found = list(
        AuditEvent.objects.filter(user=investigator_a, extra__kind="calendar_feed")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert found == ["token_created", "token_revoked"]


def test_revoking_makes_the_old_address_404_at_once(client, calendar_world, investigator_a):
    token = subscribe(client, investigator_a)
    assert fetch(token).status_code == 200
    response = client.post(SETTINGS_URL, {"action": "revoke"})
    assert response.status_code == 302
    gone = fetch(token)
    assert gone.status_code == 404 and gone.content == b""
    assert 'id="feed-none"' in client.get(SETTINGS_URL).content.decode()


def test_a_new_address_replaces_the_old_one(client, calendar_world, investigator_a):
    old = subscribe(client, investigator_a)
    new = subscribe(client, investigator_a)
    assert old != new
    assert fetch(old).status_code == 404 and fetch(new).status_code == 200
    assert CalendarFeedToken.objects.filter(user=investigator_a, revoked_at__isnull=True).count() == 1


def test_revoke_and_create_need_a_post_with_the_csrf_token(investigator_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(investigator_a)
    assert client.post(SETTINGS_URL, {"action": "create"}).status_code == 403
    assert not CalendarFeedToken.objects.exists()


@pytest.mark.parametrize("token", ["nope", "x" * 43, "x" * 500, "%00", "%2e%2e"])
def test_an_unknown_address_is_404_without_detail(db, token):
    response = fetch(token)
    assert response.status_code == 404 and response.content == b""


def test_a_deactivated_users_address_is_404(client, calendar_world, investigator_a):
    token = subscribe(client, investigator_a)
    investigator_a.is_active = False
    investigator_a.save(update_fields=["is_active"])
    assert fetch(token).status_code == 404


def test_deactivating_the_account_revokes_its_address_for_good(client, calendar_world, investigator_a, administrator):
    token = subscribe(client, investigator_a)
    investigator_a.is_active = False
    investigator_a.save(update_fields=["is_active"])
    assert CalendarFeedToken.objects.get(user=investigator_a).revoked_at is not None
    investigator_a.is_active = True
    investigator_a.save(update_fields=["is_active"])
    assert fetch(token).status_code == 404


def test_a_colleague_cannot_revoke_or_read_anothers_feed(calendar_world, investigator_a, investigator_b):
    mine, theirs = Client(), Client()
    token_a = subscribe(mine, investigator_a)
    token_b = subscribe(theirs, investigator_b)
    # B's revoke revokes B's own address, never A's.
    theirs.post(SETTINGS_URL, {"action": "revoke"})
    assert fetch(token_a).status_code == 200 and fetch(token_b).status_code == 404
    token_b = subscribe(theirs, investigator_b)
    w = calendar_world
    text = fetch(token_b).content.decode()
    for secret in (w.request_a.reference, w.overdue_a.reference, w.incoming_a.reference, "Villa on the lake"):
        assert secret not in text
    # A token in the query string or as a session does not open another user's feed.
    assert theirs.get(f"/calendar/feed/{token_a[:-1]}x.ics").status_code == 404


# --- the feed's contents ------------------------------------------------------------------------


def test_the_feed_has_exactly_the_in_scope_items_as_all_day_events(client, calendar_world, investigator_a):
    w = calendar_world
    response = fetch(subscribe(client, investigator_a))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    found = events(response)
    assert set(found) == {
        f"response_due-{w.request_a.pk}@asset-recovery",
        f"response_due-{w.overdue_a.pk}@asset-recovery",
        f"execution_due-{w.incoming_a.pk}@asset-recovery",
        f"freeze_expires-{w.asset_a.pk}@asset-recovery",
        f"freeze_expires-{w.lapsed_a.pk}@asset-recovery",
    }
    request_event = found[f"response_due-{w.request_a.pk}@asset-recovery"]
    assert request_event["start"] == days(5) and request_event["end"] == days(6)
    assert w.request_a.reference in request_event["summary"] and "response due" in request_event["summary"]
    assert request_event["url"] == f"https://recovery.example.org/admin/requests/request/{w.request_a.pk}/change/"
    assert found[f"execution_due-{w.incoming_a.pk}@asset-recovery"]["start"] == days(7)
    assert found[f"freeze_expires-{w.asset_a.pk}@asset-recovery"]["url"].endswith(
        f"/admin/assets/asset/{w.asset_a.pk}/change/"
    )
    assert found[f"response_due-{w.overdue_a.pk}@asset-recovery"]["summary"].startswith("[Overdue]")
    assert not found[f"response_due-{w.request_a.pk}@asset-recovery"]["summary"].startswith("[")


def test_the_uid_stays_when_the_deadline_moves(client, calendar_world, investigator_a):
    w = calendar_world
    token = subscribe(client, investigator_a)
    uid = f"execution_due-{w.incoming_a.pk}@asset-recovery"
    assert events(fetch(token))[uid]["start"] == days(7)
    incoming_set_execution_due(
        incoming=w.incoming_a, actor=investigator_a, execution_due=days(20), reason="Postponement agreed"
    )
    assert events(fetch(token))[uid]["start"] == days(20)


def test_the_feed_follows_the_users_current_scope(client, calendar_world, supervisor_a, unit_b):
    w = calendar_world
    token = subscribe(client, supervisor_a)
    assert f"response_due-{w.request_a.pk}@asset-recovery" in events(fetch(token))
    supervisor_a.unit = unit_b
    supervisor_a.save(update_fields=["unit"])
    found = events(fetch(token))
    assert f"response_due-{w.request_a.pk}@asset-recovery" not in found
    assert f"response_due-{w.request_b.pk}@asset-recovery" in found


def test_the_public_address_setting_is_read_through_one_helper(client, calendar_world, investigator_a, settings):
    settings.PUBLIC_URL = "https://public.example.kz/"
    found = events(fetch(subscribe(client, investigator_a)))
    assert all(e["url"].startswith("https://public.example.kz/admin/") for e in found.values())


def test_odd_text_is_escaped_and_comes_back_intact(client, investigator_a):
    title = 'Comma, semicolon; back\\slash "quoted" — Қазақ «ёлка» 🏦 終'
    case = make_case(lead=investigator_a, title=title)
    request = sent_request(case, due=days(4))
    response = fetch(subscribe(client, investigator_a))
    raw = response.content.decode()
    assert "\\," in raw and "\\;" in raw and "\\\\" in raw
    assert events(response)[f"response_due-{request.pk}@asset-recovery"]["description"] == case.title
    # Every line of the document is folded to 75 octets, as RFC 5545 requires.
    assert all(len(line) <= 75 for line in response.content.split(b"\r\n"))


def test_the_feeds_query_count_does_not_grow_with_the_items(client, calendar_world, investigator_a):
    token = subscribe(client, investigator_a)
    fetch(token)  # the first fetch records the address's use
    with CaptureQueriesContext(connection) as before:
        fetch(token)
    for n in range(4):
        sent_request(calendar_world.case_a, due=days(10 + n))
        frozen_asset(calendar_world.case_a, expires=days(10 + n), description=f"Account {n}")
    with CaptureQueriesContext(connection) as after:
        response = fetch(token)
    assert len(events(response)) == 13
    assert len(after) == len(before)
