"""Adding documents and versions through the service: checks, hashes, links, and what a refusal leaves."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents import services
from documents.models import Document, DocumentVersion
from recovery.errors import AccessDenied, InvalidInput
from recovery.models import AuditEvent
from tests.documents.conftest import PNG_BYTES, pdf_bytes
from tests.factories import make_asset, make_case, make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_a(investigator_a):
    return make_case(actor=investigator_a, unit=investigator_a.unit, lead=investigator_a)


def test_upload_keeps_the_file_with_its_recomputed_hash_size_and_type(
    investigator_a, case_a, pdf_upload, document_files
):
    upload = pdf_upload(name="../../etc/Решение суда.PDF")
    content = upload.read()
    upload.seek(0)
    document = services.document_add(
        actor=investigator_a, case=case_a, kind="certified_court_decision", title="Decision", file=upload
    )
    version = document.current_version
    assert version.number == 1
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    assert version.size == len(content)
    assert version.content_type == "application/pdf"
    assert version.filename == "Решение суда.pdf"
    assert "Решение" not in version.file.name and ".." not in version.file.name
    stored = document_files / version.file.name
    assert stored.read_bytes() == content
    assert AuditEvent.objects.filter(action="document_uploaded", object_id=str(document.pk)).exists()


def test_a_new_version_never_overwrites_the_old_one(investigator_a, case_a, pdf_upload, docx_upload):
    document = services.document_add(
        actor=investigator_a, case=case_a, kind="request_letter", title="L", file=pdf_upload()
    )
    first = document.current_version
    second = services.document_add_version(actor=investigator_a, document=document, file=docx_upload())
    document.refresh_from_db()
    assert [v.number for v in document.versions.all()] == [2, 1]
    assert document.current_version == second
    first.refresh_from_db()
    assert first.file.read() == pdf_bytes()
    assert second.content_type.endswith("wordprocessingml.document")


def test_a_version_cannot_be_rewritten_by_the_orm(investigator_a, case_a, pdf_upload):
    document = services.document_add(
        actor=investigator_a, case=case_a, kind="request_letter", title="L", file=pdf_upload()
    )
    version = document.current_version
    version.sha256 = "0" * 64
    with pytest.raises(TypeError, match="append-only"):
        version.save()
    with pytest.raises(TypeError, match="append-only"):
        DocumentVersion.objects.filter(pk=version.pk).delete()


@pytest.mark.parametrize(
    "statement", ["UPDATE {table} SET sha256 = repeat('0', 64) WHERE id = %s", "DELETE FROM {table} WHERE id = %s"]
)
def test_postgres_refuses_sql_that_rewrites_a_version(on_postgres, investigator_a, case_a, pdf_upload, statement):
    from django.db import DatabaseError, connection, transaction

    document = services.document_add(
        actor=investigator_a, case=case_a, kind="request_letter", title="L", file=pdf_upload()
    )
    version = document.current_version
    table = DocumentVersion._meta.db_table
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement.format(table=table), [version.pk])
    assert DocumentVersion.objects.get(pk=version.pk).sha256 == version.sha256


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("letter.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64, "not accepted"),
        ("image.png.exe", b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "not accepted"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_refused_uploads_change_nothing(investigator_a, case_a, name, content, reason, document_files):
    with pytest.raises(InvalidInput) as refused:
        services.document_add(
            actor=investigator_a, case=case_a, kind="other", title="x", file=SimpleUploadedFile(name, content)
        )
    assert reason in str(refused.value)
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    assert not document_files.exists() or not any(p.is_file() for p in document_files.rglob("*"))


def test_size_limit_from_settings(investigator_a, case_a, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    upload = SimpleUploadedFile("big.png", PNG_BYTES + b"\x00" * 2048)
    with pytest.raises(InvalidInput, match="limit"):
        services.document_add(actor=investigator_a, case=case_a, kind="other", title="x", file=upload)
    assert not Document.objects.exists()


def test_links_must_stay_within_the_case(investigator_a, case_a, pdf_upload):
    other_case = make_case(actor=investigator_a, unit=investigator_a.unit, lead=investigator_a)
    asset = make_asset(case=other_case, actor=investigator_a)
    with pytest.raises(InvalidInput, match="own case"):
        services.document_add(
            actor=investigator_a, case=case_a, kind="other", title="x", file=pdf_upload(), asset=asset
        )
    assert not Document.objects.exists()


def test_another_units_investigator_cannot_add_or_learn_the_case_exists(investigator_b, case_a, pdf_upload):
    with pytest.raises(AccessDenied) as refused:
        services.document_add(actor=investigator_b, case=case_a, kind="other", title="x", file=pdf_upload())
    assert refused.value.code == "not_found"


def test_linking_a_document_satisfies_the_checklist_item(investigator_a, case_a, pdf_upload):
    from tests.factories import AssistanceMeasureFactory, LegalInstrumentFactory, RequirementFactory

    freezing = AssistanceMeasureFactory(code="freezing")
    instrument = LegalInstrumentFactory(open_to_all_states=True, measures=[freezing])
    requirement = RequirementFactory(instrument=instrument, code="certified_decision")
    request = make_request(case=case_a, actor=investigator_a, legal_basis=instrument, measures=[freezing])
    item = request.checklist.get(requirement=requirement)
    assert not item.satisfied
    document = services.document_add(
        actor=investigator_a,
        case=case_a,
        kind="certified_court_decision",
        title="Certified copy of the decision",
        file=pdf_upload(),
        request=request,
        checklist_item=item,
    )
    item.refresh_from_db()
    assert item.satisfied
    assert list(item.documents.all()) == [document]
    assert "Certified copy of the decision" in item.note


def test_download_per_role(investigator_a, investigator_b, analyst, case_a, pdf_upload, settings):
    document = services.document_add(actor=investigator_a, case=case_a, kind="other", title="x", file=pdf_upload())
    version = document.current_version
    assert services.version_to_download(actor=investigator_a, version=version) == version
    with pytest.raises(AccessDenied) as hidden:
        services.version_to_download(actor=investigator_b, version=version)
    assert hidden.value.code == "not_found"
    with pytest.raises(AccessDenied) as masked:
        services.version_to_download(actor=analyst, version=version)
    assert masked.value.code == "permission_denied"
    assert AuditEvent.objects.filter(action="document_downloaded", outcome="denied", user=analyst).count() == 1
    settings.DOCUMENT_DOWNLOAD_FOR_MASKED_ROLES = True
    assert services.version_to_download(actor=analyst, version=version) == version
    assert AuditEvent.objects.filter(action="document_downloaded", outcome="success").count() == 2
