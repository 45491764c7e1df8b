"""Accessibility, checked in a real browser with axe-core (from npm: package.json, installed by
`make pytest`): no page a user reaches reports a "critical" or "serious" violation. The pages: the
login page, the admin index, every admin changelist, the add and change forms of the main records,
and every dashboard page; the login page, a changelist, a form and a dashboard also in Russian and
Kazakh (the labels come from the translations), and a few pages in the admin's dark theme. The
context bypasses the Content-Security-Policy only to inject axe; the pages' scripts run as for users.

To check a new page, add its path to EXTRA_PAGES (or a function of the data to `_admin_pages`).
A failure names the page, the rule, its impact and the offending elements' selectors."""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from recovery.dashboards.urls import urlpatterns as dashboard_urlpatterns
from tests.factories import UserFactory, make_incoming

pytestmark = pytest.mark.e2e

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")
PASSWORD = "correct-horse-battery"

# Pages of other parts (a desk, an inbox, a calendar...): (name shown in a failure, path), e.g.
# ("desk", "/admin/desk/"), checked signed in as the superuser with the same data as the admin pages.
EXTRA_PAGES: list[tuple[str, str]] = []


def _dashboard_pages():
    """Every page of the dashboards app, by URL name; the CSV and XLSX exports are files, not pages."""
    return [
        (f"dashboard:{pattern.name}", reverse(f"dashboard:{pattern.name}"))
        for pattern in dashboard_urlpatterns
        if not str(pattern.pattern).endswith((".csv", ".xlsx"))
    ]


def _changelist_pages():
    pages = []
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        pages.append((name, reverse(name)))
    return sorted(pages)


def _admin_pages(desk, incoming, document):
    forms = []
    for record in [desk.case_a, desk.request_a, desk.asset_a, incoming, desk.subject_a]:
        meta = record._meta
        forms.append(
            (f"admin:{meta.app_label}_{meta.model_name}_add", reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
        )
        forms.append(
            (
                f"admin:{meta.app_label}_{meta.model_name}_change",
                reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk]),
            )
        )
    forms += [
        ("admin:documents_document_change", reverse("admin:documents_document_change", args=[document.pk])),
        ("admin:documents_document_new_version", reverse("admin:documents_document_new_version", args=[document.pk])),
        (
            "admin:requests_request_transition",
            reverse("admin:requests_request_transition", args=[desk.request_a.pk, "sent"]),
        ),
        ("admin:recovery_countryprofile_page", reverse("admin:recovery_countryprofile_page", args=["CH"])),
    ]
    return [("admin:index", reverse("admin:index")), *_changelist_pages(), *forms]


@pytest.fixture(scope="module")
def axe_page():
    """One browser for the whole module. The context bypasses the Content-Security-Policy so that
    axe's script can be injected: the pages' own scripts run as they do for users."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"chromium is not installed at {CHROMIUM} (CI must install it)")
        pytest.skip("needs Debian's chromium: apt-get install chromium")
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{AXE} is missing (make pytest installs it with npm ci)")
        pytest.skip("needs axe-core: npm ci (make pytest runs it)")

    with pytest.MonkeyPatch.context() as patch:
        # Playwright's sync API runs an event loop in this thread; the tests' ORM reads are plain
        # synchronous code all the same.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-dev-shm-usage"],
            )
            context = browser.new_context(bypass_csp=True)
            page = context.new_page()
            page.set_default_timeout(30_000)
            yield page
            browser.close()


@pytest.fixture
def page(axe_page, live_server):
    """The module's page, signed out and in English at the start of each test."""
    axe_page.context.clear_cookies()
    yield axe_page
    axe_page.context.clear_cookies()


def _use_language(page, live_server, code):
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": code, "url": live_server.url}])


def _log_in(page, live_server, username):
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


