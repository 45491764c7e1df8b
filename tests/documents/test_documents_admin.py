"""The case file in the admin: uploads from the case, request and asset pages, refusals that store
nothing, versions kept, the checked and audited download per role, the checklist showing the
document that provides an item, and the letter templates administrators keep."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents import services
from documents.models import Document, DocumentVersion, LetterTemplate
from recovery.models import AuditEvent
from tests.admin import conftest as admin_fixtures
from tests.documents.conftest import PNG_BYTES, pdf_bytes

pytestmark = pytest.mark.django_db

# The admin tests' demo desk (a case of unit A with a request and an asset, and one of unit B).
desk, login, fast_password_hashing = admin_fixtures.desk, admin_fixtures.login, admin_fixtures.fast_password_hashing

ADD_URL = "/admin/documents/document/add/"


def _stored_files(document_files):
    return [p for p in document_files.rglob("*") if p.is_file()] if document_files.exists() else []


def _download_url(version):
    return f"/admin/documents/documentversion/{version.pk}/download/"


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def order_bytes():
    # Made once: a PDF carries its creation time, so two makings differ.
    return pdf_bytes("Freezing order")


@pytest.fixture
def document_a(desk, investigator_a, order_bytes):
    return services.document_add(
        actor=investigator_a,
        case=desk.case_a,
        kind="certified_court_decision",
        title="Freezing order of the district court",
        file=SimpleUploadedFile("order.pdf", order_bytes),
        request=desk.request_a,
        asset=desk.asset_a,
    )


def _add_post(client, query, **fields):
    data = {"kind": "request_letter", "language": "en", "title": "Request letter to Switzerland", **fields}
    return client.post(f"{ADD_URL}?{query}", data)


# --- uploads ---------------------------------------------------------------------------------------


def test_upload_from_the_case_page_returns_to_it_and_lists_the_document(desk, login, investigator_a):
    client = login(investigator_a)
    case_url = f"/admin/cases/case/{desk.case_a.pk}/change/"
    page = client.get(case_url).content.decode()
    assert f"{ADD_URL}?case={desk.case_a.pk}&amp;_return=case" in page
    form = client.get(f"{ADD_URL}?case={desk.case_a.pk}&_return=case")
    assert form.status_code == 200
    assert form.context["adminform"].form.initial["case"] == desk.case_a.pk

    content = pdf_bytes("Signed request letter")
    response = _add_post(
        client,
        f"case={desk.case_a.pk}&_return=case",
        case=desk.case_a.pk,
        file=SimpleUploadedFile("letter.pdf", content, content_type="application/pdf"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert response["Location"] == case_url
    document = Document.objects.get()
    assert document.case == desk.case_a and document.added_by == investigator_a
    assert document.current_version.sha256 == hashlib.sha256(content).hexdigest()
    assert AuditEvent.objects.filter(action="document_uploaded", object_id=str(document.pk)).exists()

    page = client.get(case_url).content.decode()
    assert "Request letter to Switzerland" in page
    assert _download_url(document.current_version) in page


def test_the_request_and_asset_pages_list_their_documents_and_offer_the_upload(desk, login, investigator_a, document_a):
    client = login(investigator_a)
    for kind, obj in (("request", desk.request_a), ("asset", desk.asset_a)):
        app = "requests" if kind == "request" else "assets"
        page = client.get(f"/admin/{app}/{kind}/{obj.pk}/change/").content.decode()
        assert "Freezing order of the district court" in page, kind
        assert _download_url(document_a.current_version) in page, kind
        assert f"{kind}={obj.pk}" in page and f"_return={kind}" in page, kind

    response = _add_post(
        client,
        f"case={desk.case_a.pk}&asset={desk.asset_a.pk}&_return=asset",
        case=desk.case_a.pk,
        asset=desk.asset_a.pk,
        file=SimpleUploadedFile("valuation.png", PNG_BYTES),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/admin/assets/asset/{desk.asset_a.pk}/change/"
    assert Document.objects.filter(asset=desk.asset_a).count() == 2


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("letter.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64, "not accepted"),
        ("big.png", PNG_BYTES + b"\x00" * 4096, "limit"),
    ],
)
def test_a_refused_upload_shows_the_reason_and_stores_nothing(
    desk, login, investigator_a, settings, document_files, name, content, reason
):
    settings.DOCUMENT_MAX_BYTES = 2048
    client = login(investigator_a)
    response = _add_post(client, f"case={desk.case_a.pk}", case=desk.case_a.pk, file=SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    assert not _stored_files(document_files)
    assert not AuditEvent.objects.filter(action="document_uploaded").exists()


def test_a_new_version_keeps_the_old_one_listed(desk, login, investigator_a, document_a, order_bytes):
    client = login(investigator_a)
    url = f"/admin/documents/document/{document_a.pk}/change/"
    page = client.get(url)
    assert "Upload a new version" in page.content.decode()
    first = document_a.current_version
    response = client.post(
        f"/admin/documents/document/{document_a.pk}/new_version/",
        {
            "file": SimpleUploadedFile("order-corrected.pdf", pdf_bytes("Corrected order")),
            "note": "Corrected copy",
            "expected_version": page.context["version_form"]["expected_version"].value(),
        },
    )
    assert response.status_code == 302 and response["Location"] == url
    document_a.refresh_from_db()
    assert [v.number for v in document_a.versions.all()] == [2, 1]
    assert document_a.current_version.note == "Corrected copy"
    page = client.get(url).content.decode()
    assert "order.pdf" in page and "order-corrected.pdf" in page
    assert _download_url(first) in page and _download_url(document_a.current_version) in page
    assert _body(client.get(_download_url(first))) == order_bytes


def test_a_refused_new_version_stores_nothing(desk, login, investigator_a, document_a, document_files):
    client = login(investigator_a)
    before = _stored_files(document_files)
    response = client.post(
        f"/admin/documents/document/{document_a.pk}/new_version/",
        {"file": SimpleUploadedFile("virus.exe", b"\x7fELF\x02\x01\x01" + b"\x00" * 64)},
    )
    assert response.status_code == 200
    assert "not accepted" in response.content.decode()
    assert document_a.versions.count() == 1
    assert _stored_files(document_files) == before


def test_editing_the_description_goes_through_the_service_with_the_version(desk, login, investigator_a, document_a):
    from tests.admin.forms import change_form_data

    client = login(investigator_a)
    url = f"/admin/documents/document/{document_a.pk}/change/"
    data = change_form_data(client.get(url))
    assert data["expected_version"] == str(document_a.version)
    data["title"] = "Freezing order (certified)"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    document_a.refresh_from_db()
    assert document_a.title == "Freezing order (certified)" and document_a.version == int(data["expected_version"]) + 1


# --- the download ----------------------------------------------------------------------------------


def test_the_owner_unit_downloads_the_exact_bytes_with_safe_headers(
    desk, login, investigator_a, document_a, order_bytes
):
    version = document_a.current_version
    response = login(investigator_a).get(_download_url(version))
    assert response.status_code == 200
    assert _body(response) == order_bytes
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert "order.pdf" in response["Content-Disposition"]
    assert response["ETag"] == f'"{version.sha256}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    event = AuditEvent.objects.get(action="document_downloaded", outcome="success")
    assert event.object_id == str(document_a.pk)


def test_each_download_is_audited(desk, login, supervisor_a, document_a):
    client = login(supervisor_a)
    for _ in range(2):
        assert client.get(_download_url(document_a.current_version)).status_code == 200
    assert AuditEvent.objects.filter(action="document_downloaded", user=supervisor_a).count() == 2


def test_another_unit_gets_the_answer_of_a_missing_file(desk, login, investigator_b, document_a):
    client = login(investigator_b)
    other = client.get(_download_url(document_a.current_version))
    missing = client.get("/admin/documents/documentversion/999999/download/")
    assert other.status_code == missing.status_code == 404
    assert "Freezing order" not in other.content.decode()
    assert client.get(f"/admin/documents/document/{document_a.pk}/change/").status_code == 404


def test_a_missing_file_is_a_404_that_says_so_and_no_successful_download(desk, login, supervisor_a, document_a):
    version = document_a.current_version
    version.file.storage.delete(version.file.name)
    response = login(supervisor_a).get(_download_url(version))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="document_downloaded", outcome="success").exists()
    assert AuditEvent.objects.filter(action="document_downloaded", outcome="failure").count() == 1


@pytest.mark.parametrize("version_id", ["%C2%B2", "%D9%A3", "1%D9%A3"])
def test_non_ascii_digits_are_no_version_id(desk, login, supervisor_a, document_a, version_id):
    response = login(supervisor_a).get(f"/admin/documents/documentversion/{version_id}/download/")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="document_downloaded").exists()


def test_the_analyst_sees_the_metadata_but_is_refused_the_file_and_audited(desk, login, analyst, document_a):
    client = login(analyst)
    page = client.get(f"/admin/documents/document/{document_a.pk}/change/").content.decode()
    assert "Freezing order of the district court" in page and "order.pdf" in page
    assert _download_url(document_a.current_version) not in page
    assert "may not open their files" in page
    assert "Upload a new version" not in page

    response = client.get(_download_url(document_a.current_version))
    assert response.status_code == 403
    assert "may not open their files" in response.content.decode()
    assert AuditEvent.objects.filter(action="document_downloaded", user=analyst, outcome="denied").exists()


def test_the_setting_lets_masked_roles_download(desk, login, analyst, document_a, order_bytes, settings):
    settings.DOCUMENT_DOWNLOAD_FOR_MASKED_ROLES = True
    client = login(analyst)
    page = client.get(f"/admin/documents/document/{document_a.pk}/change/").content.decode()
    assert _download_url(document_a.current_version) in page
    response = client.get(_download_url(document_a.current_version))
    assert response.status_code == 200 and _body(response) == order_bytes


def test_the_download_needs_a_signed_in_staff_user(client, document_a):
    response = client.get(_download_url(document_a.current_version))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not AuditEvent.objects.filter(action="document_downloaded").exists()


# --- reading without writing, and another unit's case in the address ------------------------------


def test_a_reader_who_may_not_write_sees_no_upload_form(desk, login, analyst, document_a):
    client = login(analyst)
    case_page = client.get(f"/admin/cases/case/{desk.case_a.pk}/change/").content.decode()
    assert "Freezing order of the district court" in case_page
    assert ADD_URL not in case_page
    assert client.get(ADD_URL).status_code == 403
    response = client.post(
        f"/admin/documents/document/{document_a.pk}/new_version/",
        {"file": SimpleUploadedFile("x.pdf", pdf_bytes("x"))},
    )
    assert response.status_code == 403
    assert document_a.versions.count() == 1


def test_another_units_case_in_the_address_fills_in_nothing_and_is_refused(desk, login, investigator_b, document_files):
    client = login(investigator_b)
    query = f"case={desk.case_a.pk}&request={desk.request_a.pk}&asset={desk.asset_a.pk}"
    page = client.get(f"{ADD_URL}?{query}")
    assert page.status_code == 200
    initial = page.context["adminform"].form.initial
    assert "case" not in initial and "request" not in initial and "asset" not in initial
    html = page.content.decode()
    assert desk.case_a.register_number not in html and desk.request_a.reference not in html

    response = _add_post(
        client,
        query,
        case=desk.case_a.pk,
        request=desk.request_a.pk,
        file=SimpleUploadedFile("letter.pdf", pdf_bytes()),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["case"]
    assert not Document.objects.exists() and not _stored_files(document_files)


def test_links_are_offered_only_within_the_documents_case(desk, login, investigator_a, document_a):
    from tests.factories import make_case, make_request

    other_case = make_case(lead=investigator_a, unit=desk.case_a.unit, register_number="241500031000777")
    other_request = make_request(
        case=other_case, actor=investigator_a, country="CH", legal_basis=desk.treaty, measures=[desk.freezing]
    )
    client = login(investigator_a)
    form = client.get(f"/admin/documents/document/{document_a.pk}/change/").context["adminform"].form
    assert set(form.fields["request"].queryset) == {desk.request_a}
    assert other_request not in form.fields["request"].queryset
    assert set(form.fields["asset"].queryset) == {desk.asset_a}


# --- the checklist ---------------------------------------------------------------------------------


def test_the_checklist_shows_the_document_that_provides_an_item(desk, login, investigator_a, document_a):
    from tests.admin.forms import change_form_data

    item = desk.request_a.checklist.get(requirement=desk.requirement)
    client = login(investigator_a)
    url = f"/admin/documents/document/{document_a.pk}/change/"
    page = client.get(url)
    assert item in page.context["adminform"].form.fields["checklist_item"].queryset
    data = change_form_data(page)
    data["checklist_item"] = str(item.pk)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    item.refresh_from_db()
    assert item.satisfied

    request_page = client.get(f"/admin/requests/request/{desk.request_a.pk}/change/").content.decode()
    assert f'href="/admin/documents/document/{document_a.pk}/change/"' in request_page
    checklist = request_page.lower().split("checklist of the legal basis", 1)[1]
    assert "freezing order of the district court" in checklist.split("</table>", 1)[0]


# --- letter templates ------------------------------------------------------------------------------


def test_administrators_edit_letter_templates_and_an_invalid_one_is_refused(login, administrator):
    LetterTemplate.objects.all().delete()  # the shipped defaults (documents 0002): start from none
    client = login(administrator)
    data = {"instrument_kind": "bilateral_treaty", "purpose": "request", "language": "en", "active": "on"}
    response = client.post(
        "/admin/documents/lettertemplate/add/", {**data, "body": "<p>{{ case.register_number }}</p>"}
    )
    assert response.status_code == 302
    template = LetterTemplate.objects.get()

    url = f"/admin/documents/lettertemplate/{template.pk}/change/"
    response = client.post(url, {**data, "body": "<p>{% if case %}unclosed</p>"})
    assert response.status_code == 200
    assert "not a valid template" in response.content.decode()
    template.refresh_from_db()
    assert template.body == "<p>{{ case.register_number }}</p>"

    response = client.post(url, {**data, "body": "<h1>Request</h1><p>{{ case.title }}</p>"})
    assert response.status_code == 302
    template.refresh_from_db()
    assert "case.title" in template.body


def test_investigators_read_letter_templates_but_do_not_change_them(login, investigator_a, analyst):
    LetterTemplate.objects.all().delete()
    template = LetterTemplate.objects.create(instrument_kind="bilateral_treaty", language="en", body="<p>x</p>")
    client = login(investigator_a)
    url = f"/admin/documents/lettertemplate/{template.pk}/change/"
    assert client.get(url).status_code == 200
    client.post(
        url, {"instrument_kind": "bilateral_treaty", "purpose": "request", "language": "en", "body": "<p>y</p>"}
    )
    template.refresh_from_db()
    assert template.body == "<p>x</p>"
    assert client.get("/admin/documents/lettertemplate/add/").status_code == 403
    assert login(analyst).get(url).status_code == 403


def test_a_version_whose_file_is_gone_answers_404_not_500(desk, login, investigator_a, document_a):
    version = document_a.current_version
    version.file.storage.delete(version.file.name)
    assert login(investigator_a).get(_download_url(version)).status_code == 404
