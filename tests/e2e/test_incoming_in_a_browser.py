"""End to end, in Debian's chromium: an investigator of unit A records a request Switzerland sent
under its treaty (the add form) and registers it, the unit's supervisor assigns it to an
investigator of the regional office, who starts execution and records it executed; the request's
timeline shows each step."""

import pytest

from incoming.models import IncomingRequest
from tests.e2e.test_investigator_desk_in_a_browser import browser_page, choose  # noqa: F401

pytestmark = pytest.mark.e2e
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


def sign_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


def take_step(page, to_status, change_url, **fields):
    """Click the change page's button for a step, fill its form and submit it."""
    page.goto(change_url)
    page.locator(f'a[data-to-status="{to_status}"]').first.click()
    page.wait_for_selector("#transition_form")
    for selector, value in fields.items():
        if page.locator(f"#id_{selector}").evaluate("element => element.tagName") == "SELECT":
            page.select_option(f"#id_{selector}", value)
        else:
            page.fill(f"#id_{selector}", value)
    page.locator("#transition_form input[type=submit]").click()
    page.wait_for_url(change_url)


@pytest.mark.django_db(transaction=True)
def test_receive_register_assign_execute_and_see_the_timeline(
    live_server,
    desk,
    browser_page,  # noqa: F811
    investigator_a,
    supervisor_a,
    investigator_a1,
    unit_a,
):
    page = browser_page
    sign_in(page, live_server, investigator_a.username)

    # Receive the Swiss request through the add form.
    page.goto(f"{live_server.url}/admin/incoming/incomingrequest/add/")
    page.select_option("#id_requesting_country", "CH")
    page.fill("#id_requesting_authority", "Federal Office of Justice")
    page.fill("#id_foreign_reference", "B-2026-4411")
    choose(page, "legal_basis", "Kazakhstan–Switzerland MLA treaty")
    choose(page, "crime_category", "Corruption")
    choose(page, "measures", "Freezing assets")
    page.fill("#id_summary", "Freeze the Almaty accounts of a Swiss company's former director")
    assert page.locator("#id_unit").input_value() == str(unit_a.pk)
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/incoming/incomingrequest/")

    incoming = IncomingRequest.objects.get(foreign_reference="B-2026-4411")
    assert (incoming.status, incoming.requesting_country.code, incoming.unit) == ("received", "CH", unit_a)
    change_url = f"{live_server.url}/admin/incoming/incomingrequest/{incoming.pk}/change/"

    # The investigator registers it; assigning is not theirs to do.
    page.goto(change_url)
    assert page.locator('a[data-to-status="assigned"]').count() == 0
    take_step(page, "registered", change_url, document_reference="Reg. 3-11/208")
    page.goto(change_url)
    assert page.locator('a[data-to-status="assigned"]').count() == 0

    # The supervisor assigns it to an investigator of the regional office.
    sign_in(page, live_server, supervisor_a.username)
    take_step(page, "assigned", change_url, executor=str(investigator_a1.pk), note="Accounts held in Almaty")

    # The executor starts execution and records it executed.
    sign_in(page, live_server, investigator_a1.username)
    take_step(page, "in_execution", change_url)
    take_step(page, "executed", change_url, document_reference="Out. 7-2/55")

    incoming.refresh_from_db()
    assert (incoming.status, incoming.executor) == ("executed", investigator_a1)
    page.goto(change_url)
    rows = page.locator("#timeline tbody tr.timeline-row").all_inner_texts()
    steps = ["Received", "Registered", "Assigned", "In execution", "Executed"]
    assert len(rows) == len(steps)
    for row, step in zip(rows, steps, strict=True):
        assert step in row
    timeline = page.locator("#timeline").inner_text()
    for detail in ("Reg. 3-11/208", "Accounts held in Almaty", "Out. 7-2/55"):
        assert detail in timeline
    # Who recorded each step: the investigator, the supervisor, then the executor.
    for row, person in zip(rows[1:], (investigator_a, supervisor_a, investigator_a1, investigator_a1), strict=True):
        assert str(person) in row
    assert page.locator("a.transition-link").count() == 0  # executed: nothing more to do
