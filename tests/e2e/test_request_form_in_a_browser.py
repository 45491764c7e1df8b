"""In a real browser, under the CSP: the request form's requested state is searched by name, and
the legal basis's autocomplete then offers only the instruments that can bind that state (the
static script recovery/legal_basis_by_country.js forwards the state); no policy violation."""

import pytest

from tests.e2e.test_controls_work_under_the_csp import _log_in, _violations
from tests.e2e.test_investigator_desk_in_a_browser import browser_page  # noqa: F401

pytestmark = pytest.mark.e2e


def _pick_country(page, typed: str, name: str):
    page.locator("#id_country + .select2").click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=name).first.click()


def _legal_bases_offered(page) -> list[str]:
    page.locator("#id_legal_basis + .select2").click()
    options = page.locator(".select2-container--open .select2-results__option")
    options.first.wait_for()
    page.wait_for_function(
        "() => !document.querySelector('.select2-container--open .select2-results__option.loading-results')"
    )
    texts = options.all_text_contents()
    page.keyboard.press("Escape")
    return texts


@pytest.mark.django_db(transaction=True)
def test_the_legal_basis_follows_the_requested_state(live_server, desk, browser_page):  # noqa: F811
    page = browser_page
    violations = _violations(page)
    _log_in(page, live_server, f"/admin/requests/request/add/?case={desk.case_a.pk}")
    # The home state is not among the choices; the others are found by name.
    assert page.locator("#id_country option[value=KZ]").count() == 0
    _pick_country(page, "Emirates", "United Arab Emirates")
    assert page.locator("#id_country").input_value() == "AE"
    offered = _legal_bases_offered(page)
    assert any("Corruption" in text for text in offered)
    assert not any("Switzerland" in text for text in offered)
    _pick_country(page, "Switz", "Switzerland")
    offered = _legal_bases_offered(page)
    assert any("Switzerland" in text for text in offered)
    assert not violations, violations
