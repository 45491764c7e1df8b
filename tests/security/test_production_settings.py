"""Production settings: `check --deploy` reports nothing, secrets and hosts are required, debug is
refused, and the security headers (HSTS, secure cookies, CSP) are on. Each case starts a fresh
process, because settings are read once at start-up."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRET = "x" * 20 + "-production-secret-for-this-test-only-" + "y" * 20


def _run(*args, env_overrides, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"VAR_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)})
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


PRODUCTION = {"DJANGO_ENV": "production", "DJANGO_SECRET_KEY": SECRET, "DJANGO_ALLOWED_HOSTS": "recovery.example.org"}


def test_deploy_check_reports_nothing(tmp_path):
    result = _run("check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_bin_check_deploy_script_passes(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"VAR_DIR": str(tmp_path), "PY": sys.executable})
    result = subprocess.run(
        [str(ROOT / "bin" / "check-deploy")], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_fails_on_a_finding(tmp_path):
    # The same check notices a weakened setting (here HSTS turned off), so a clean run means something.
    result = _run(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={**PRODUCTION, "DJANGO_HSTS_SECONDS": "0"},
        tmp_path=tmp_path,
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY must be set"),
        ("DJANGO_ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS must be set"),
    ],
)
def test_production_refuses_to_start_without(missing, message, tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = _run("check", env_overrides=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG must be off"),
        ({"DJANGO_SECRET_KEY": "short"}, "at least 50 characters"),
        ({"RECOVERY_2FA_ENFORCED": "false"}, "RECOVERY_2FA_ENFORCED cannot be turned off"),
    ],
)
def test_production_refuses_unsafe_values(override, message, tmp_path):
    result = _run("check", env_overrides={**PRODUCTION, **override}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_security_settings(tmp_path):
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'hsts': s.SECURE_HSTS_SECONDS, 'ssl': s.SECURE_SSL_REDIRECT, 'session_secure': s.SESSION_COOKIE_SECURE,"
        "'csrf_secure': s.CSRF_COOKIE_SECURE, 'debug': s.DEBUG, 'csp': s.CONTENT_SECURITY_POLICY['DIRECTIVES'],"
        "'twofa': s.RECOVERY_2FA_ENFORCED}))"
    )
    result = _run("shell", "-c", code, env_overrides=PRODUCTION, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["hsts"] >= 31536000
    assert values["ssl"] and values["session_secure"] and values["csrf_secure"]
    assert values["debug"] is False
    assert values["twofa"] is True
    assert "'unsafe-inline'" not in values["csp"]["script-src"]
    assert values["csp"]["frame-ancestors"] == ["'none'"]


def test_seed_demo_data_refuses_to_run_in_production(tmp_path):
    """The demo's superuser has a password printed in the README: never on a production database.
    (A database of its own here, so a broken refusal could not seed any real one.)"""
    database = tmp_path / "refused.sqlite3"
    env = {**PRODUCTION, "DATABASE_URL": f"sqlite:///{database}"}
    result = _run("seed_demo_data", env_overrides=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "refuses to run when DJANGO_ENV=production" in result.stderr
    assert not database.exists() or database.stat().st_size == 0


def test_seed_demo_data_refuses_in_process_too(db, settings):
    from django.core.management import CommandError, call_command

    from recovery.models import User

    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="DJANGO_ENV=production"):
        call_command("seed_demo_data")
    assert not User.objects.exists()
