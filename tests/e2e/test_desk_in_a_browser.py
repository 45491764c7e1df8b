"""End to end, in a real headless browser: an investigator's day from the desk. A reminder arrives
(the reminder scan and its delivery run here, synchronously, for a request whose answer is due in
three days), the investigator signs in, finds the request and the notification on the desk, opens
the inbox, follows the notification to the request (which marks it read) and records the foreign
answer through the transition form. Their supervisor's desk lists the unit's work by investigator.
Screenshots of the desk and the inbox in English, Russian and Kazakh go to var/screenshots/ for a
person to look at."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from mla_requests.models import Request
from mla_requests.reminder_services import deliver_reminder, scan_reminders
from recovery.models import Notification
from tests.e2e import test_investigator_desk_in_a_browser as first_browser_test
from tests.factories import UserFactory
from tests.reminders.conftest import send_request

pytestmark = pytest.mark.e2e
# The same headless chromium as the first browser test (its fixture, reused here).
browser_page = first_browser_test.browser_page

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PASSWORD = "correct-horse-battery"
DAY = datetime.timedelta(days=1)


def sign_in(page, live_server, username, next_path="/admin/"):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/admin/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}{next_path}")


def in_language(page, code):
    """Switch the language through the admin header's switcher (it reloads the page)."""
    with page.expect_navigation():
        page.select_option("#language-select", code)
    assert page.locator("html").get_attribute("lang") == code


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_an_investigators_day_from_the_desk(live_server, desk, investigator_a, browser_page, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    today = timezone.localdate()
    request = send_request(
        investigator=investigator_a, case=desk.case_a, sent_on=today - 80 * DAY, response_due=today + 3 * DAY
    )
    late = send_request(
        investigator=investigator_a, case=desk.case_a, sent_on=today - 120 * DAY, response_due=today - 4 * DAY
    )
    # The reminder arrives: the scan plans it, the delivery posts the notification.
    for delivery_id in scan_reminders().to_deliver:
        deliver_reminder(delivery_id)
    notification = Notification.objects.get(recipient=investigator_a, link__contains=f"/request/{request.pk}/")
    assert notification.read_at is None

    page = browser_page
    sign_in(page, live_server, "inv_a", "/admin/desk/")
    assert request.reference in page.locator("#desk-due_soon").inner_text()
    assert late.reference in page.locator("#desk-overdue").inner_text()
    assert desk.request_b.reference not in page.locator("#desk").inner_text()
    assert notification.title in page.locator("#desk-notifications").inner_text()
    screenshot(page, "desk-en.png")

    page.click("#notifications-link")
    page.wait_for_url("**/admin/notifications/")
    screenshot(page, "inbox-en.png")
    for code in ("ru", "kk"):
        in_language(page, code)
        screenshot(page, f"inbox-{code}.png")
        page.goto(f"{live_server.url}/admin/desk/")
        screenshot(page, f"desk-{code}.png")
        page.goto(f"{live_server.url}/admin/notifications/")
    in_language(page, "en")

    # Following the notification opens the request, and the notification is read.
    page.locator(f"#notification-{notification.pk} a.notification-open").click()
    page.wait_for_url(f"**/admin/requests/request/{request.pk}/change/")
    notification.refresh_from_db()
    assert notification.read_at is not None

    # The foreign answer arrives: recorded through the transition form.
    page.goto(f"{live_server.url}/admin/requests/request/{request.pk}/transition/executed/")
    page.fill("#id_document_reference", "Letter 4411/26 of the Federal Office of Justice")
    with page.expect_navigation():
        page.locator("form input[type=submit], form button[type=submit]").last.click()
    request.refresh_from_db()
    assert request.status == Request.Status.EXECUTED

    page.goto(f"{live_server.url}/admin/desk/")
    assert request.reference not in page.locator("#desk").inner_text()
    # The other reminder (of the overdue request) is still unread; the one followed is not.
    assert page.locator("#desk-notifications .desk-count").get_attribute("data-count") == str(
        Notification.objects.filter(recipient=investigator_a, read_at__isnull=True).count()
    )
    assert notification.title not in page.locator("#desk-notifications").inner_text()


@pytest.mark.django_db(transaction=True)
def test_a_supervisors_desk_by_investigator(live_server, desk, investigator_a, unit_a, browser_page):
    UserFactory(username="sup_a", unit=unit_a, roles=["Supervisor"])
    colleague = UserFactory(
        username="inv_a_two", unit=unit_a, roles=["Investigator"], first_name="Aigerim", last_name="Bekova"
    )
    today = timezone.localdate()
    mine = send_request(
        investigator=investigator_a, case=desk.case_a, sent_on=today - 120 * DAY, response_due=today - 4 * DAY
    )
    theirs = send_request(investigator=colleague, sent_on=today - 100 * DAY, response_due=today - 2 * DAY)
    other_unit = send_request(
        investigator=desk.case_b.lead_investigator, sent_on=today - 100 * DAY, response_due=today - 2 * DAY
    )

    page = browser_page
    sign_in(page, live_server, "sup_a", "/admin/desk/")
    overdue = page.locator("#desk-overdue")
    headings = overdue.locator("tr.desk-owner").all_inner_texts()
    assert "Aigerim Bekova" in headings and investigator_a.get_full_name() in headings
    text = overdue.inner_text()
    assert mine.reference in text and theirs.reference in text
    assert other_unit.reference not in page.locator("#desk").inner_text()
    screenshot(page, "desk-supervisor-en.png")
