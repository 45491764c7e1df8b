"""The case file on an S3-compatible store: the same services, over HTTP, against a real S3 server.

CI starts moto's standalone server (.ci/run) and names it in DOCUMENTS_TEST_S3_ENDPOINT; without that
variable these tests start one themselves, so the S3 path runs on every machine that runs the suite.
The storage options are the ones config/settings.py builds from the DOCUMENTS_S3_* variables (read
from a fresh settings import), pointed at a bucket of each test's own."""

import contextlib
import datetime
import hashlib
import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from documents import services
from recovery.errors import InvalidInput
from tests.documents.conftest import PNG_BYTES, docx_bytes, pdf_bytes
from tests.factories import (
    AssistanceMeasureFactory,
    LegalInstrumentFactory,
    RequirementFactory,
    make_case,
    make_request,
)

pytestmark = pytest.mark.django_db

ENDPOINT_VARIABLE = "DOCUMENTS_TEST_S3_ENDPOINT"
ACCESS_KEY = "documents-test"
SECRET_KEY = "documents-test-secret"
REGION = "us-east-1"
PREFIX = "documents"
ROOT = Path(__file__).resolve().parents[2]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True  # an S3 error document is an answer too
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    """The S3 server's URL: CI's, or a moto server started for this session. Never a skip: the S3 path
    must be tested wherever the suite runs, and moto is in the locked development requirements."""
    given = os.environ.get(ENDPOINT_VARIABLE, "").strip()
    if given:
        if not _answers(given):
            pytest.fail(f"{ENDPOINT_VARIABLE}={given} does not answer.")
        yield given.rstrip("/")
        return
    if importlib.util.find_spec("moto.server") is None:
        pytest.fail(f"Set {ENDPOINT_VARIABLE} to an S3 server, or install moto[server] (make install).")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not _answers(url):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"moto's S3 server did not start on {url}.")
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=10)
        if server.poll() is None:
            server.kill()


@pytest.fixture(scope="session")
def configured_s3_storage(s3_endpoint):
    """STORAGES["documents"] as config/settings.py builds it from the DOCUMENTS_S3_* variables, read
    in a process of its own (the settings module is imported once per process)."""
    env = {
        **os.environ,
        "DOCUMENTS_S3_BUCKET": "from-the-environment",
        "DOCUMENTS_S3_ENDPOINT_URL": s3_endpoint,
        "DOCUMENTS_S3_REGION": REGION,
        "DOCUMENTS_S3_ACCESS_KEY": ACCESS_KEY,
        "DOCUMENTS_S3_SECRET_KEY": SECRET_KEY,
        "DOCUMENTS_S3_PREFIX": PREFIX,
        "DOCUMENTS_S3_ADDRESSING": "path",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.STORAGES['documents']))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def s3(configured_s3_storage, settings, document_files):
    """The documents storage on a fresh bucket of this test's own; yields the boto3 client and bucket."""
    import boto3

    bucket = f"documents-{uuid.uuid4().hex[:20]}"
    options = configured_s3_storage["OPTIONS"]
    client = boto3.client(
        "s3",
        endpoint_url=options["endpoint_url"],
        region_name=options["region_name"],
        aws_access_key_id=options["access_key"],
        aws_secret_access_key=options["secret_key"],
    )
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {**configured_s3_storage, "OPTIONS": {**options, "bucket_name": bucket}},
    }
    yield client, bucket
    for page in client.get_paginator("list_object_versions").paginate(Bucket=bucket):
        for item in page.get("Versions", []) + page.get("DeleteMarkers", []):
            client.delete_object(Bucket=bucket, Key=item["Key"], VersionId=item["VersionId"])
    client.delete_bucket(Bucket=bucket)


def _keys(client, bucket) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", [])]


@pytest.fixture
def case_a(investigator_a):
    return make_case(actor=investigator_a, unit=investigator_a.unit, lead=investigator_a)


def _upload(name, content, content_type):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_settings_build_a_private_s3_storage_from_the_environment(configured_s3_storage, s3_endpoint):
    assert configured_s3_storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = configured_s3_storage["OPTIONS"]
    assert options["bucket_name"] == "from-the-environment"
    assert options["endpoint_url"] == s3_endpoint
    assert options["location"] == PREFIX
    assert options["default_acl"] == "private"
    assert options["querystring_auth"] is True
    assert options["file_overwrite"] is False


