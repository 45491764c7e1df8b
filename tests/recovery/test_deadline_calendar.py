"""The deadline calendar in the admin: each kind of dated item on its day, only the user's own
scope (a user of another unit never sees an item, its reference or its title, whatever the query
string says), overdue items marked, a bad month refused with a message, names of months and
weekdays in the user's language, and a query count that does not grow with the items."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from recovery import deadline_calendar as dc
from tests.factories import UserFactory
from tests.recovery import calendar_world as world
from tests.recovery.calendar_world import days, frozen_asset, sent_request

pytestmark = pytest.mark.django_db
calendar_world = world.calendar_world

MONTH_URL = "/admin/calendar/"
AGENDA_URL = "/admin/calendar/agenda/"


def month_of(day: datetime.date) -> str:
    return f"{MONTH_URL}?month={day:%Y-%m}"


def cell(content: str, day: datetime.date) -> str:
    found = re.search(rf'data-date="{day:%Y-%m-%d}">(.*?)</td>', content, re.S)
    assert found, f"no cell for {day}"
    return found.group(1)


def b_secrets(w) -> list[str]:
    return [
        w.request_b.reference,
        w.incoming_b.reference,
        w.case_b.register_number,
        "Secret chalet of unit B",
        "Bribery in customs",
        f"/admin/requests/request/{w.request_b.pk}/",
        f"/admin/incoming/incomingrequest/{w.incoming_b.pk}/",
        f"/admin/assets/asset/{w.asset_b.pk}/",
    ]


# --- the items, read in scope -------------------------------------------------------------------


def test_the_items_are_those_of_the_users_own_unit(calendar_world, investigator_a, investigator_b):
    w = calendar_world
    mine = {(i.kind, i.pk) for i in dc.deadline_items(investigator_a, start=None, end=None)}
    assert mine == {
        (dc.RESPONSE_DUE, w.request_a.pk),
        (dc.RESPONSE_DUE, w.overdue_a.pk),
        (dc.EXECUTION_DUE, w.incoming_a.pk),
        (dc.FREEZE_EXPIRES, w.asset_a.pk),
        (dc.FREEZE_EXPIRES, w.lapsed_a.pk),
    }
    theirs = {(i.kind, i.pk) for i in dc.deadline_items(investigator_b, start=None, end=None)}
    assert theirs == {
        (dc.RESPONSE_DUE, w.request_b.pk),
        (dc.EXECUTION_DUE, w.incoming_b.pk),
        (dc.FREEZE_EXPIRES, w.asset_b.pk),
    }


def test_each_item_is_on_its_date_with_its_overdue_flag(calendar_world, investigator_a):
    w = calendar_world
    by_key = {(i.kind, i.pk): i for i in dc.deadline_items(investigator_a, start=None, end=None)}
    assert by_key[(dc.RESPONSE_DUE, w.request_a.pk)].date == days(5)
    assert by_key[(dc.EXECUTION_DUE, w.incoming_a.pk)].date == days(7)
    assert by_key[(dc.FREEZE_EXPIRES, w.asset_a.pk)].date == days(9)
    assert {k for k, item in by_key.items() if item.overdue} == {
        (dc.RESPONSE_DUE, w.overdue_a.pk),
        (dc.FREEZE_EXPIRES, w.lapsed_a.pk),
    }


def test_the_window_bounds_are_inclusive(calendar_world, investigator_a):
    found = dc.deadline_items(investigator_a, start=days(5), end=days(7))
    assert sorted(i.date for i in found) == [days(5), days(7)]


def test_a_user_without_a_case_role_gets_nothing(calendar_world):
    auditor = UserFactory(username="auditor", unit=None, roles=["Auditor"])
    assert dc.deadline_items(auditor, start=None, end=None) == []


def test_the_feed_follows_the_current_scope_when_a_user_moves_unit(calendar_world, investigator_a, unit_b):
    investigator_a.unit = unit_b
    investigator_a.save(update_fields=["unit"])
    pks = {i.pk for i in dc.deadline_items(investigator_a, start=None, end=None) if i.kind == dc.RESPONSE_DUE}
    # Still the lead of case A (own cases stay visible), and now of unit B too.
    assert calendar_world.request_b.pk in pks


# --- the month page ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "attr,offset,path",
    [
        ("request_a", 5, "/admin/requests/request/{}/change/"),
        ("incoming_a", 7, "/admin/incoming/incomingrequest/{}/change/"),
        ("asset_a", 9, "/admin/assets/asset/{}/change/"),
    ],
)
def test_each_kind_is_shown_on_its_day_linking_to_its_record(
    calendar_world, client, investigator_a, attr, offset, path
):
    record = getattr(calendar_world, attr)
    client.force_login(investigator_a)
    response = client.get(month_of(days(offset)))
    assert response.status_code == 200
    day = cell(response.content.decode(), days(offset))
    assert f'href="{path.format(record.pk)}"' in day
    label = record.case.register_number if attr == "asset_a" else record.reference
    assert label in day


def test_overdue_items_are_marked_and_others_not(calendar_world, client, investigator_a):
    w = calendar_world
    client.force_login(investigator_a)
    past = cell(client.get(month_of(days(-5))).content.decode(), days(-5))
    assert w.overdue_a.reference in past and "deadline-item overdue" in past and "Overdue" in past
    future = cell(client.get(month_of(days(5))).content.decode(), days(5))
    assert w.request_a.reference in future and "overdue" not in future


def test_another_units_items_never_show_whatever_the_query_string(calendar_world, client, investigator_a, unit_b):
    w = calendar_world
    client.force_login(investigator_a)
    for query in ("", f"&unit={unit_b.pk}", f"&case={w.case_b.pk}", f"&user={w.case_b.lead_investigator.pk}"):
        for offset in (5, 7, 9):
            content = client.get(month_of(days(offset)) + query).content.decode()
            for secret in b_secrets(w):
                assert secret not in content, (query, secret)
    agenda = client.get(AGENDA_URL + f"?unit={unit_b.pk}").content.decode()
    for secret in b_secrets(w):
        assert secret not in agenda


def test_the_other_unit_sees_its_own_and_not_ours(calendar_world, client, investigator_b):
    w = calendar_world
    client.force_login(investigator_b)
    content = client.get(AGENDA_URL).content.decode()
    assert w.request_b.reference in content and w.incoming_b.reference in content
    for secret in (w.request_a.reference, w.overdue_a.reference, w.incoming_a.reference, "Villa on the lake"):
        assert secret not in content


def test_the_month_grid_starts_on_monday_and_covers_whole_weeks(client, investigator_a):
    client.force_login(investigator_a)
    content = client.get(f"{MONTH_URL}?year=2026&month=12").content.decode()
    dates = re.findall(r'data-date="(\d{4}-\d{2}-\d{2})"', content)
    # December 2026 begins on a Tuesday and ends on a Thursday: 30 November to 3 January.
    assert dates[0] == "2026-11-30" and dates[-1] == "2027-01-03" and len(dates) == 35
    assert datetime.date.fromisoformat(dates[0]).weekday() == 0
    assert "December 2026" in content
    assert 'href="?month=2026-11"' in content and 'href="?month=2027-01"' in content


@pytest.mark.parametrize(
    "language,month,weekday",
    [("ru", "Декабрь 2026", "Пн"), ("kk", "Желтоқсан 2026", "Дб"), ("en", "December 2026", "Mon")],
)
def test_month_and_weekday_names_are_in_the_users_language(client, investigator_a, settings, language, month, weekday):
    client.force_login(investigator_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    content = client.get(f"{MONTH_URL}?month=2026-12").content.decode()
    assert month in content
    assert f'<th scope="col">{weekday}' in content


@pytest.mark.parametrize(
    "query",
    [
        "month=13",
        "month=0",
        "year=99999",
        "year=abc",
        "year=2026&month=abc",
        "month=2026-13",
        "month=abc",
        "month=%D9%A1%D9%A2",  # Arabic-Indic digits are digits to Python, not to the calendar
        "month=%D9%A2%D9%A0%D9%A2%D9%A6-12",
        "year=%D9%A2%D9%A0%D9%A2%D9%A6&month=12",
        "year=-5",
        "year=1&month=1",
        "month=2026-12-01",
    ],
)
def test_a_bad_month_is_refused_with_a_message(client, investigator_a, query):
    client.force_login(investigator_a)
    response = client.get(f"{MONTH_URL}?{query}")
    assert response.status_code == 400
    assert 'id="calendar-error"' in response.content.decode()


@pytest.mark.parametrize("query", ["days=0", "days=367", "days=abc", "days=99999999999999999999"])
def test_a_bad_agenda_period_is_refused_with_a_message(client, investigator_a, query):
    client.force_login(investigator_a)
    response = client.get(f"{AGENDA_URL}?{query}")
    assert response.status_code == 400
    assert 'id="calendar-error"' in response.content.decode()


def test_no_query_string_shows_the_current_month(client, investigator_a):
    client.force_login(investigator_a)
    response = client.get(MONTH_URL)
    assert response.status_code == 200
    assert f'data-date="{timezone.localdate():%Y-%m-%d}"' in response.content.decode()


# --- the agenda ----------------------------------------------------------------------------------


def test_the_agenda_lists_overdue_then_upcoming_within_the_period(calendar_world, client, investigator_a):
    w = calendar_world
    client.force_login(investigator_a)
    content = client.get(AGENDA_URL).content.decode()
    overdue, upcoming = content.split('id="agenda-upcoming"')
    assert w.overdue_a.reference in overdue and "Yacht in the marina" in overdue
    assert w.request_a.reference in upcoming and w.incoming_a.reference in upcoming and "Villa on the lake" in upcoming
    assert w.request_a.reference not in overdue
    short = client.get(AGENDA_URL + "?days=6").content.decode().split('id="agenda-upcoming"')[1]
    assert w.request_a.reference in short and w.incoming_a.reference not in short


# --- who may open it ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [MONTH_URL, AGENDA_URL, "/admin/calendar/feed/"])
def test_signed_out_visitors_go_to_the_login_and_users_without_a_case_role_are_refused(client, url, db):
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(UserFactory(username="auditor", unit=None, roles=["Auditor"]))
    assert client.get(url).status_code == 403


def test_supervisor_and_analyst_see_what_they_read(calendar_world, client, supervisor_a, analyst):
    w = calendar_world
    client.force_login(supervisor_a)
    content = client.get(AGENDA_URL).content.decode()
    assert w.request_a.reference in content and w.request_b.reference not in content
    client.force_login(analyst)
    content = client.get(AGENDA_URL).content.decode()
    assert w.request_a.reference in content and w.request_b.reference in content


def test_the_admin_header_links_to_the_calendar(client, investigator_a):
    client.force_login(investigator_a)
    assert 'id="calendar-link"' in client.get("/admin/").content.decode()


# --- query counts ---------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_pages_query_count_does_not_grow_with_the_items(calendar_world, client, investigator_a):
    w = calendar_world
    client.force_login(investigator_a)
    month = month_of(days(5))
    client.get(month)  # warm the caches (content types, sessions) the count must not include
    before = {url: _queries(client, url) for url in (month, AGENDA_URL)}
    for n in range(4):
        sent_request(w.case_a, due=days(5))
        frozen_asset(w.case_a, expires=days(5), description=f"Account {n}")
    assert len(dc.deadline_items(investigator_a, start=days(5), end=days(5))) == 9
    after = {url: _queries(client, url) for url in (month, AGENDA_URL)}
    assert after == before


def test_a_page_lists_at_most_its_limit_of_each_kind_and_says_so(calendar_world, client, investigator_a, monkeypatch):
    from recovery import calendar_views

    w = calendar_world
    monkeypatch.setattr(calendar_views, "PAGE_LIMIT", 1)
    client.force_login(investigator_a)
    sent_request(w.case_a, due=days(6))
    content = client.get(AGENDA_URL).content.decode()
    assert 'id="calendar-truncated"' in content
    overdue, upcoming = content.split('id="agenda-upcoming"')
    # The earliest of each kind: the request due in five days, not the one due in six.
    assert w.request_a.reference in upcoming and upcoming.count("/admin/requests/request/") == 1
    assert w.overdue_a.reference in overdue
    monkeypatch.setattr(calendar_views, "PAGE_LIMIT", 500)
    assert 'id="calendar-truncated"' not in client.get(AGENDA_URL).content.decode()
