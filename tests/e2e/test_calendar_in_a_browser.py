"""End to end, in a real headless browser: an investigator opens the deadline calendar from the
admin's header, sees their request's response deadline on its day and in the agenda, switches the
language with the admin's switcher (screenshots in English, Russian and Kazakh under
var/screenshots/), and subscribes to the feed, whose address serves the same request."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from mla_requests.services import request_send
from tests.e2e.test_investigator_desk_in_a_browser import browser_page  # noqa: F401

pytestmark = pytest.mark.e2e
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's
SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"


@pytest.mark.django_db(transaction=True)
def test_open_the_calendar_and_the_agenda_in_three_languages(
    live_server,
    desk,
    browser_page,  # noqa: F811
):
    page = browser_page
    today = timezone.localdate()
    due = today + datetime.timedelta(days=3)
    request = request_send(
        request=desk.request_a,
        actor=desk.case_a.lead_investigator,
        sent_on=today - datetime.timedelta(days=30),
        response_due=due,
        override_reason="Sent before the checklist was kept here",
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "inv_a")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")

    page.click("#calendar-link")
    page.wait_for_url("**/admin/calendar/")
    page.goto(f"{live_server.url}/admin/calendar/?month={due:%Y-%m}")
    day = page.locator(f'td[data-date="{due:%Y-%m-%d}"]')
    assert day.locator("a.deadline-item", has_text=request.reference).count() == 1
    # The other unit's request is nowhere on the page.
    assert desk.request_b.reference not in page.content()
    page.screenshot(path=str(SCREENSHOTS / "calendar-en.png"), full_page=True)

    for language in ("ru", "kk"):
        page.select_option("#language-select", language)
        page.wait_for_function(f"document.documentElement.lang === '{language}'")
        assert page.locator(f'td[data-date="{due:%Y-%m-%d}"] a.deadline-item', has_text=request.reference).count()
        page.screenshot(path=str(SCREENSHOTS / f"calendar-{language}.png"), full_page=True)
    assert (SCREENSHOTS / "calendar-kk.png").stat().st_size > 0

    page.click("#calendar-agenda-link")
    page.wait_for_url("**/admin/calendar/agenda/")
    assert page.locator("#agenda-upcoming a", has_text=request.reference).count() == 1
    page.screenshot(path=str(SCREENSHOTS / "calendar-agenda-kk.png"), full_page=True)

    page.click("#calendar-feed-link")
    page.click("#feed-create")
    address = page.locator("#feed-url").inner_text().strip()
    path = address[address.index("/calendar/feed/") :]
    feed = page.request.get(f"{live_server.url}{path}")
    assert feed.status == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert request.reference in feed.text()
