"""The case file over the API: multipart upload, versions, description changes, streamed and audited
downloads, per role, with the API's conventions (ETag/If-Match, Idempotency-Key, problem details)."""

import datetime
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from documents import services
from documents.models import Document, DocumentVersion
from recovery.api.services import api_token_create
from recovery.models import AuditEvent
from tests.api.conftest import assert_problem
from tests.documents.conftest import PNG_BYTES, docx_bytes, pdf_bytes
from tests.factories import make_asset, make_case, make_request

pytestmark = pytest.mark.django_db

LIST = "/api/v1/documents/"


def detail(pk):
    return f"{LIST}{pk}/"


_PDFS = {}


def pdf_content(text="Certified copy"):
    # fpdf stamps the creation time: the same text gives the same bytes within a test run.
    if text not in _PDFS:
        _PDFS[text] = pdf_bytes(text)
    return _PDFS[text]


def pdf(name="decision.pdf", text="Certified copy"):
    return SimpleUploadedFile(name, pdf_content(text), content_type="application/pdf")


def same_refusal(one, other):
    """The same answer, but for the id each names."""
    import re

    def shape(errors):
        return {k: [re.sub(r"\d+", "N", m) for m in v] for k, v in errors.items()}

    return shape(one["errors"]) == shape(other["errors"])


def stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client_for():
    def build(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return build


@pytest.fixture
def token_client():
    def build(user, scopes=("cases:write",)):
        _token, text = api_token_create(actor=None, user=user, name="documents", scopes=list(scopes))
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {text}")
        return client

    return build


@pytest.fixture
def case_a(investigator_a):
    return make_case(actor=investigator_a, unit=investigator_a.unit, lead=investigator_a)


@pytest.fixture
def case_b(investigator_b):
    return make_case(actor=investigator_b, unit=investigator_b.unit, lead=investigator_b)


@pytest.fixture
def doc_a(investigator_a, case_a):
    return services.document_add(
        actor=investigator_a, case=case_a, kind="certified_court_decision", title="Decision A", file=pdf()
    )


@pytest.fixture
def doc_b(investigator_b, case_b):
    return services.document_add(
        actor=investigator_b,
        case=case_b,
        kind="foreign_reply",
        title="Reply B",
        file=pdf("reply.pdf", "Secret reply of unit B"),
    )


@pytest.fixture
def cast(investigator_a, investigator_b, supervisor_a, analyst, administrator, integration_client):
    return {
        "investigator_a": investigator_a,
        "investigator_b": investigator_b,
        "supervisor_a": supervisor_a,
        "analyst": analyst,
        "administrator": administrator,
        "integration_client": integration_client,
    }


def client_of(role, cast, client_for, token_client):
    # The service account calls with a token, as a system would; the others by session.
    if role == "integration_client":
        return token_client(cast[role])
    return client_for(cast[role])


def upload(client, case, headers=None, **fields):
    body = {"case": case.pk, "kind": "certified_court_decision", "title": "Court decision", "file": pdf(), **fields}
    return client.post(LIST, body, format="multipart", headers=headers)


def without_instance(response):
    body = response.json()
    body.pop("instance", None)
    return body


# --- adding a document ------------------------------------------------------------------------------


def test_upload_adds_a_document_with_its_first_version(client_for, investigator_a, case_a, document_files):
    content = pdf_content()
    response = client_for(investigator_a).post(
        LIST,
        {
            "case": case_a.pk,
            "kind": "certified_court_decision",
            "title": "Confiscation order",
            "language": "ru",
            "dated_on": "2024-05-02",
            "note": "Certified by the court",
            "file": pdf("order.pdf"),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    document = Document.objects.get()
    assert response["Location"] == detail(document.pk)
    assert response["ETag"] == f'"v{document.version}"'
    assert body["case"]["id"] == case_a.pk and body["language"] == "ru" and body["dated_on"] == "2024-05-02"
    [version] = body["versions"]
    assert version["number"] == 1 and version["filename"] == "order.pdf"
    assert version["sha256"] == hashlib.sha256(content).hexdigest() and version["size"] == len(content)
    assert version["content_type"] == "application/pdf" and version["note"] == "Certified by the court"
    assert version["added_by"]["id"] == investigator_a.pk
    assert version["download"].endswith(f"/api/v1/documents/{document.pk}/versions/1/download/")
    assert body["current_version"] == version
    assert (document_files / document.current_version.file.name).read_bytes() == content
    assert AuditEvent.objects.filter(action="document_uploaded", object_id=str(document.pk)).exists()


def test_upload_links_records_of_the_same_case(client_for, investigator_a, case_a):
    request = make_request(case=case_a)
    asset = make_asset(case=case_a)
    response = upload(client_for(investigator_a), case_a, request=request.pk, asset=asset.pk, kind="request_letter")
    assert response.status_code == 201, response.content
    assert response.json()["request"] == request.pk and response.json()["asset"] == asset.pk


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("investigator_a", 201),
        ("supervisor_a", 201),
        ("administrator", 201),
        ("integration_client", 201),
        ("analyst", 403),
        ("investigator_b", 400),
    ],
)
def test_who_may_add_a_document_to_unit_a(role, expected, cast, case_a, client_for, token_client, document_files):
    response = upload(client_of(role, cast, client_for, token_client), case_a)
    assert response.status_code == expected, response.content
    if expected == 400:
        # Another unit's case is "does not exist", exactly as a missing id.
        body = assert_problem(response, 400)
        client = client_of(role, cast, client_for, token_client)
        missing = assert_problem(upload(client, case_a.__class__(pk=99999)), 400)
        assert same_refusal(body, missing) and set(body["errors"]) == {"case"}
    if expected != 201:
        assert not Document.objects.exists() and not stored_files(document_files)


def test_a_read_only_token_cannot_upload(token_client, investigator_a, case_a):
    client = token_client(investigator_a, scopes=("cases:read",))
    assert_problem(upload(client, case_a), 403)
    assert client.get(LIST).status_code == 200
    assert not Document.objects.exists()


def test_a_link_to_another_units_record_answers_like_a_missing_one(client_for, investigator_a, case_a, case_b):
    foreign = make_request(case=case_b)
    client = client_for(investigator_a)
    body = assert_problem(upload(client, case_a, request=foreign.pk), 400)
    missing = assert_problem(upload(client, case_a, request=999999), 400)
    assert same_refusal(body, missing) and set(body["errors"]) == {"request"}
    assert not Document.objects.exists()


def test_a_link_to_another_case_of_the_same_unit_is_refused(client_for, investigator_a, case_a):
    other = make_request(case=make_case(actor=investigator_a, unit=investigator_a.unit, lead=investigator_a))
    body = assert_problem(upload(client_for(investigator_a), case_a, request=other.pk), 400)
    assert "request" in body["errors"]
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "limit"),
    [
        ("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200, None),
        ("archive.pdf", b"PK\x03\x04" + b"\x00" * 200, None),
        ("empty.pdf", b"", None),
        ("big.pdf", pdf_content("x" * 100), 512),
    ],
    ids=["executable", "zip-named-pdf", "empty", "too-big"],
)
def test_refused_files_leave_nothing_stored(
    name, content, limit, client_for, investigator_a, case_a, document_files, settings
):
    if limit is not None:
        settings.DOCUMENT_MAX_BYTES = limit
        assert len(content) > limit
    response = upload(client_for(investigator_a), case_a, file=SimpleUploadedFile(name, content))
    body = assert_problem(response, 400)
    assert set(body["errors"]) == {"file"} and body["detail"]
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    assert not stored_files(document_files)
    assert not AuditEvent.objects.filter(action="document_uploaded").exists()


def test_json_is_not_an_upload(client_for, investigator_a, case_a):
    response = client_for(investigator_a).post(LIST, {"case": case_a.pk, "kind": "other", "title": "x"}, format="json")
    assert_problem(response, 415)


