"""The demo accounts, an auditor among them, are printed at every start of `make run`, seeded
on this run or an earlier one (`manage.py demo_logins`)."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from recovery.demo_data import DEMO_PASSWORD, USERS, ensure_units_and_users
from recovery.models import User
from recovery.roles import AUDITOR


def _logins():
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_command_lists_every_demo_account_once_seeded():
    assert "No demo accounts" in _logins()
    ensure_units_and_users()
    text = _logins()
    assert DEMO_PASSWORD in text
    for user in USERS:
        assert re.search(rf"^  {re.escape(user.username)} ", text, re.M), user.username
    assert re.search(r"^  auditor +Auditor$", text, re.M)
    # A second start (nothing seeded again) prints the same.
    ensure_units_and_users()
    assert _logins() == text


@pytest.mark.django_db
def test_the_demo_auditor_reads_the_audit_trail_and_no_case(client):
    ensure_units_and_users()
    auditor = User.objects.get(username="auditor")
    assert set(auditor.groups.values_list("name", flat=True)) == {AUDITOR}
    assert auditor.check_password(DEMO_PASSWORD) and auditor.is_staff and not auditor.is_superuser
    client.force_login(auditor)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/cases/case/").status_code == 403
    assert client.get("/admin/recovery/auditevent/").status_code == 200


def test_bin_run_prints_the_logins_on_every_start_not_only_after_seeding():
    script = (Path(settings.BASE_DIR) / "bin" / "run").read_text()
    seeding_ends = script.index("\nfi\n", script.index("seed_demo_data"))
    listing = script.index("manage.py demo_logins")
    assert listing > seeding_ends
    assert "the users listed above" not in script
