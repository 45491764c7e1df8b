"""Domestic measures taken at a foreign state's request: assets in Kazakhstan linked to the incoming
request and run through the asset lifecycle that exists, and the incoming request's own documents;
both seen and written with the incoming request (recovery.access), not through a case."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from rest_framework.test import APIClient

from assets.models import Asset
from assets.services import asset_create, asset_transition
from documents import services as documents
from documents.models import Document
from recovery import access
from recovery.errors import AccessDenied, InvalidInput
from recovery.models import AuditEvent
from tests.documents.conftest import pdf_bytes
from tests.factories import make_case, make_incoming

pytestmark = pytest.mark.django_db


@pytest.fixture
def incoming_a(investigator_a):
    return make_incoming(actor=investigator_a)


@pytest.fixture
def incoming_b(investigator_b):
    return make_incoming(actor=investigator_b)


def _asset(actor, incoming, **changes):
    fields = {
        "kind": "bank_account",
        "description": "Current account at a bank in Almaty",
        "location_country": "KZ",
        "identified_on": datetime.date(2026, 3, 5),
        "currency": "KZT",
        "identifier": "KZ86125KZT5004100100",
        **changes,
    }
    return asset_create(actor=actor, incoming_request=incoming, **fields)


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_asset_frozen_at_foreign_request_runs_the_existing_lifecycle(incoming_a, investigator_a):
    asset = _asset(investigator_a, incoming_a)
    assert (asset.case, asset.incoming_request) == (None, incoming_a)
    frozen = asset_transition(asset=asset, to_status="frozen", actor=investigator_a, amount=Decimal("5000000.00"))
    confiscated = asset_transition(
        asset=frozen, to_status="confiscated", actor=investigator_a, amount=Decimal("5000000.00")
    )
    returned = asset_transition(
        asset=confiscated, to_status="returned", actor=investigator_a, amount=Decimal("3000000.00")
    )
    assert (returned.frozen_amount, returned.returned_amount) == (Decimal("5000000.00"), Decimal("3000000.00"))
    assert list(incoming_a.assets.all()) == [returned]
    assert list(returned.timeline.values_list("to_status", flat=True)) == [
        "identified",
        "frozen",
        "confiscated",
        "returned",
    ]


def test_measures_at_foreign_request_are_taken_at_home(incoming_a, investigator_a):
    with pytest.raises(InvalidInput) as refused:
        _asset(investigator_a, incoming_a, location_country="CH")
    assert "location_country" in refused.value.field_errors
    with pytest.raises(InvalidInput):
        asset_create(
            actor=investigator_a,
            kind="bank_account",
            description="Nowhere",
            location_country="KZ",
            identified_on=datetime.date(2026, 3, 5),
            currency="KZT",
        )
    assert not Asset.objects.exists()


def test_the_database_wants_a_case_or_an_incoming_request(incoming_a, investigator_a):
    asset = _asset(investigator_a, incoming_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Asset.objects.filter(pk=asset.pk).update(incoming_request=None)


def test_another_unit_neither_sees_nor_writes_the_asset(incoming_a, investigator_a, investigator_b, analyst):
    asset = _asset(investigator_a, incoming_a)
    assert access.may_read(investigator_a, asset) and access.may_write(investigator_a, asset)
    assert not Asset.objects.visible_to(investigator_b).exists()
    with pytest.raises(AccessDenied) as hidden:
        asset_transition(asset=asset, to_status="frozen", actor=investigator_b, amount=Decimal("1.00"))
    assert hidden.value.code == "not_found"
    with pytest.raises(AccessDenied):
        _asset(investigator_b, incoming_a)
    assert Asset.objects.visible_to(analyst).count() == 1
    assert not access.may_write(analyst, asset)


def test_an_asset_of_our_case_that_a_foreign_request_also_concerns_is_seen_by_both(
    incoming_a, investigator_a, investigator_b, supervisor_a
):
    case_b = make_case(lead=investigator_b)
    # Written by someone who writes both (an administrator would do; here the services check each).
    with pytest.raises(AccessDenied):
        asset_create(
            actor=investigator_a,
            case=case_b,
            incoming_request=incoming_a,
            kind="real_estate",
            description="Flat in Astana",
            location_country="KZ",
            identified_on=datetime.date(2026, 3, 5),
            currency="KZT",
        )
    case_a = make_case(lead=investigator_a)
    asset = asset_create(
        actor=investigator_a,
        case=case_a,
        incoming_request=incoming_a,
        kind="real_estate",
        description="Flat in Astana",
        location_country="KZ",
        identified_on=datetime.date(2026, 3, 5),
        currency="KZT",
    )
    assert Asset.objects.visible_to(investigator_a).get() == asset
    assert not Asset.objects.visible_to(investigator_b).exists()


def test_the_assets_api_files_an_asset_under_an_incoming_request(incoming_a, incoming_b, investigator_a):
    body = {
        "incoming_request": incoming_a.pk,
        "kind": "vehicle",
        "description": "Toyota Land Cruiser",
        "location_country": "KZ",
        "identified_on": "2026-03-05",
        "currency": "KZT",
    }
    created = _client(investigator_a).post("/api/v1/assets/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["incoming_request"] == {"id": incoming_a.pk, "reference": incoming_a.reference}
    assert created.json()["case"] is None
    other = _client(investigator_a).post("/api/v1/assets/", {**body, "incoming_request": incoming_b.pk}, format="json")
    missing = _client(investigator_a).post("/api/v1/assets/", {**body, "incoming_request": 999999}, format="json")
    assert other.status_code == missing.status_code == 400
    assert other.json()["errors"].keys() == missing.json()["errors"].keys()
    abroad = _client(investigator_a).post("/api/v1/assets/", {**body, "location_country": "AE"}, format="json")
    assert abroad.status_code == 400 and "location_country" in abroad.json()["errors"]
    assert Asset.objects.count() == 1


def _upload(name="request.pdf", text="Request for assistance"):
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


def test_the_incoming_requests_documents(incoming_a, incoming_b, investigator_a, investigator_b, analyst):
    document = documents.document_add(
        actor=investigator_a,
        incoming_request=incoming_a,
        kind="incoming_request",
        title="Request of the Swiss Federal Office of Justice",
        language="en",
        file=_upload(),
    )
    assert document.owner == incoming_a and document.case is None
    assert document.current_version.file.name.startswith(f"incoming/{incoming_a.pk}/")
    assert list(Document.objects.visible_to(investigator_a)) == [document]
    assert not Document.objects.visible_to(investigator_b).exists()
    with pytest.raises(AccessDenied) as hidden:
        documents.version_to_download(actor=investigator_b, version=document.current_version)
    assert hidden.value.code == "not_found"
    with pytest.raises(AccessDenied) as masked:
        documents.version_to_download(actor=analyst, version=document.current_version)
    assert masked.value.code != "not_found"
    assert documents.version_to_download(actor=investigator_a, version=document.current_version)
    event = AuditEvent.objects.filter(action="document_downloaded", outcome="success").get()
    assert event.extra["incoming_request"] == incoming_a.pk


def test_a_document_belongs_to_one_file_and_links_within_it(incoming_a, investigator_a, investigator_b):
    case_a = make_case(lead=investigator_a)
    with pytest.raises(InvalidInput):
        documents.document_add(
            actor=investigator_a, case=case_a, incoming_request=incoming_a, kind="other", title="x", file=_upload()
        )
    with pytest.raises(InvalidInput):
        documents.document_add(actor=investigator_a, kind="other", title="x", file=_upload())
    other_incoming = make_incoming(actor=investigator_a)
    foreign_asset = _asset(investigator_a, other_incoming)
    with pytest.raises(InvalidInput):
        documents.document_add(
            actor=investigator_a,
            incoming_request=incoming_a,
            kind="execution_material",
            title="Freezing order",
            file=_upload(),
            asset=foreign_asset,
        )
    own_asset = _asset(investigator_a, incoming_a)
    linked = documents.document_add(
        actor=investigator_a,
        incoming_request=incoming_a,
        kind="execution_material",
        title="Freezing order",
        file=_upload(),
        asset=own_asset,
    )
    assert linked.asset == own_asset
    assert Document.objects.count() == 1


def test_the_documents_api_takes_an_incoming_request(incoming_a, incoming_b, investigator_a):
    client = _client(investigator_a)
    created = client.post(
        "/api/v1/documents/",
        {"incoming_request": incoming_a.pk, "kind": "answer_sent", "title": "Our answer", "file": _upload()},
        format="multipart",
    )
    assert created.status_code == 201, created.content
    assert created.json()["incoming_request"]["reference"] == incoming_a.reference
    listed = client.get(f"/api/v1/documents/?incoming_request={incoming_a.pk}").json()
    assert [row["id"] for row in listed["results"]] == [created.json()["id"]]
    refused = client.post(
        "/api/v1/documents/",
        {"incoming_request": incoming_b.pk, "kind": "answer_sent", "title": "Our answer", "file": _upload()},
        format="multipart",
    )
    assert refused.status_code == 400
    assert Document.objects.count() == 1