def _problems(page, live_server, name, path):
    """The page's blocking violations (or its failure to load), as lines of a failure message."""
    if path is not None:  # else the page as it is now
        response = page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
        if response is None or response.status != 200:
            return [f"{name} ({path}): HTTP {response.status if response else 'no response'}"]
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => {
            const results = await axe.run(document, {resultTypes: ['violations']});
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => n.target.join(' ')),
            }));
        }"""
    )
    return [
        f"{name} ({path}): {v['id']} [{v['impact']}] {v['help']}: {', '.join(v['targets'][:8])}"
        + (f" (and {len(v['targets']) - 8} more)" if len(v["targets"]) > 8 else "")
        for v in violations
        if v["impact"] in BLOCKING
    ]


def _check(page, live_server, pages):
    problems = []
    for name, path in pages:
        problems += _problems(page, live_server, name, path)
    assert not problems, "axe found blocking accessibility violations:\n" + "\n".join(problems)


@pytest.fixture
def superuser(unit_a):
    return UserFactory(username="root", unit=unit_a, is_superuser=True)


@pytest.fixture
def incoming(desk, investigator_a, unit_a):
    return make_incoming(unit=unit_a, actor=investigator_a, legal_basis=desk.uncac, measures=[desk.freezing])


@pytest.fixture
def document(desk, investigator_a, superuser):
    """A document of case A and a notification, so that their lists have rows too."""
    from documents.services import document_add
    from recovery.notifications import notify
    from tests.documents.conftest import pdf_bytes

    notify(recipient=superuser, title="Request MLA-1 is overdue", link=f"/admin/cases/case/{desk.case_a.pk}/change/")
    return document_add(
        actor=investigator_a,
        case=desk.case_a,
        kind="request_letter",
        title="Request letter to Switzerland",
        file=SimpleUploadedFile("letter.pdf", pdf_bytes("Request letter"), "application/pdf"),
        request=desk.request_a,
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_the_login_page(live_server, page, language):
    _use_language(page, live_server, language)
    _check(page, live_server, [(f"login [{language}]", reverse("admin:login"))])


@pytest.mark.django_db(transaction=True)
def test_the_admin_index_changelists_and_forms(live_server, page, desk, incoming, document, superuser):
    _log_in(page, live_server, superuser.username)
    _check(page, live_server, _admin_pages(desk, incoming, document) + EXTRA_PAGES)


@pytest.mark.django_db(transaction=True)
def test_the_dashboards(live_server, page, desk, incoming, superuser, supervisor_a):
    _log_in(page, live_server, supervisor_a.username)
    _check(page, live_server, _dashboard_pages())


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["ru", "kk"])
def test_a_changelist_and_a_form_in_other_languages(live_server, page, desk, incoming, superuser, language):
    _use_language(page, live_server, language)
    _log_in(page, live_server, superuser.username)
    _check(
        page,
        live_server,
        [
            (f"case changelist [{language}]", reverse("admin:cases_case_changelist")),
            (f"asset change form [{language}]", reverse("admin:assets_asset_change", args=[desk.asset_a.pk])),
            (f"dashboard:overview [{language}]", reverse("dashboard:overview")),
        ],
    )


@pytest.mark.django_db(transaction=True)
def test_the_dark_theme(live_server, page, desk, incoming, superuser):
    # The admin follows the system's dark colour scheme: the service's own colours must hold there too.
    page.emulate_media(color_scheme="dark")
    try:
        _check(page, live_server, [("login [dark]", reverse("admin:login"))])
        _log_in(page, live_server, superuser.username)
        _check(
            page,
            live_server,
            [
                ("admin:index [dark]", reverse("admin:index")),
                ("case changelist [dark]", reverse("admin:cases_case_changelist")),
                ("case change form [dark]", reverse("admin:cases_case_change", args=[desk.case_a.pk])),
                ("request change form [dark]", reverse("admin:requests_request_change", args=[desk.request_a.pk])),
            ],
        )
    finally:
        page.emulate_media(color_scheme="light")


@pytest.mark.django_db(transaction=True)
def test_autocomplete_fields_and_money_fields_are_named_by_their_labels(live_server, page, desk, superuser):
    _log_in(page, live_server, superuser.username)
    page.goto(f"{live_server.url}{reverse('admin:requests_request_change', args=[desk.request_a.pk])}")
    page.wait_for_load_state("load")
    # A single choice: the field's label, then the chosen value.
    assert page.get_by_role("combobox", name=re.compile(r"^Legal basis:?\s+Kazakhstan–Switzerland")).count() == 1
    # Its search box, once open.
    page.locator("#id_legal_basis + .select2").click()
    search = page.locator(".select2-container--open .select2-search__field")
    search.fill("UN")
    page.locator(".select2-results__option", has_text="UN Convention").first.wait_for()
    assert search.get_attribute("aria-labelledby") == page.locator('label[for="id_legal_basis"]').get_attribute("id")
    assert not _problems(page, live_server, "request change form, legal basis open", None)
    page.keyboard.press("Escape")
    # A multiple choice's search box.
    assert page.get_by_role("searchbox", name="Subjects concerned").count() == 1
    page.goto(f"{live_server.url}{reverse('admin:cases_case_change', args=[desk.case_a.pk])}")
    assert page.get_by_role("spinbutton", name="Estimated damage").count() == 1
    assert page.get_by_role("combobox", name="Estimated damage — Currency").count() == 1