def test_missing_file_and_unknown_fields_are_400(client_for, investigator_a, case_a):
    client = client_for(investigator_a)
    body = assert_problem(
        client.post(LIST, {"case": case_a.pk, "kind": "other", "title": "x"}, format="multipart"), 400
    )
    assert "file" in body["errors"]
    body = assert_problem(upload(client, case_a, sha256="0" * 64, colour="red"), 400)
    assert set(body["errors"]) == {"sha256", "colour"}


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1990-12-31", "10000-01-01", "2024-02-30"])
def test_absurd_dates_are_400_not_500(day, client_for, investigator_a, case_a):
    body = assert_problem(upload(client_for(investigator_a), case_a, dated_on=day), 400)
    assert "dated_on" in body["errors"]
    assert not Document.objects.exists()


def test_odd_unicode_titles_and_file_names(client_for, investigator_a, case_a):
    client = client_for(investigator_a)
    rtl = "حكم المحكمة \u202eexe.fdp\u202c — Решение"
    response = upload(client, case_a, title=rtl, file=pdf("../../etc/\u202eevil\u202c Решение.PDF"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == rtl
    filename = body["current_version"]["filename"]
    assert filename == "evil Решение.pdf"
    assert "/" not in filename and ".." not in filename and "\u202e" not in filename
    download = client.get(body["current_version"]["download"])
    assert download.status_code == 200
    assert "\u202e" not in download["Content-Disposition"] and "/" not in download["Content-Disposition"]
    body = assert_problem(upload(client, case_a, title="Nul\x00byte"), 400)
    assert "title" in body["errors"]
    assert_problem(upload(client, case_a, title="   "), 400)
    assert Document.objects.count() == 1


# --- reading ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("investigator_a", {"A"}),
        ("supervisor_a", {"A"}),
        ("integration_client", {"A"}),
        ("investigator_b", {"B"}),
        ("analyst", {"A", "B"}),
        ("administrator", {"A", "B"}),
    ],
)
def test_each_role_lists_and_reads_the_documents_of_its_cases(role, sees, cast, doc_a, doc_b, client_for, token_client):
    client = client_of(role, cast, client_for, token_client)
    listed = client.get(LIST)
    assert listed.status_code == 200, listed.content
    ids = {row["id"] for row in listed.json()["results"]}
    assert ids == {{"A": doc_a.pk, "B": doc_b.pk}[unit] for unit in sees}
    for unit, document in (("A", doc_a), ("B", doc_b)):
        response = client.get(detail(document.pk))
        if unit in sees:
            assert response.status_code == 200
            assert response["ETag"] == f'"v{document.version}"'
            assert [v["number"] for v in response.json()["versions"]] == [1]
        else:
            assert_problem(response, 404)
            assert without_instance(response) == without_instance(client.get(detail(999999)))


def test_a_reader_without_a_case_role_is_refused(client_for, doc_a, db):
    from tests.factories import UserFactory

    auditor = UserFactory(username="auditor", unit=None, roles=["Auditor"])
    assert_problem(client_for(auditor).get(LIST), 403)
    assert_problem(client_for(auditor).get(f"{detail(doc_a.pk)}download/"), 403)
    assert APIClient().get(LIST).status_code in (401, 403)


def test_list_queries_do_not_grow_with_the_page(client_for, investigator_a, case_a, django_assert_max_num_queries):
    for n in range(12):
        document = services.document_add(
            actor=investigator_a, case=case_a, kind="other", title=f"Doc {n}", file=pdf(text=f"n{n}")
        )
        services.document_add_version(actor=investigator_a, document=document, file=pdf(text=f"v2 {n}"))
    client = client_for(investigator_a)

    def count(limit):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(LIST, {"limit": limit})
        assert response.status_code == 200 and len(response.json()["results"]) == limit
        return len(ctx.captured_queries)

    small = count(2)
    with django_assert_max_num_queries(small):
        count(12)


