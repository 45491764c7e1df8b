"""The client's address behind a reverse proxy: RECOVERY_TRUSTED_PROXIES names the proxies; only a
request from one of them has its X-Forwarded-For read, from the right, skipping trusted hops. The
login lockout (django-axes) and the audit trail count that address, through the real admin login."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.urls import reverse

from recovery.models import AuditEvent
from recovery.security.requestinfo import client_ip

PROXY = "172.29.213.10"
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        # No trusted proxy: the header is whatever the client wrote, never read.
        ([], "203.0.113.5", "10.9.9.9", "203.0.113.5"),
        ([], PROXY, "10.9.9.9", PROXY),
        # From the trusted proxy: the hop it appended.
        ([PROXY], PROXY, "10.9.9.9", "10.9.9.9"),
        ([PROXY], PROXY, "1.1.1.1, 203.0.113.7", "203.0.113.7"),  # the leftmost value is forged
        ([PROXY], PROXY, "1.1.1.1,203.0.113.7", "203.0.113.7"),
        # From an address that is not a trusted proxy: its own address, whatever it forwards.
        ([PROXY], "198.51.100.20", "10.9.9.9", "198.51.100.20"),
        # Two trusted proxies in a row (a load balancer, then nginx): both hops skipped.
        (["10.0.0.0/24", PROXY], PROXY, "1.1.1.1, 203.0.113.7, 10.0.0.3", "203.0.113.7"),
        # A malformed hop ends the walk at the last good one, never beyond it.
        ([PROXY, "10.0.0.0/24"], PROXY, "1.1.1.1, bogus, 10.0.0.3", "10.0.0.3"),
        ([PROXY], PROXY, "1.1.1.1, 203.0.113.7:4711", PROXY),
        ([PROXY], PROXY, "1.1.1.1, ", PROXY),
        ([PROXY], PROXY, None, PROXY),  # the proxy's own call (a health check)
        # Every hop a trusted proxy: the farthest one known.
        (["10.0.0.0/24", PROXY], PROXY, "10.0.0.4, 10.0.0.3", "10.0.0.4"),
        # IPv6 proxies and clients; an IPv4 address in IPv6 form is given in IPv4 form.
        (["2001:db8::/64"], "2001:db8::10", "2001:db8:ffff::1", "2001:db8:ffff::1"),
        ([PROXY], f"::ffff:{PROXY}", "203.0.113.7", "203.0.113.7"),
        ([], "::ffff:203.0.113.5", None, "203.0.113.5"),
        # No usable peer address at all (a Unix socket): none rather than a forgeable one.
        ([PROXY], "", "203.0.113.7", None),
    ],
)
def test_the_one_client_address(settings, trusted, remote, forwarded, expected):
    settings.RECOVERY_TRUSTED_PROXIES = trusted
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_ip(RequestFactory().get("/", **headers)) == expected


def _fail_login(username, *, remote, forwarded=None, password="wrong"):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client().post(reverse("admin:login"), {"username": username, "password": password}, **headers)


def test_without_a_trusted_proxy_the_lockout_counts_the_peer_not_the_forwarded_value(db, settings):
    settings.RECOVERY_TRUSTED_PROXIES = []
    settings.AXES_FAILURE_LIMIT = 3
    # A new X-Forwarded-For and a new username per attempt: still one address, locked at the limit.
    codes = [_fail_login(f"guess{n}", remote="203.0.113.5", forwarded=f"10.9.9.{n}").status_code for n in range(3)]
    assert codes == [200, 200, 429]
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    assert set(AuditEvent.objects.filter(action="login_failure").values_list("ip_address", flat=True)) == {
        "203.0.113.5"
    }
    # Another address is not locked by those failures.
    assert _fail_login("guess9", remote="198.51.100.9").status_code == 200


def test_behind_the_trusted_proxy_the_lockout_counts_each_client(db, settings, investigator_a):
    settings.RECOVERY_TRUSTED_PROXIES = [PROXY]
    settings.AXES_FAILURE_LIMIT = 3
    # The client forges a leftmost value per attempt; the proxy appends the real one.
    codes = [_fail_login(f"guess{n}", remote=PROXY, forwarded=f"10.9.9.{n}, 203.0.113.7").status_code for n in range(3)]
    assert codes == [200, 200, 429]
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    # Another client behind the same proxy is not locked out with it: it signs in.
    response = _fail_login("inv_a", remote=PROXY, forwarded="198.51.100.4", password="correct-horse-battery")
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="login_success").ip_address == "198.51.100.4"


@pytest.mark.parametrize("value", ["10.0.0.300", "proxy.example.org", "10.0.0.0/33"])
def test_a_malformed_trusted_proxy_setting_refuses_to_start(tmp_path, value):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "RECOVERY_"))}
    env.update({"VAR_DIR": str(tmp_path), "PYTHONPATH": str(ROOT), "RECOVERY_TRUSTED_PROXIES": f"{PROXY},{value}"})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "RECOVERY_TRUSTED_PROXIES" in result.stderr and value in result.stderr


def test_the_old_proxy_count_setting_is_gone(settings):
    assert not hasattr(settings, "RECOVERY_TRUSTED_PROXY_COUNT")
    assert settings.AXES_CLIENT_IP_CALLABLE == "recovery.security.requestinfo.client_ip"


def test_compose_runs_web_behind_nginx_whose_address_is_the_trusted_proxy():
    """docker-compose.yml (no Docker engine here: read as YAML): nginx is the only way in, and the
    address the app trusts for X-Forwarded-For is nginx's, inside the network's fixed subnet."""
    import ipaddress

    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert [name for name, service in services.items() if service.get("ports")] == ["nginx"]
    nginx = services["nginx"]
    assert nginx["image"] == "nginx:1.27-alpine"
    assert nginx["depends_on"]["web"]["condition"] == "service_healthy"
    address = ipaddress.ip_address(nginx["networks"]["default"]["ipv4_address"])
    [subnet] = compose["networks"]["default"]["ipam"]["config"]
    assert address in ipaddress.ip_network(subnet["subnet"])
    for name in ("web", "worker", "beat", "migrate"):
        assert services[name]["environment"]["RECOVERY_TRUSTED_PROXIES"] == str(address), name

    [mount] = nginx["volumes"]
    source, target, _mode = mount.split(":")
    assert target == "/etc/nginx/conf.d/default.conf"
    conf = (ROOT / source).read_text()
    assert "proxy_pass http://recovery_web;" in conf and "server web:8000;" in conf
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in conf
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in conf
    code = "\n".join(line.split("#")[0] for line in conf.splitlines())
    assert code.count("{") == code.count("}")


def test_an_undeclared_proxy_is_pointed_out_once(settings, monkeypatch, caplog):
    from recovery.security import requestinfo

    settings.RECOVERY_TRUSTED_PROXIES = []
    monkeypatch.setattr(requestinfo, "_hinted", False)
    # A public address sending the header is a client, not an undeclared proxy: nothing said.
    client_ip(RequestFactory().get("/", REMOTE_ADDR="93.184.216.34", HTTP_X_FORWARDED_FOR="10.9.9.9"))
    assert "RECOVERY_TRUSTED_PROXIES" not in caplog.text
    for _ in range(2):
        assert client_ip(RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="10.9.9.9")) == PROXY
    assert caplog.text.count("RECOVERY_TRUSTED_PROXIES") == 1
