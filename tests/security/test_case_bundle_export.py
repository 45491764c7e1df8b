"""`manage.py export_case REF` writes the case with its subjects, requests, assets, timelines and
audit trail, masks identifiers for roles that may not see them, and is itself audited."""

import json

import pytest
from django.core.management import CommandError, call_command

from recovery.models import AuditEvent
from recovery.security.bundle import build_case_bundle


def _read(tmp_path, case):
    path = tmp_path / f"case-{case.register_number}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_export_writes_the_whole_case_and_is_audited(records_a, tmp_path):
    case = records_a["case"]
    call_command("export_case", case.register_number, "--output-dir", str(tmp_path))

    bundle = _read(tmp_path, case)
    assert bundle["format"] == "asset-recovery.case-bundle/1"
    assert bundle["case"]["register_number"] == case.register_number
    assert [row["to_status"] for row in bundle["case"]["timeline"]] == ["open"]
    assert bundle["subjects"][0]["iin_bin"] == "860101300123"
    assert bundle["subjects"][0]["role"] == "suspect"
    assert bundle["requests"][0]["reference"] == records_a["request"].reference
    assert bundle["requests"][0]["timeline"][0]["to_status"] == "draft"
    assert bundle["assets"][0]["identifier"] == "CH9300762011623852957"
    assert bundle["assets"][0]["timeline"][0]["to_status"] == "identified"
    assert bundle["assets"][0]["holder"] == records_a["subject"].pk
    # The change log covers the case and its records, created through the services.
    changed = {(e["record_type"], e["record_id"]) for e in bundle["audit_trail"]["changes"]}
    assert ("case", str(case.pk)) in changed
    assert ("request", str(records_a["request"].pk)) in changed
    assert ("asset", str(records_a["asset"].pk)) in changed
    # The export is recorded, and the bundle's own trail already shows it.
    event = AuditEvent.objects.get(action="export")
    assert event.object_id == str(case.pk)
    assert event.username.startswith("manage.py export_case")
    assert [e["action"] for e in bundle["audit_trail"]["security_events"]] == ["export"]

    html = (tmp_path / f"case-{case.register_number}.html").read_text(encoding="utf-8")
    assert case.register_number in html
    assert records_a["request"].reference in html
    # The printable summary holds the same parts: subjects with their identifiers, the assets,
    # the timeline, the change log and the export itself.
    subject = records_a["subject"]
    assert subject.name_latin in html and "860101300123" in html and "N1234567" in html
    assert records_a["asset"].description in html
    assert html.count("<tr><td>") >= len(bundle["case"]["timeline"]) + len(bundle["audit_trail"]["changes"])
    assert "export (success)" in html


def test_export_as_an_analyst_masks_identifiers(records_a, analyst, tmp_path):
    case = records_a["case"]
    call_command("export_case", case.register_number, "--output-dir", str(tmp_path), "--as-user", analyst.username)

    bundle = _read(tmp_path, case)
    assert bundle["identifiers_masked"] is True
    assert bundle["subjects"][0]["iin_bin"] == "•••••••••123"
    assert "860101300123" not in json.dumps(bundle, ensure_ascii=False)
    assert AuditEvent.objects.get(action="export").user == analyst
    html = (tmp_path / f"case-{case.register_number}.html").read_text(encoding="utf-8")
    assert "860101300123" not in html and "N1234567" not in html
    assert "•••••••••123" in html and records_a["subject"].name_latin in html


def test_bundle_for_the_lead_investigator_is_complete(records_a, investigator_a):
    bundle = build_case_bundle(records_a["case"], user=investigator_a)
    assert bundle["identifiers_masked"] is False
    assert bundle["subjects"][0]["passport_number"] == "N1234567"


def test_export_refuses_a_user_of_another_unit(records_a, investigator_b, tmp_path):
    with pytest.raises(CommandError, match="may not see"):
        call_command(
            "export_case", records_a["case"].register_number, "--output-dir", str(tmp_path), "--as-user", "inv_b"
        )
    assert not AuditEvent.objects.filter(action="export").exists()


def test_export_of_an_unknown_case_fails_cleanly(db, tmp_path):
    with pytest.raises(CommandError, match="No case"):
        call_command("export_case", "999", "--output-dir", str(tmp_path))


def test_admin_action_exports_a_zip_of_visible_cases_and_audits_each(records_a, records_b, investigator_a):
    """The case admin's changelist action, as an investigator selects it: both cases' ids posted,
    the one of unit B is not the investigator's to export (the changelist is scoped)."""
    import io
    import zipfile

    from django.urls import reverse

    from tests.security.conftest import client_for

    response = client_for(investigator_a).post(
        reverse("admin:cases_case_changelist"),
        {"action": "export_case_bundle", "_selected_action": [records_a["case"].pk, records_b["case"].pk]},
        REMOTE_ADDR="192.0.2.44",
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    stem = f"case-{records_a['case'].register_number}"
    assert sorted(archive.namelist()) == [f"{stem}.html", f"{stem}.json"]
    bundle = json.loads(archive.read(f"{stem}.json"))
    assert bundle["exported_by"] == "inv_a"
    assert bundle["subjects"][0]["iin_bin"] == "860101300123"
    event = AuditEvent.objects.get(action="export")
    assert (event.user, event.object_id, event.ip_address) == (investigator_a, str(records_a["case"].pk), "192.0.2.44")


def test_admin_action_masks_the_bundle_for_an_analyst(records_a, analyst):
    import io
    import zipfile

    from django.urls import reverse

    from tests.security.conftest import client_for

    response = client_for(analyst).post(
        reverse("admin:cases_case_changelist"),
        {"action": "export_case_bundle", "_selected_action": [records_a["case"].pk]},
    )
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    text = "".join(archive.read(name).decode() for name in archive.namelist())
    assert "860101300123" not in text and "•••••••••123" in text
    assert AuditEvent.objects.get(action="export").user == analyst
