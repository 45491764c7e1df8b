"""End to end, in a real headless browser (Debian's chromium driven by Playwright; no browser is
downloaded): an investigator logs in, opens a case, adds a request from the case page, sends it,
and sees the sending on the case's timeline. .ci/run installs chromium from Debian's packages."""

import io
import os
import shutil

import pytest

from mla_requests.models import Request

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.e2e


@pytest.fixture
def browser_page(monkeypatch):
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        # CI installs Debian's chromium (.ci/run) and must run this test; a developer's machine
        # without it is told how to get it instead of failing `make test`.
        if os.environ.get("CI"):
            pytest.fail(f"chromium is not installed at {CHROMIUM} (CI must install it)")
        pytest.skip("needs Debian's chromium: apt-get install chromium")

    # Playwright's sync API runs an event loop in this thread; the test's own ORM reads are plain
    # synchronous code all the same.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        page = browser.new_page()
        page.set_default_timeout(15_000)
        yield page
        browser.close()


def choose(page, field: str, text: str):
    """Pick `text` in a form field: the admin's autocomplete (select2), checkboxes or a plain select."""
    select = page.locator(f"#id_{field}")
    if select.evaluate("element => element.tagName") != "SELECT":  # a list of checkboxes
        select.get_by_label(text).check()
    elif "admin-autocomplete" in (select.get_attribute("class") or ""):
        page.locator(f"#id_{field} + .select2").click()
        page.locator(".select2-container--open .select2-search__field").fill(text)
        page.locator(".select2-results__option", has_text=text).first.click()
    else:
        page.select_option(f"#id_{field}", label=text)


@pytest.mark.django_db(transaction=True)
def test_log_in_open_a_case_add_a_request_send_it_and_see_the_timeline(live_server, desk, browser_page):
    page = browser_page
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "inv_a")
    page.fill("#id_password", "correct-horse-battery")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")

    page.goto(f"{live_server.url}/admin/cases/case/{desk.case_a.pk}/change/")
    page.locator(f'a[href*="/admin/requests/request/add/?case={desk.case_a.pk}"]').first.click()
    page.wait_for_url("**/admin/requests/request/add/**")
    choose(page, "country", "Türkiye" if page.locator("#id_country option", has_text="Türkiye").count() else "Turkey")
    choose(page, "legal_basis", "UN Convention against Corruption")
    choose(page, "crime_category", "Corruption")
    choose(page, "measures", "Taking testimony")
    page.fill("#id_summary", "Testimony of the company's former director")
    page.click("input[name=_save]")
    page.wait_for_load_state()

    request = Request.objects.get(country="TR")
    assert request.case == desk.case_a and request.status == Request.Status.DRAFT
    page.goto(f"{live_server.url}/admin/requests/request/{request.pk}/change/")
    page.locator(f'a[href$="/admin/requests/request/{request.pk}/transition/sent/"]').first.click()
    page.fill("#id_document_reference", "Out. 15-2/771")
    page.locator("form input[type=submit], form button[type=submit]").last.click()
    page.wait_for_load_state()

    request.refresh_from_db()
    assert request.status == Request.Status.SENT
    page.goto(f"{live_server.url}/admin/cases/case/{desk.case_a.pk}/change/")
    timeline = page.locator("#timeline")
    assert request.reference in timeline.inner_text()
    assert "Out. 15-2/771" in timeline.inner_text()


@pytest.mark.django_db(transaction=True)
def test_a_supervisor_sees_russia_ranked_first_on_the_country_chart_of_the_demo_data(live_server, browser_page):
    from django.core.management import call_command

    # The demo data at a small scale still follows the seed's figure 2 (Russia 961 requests first).
    call_command("seed_demo_data", "--scale", "0.03", stdout=io.StringIO())
    page = browser_page
    page.goto(f"{live_server.url}/admin/login/?next=/dashboard/countries/")
    page.fill("#id_username", "supervisor")
    page.fill("#id_password", "demo-password-2026")
    page.click("input[type=submit]")
    page.wait_for_url("**/dashboard/countries/")
    page.locator("#country-chart svg text.label").first.wait_for()
    labels = page.locator("#country-chart svg text.label").all_text_contents()  # SVG has no innerText
    assert labels and "Russia" in labels[0]
    first_row = page.locator("#country-table tbody tr").first
    assert first_row.get_attribute("data-country") == "RU"
