"""In a real browser, under the Content-Security-Policy the server sends: the admin export page's
"Select all" box and the statistics report's "Print" button do what they say (their handlers are
static scripts; inline handlers and javascript: URLs are blocked by the policy), and the browser
reports no policy violation on either page."""

import pytest

from tests.e2e.test_investigator_desk_in_a_browser import browser_page  # noqa: F401

pytestmark = pytest.mark.e2e


def _log_in(page, live_server, next_path):
    page.goto(f"{live_server.url}/admin/login/?next={next_path}")
    page.fill("#id_username", "inv_a")
    page.fill("#id_password", "correct-horse-battery")
    page.click("input[type=submit]")
    page.wait_for_url(f"**{next_path}")


def _violations(page):
    found = []

    def on_console(message):
        if "Content Security Policy" in message.text:
            found.append(message.text)

    page.on("console", on_console)
    return found


@pytest.mark.django_db(transaction=True)
def test_select_all_on_the_export_page(live_server, desk, browser_page):  # noqa: F811
    page = browser_page
    violations = _violations(page)
    _log_in(page, live_server, "/admin/cases/subject/export/")
    fields = page.locator('.selectable-field-export-row input[type="checkbox"]:visible')
    assert fields.count() > 1
    page.locator("input[data-select-all]").uncheck()
    assert all(not box.is_checked() for box in fields.all())
    page.locator("input[data-select-all]").check()
    assert all(box.is_checked() for box in fields.all())
    assert not violations, violations


@pytest.mark.django_db(transaction=True)
def test_print_on_the_statistics_report(live_server, desk, browser_page):  # noqa: F811
    page = browser_page
    violations = _violations(page)
    page.add_init_script("window.print = function () { window.__printed = true; };")
    _log_in(page, live_server, "/dashboard/report/")
    page.locator("button[data-print]").click()
    assert page.evaluate("window.__printed === true")
    assert not violations, violations
