"""Every response carries the Content-Security-Policy, and the pages work under it: they load
scripts from our own origin only, with no inline script, no inline event handler and no
javascript: URL (all of which the policy blocks, leaving a control that silently does nothing)."""

import re

import pytest
from django.urls import reverse

from tests.security.conftest import client_for
from tests.security.test_route_authorization_matrix import ROUTES

INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def assert_works_under_the_policy(response, where, *, needs_script=False):
    assert response.status_code == 200, (where, response.status_code)
    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, where
    html = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    if needs_script:
        assert scripts, where
    for tag in scripts:
        src = re.search(r'src="([^"]+)"', tag)
        assert src, f"inline script on {where}: {tag}"
        assert src.group(1).startswith("/"), f"script from another origin on {where}: {tag}"
    handler = INLINE_HANDLER.search(html)
    assert not handler, f"inline event handler on {where}: {html[handler.start() - 80 : handler.end() + 40]}"
    assert not JAVASCRIPT_URL.search(html), f"javascript: URL on {where}"
    return html


def test_csp_header_on_public_and_admin_pages(client):
    for path in ("/healthz", reverse("admin:login")):
        policy = client.get(path)["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "object-src 'none'" in policy
        assert "frame-ancestors 'none'" in policy
        script_src = re.search(r"script-src ([^;]*)", policy).group(1)
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src


def test_admin_pages_have_no_inline_script(administrator):
    client = client_for(administrator)
    for name in ("admin:index", "admin:auth_group_changelist", "admin:auth_group_add"):
        assert_works_under_the_policy(client.get(reverse(name)), name, needs_script=True)


DASHBOARD_PAGES = [r.name for r in ROUTES if r.name.startswith("dashboard:") and "export" not in r.path]


def test_the_dashboard_pages_are_listed():
    # Each page is checked below; a new one is picked up from the URL configuration.
    assert {"dashboard:overview", "dashboard:report", "dashboard:trends"} <= set(DASHBOARD_PAGES)


@pytest.mark.parametrize("name", DASHBOARD_PAGES)
def test_dashboard_pages_work_under_the_policy(records_a, supervisor_a, name):
    assert_works_under_the_policy(client_for(supervisor_a).get(reverse(name)), name)


def test_the_report_prints_from_a_button_wired_by_a_static_script(records_a, supervisor_a):
    html = assert_works_under_the_policy(client_for(supervisor_a).get(reverse("dashboard:report")), "report")
    assert re.search(r"<button type=\"button\" data-print>", html)
    assert re.search(r'<script src="/static/security/print\.js"', html)


EXPORT_PAGES = [r.name for r in ROUTES if r.name.startswith("admin:") and r.name.endswith("_export")]


@pytest.mark.parametrize("name", EXPORT_PAGES)
def test_admin_export_pages_work_under_the_policy(records_a, administrator, name):
    html = assert_works_under_the_policy(client_for(administrator).get(reverse(name)), name, needs_script=True)
    # The package's "Select all" box, wired by our static script instead of an inline handler.
    if "select-all-toggle" in html:
        assert re.search(r'<input type="checkbox" class="select-toggle"[^>]*\sdata-select-all\b', html), name
        assert '/static/security/export_select_all.js"' in html, name


def test_the_export_page_of_subjects_offers_select_all(records_a, administrator):
    html = client_for(administrator).get(reverse("admin:cases_subject_export")).content.decode()
    assert "data-select-all" in html
