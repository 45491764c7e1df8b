"""Every response carries the Content-Security-Policy, and the admin works under it: its pages
load scripts from our own origin only, with no inline script or inline event handler."""

import re

from django.urls import reverse

from tests.security.conftest import client_for


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
        html = client.get(reverse(name)).content.decode()
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert scripts, name
        for tag in scripts:
            src = re.search(r'src="([^"]+)"', tag)
            assert src, f"inline script on {name}: {tag}"
            assert src.group(1).startswith("/"), f"script from another origin on {name}: {tag}"
        assert not re.search(r"\son(click|load|change|submit)=", html), name
