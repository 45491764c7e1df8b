"""The case bundle carries the case file: every version's file with its SHA-256, checked again while it
is packed; a file missing or changed since upload is reported, never packed; the files reach only
whoever may download them."""

import hashlib
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse

from documents import services
from documents.models import DocumentVersion
from recovery.models import AuditEvent
from tests.documents.conftest import pdf_bytes
from tests.factories import make_case
from tests.security.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_file(investigator_a, pdf_upload, docx_upload):
    case = make_case(actor=investigator_a, unit=investigator_a.unit, lead=investigator_a)
    decision = services.document_add(
        actor=investigator_a,
        case=case,
        kind="certified_court_decision",
        title="Certified copy of the verdict",
        file=pdf_upload(name="verdict.pdf", text="Verdict"),
    )
    letter = services.document_add(
        actor=investigator_a,
        case=case,
        kind="request_letter",
        title="Request letter",
        file=docx_upload(name="letter.docx", text="Draft"),
    )
    services.document_add_version(
        actor=investigator_a, document=letter, file=docx_upload(name="letter signed.docx", text="Signed")
    )
    return {"case": case, "decision": decision, "letter": letter}


def _export(case, out, *args):
    stdout = io.StringIO()
    call_command("export_case", case.register_number, "--output-dir", str(out), *args, stdout=stdout)
    stem = f"case-{case.register_number}"
    bundle = json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))
    return bundle, out / f"{stem}-documents", stdout.getvalue()


def test_the_bundle_packs_every_version_with_its_hash(case_file, tmp_path):
    case = case_file["case"]
    bundle, folder, output = _export(case, tmp_path)

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["files_included"] is True and manifest["problems"] == []
    assert len(manifest["files"]) == 3
    # The hashes recorded at upload (the test's PDF and DOCX bytes carry their creation time).
    expected = {
        (version.document_id, version.number): version.sha256
        for version in DocumentVersion.objects.filter(document__case=case)
    }
    for entry in manifest["files"]:
        assert entry["check"] == "verified"
        packed = (folder / entry["path"]).read_bytes()
        assert hashlib.sha256(packed).hexdigest() == entry["sha256"] == expected[(entry["document"], entry["version"])]
        assert entry["size"] == len(packed)
    assert {(e["document"], e["version"]) for e in manifest["files"]} == set(expected)
    assert (folder / f"{case_file['letter'].pk}/v2-letter signed.docx").exists()

    # SHA256SUMS is what `sha256sum -c` reads, inside the folder.
    sums = (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert sorted(sums) == sorted(f"{e['sha256']}  {e['path']}" for e in manifest["files"])

    # The JSON describes each document and version, with the same hashes.
    by_id = {d["id"]: d for d in bundle["documents"]}
    letter = by_id[case_file["letter"].pk]
    assert letter["kind"] == "request_letter" and letter["title"] == "Request letter"
    assert [v["number"] for v in letter["versions"]] == [1, 2]
    assert {v["sha256"] for d in bundle["documents"] for v in d["versions"]} == {e["sha256"] for e in manifest["files"]}
    assert bundle["document_files"] == {"included": True, "folder": folder.name, "problems": 0}
    assert "NOT PACKED" not in output

    html = (tmp_path / f"case-{case.register_number}.html").read_text(encoding="utf-8")
    assert "Certified copy of the verdict" in html and manifest["files"][0]["sha256"] in html
    # Each packed file is audited as a download through the bundle.
    downloads = AuditEvent.objects.filter(action="document_downloaded", extra__via="case_bundle")
    assert downloads.count() == 3


def test_a_changed_or_missing_file_is_reported_not_packed(case_file, tmp_path, document_files):
    decision = case_file["decision"].current_version
    first_letter = case_file["letter"].versions.get(number=1)
    forged = pdf_bytes("Forged verdict")  # once: the PDF's creation time makes each call's bytes differ
    (document_files / decision.file.name).write_bytes(forged)
    (document_files / first_letter.file.name).unlink()

    bundle, folder, output = _export(case_file["case"], tmp_path)

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    problems = {(p["document"], p["version"]): p for p in manifest["problems"]}
    assert problems[(case_file["decision"].pk, 1)]["problem"] == "hash_mismatch"
    assert problems[(case_file["decision"].pk, 1)]["sha256_recorded"] == decision.sha256
    assert problems[(case_file["decision"].pk, 1)]["sha256_found"] == hashlib.sha256(forged).hexdigest()
    assert problems[(case_file["letter"].pk, 1)]["problem"] == "missing"
    assert len(problems) == 2
    # Neither is in the folder, nor in the checksums; the intact version is.
    packed = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert packed == sorted(["manifest.json", "SHA256SUMS", f"{case_file['letter'].pk}/v2-letter signed.docx"])
    assert len((folder / "SHA256SUMS").read_text().splitlines()) == 1
    assert bundle["document_files"]["problems"] == 2
    assert output.count("NOT PACKED") == 2
    assert "changed since upload" in output and "missing" in output


def test_a_role_that_may_not_download_gets_the_list_without_the_files(case_file, analyst, tmp_path, settings):
    bundle, folder, _output = _export(case_file["case"], tmp_path, "--as-user", analyst.username)
    assert bundle["document_files"]["included"] is False
    assert {d["title"] for d in bundle["documents"]} == {"Certified copy of the verdict", "Request letter"}
    assert {v["check"] for d in bundle["documents"] for v in d["versions"]} == {"not_included"}
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["files_included"] is False
    assert [p.name for p in folder.rglob("*") if p.is_file() and p.suffix in {".pdf", ".docx"}] == []
    assert not AuditEvent.objects.filter(action="document_downloaded").exists()

    settings.DOCUMENT_DOWNLOAD_FOR_MASKED_ROLES = True
    bundle, folder, _output = _export(case_file["case"], tmp_path / "again", "--as-user", analyst.username)
    assert bundle["document_files"]["included"] is True
    assert len(list(folder.rglob("*.docx"))) == 2


def test_the_admin_action_zips_the_documents_folder(case_file, investigator_a):
    case = case_file["case"]
    response = client_for(investigator_a).post(
        reverse("admin:cases_case_changelist"),
        {"action": "export_case_bundle", "_selected_action": [case.pk]},
    )
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    folder = f"case-{case.register_number}-documents"
    manifest = json.loads(archive.read(f"{folder}/manifest.json"))
    assert len(manifest["files"]) == 3
    for entry in manifest["files"]:
        assert hashlib.sha256(archive.read(f"{folder}/{entry['path']}")).hexdigest() == entry["sha256"]
    assert f"{folder}/SHA256SUMS" in archive.namelist()