# --- filters ----------------------------------------------------------------------------------------


def test_filters(client_for, investigator_a, case_a, doc_a):
    request = make_request(case=case_a)
    letter = services.document_add(
        actor=investigator_a,
        case=case_a,
        kind="request_letter",
        title="Letter to Switzerland",
        file=SimpleUploadedFile("letter.docx", docx_bytes()),
        request=request,
    )
    other_case = make_case(actor=investigator_a, unit=investigator_a.unit, lead=investigator_a)
    elsewhere = services.document_add(
        actor=investigator_a, case=other_case, kind="other", title="Scan", file=SimpleUploadedFile("s.png", PNG_BYTES)
    )
    client = client_for(investigator_a)

    def ids(**params):
        response = client.get(LIST, params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids(kind="request_letter") == {letter.pk}
    assert ids(kind=["request_letter", "other"]) == {letter.pk, elsewhere.pk}
    assert ids(case=case_a.pk) == {doc_a.pk, letter.pk}
    assert ids(request=request.pk) == {letter.pk}
    assert ids(sha256=doc_a.current_version.sha256.upper()) == {doc_a.pk}
    assert ids(q="switzerland") == {letter.pk}
    assert ids(q=case_a.register_number) == {doc_a.pk, letter.pk}
    later = (elsewhere.updated_at - datetime.timedelta(microseconds=1)).isoformat()
    assert elsewhere.pk in ids(updated_after=later)
    assert ids(updated_after="2999-01-01T00:00:00Z") == set()
    assert_problem(client.get(LIST, {"kind": "poem"}), 400)
    assert_problem(client.get(LIST, {"updated_after": "yesterday"}), 400)


def test_a_hostile_colleague_learns_nothing_from_filters(client_for, investigator_a, case_b, doc_b, doc_a):
    client = client_for(investigator_a)
    for params, nothing in (
        ({"case": case_b.pk}, {"case": 999999}),
        ({"sha256": doc_b.current_version.sha256}, {"sha256": "0" * 64}),
        ({"q": doc_b.title}, {"q": "no such text"}),
        ({"q": case_b.register_number}, {"q": "no such text"}),
    ):
        response = client.get(LIST, params)
        assert response.status_code == 200
        assert response.json()["results"] == [], params
        assert response.json()["count"] == client.get(LIST, nothing).json()["count"] == 0


# --- changing the description -------------------------------------------------------------------


def test_patch_needs_the_etag_and_changes_description_and_links(client_for, investigator_a, case_a, doc_a):
    client = client_for(investigator_a)
    assert_problem(client.patch(detail(doc_a.pk), {"title": "Renamed"}, format="json"), 428)
    assert_problem(
        client.patch(detail(doc_a.pk), {"title": "Renamed"}, format="json", headers={"If-Match": '"v0"'}), 412
    )
    asset = make_asset(case=case_a)
    etag = client.get(detail(doc_a.pk))["ETag"]
    response = client.patch(
        detail(doc_a.pk),
        {"title": "Renamed", "asset": asset.pk, "dated_on": "2024-04-01"},
        format="json",
        headers={"If-Match": etag},
    )
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Renamed" and response.json()["asset"] == asset.pk
    assert response["ETag"] != etag
    # The same ETag again: someone (this client) changed it since.
    assert_problem(client.patch(detail(doc_a.pk), {"title": "Again"}, format="json", headers={"If-Match": etag}), 412)
    doc_a.refresh_from_db()
    assert doc_a.title == "Renamed"


def test_put_replaces_the_description(client_for, investigator_a, doc_a):
    client = client_for(investigator_a)
    etag = client.get(detail(doc_a.pk))["ETag"]
    body = assert_problem(client.put(detail(doc_a.pk), {"title": "x"}, format="json", headers={"If-Match": etag}), 400)
    assert "kind" in body["errors"]
    response = client.put(
        detail(doc_a.pk), {"title": "Replaced", "kind": "other"}, format="json", headers={"If-Match": etag}
    )
    assert response.status_code == 200, response.content
    assert response.json()["kind"] == "other"


def test_files_and_case_cannot_be_changed_by_patch(client_for, investigator_a, case_a, doc_a):
    client = client_for(investigator_a)
    etag = client.get(detail(doc_a.pk))["ETag"]
    body = assert_problem(
        client.patch(detail(doc_a.pk), {"case": 1, "versions": []}, format="json", headers={"If-Match": etag}), 400
    )
    assert set(body["errors"]) == {"case", "versions"}


@pytest.mark.parametrize(("role", "expected"), [("analyst", 403), ("investigator_b", 404), ("supervisor_a", 200)])
def test_who_may_change_a_document(role, expected, cast, doc_a, client_for, token_client):
    client = client_of(role, cast, client_for, token_client)
    response = client.patch(detail(doc_a.pk), {"title": "Mine now"}, format="json", headers={"If-Match": '"v1"'})
    assert response.status_code == expected, response.content
    doc_a.refresh_from_db()
    assert (doc_a.title == "Mine now") == (expected == 200)


# --- new versions -------------------------------------------------------------------------------------


def versions_url(document):
    return f"{detail(document.pk)}versions/"


def test_a_new_version_keeps_the_old_one(client_for, investigator_a, doc_a):
    client = client_for(investigator_a)
    etag = client.get(detail(doc_a.pk))["ETag"]
    response = client.post(
        versions_url(doc_a),
        {"file": SimpleUploadedFile("letter.docx", docx_bytes()), "note": "Signed"},
        format="multipart",
        headers={"If-Match": etag},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert [v["number"] for v in body["versions"]] == [2, 1]
    assert body["current_version"]["number"] == 2 and body["current_version"]["note"] == "Signed"
    assert response["ETag"] != etag
    # The old ETag is stale now: a second upload based on it is refused, and nothing is added.
    stale = client.post(versions_url(doc_a), {"file": pdf()}, format="multipart", headers={"If-Match": etag})
    assert_problem(stale, 412)
    assert doc_a.versions.count() == 2
    # Without If-Match, the version is simply added.
    assert client.post(versions_url(doc_a), {"file": pdf(text="third")}, format="multipart").status_code == 201
    old = client.get(f"{detail(doc_a.pk)}versions/1/download/")
    assert b"".join(old.streaming_content) == pdf_content()


@pytest.mark.parametrize(("role", "expected"), [("analyst", 403), ("investigator_b", 404), ("administrator", 201)])
def test_who_may_add_a_version(role, expected, cast, doc_a, client_for, token_client, document_files):
    before = stored_files(document_files)
    client = client_of(role, cast, client_for, token_client)
    response = client.post(versions_url(doc_a), {"file": pdf(text="other")}, format="multipart")
    assert response.status_code == expected, response.content
    assert doc_a.versions.count() == (2 if expected == 201 else 1)
    if expected != 201:
        assert stored_files(document_files) == before


def test_a_refused_version_leaves_nothing(client_for, investigator_a, doc_a, document_files):
    before = stored_files(document_files)
    response = client_for(investigator_a).post(
        versions_url(doc_a), {"file": SimpleUploadedFile("x.pdf", b"")}, format="multipart"
    )
    assert set(assert_problem(response, 400)["errors"]) == {"file"}
    assert doc_a.versions.count() == 1 and stored_files(document_files) == before


# --- retries ------------------------------------------------------------------------------------------


def test_an_idempotent_retry_replays_the_first_answer(client_for, investigator_a, case_a, document_files):
    client = client_for(investigator_a)
    headers = {"Idempotency-Key": "upload-1"}
    first = upload(client, case_a, headers=headers)
    assert first.status_code == 201, first.content
    again = upload(client, case_a, headers=headers)
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json() and again["Location"] == first["Location"]
    assert Document.objects.count() == 1 and len(stored_files(document_files)) == 1
    # The same key with another file of the same name is another request.
    other = upload(client, case_a, file=pdf(text="Another file, same name"), headers=headers)
    assert_problem(other, 422)
    assert Document.objects.count() == 1


def test_an_idempotent_version_upload(client_for, investigator_a, doc_a):
    client = client_for(investigator_a)
    headers = {"Idempotency-Key": "version-1"}
    first = client.post(versions_url(doc_a), {"file": pdf(text="v2")}, format="multipart", headers=headers)
    again = client.post(versions_url(doc_a), {"file": pdf(text="v2")}, format="multipart", headers=headers)
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert doc_a.versions.count() == 2


def test_a_refused_upload_does_not_use_up_its_key(client_for, investigator_a, case_a):
    client = client_for(investigator_a)
    headers = {"Idempotency-Key": "upload-2"}
    assert_problem(upload(client, case_a, file=SimpleUploadedFile("e.pdf", b""), headers=headers), 400)
    assert upload(client, case_a, headers=headers).status_code == 201


# --- downloads ----------------------------------------------------------------------------------------


def download_url(document, number=None):
    if number is None:
        return f"{detail(document.pk)}download/"
    return f"{detail(document.pk)}versions/{number}/download/"


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("investigator_a", 200),
        ("supervisor_a", 200),
        ("administrator", 200),
        ("integration_client", 200),
        ("analyst", 403),
        ("investigator_b", 404),
    ],
)
def test_who_may_download(role, expected, cast, doc_a, client_for, token_client):
    client = client_of(role, cast, client_for, token_client)
    for url in (download_url(doc_a), download_url(doc_a, 1)):
        response = client.get(url)
        assert response.status_code == expected, (url, response.content)
        if expected == 200:
            assert b"".join(response.streaming_content) == pdf_content()
            assert response["ETag"] == f'"{doc_a.current_version.sha256}"'
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Content-Type"] == "application/pdf"
            assert response["Content-Disposition"].startswith("attachment")
            assert "sandbox" in response["Content-Security-Policy"]
        else:
            body = assert_problem(response, expected)
            assert doc_a.title not in response.content.decode()
            if expected == 404:
                missing = client.get(url.replace(str(doc_a.pk), "999999"))
                assert without_instance(response) == without_instance(missing)
                assert body["code"] == "not_found"
    events = AuditEvent.objects.filter(action="document_downloaded", object_id=str(doc_a.pk))
    if expected == 200:
        assert events.filter(user=cast[role], outcome="success").count() == 2
    elif expected == 403:
        assert events.filter(user=cast[role], outcome="denied").count() == 2
    else:
        assert not events.exists()


