"""PUBLIC_URL, the service's public address every full link starts with: read strictly, its former
name REMINDER_SITE_URL still honoured when it is not set (and kept as an alias), a malformed value
refused at start-up. Settings are read once per process, so each case starts one."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import parse_public_url

ROOT = Path(__file__).resolve().parents[2]
PRINT = "from django.conf import settings; print(settings.PUBLIC_URL, settings.REMINDER_SITE_URL)"


def _settings(tmp_path, **overrides):
    env = {k: v for k, v in os.environ.items() if k not in ("PUBLIC_URL", "REMINDER_SITE_URL")}
    env.update({"VAR_DIR": str(tmp_path), "PYTHONPATH": str(ROOT), **overrides})
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", PRINT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("https://recovery.example.org", "https://recovery.example.org"),
        (" https://recovery.example.org/ ", "https://recovery.example.org"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("https://example.org/recovery/", "https://example.org/recovery"),
    ],
)
def test_parse_public_url_reads(raw, value):
    assert parse_public_url(raw) == value


@pytest.mark.parametrize(
    "raw",
    ["recovery.example.org", "ftp://example.org", "https://", "https://a@b.org", "https://x.org/?a=1", "http://x:port"],
)
def test_parse_public_url_refuses(raw):
    with pytest.raises(ValueError):
        parse_public_url(raw)


def test_public_url_defaults_and_falls_back_to_the_old_name(tmp_path):
    assert _settings(tmp_path).stdout.split() == ["http://127.0.0.1:8000", "http://127.0.0.1:8000"]
    old = _settings(tmp_path, REMINDER_SITE_URL="https://old.example.org/").stdout.split()
    assert old == ["https://old.example.org", "https://old.example.org"]
    both = _settings(tmp_path, PUBLIC_URL="https://new.example.org", REMINDER_SITE_URL="https://old.example.org")
    assert both.stdout.split() == ["https://new.example.org", "https://new.example.org"]


def test_a_malformed_public_url_stops_the_start(tmp_path):
    result = _settings(tmp_path, PUBLIC_URL="recovery.example.org")
    assert result.returncode != 0 and "PUBLIC_URL" in result.stderr
