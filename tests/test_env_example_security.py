"""`.env.example` lists the two-factor, lockout and session settings config/settings.py reads."""

import re
from pathlib import Path

from django.conf import settings

NAMES = re.compile(r"env_\w+\(\s*\"((?:RECOVERY_(?:2FA|OTP|LOGIN|SESSION))\w*)\"")


def test_every_security_setting_read_is_in_env_example():
    base = Path(settings.BASE_DIR)
    read = set(NAMES.findall((base / "config" / "settings.py").read_text()))
    assert {"RECOVERY_OTP_FAILURE_LIMIT", "RECOVERY_LOGIN_FAILURE_LIMIT", "RECOVERY_SESSION_IDLE_MINUTES"} <= read
    listed = set(re.findall(r"^#? ?([A-Z0-9_]+)=", (base / ".env.example").read_text(), re.M))
    assert read - listed == set()