def test_analysts_download_when_the_office_allows_it(client_for, analyst, doc_a, settings):
    settings.DOCUMENT_DOWNLOAD_FOR_MASKED_ROLES = True
    response = client_for(analyst).get(download_url(doc_a))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_content()


def test_if_none_match_answers_304(client_for, investigator_a, doc_a):
    client = client_for(investigator_a)
    etag = f'"{doc_a.current_version.sha256}"'
    response = client.get(download_url(doc_a), headers={"If-None-Match": etag})
    assert response.status_code == 304 and response["ETag"] == etag and not response.content
    assert client.get(download_url(doc_a), headers={"If-None-Match": '"0"'}).status_code == 200
    # The check comes first: another unit gets 404, not 304.
    assert client_for_other(doc_a).get(download_url(doc_a), headers={"If-None-Match": etag}).status_code == 404


def client_for_other(document):
    from tests.factories import UserFactory

    stranger = UserFactory(username="stranger", roles=["Investigator"])
    client = APIClient()
    client.force_authenticate(stranger)
    return client


def test_download_whatever_the_client_accepts(client_for, investigator_a, analyst, doc_a):
    response = client_for(investigator_a).get(download_url(doc_a), HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    refused = client_for(analyst).get(download_url(doc_a), HTTP_ACCEPT="application/pdf")
    assert_problem(refused, 403)


@pytest.mark.parametrize("number", ["2", "0", "abc", "99999999999999999999999"])
def test_a_version_that_does_not_exist_is_404(number, client_for, investigator_a, doc_a):
    assert client_for(investigator_a).get(download_url(doc_a, number)).status_code == 404


def test_the_current_version_is_downloaded(client_for, investigator_a, doc_a):
    services.document_add_version(actor=investigator_a, document=doc_a, file=pdf(text="second"))
    response = client_for(investigator_a).get(download_url(doc_a))
    assert b"".join(response.streaming_content) == pdf_content("second")


def test_a_missing_file_is_a_404_problem_audited_as_a_failure(client_for, investigator_a, doc_a):
    from recovery.models import AuditEvent

    version = doc_a.current_version
    version.file.storage.delete(version.file.name)
    response = client_for(investigator_a).get(download_url(doc_a))
    assert response.status_code == 404
    assert response.json()["code"] == "file_missing"
    outcomes = list(AuditEvent.objects.filter(action="document_downloaded").values_list("outcome", flat=True))
    assert outcomes == ["failure"]


@pytest.mark.parametrize("number", ["\u00b2", "\u0663", "1\u0663"])
def test_non_ascii_digits_are_not_a_version_number(number, client_for, investigator_a, doc_a):
    assert client_for(investigator_a).get(download_url(doc_a, number)).status_code == 404


# --- the list cache and the schema ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_list_shows_new_documents_and_versions_at_once(list_cache_on, client_for, investigator_a, case_a):
    client = client_for(investigator_a)
    # Writes move table versions when they commit: this test commits for real (transaction=True).
    # The first calls learn which tables the list reads; then it is served from the cache.
    assert [client.get(LIST)["X-List-Cache"] for _ in range(3)][-1] == "hit"
    created = upload(client, case_a)
    assert created.status_code == 201
    listed = client.get(LIST)
    assert [row["id"] for row in listed.json()["results"]] == [created.json()["id"]]
    assert [client.get(LIST)["X-List-Cache"] for _ in range(3)][-1] == "hit"
    added = client.post(f"{created['Location']}versions/", {"file": pdf(text="v2")}, format="multipart")
    assert added.status_code == 201
    assert [v["number"] for v in client.get(LIST).json()["results"][0]["versions"]] == [2, 1]


@pytest.fixture
def list_cache_on(settings):
    from django.core.cache import cache

    from recovery.api import list_cache

    settings.RECOVERY_API_LIST_CACHE_SECONDS = 300
    list_cache._learned.clear()
    cache.clear()
    yield
    list_cache._learned.clear()
    cache.clear()


def test_the_schema_describes_the_multipart_upload_and_the_downloads(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    create = schema["paths"]["/api/v1/documents/"]["post"]
    assert list(create["requestBody"]["content"]) == ["multipart/form-data"]
    ref = create["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert schema["components"]["schemas"][ref]["properties"]["file"]["format"] == "binary"
    versions = schema["paths"]["/api/v1/documents/{id}/versions/"]["post"]
    assert "multipart/form-data" in versions["requestBody"]["content"]
    for path in ("/api/v1/documents/{id}/download/", "/api/v1/documents/{id}/versions/{number}/download/"):
        responses = schema["paths"][path]["get"]["responses"]
        assert "304" in responses and "404" in responses and "403" in responses
    assert "delete" not in schema["paths"]["/api/v1/documents/{id}/"]


def test_a_single_valued_filter_given_twice_is_400(client_for, investigator_a, doc_a):
    client = client_for(investigator_a)
    body = assert_problem(client.get(LIST, {"asset": ["x", "1.0"]}), 400)
    assert "asset" in body["errors"]
    assert "case" in assert_problem(client.get(LIST, {"case": [doc_a.case_id, doc_a.case_id]}), 400)["errors"]
    assert client.get(LIST, {"kind": ["other", "request_letter"]}).status_code == 200