def test_versions_are_stored_and_streamed_back_byte_for_byte(s3, investigator_a, case_a):
    from django.core.files.storage import storages
    from storages.backends.s3 import S3Storage

    client, bucket = s3
    assert isinstance(storages["documents"], S3Storage)
    first_bytes, second_bytes = pdf_bytes("Verdict of the Almaty court"), docx_bytes("Request letter, signed")
    document = services.document_add(
        actor=investigator_a,
        case=case_a,
        kind="certified_court_decision",
        title="Certified copy of the verdict",
        file=_upload("Приговор Иванова.pdf", first_bytes, "application/pdf"),
        dated_on=datetime.date(2016, 8, 30),
    )
    first = document.current_version
    second = services.document_add_version(
        actor=investigator_a,
        document=document,
        file=_upload("Приговор Иванова (signed).docx", second_bytes, DOCX),
        expected_version=document.version,
    )

    keys = _keys(client, bucket)
    assert sorted(keys) == sorted(f"{PREFIX}/{name}" for name in (first.file.name, second.file.name))
    for key in keys:
        assert key.startswith(f"{PREFIX}/cases/{case_a.pk}/")
        assert "Приговор" not in key and "Иванова" not in key and "signed" not in key

    for version, content in ((first, first_bytes), (second, second_bytes)):
        version.refresh_from_db()
        assert services.version_to_download(actor=investigator_a, version=version) == version
        response = services.file_response(version)
        assert response.streaming
        streamed = b"".join(response.streaming_content)
        response.file_to_stream.close()  # response.close() would signal request_finished, closing the DB connection
        assert streamed == content
        assert hashlib.sha256(streamed).hexdigest() == version.sha256
        assert response["ETag"] == f'"{version.sha256}"'
        assert response["Content-Length"] == str(len(content))
    # Each version keeps its own object: the first is still there, unchanged, beside the second.
    assert client.get_object(Bucket=bucket, Key=f"{PREFIX}/{first.file.name}")["Body"].read() == first_bytes


def test_a_refused_upload_leaves_no_object(s3, investigator_a, case_a):
    client, bucket = s3
    # Refused before anything is written: a type not accepted.
    with pytest.raises(InvalidInput):
        services.document_add(
            actor=investigator_a, case=case_a, kind="other", title="x", file=_upload("x.png", b"\x00" * 64, "")
        )
    assert _keys(client, bucket) == []

    # Refused after the file was written (the request's checklist is fixed once it is sent): the
    # object written is removed with the rolled-back rows.
    freezing = AssistanceMeasureFactory(code="freezing")
    instrument = LegalInstrumentFactory(open_to_all_states=True, measures=[freezing])
    requirement = RequirementFactory(instrument=instrument, code="certified_decision", mandatory=False)
    request = make_request(case=case_a, actor=investigator_a, legal_basis=instrument, measures=[freezing])
    from mla_requests.services import request_send

    request = request_send(request=request, actor=investigator_a, sent_on=datetime.date(2024, 5, 2))
    item = request.checklist.get(requirement=requirement)
    with pytest.raises(InvalidInput):
        services.document_add(
            actor=investigator_a,
            case=case_a,
            kind="certified_court_decision",
            title="Too late for the checklist",
            file=_upload("decision.pdf", pdf_bytes(), "application/pdf"),
            request=request,
            checklist_item=item,
        )
    assert _keys(client, bucket) == []
    assert not case_a.documents.exists()


def test_objects_are_private(s3, investigator_a, case_a):
    client, bucket = s3
    document = services.document_add(
        actor=investigator_a,
        case=case_a,
        kind="other",
        title="Scan",
        file=_upload("scan.png", PNG_BYTES, "image/png"),
    )
    (key,) = _keys(client, bucket)
    grants = client.get_object_acl(Bucket=bucket, Key=key)["Grants"]
    grantees = {grant["Grantee"].get("URI", "") for grant in grants}
    assert not any(uri.endswith(("/global/AllUsers", "/global/AuthenticatedUsers")) for uri in grantees), grants
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner only
    # A URL handed out by the storage is never a bare object URL: it is signed and expires.
    url = document.current_version.file.storage.url(document.current_version.file.name)
    assert "X-Amz-Signature=" in url or "Signature=" in url
    assert "X-Amz-Expires=" in url or "Expires=" in url


def test_the_case_bundle_reads_and_checks_files_from_the_bucket(s3, investigator_a, case_a, tmp_path):
    from recovery.security.bundle import export_case

    client, bucket = s3
    kept = services.document_add(
        actor=investigator_a,
        case=case_a,
        kind="request_letter",
        title="Letter",
        file=_upload("letter.docx", docx_bytes("Signed"), DOCX),
    ).current_version
    lost = services.document_add(
        actor=investigator_a,
        case=case_a,
        kind="certified_court_decision",
        title="Verdict",
        file=_upload("verdict.pdf", pdf_bytes("Verdict"), "application/pdf"),
    ).current_version
    client.delete_object(Bucket=bucket, Key=f"{PREFIX}/{lost.file.name}")

    problems = []
    export_case(case_a, out_dir=tmp_path, problems=problems)

    folder = tmp_path / f"case-{case_a.register_number}-documents"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    checks = {entry["title"]: entry["check"] for entry in manifest["files"]}
    assert checks == {"Letter": "verified", "Verdict": "missing"}
    assert [p["problem"] for p in problems] == ["missing"]
    packed = (folder / f"{kept.document_id}/v1-letter.docx").read_bytes()
    assert hashlib.sha256(packed).hexdigest() == kept.sha256
