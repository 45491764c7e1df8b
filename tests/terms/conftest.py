"""The real reference data (the UK, US, Korea and India treaties, UNCAC, UNTOC, the 1988 Vienna
Convention and the CIS conventions), a case of unit A and one of unit B, and helpers to draft
under a basis by its code and to put the documents sending needs in the case file."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.models import Document
from documents.services import document_add
from mla_requests import case_file
from mla_requests.services import request_create
from recovery.management.commands.load_reference_data import load_reference_data
from recovery.models import AssistanceMeasure, CrimeCategory, LegalInstrument
from tests.documents.conftest import pdf_bytes
from tests.factories import make_case

SENT_ON = datetime.date(2025, 5, 5)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def ref(db):
    load_reference_data()
    return SimpleNamespace(
        basis=lambda code: LegalInstrument.objects.get(code=code),
        treaty=lambda country: LegalInstrument.objects.get(code=f"mlat-kz-{country.lower()}"),
        measures=lambda *codes: list(AssistanceMeasure.objects.filter(code__in=codes)),
        category=lambda code: CrimeCategory.objects.get(code=code),
    )


@pytest.fixture
def case_a(ref, investigator_a, unit_a):
    return make_case(lead=investigator_a, unit=unit_a, primary_crime_category=ref.category("corruption"))


@pytest.fixture
def case_b(ref, investigator_b, unit_b):
    return make_case(lead=investigator_b, unit=unit_b, primary_crime_category=ref.category("corruption"))


@pytest.fixture
def draft(ref, case_a):
    """draft(basis code, country, measure codes, category code="corruption", **request_create kwargs)."""

    def build(basis, country, measures, category="corruption", case=None, **kwargs):
        case = case or case_a
        return request_create(
            actor=case.lead_investigator,
            case=case,
            country=country,
            legal_basis=ref.basis(basis) if isinstance(basis, str) else basis,
            crime_category=ref.category(category),
            measures=ref.measures(*measures),
            **kwargs,
        )

    return build


def attach(request, kind, *, actor=None, language="en", title=None):
    return document_add(
        actor=actor or request.case.lead_investigator,
        case=request.case,
        kind=kind,
        title=title or f"{kind} of {request.reference}",
        language=language,
        request=request,
        file=SimpleUploadedFile(f"{kind}.pdf", pdf_bytes(kind), content_type="application/pdf"),
    )


def attach_letter_and_translation(request):
    """The signed letter and the translation the requested state needs: what every formal basis asks
    before sending, so that a test sees only the rule it is about."""
    for code, _message in case_file.documents_missing_before_sending(request):
        if code == case_file.SIGNED_LETTER:
            attach(request, Document.Kind.REQUEST_LETTER)
        elif code == case_file.TRANSLATION:
            attach(request, Document.Kind.TRANSLATION, language="other")


def answer_all(request):
    """Every applicable item of the checklist marked as provided."""
    from mla_requests.services import request_answer_checklist

    codes = list(request.checklist.values_list("requirement__code", flat=True))
    return request_answer_checklist(
        request=request, actor=request.case.lead_investigator, answers=dict.fromkeys(codes, True)
    )


def state(request):
    """What a refused change must leave as it was."""
    from mla_requests.models import Request

    fresh = Request.objects.get(pk=request.pk)
    return (
        fresh.status,
        fresh.version,
        fresh.timeline.count(),
        fresh.sent_on,
        sorted(fresh.measures.values_list("code", flat=True)),
        fresh.crime_category_id,
        fresh.legal_basis_id,
        fresh.catch_all_note,
    )
