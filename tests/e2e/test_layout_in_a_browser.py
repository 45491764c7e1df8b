"""In a real browser at ordinary desktop widths (1280 and 1440 px), in English, Russian and Kazakh
(the longest labels): a change page's object tools, with the transition buttons among them, never
cover the record's title (recovery/static/recovery/admin_layout.css)."""

import pytest

from tests.e2e.test_investigator_desk_in_a_browser import browser_page  # noqa: F401

pytestmark = pytest.mark.e2e

WIDTHS = (1280, 1440)
LANGUAGES = ("en", "ru", "kk")


def _intersect(a, b) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


@pytest.mark.django_db(transaction=True)
def test_object_tools_never_cover_the_title(live_server, desk, browser_page):  # noqa: F811
    page = browser_page
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "inv_a")
    page.fill("#id_password", "correct-horse-battery")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")

    pages = {
        "case": f"/admin/cases/case/{desk.case_a.pk}/change/",
        "request": f"/admin/requests/request/{desk.request_a.pk}/change/",
        "asset": f"/admin/assets/asset/{desk.asset_a.pk}/change/",
    }
    checked = 0
    for language in LANGUAGES:
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for what, path in pages.items():
                page.goto(f"{live_server.url}{path}")
                assert page.locator("html").get_attribute("lang") == language
                tools = page.locator("#content .object-tools")
                assert tools.count() == 1, (what, language, width)
                items = tools.locator("li")
                if what != "case":
                    # The transitions are there: the buttons this test is about.
                    assert page.locator("#content .object-tools a.transition-link").count() >= 2, (what, language)
                tools_box = tools.bounding_box()
                titles = page.locator("#content > h1, #content > h2")
                assert titles.count() >= 1
                for index in range(titles.count()):
                    title_box = titles.nth(index).bounding_box()
                    assert not _intersect(tools_box, title_box), (what, language, width, tools_box, title_box)
                    # Each button on its own too (a box of the list may be smaller than a float's overflow).
                    for item in range(items.count()):
                        box = items.nth(item).bounding_box()
                        assert not _intersect(box, title_box), (what, language, width, item)
                # Nothing is pushed off the page to the right.
                assert tools_box["x"] + tools_box["width"] <= width + 1
                checked += 1
    assert checked == len(LANGUAGES) * len(WIDTHS) * len(pages)
