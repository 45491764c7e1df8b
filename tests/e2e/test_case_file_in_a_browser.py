"""End to end, in Debian's chromium: an investigator writes the letter of a demo request from the
record, downloads it, uploads the signed copy to the request's case file, and sends the request."""

import io

import pytest
from django.core.management import call_command

from documents.models import Document
from mla_requests.models import Request
from recovery.demo_data import DEMO_PASSWORD
from tests.documents.conftest import pdf_bytes
from tests.e2e.test_investigator_desk_in_a_browser import browser_page  # noqa: F401

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_write_the_letter_download_it_upload_the_signed_copy_and_send(live_server, browser_page):  # noqa: F811
    call_command("seed_demo_data", "--scale", "0.03", stdout=io.StringIO())
    request = (
        Request.objects.filter(status=Request.Status.DRAFT, case__lead_investigator__username="investigator1")
        .order_by("pk")
        .first()
    )
    assert request is not None, "the demo data holds a draft request of investigator1"
    page = browser_page
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "investigator1")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")

    # Write the letter from the record; a demo draft may lack essentials, then the page names them
    # and the investigator writes a draft marked incomplete.
    change_url = f"{live_server.url}/admin/requests/request/{request.pk}/change/"
    page.goto(change_url)
    page.locator(f'a[href$="/admin/requests/request/{request.pk}/letter/"]').first.click()
    page.wait_for_url("**/letter/")
    page.select_option("#id_language", "en")
    page.locator("form input[type=submit], form button[type=submit]").last.click()
    page.wait_for_load_state()
    if "/letter/" in page.url:
        assert page.locator(".errornote, .errorlist").count() > 0
        page.check("#id_force")
        page.locator("form input[type=submit], form button[type=submit]").last.click()
        page.wait_for_load_state()
    page.wait_for_url(change_url)
    letters = Document.objects.filter(request=request, kind=Document.Kind.REQUEST_LETTER_DRAFT)
    assert letters.count() == 2  # DOCX and PDF

    # Download the DOCX from the request's documents.
    docx = letters.get(current_version__content_type__endswith="wordprocessingml.document")
    with page.expect_download() as info:
        page.locator(f'a.document-download[href$="/documentversion/{docx.current_version.pk}/download/"]').click()
    downloaded = info.value
    content = open(downloaded.path(), "rb").read()  # noqa: SIM115
    assert content[:2] == b"PK" and len(content) == docx.current_version.size

    # Upload the signed copy from the request page.
    page.goto(change_url)
    page.get_by_role("link", name="Add a document").first.click()
    page.wait_for_url("**/admin/documents/document/add/**")
    page.select_option("#id_kind", "request_letter")
    page.fill("#id_title", "Signed request letter")
    page.set_input_files(
        "#id_file", files=[{"name": "signed.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes("Signed")}]
    )
    page.click("input[name=_save]")
    page.wait_for_url(change_url)
    signed = Document.objects.get(request=request, kind=Document.Kind.REQUEST_LETTER)
    assert signed.current_version.content_type == "application/pdf"

    # Send it: the checklist is answered in the send form; what the record still lacks is
    # overridden with a reason, as an investigator would when the annexes travel by post.
    page.locator(f'a[href$="/admin/requests/request/{request.pk}/transition/sent/"]').first.click()
    page.wait_for_url("**/transition/sent/")
    for box in page.locator("input[type=checkbox][name^=req_]").all():
        box.check()
    if page.locator("#id_override_reason").count():
        page.fill("#id_override_reason", "Annexes and translation sent by diplomatic post")
    page.fill("#id_document_reference", "Out. 15-2/900")
    page.locator("form input[type=submit], form button[type=submit]").last.click()
    page.wait_for_load_state()
    request.refresh_from_db()
    assert request.status == Request.Status.SENT
