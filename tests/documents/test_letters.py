"""The request letter generator (documents/letters.py): real reference data, real requests, the DOCX
read back with python-docx and the PDF's text with pypdf."""

import datetime
import io
import types
from importlib import import_module

import docx
import pypdf
import pytest
from django.apps import apps as django_apps
from django.db import connection, transaction

from cases.services import subject_record
from documents import letters
from documents.models import Document, DocumentVersion, LetterTemplate
from documents.services import document_add
from mla_requests.models import Request
from mla_requests.services import request_answer_checklist, request_send, request_transition
from recovery.errors import AccessDenied, InvalidInput, LetterIncomplete
from recovery.management.commands.load_reference_data import load_reference_data
from recovery.models import AssistanceMeasure, CountryProfile, CrimeCategory, LegalInstrument
from recovery.reference_data import treaty_code
from tests.documents.conftest import pdf_bytes
from tests.factories import make_asset, make_case, make_request

pytestmark = pytest.mark.django_db

IIN = "850101300123"
PASSPORT = "N12345678"
BIN = "120340012345"
FOREIGN_REG = "HRB 98765/B"


# --- reading the letters back -------------------------------------------------------------------------


def _normal(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def docx_text(document: Document, number: int | None = None) -> str:
    version = document.versions.get(number=number) if number else document.current_version
    with version.file.open("rb") as handle:
        word = docx.Document(io.BytesIO(handle.read()))
    parts = [p.text for p in word.sections[0].header.paragraphs]
    parts += [p.text for p in word.paragraphs]
    for table in word.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return _normal("\n".join(parts))


def pdf_text(document: Document) -> str:
    with document.current_version.file.open("rb") as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    return _normal("\n".join(page.extract_text() for page in reader.pages))


def compact(text: str) -> str:
    """Without any white space: an identifier a PDF table cell wrapped is still found whole."""
    return "".join(text.split())


def texts(result) -> dict[str, str]:
    return {"docx": docx_text(result.documents["docx"]), "pdf": pdf_text(result.documents["pdf"])}


# --- the case, its people, assets and requests -------------------------------------------------------


@pytest.fixture(scope="module")
def _reference_rows(django_db_setup, django_db_blocker):
    # The real reference data, loaded once for the module (a second and a half on PostgreSQL) in a
    # transaction rolled back at its end; each test runs in a savepoint inside it.
    with django_db_blocker.unblock(), transaction.atomic():
        load_reference_data()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def reference(_reference_rows, db):
    return None


@pytest.fixture
def case_a(reference, investigator_a):
    investigator_a.position = "Senior investigator"
    investigator_a.save()
    return make_case(
        actor=investigator_a,
        unit=investigator_a.unit,
        lead=investigator_a,
        title="Embezzlement of budget funds by ZholStroy",
        criminal_code_articles="Art. 189(4), art. 218(3)",
        primary_crime_category=CrimeCategory.objects.get(code="embezzlement"),
        opened_on=datetime.date(2024, 1, 15),
    )


@pytest.fixture
def person(case_a, investigator_a):
    return subject_record(
        actor=investigator_a,
        case=case_a,
        role="suspect",
        name_latin="Serik Nurlanov",
        name_cyrillic="Серик Нурланов",
        iin_bin=IIN,
        passport_number=PASSPORT,
        birth_date=datetime.date(1985, 1, 1),
        nationality="KZ",
    ).subject


@pytest.fixture
def company(case_a, investigator_a):
    return subject_record(
        actor=investigator_a,
        case=case_a,
        role="nominee",
        kind="company",
        name_latin="Northern Star Holdings Ltd",
        iin_bin=BIN,
        foreign_registration_number=FOREIGN_REG,
    ).subject


def measures(*codes):
    return [AssistanceMeasure.objects.get(code=code) for code in codes]


def mark_checklist(request, actor, *, skip_optional=True):
    answers = {
        row.requirement.code: (True, "Section 6 of this letter")
        for row in request.checklist.select_related("requirement")
        if row.requirement.mandatory or not skip_optional
    }
    if answers:
        request_answer_checklist(request=request, actor=actor, answers=answers)


SCENARIOS = {
    # key: (legal basis code, requested state, measures, asset location, currency)
    "uk_treaty": (treaty_code("GB"), "GB", ("identify_trace_assets", "freeze_seize_assets"), "GB", "GBP"),
    "us_treaty": (treaty_code("US"), "US", ("freeze_seize_assets", "documents"), "US", "USD"),
    "korea_treaty": (treaty_code("KR"), "KR", ("confiscate_assets", "testimony"), "KR", "KRW"),
    "uncac": ("uncac", "CH", ("freeze_seize_assets", "return_assets"), "CH", "CHF"),
    "carin": ("carin", "DE", ("information_exchange", "identify_trace_assets"), "DE", "EUR"),
}
IDENTIFIERS = {
    "GB": "GB29NWBK60161331926819",
    "US": "021000021-4857392011",
    "KR": "110-234-567890",
    "CH": "CH9300762011623852957",
    "DE": "DE89370400440532013000",
}


def build_request(key, *, actor, case, person, company, urgency="normal", enclosure=True):
    code, country, measure_codes, location, currency = SCENARIOS[key]
    asset = make_asset(
        case=case,
        actor=actor,
        kind="bank_account",
        description="Current account of Northern Star Holdings",
        location_country=location,
        identifier=IDENTIFIERS[location],
        institution="Private Bank AG",
        currency=currency,
        estimated_value="1250000.50",
        holder=company,
    )
    request = make_request(
        case=case,
        actor=actor,
        country=country,
        legal_basis=LegalInstrument.objects.get(code=code),
        measures=measures(*measure_codes),
        subjects=[person, company],
        assets=[asset],
        summary="Between 2019 and 2022 budget funds were paid to Northern Star Holdings under fictitious contracts.",
        urgency=urgency,
    )
    mark_checklist(request, actor)
    if enclosure:
        document_add(
            actor=actor,
            case=case,
            kind="certified_court_decision",
            title="Restraint order of the Astana city court",
            file=io.BytesIO(pdf_bytes()),
            filename="order.pdf",
            dated_on=datetime.date(2024, 5, 2),
            request=request,
        )
    return request


@pytest.fixture
def make_letter_request(investigator_a, case_a, person, company):
    def make(key="uk_treaty", **kwargs):
        return build_request(key, actor=investigator_a, case=case_a, person=person, company=company, **kwargs)

    return make


# --- the five legal bases, in English and Russian ----------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("key", list(SCENARIOS))
def test_the_letter_says_everything_the_legal_basis_needs(key, language, investigator_a, make_letter_request):
    request = make_letter_request(key)
    instrument = request.legal_basis

    result = letters.generate_letter(actor=investigator_a, request=request, language=language)

    assert result.gaps == [] and not result.marked_draft
    assert set(result.documents) == {"docx", "pdf"}
    docx_doc, pdf_doc = result.documents["docx"], result.documents["pdf"]
    assert docx_doc.kind == pdf_doc.kind == "request_letter_draft"
    assert docx_doc.language == language and docx_doc.request_id == request.pk
    assert docx_doc.title == f"Request letter {request.reference} ({language.upper()}, DOCX)"
    assert result.versions["pdf"].content_type == "application/pdf"
    assert result.versions["docx"].content_type.endswith("wordprocessingml.document")
    assert not result.versions["docx"].marked_draft

    name = instrument.name_ru if language == "ru" else instrument.name_en
    value = "1 250 000,50 GBP" if language == "ru" else "1,250,000.50 GBP"
    value = value.replace("GBP", SCENARIOS[key][4])
    for fmt, text in texts(result).items():
        # The subjects with their identifiers in full.
        for identifier in (IIN, PASSPORT, BIN, FOREIGN_REG):
            assert compact(identifier) in compact(text), (fmt, identifier)
        assert "Serik Nurlanov" in text and "Northern Star Holdings Ltd" in text
        # The legal basis with its citation.
        assert compact(name) in compact(text), fmt
        if instrument.scope_citation:
            assert compact(instrument.scope_citation) in compact(text), fmt
        # The asset: identifier, value and currency, exactly.
        assert compact(IDENTIFIERS[SCENARIOS[key][3]]) in compact(text), fmt
        assert compact(value) in compact(text), (fmt, value)
        # The measures, by their names in the letter's language.
        for measure in request.measures.all():
            measure_name = measure.name_ru if language == "ru" else measure.name_en
            assert compact(measure_name) in compact(text), (fmt, measure_name)
        # The offence and the case.
        assert "189(4)" in text and request.case.register_number in text
        assert request.reference in text
        # The enclosures.
        assert "Restraint order of the Astana city court" in text
        # Confidentiality, in the letter's language.
        confidentiality = "Конфиденциальность" if language == "ru" else "Confidentiality"
        assert confidentiality in text
        # The checklist: each item marked.
        if instrument.requirements.exists():
            assert "✓" in text
            if instrument.requirements.filter(mandatory=False).exists():
                assert "✗" in text  # the optional item left unmarked
        assert "DRAFT" not in text and "ПРОЕКТ" not in text
    if key == "carin":
        # An inquiry between contact points, not a formal request.
        word = docx_text(docx_doc)
        assert ("Informal inquiry through CARIN" if language == "en" else "Неформальный запрос по каналу CARIN") in word


def test_checklist_marks_each_item_with_its_note(investigator_a, make_letter_request):
    request = make_letter_request("uk_treaty")
    text = docx_text(letters.generate_letter(actor=investigator_a, request=request).documents["docx"])
    assert text.count("✓ met: Section 6 of this letter") == 4
    assert text.count("✗ not met") == 1  # the court decision copy, "where available"


def test_urgency_and_its_reason_and_the_deadline(investigator_a, make_letter_request):
    request = make_letter_request("us_treaty", urgency="urgent")
    with pytest.raises(LetterIncomplete) as refused:
        letters.generate_letter(actor=investigator_a, request=request)
    assert any("urgent" in gap for gap in refused.value.missing)

    result = letters.generate_letter(
        actor=investigator_a, request=request, urgency_reason="The funds are being moved to a third country."
    )
    text = docx_text(result.documents["docx"])
    assert "URGENT" in text and "The funds are being moved to a third country." in text
    # No deadline set yet: the one asked for comes from the office default (US: no planning figure).
    expected = letters.format_date(datetime.date.today() + datetime.timedelta(days=_expected_days(request)), "en")
    assert f"reply by {expected}" in text


def _expected_days(request):
    from django.conf import settings

    profile = CountryProfile.objects.filter(country=request.country).first()
    return (
        request.legal_basis.expected_response_days
        or (profile.expected_response_days if profile else None)
        or settings.DEFAULT_RESPONSE_DAYS
    )


# --- what is missing ----------------------------------------------------------------------------------


def test_gaps_refuse_the_letter_and_store_nothing(investigator_a, case_a, document_files):
    anonymous = subject_record(actor=investigator_a, case=case_a, role="witness", name_latin="Unknown courier").subject
    asset = make_asset(
        case=case_a, actor=investigator_a, identifier="", institution="", description="Account of the courier"
    )
    request = make_request(
        case=case_a,
        actor=investigator_a,
        country="GB",
        legal_basis=LegalInstrument.objects.get(code=treaty_code("GB")),
        measures=measures("freeze_seize_assets"),
        subjects=[anonymous],
        assets=[asset],
    )

    with pytest.raises(LetterIncomplete) as refused:
        letters.generate_letter(actor=investigator_a, request=request)

    error = refused.value
    assert error.code == "letter_incomplete"
    missing = " ".join(error.missing)
    assert "Unknown courier has no identifier" in missing
    assert "“Account of the courier” has no identifier" in missing
    assert "names no bank or registry" in missing
    assert "summary of the facts is empty" in missing
    assert "Detailed information about the property" in missing  # a UK treaty content not marked
    assert "court's restraint or confiscation decision" not in missing  # optional: not a gap
    assert error.missing == letters.letter_gaps(request)
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    assert not document_files.exists() or not any(p.is_file() for p in document_files.rglob("*"))


def test_forced_generation_stores_a_marked_draft(investigator_a, case_a, person):
    request = make_request(
        case=case_a,
        actor=investigator_a,
        country="GB",
        legal_basis=LegalInstrument.objects.get(code=treaty_code("GB")),
        measures=measures("freeze_seize_assets"),
        subjects=[person],
    )

    result = letters.generate_letter(actor=investigator_a, request=request, language="ru", force=True)

    assert result.marked_draft and result.gaps
    assert all(version.marked_draft for version in result.versions.values())
    word = docx.Document(result.documents["docx"].current_version.file.open("rb"))
    assert word.paragraphs[0].text.startswith("ПРОЕКТ — НЕ ЗАВЕРШЁН: не хватает")
    for text in texts(result).values():
        assert "ПРОЕКТ — НЕ ЗАВЕРШЁН: не хватает" in text
        assert "[подлежит заполнению]" in text  # the empty summary, in the letter
    assert "Draft marked incomplete" in result.versions["pdf"].note


def test_regeneration_adds_version_2_to_the_same_documents(investigator_a, make_letter_request):
    request = make_letter_request("uk_treaty")
    first = letters.generate_letter(actor=investigator_a, request=request)
    first_bytes = first.versions["docx"].file.open("rb").read()
    request.summary = "Amended facts: the contracts were signed in 2019."
    request.save()

    second = letters.generate_letter(actor=investigator_a, request=request)

    assert {fmt: doc.pk for fmt, doc in second.documents.items()} == {
        fmt: doc.pk for fmt, doc in first.documents.items()
    }
    assert [v.number for v in second.versions.values()] == [2, 2]
    assert Document.objects.filter(request=request, kind="request_letter_draft").count() == 2
    docx_doc = second.documents["docx"]
    assert docx_doc.current_version == second.versions["docx"]
    assert "Amended facts" in docx_text(docx_doc) and "Amended facts" not in docx_text(docx_doc, number=1)
    assert docx_doc.versions.get(number=1).file.open("rb").read() == first_bytes
    # Another language is another document.
    russian = letters.generate_letter(actor=investigator_a, request=request, language="ru")
    assert russian.documents["docx"].pk != docx_doc.pk and russian.versions["docx"].number == 1


def test_enclosures_leave_out_the_letters_themselves(investigator_a, make_letter_request):
    request = make_letter_request("uk_treaty")
    letters.generate_letter(actor=investigator_a, request=request)
    context = letters.letter_context(request, language="en")
    assert [e["title"] for e in context["enclosures"]] == ["Restraint order of the Astana city court"]
    assert context["enclosures"][0]["date"] == "2 May 2024"


# --- the supplementary letter -------------------------------------------------------------------------


def test_supplementary_letter_only_when_information_is_requested(investigator_a, make_letter_request):
    request = make_letter_request("us_treaty")
    with pytest.raises(InvalidInput, match="supplementary letter answers"):
        letters.generate_letter(actor=investigator_a, request=request, purpose="supplementary", answer="x")

    request_send(
        request=request,
        actor=investigator_a,
        sent_on=datetime.date(2025, 2, 3),
        override_reason="Signed copy sent by post",
    )
    request = request_transition(
        request=Request.objects.get(pk=request.pk),
        to_status="info_requested",
        actor=investigator_a,
        effective_on=datetime.date(2025, 3, 10),
        note="Please provide the account opening documents and the date of the transfers.",
    )
    with pytest.raises(LetterIncomplete) as refused:
        letters.generate_letter(actor=investigator_a, request=request, purpose="supplementary")
    assert refused.value.missing == [str(letters._("The answer to the information asked for is empty."))]

    result = letters.generate_letter(
        actor=investigator_a,
        request=request,
        purpose="supplementary",
        answer="The account was opened on 4 April 2019; the transfers are listed in enclosure 1.",
    )

    assert result.documents["docx"].kind == "supplementary_letter"
    assert result.documents["pdf"].title == f"Supplementary letter {request.reference} (EN, PDF)"
    for text in texts(result).values():
        assert "Please provide the account opening documents" in text
        assert "The account was opened on 4 April 2019" in text
        assert "10 March 2025" in text and "3 February 2025" in text
        assert compact(IIN) in compact(text)
    # The request letter's documents are untouched by it.
    assert not Document.objects.filter(request=request, kind="request_letter_draft").exists()


# --- templates ----------------------------------------------------------------------------------------


def test_an_edited_template_row_changes_the_letter(investigator_a, make_letter_request):
    request = make_letter_request("uk_treaty")
    LetterTemplate.objects.filter(instrument_kind="bilateral_treaty", purpose="request", language="en").delete()
    LetterTemplate.objects.create(
        instrument_kind="bilateral_treaty",
        purpose="request",
        language="en",
        body="<h1>Edited letter {{ request.reference }}</h1><p>{% for s in subjects %}{{ s.iin_bin }} {% endfor %}</p>",
    )

    result = letters.generate_letter(actor=investigator_a, request=request)

    for text in texts(result).values():
        assert f"Edited letter {request.reference}" in text and IIN in text
        assert "Confidentiality" not in text
    # Deactivated, the shipped default is back.
    LetterTemplate.objects.filter(instrument_kind="bilateral_treaty").update(active=False)
    assert "Confidentiality" in docx_text(
        letters.generate_letter(actor=investigator_a, request=request).documents["docx"]
    )


def test_an_agreement_uses_the_convention_template_unless_it_has_its_own(reference):
    LetterTemplate.objects.all().delete()
    body, source = letters.letter_template("agreement", "request", "ru")
    assert source == "convention_request_ru.html"
    assert body == letters.default_template_body("convention", "request", "ru")
    LetterTemplate.objects.create(instrument_kind="multilateral_convention", purpose="request", language="ru", body="C")
    assert letters.letter_template("agreement", "request", "ru")[0] == "C"
    LetterTemplate.objects.create(instrument_kind="agreement", purpose="request", language="ru", body="A")
    assert letters.letter_template("agreement", "request", "ru")[0] == "A"


@pytest.mark.parametrize(
    "body",
    [
        "<p>{% if %}</p>",
        "<p>{{ request.reference|nosuchfilter }}</p>",
        '{% include "admin/base.html" %}',
        "{% load humanize %}",
    ],
)
def test_a_broken_template_is_a_clear_refusal(body, investigator_a, make_letter_request):
    request = make_letter_request("uk_treaty")
    LetterTemplate.objects.filter(instrument_kind="bilateral_treaty", purpose="request", language="en").delete()
    LetterTemplate.objects.create(instrument_kind="bilateral_treaty", purpose="request", language="en", body=body)
    before = Document.objects.count()

    with pytest.raises(InvalidInput) as refused:
        letters.generate_letter(actor=investigator_a, request=request)

    assert "letter template" in str(refused.value) and "Bilateral treaty" in str(refused.value)
    assert refused.value.field_errors["template"]
    assert Document.objects.count() == before


def test_the_migration_creates_the_24_default_rows(reference):
    migration = import_module("documents.migrations.0002_default_letter_templates")
    LetterTemplate.objects.all().delete()
    editor = types.SimpleNamespace(connection=connection)

    migration.create_defaults(django_apps, editor)
    migration.create_defaults(django_apps, editor)  # idempotent

    rows = LetterTemplate.objects.filter(active=True)
    assert rows.count() == 24
    assert set(rows.values_list("instrument_kind", flat=True)) == {
        "bilateral_treaty",
        "multilateral_convention",
        "reciprocity",
        "informal_network",
    }
    row = rows.get(instrument_kind="reciprocity", purpose="supplementary", language="kk")
    assert row.body == letters.default_template_body("reciprocity", "supplementary", "kk")
    migration.remove_defaults(django_apps, editor)
    assert not LetterTemplate.objects.exists()


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_every_shipped_template_renders(language, investigator_a, make_letter_request):
    request = make_letter_request("uk_treaty")
    context = letters.letter_context(request, language=language, urgency_reason="Funds moving", answer="Answer")
    for kind in letters.LETTER_KINDS:
        for purpose in letters.PURPOSES:
            html = letters.render_template(letters.default_template_body(kind, purpose, language), context)
            from documents.letter_render import parse_letter, plain_text

            text = plain_text(parse_letter(html))
            assert IIN in text and "GB29NWBK60161331926819" in text, (kind, purpose)
            assert "{{" not in text and "{%" not in text


# --- languages ----------------------------------------------------------------------------------------


def test_kazakh_only_to_a_state_that_accepts_it(investigator_a, case_a, person):
    request = make_request(
        case=case_a,
        actor=investigator_a,
        country="GB",
        legal_basis=LegalInstrument.objects.get(code=treaty_code("GB")),
        measures=measures("testimony"),
        subjects=[person],
    )
    with pytest.raises(InvalidInput, match="Kazakh"):
        letters.generate_letter(actor=investigator_a, request=request, language="kk", force=True)
    with pytest.raises(InvalidInput, match="English, Russian or Kazakh"):
        letters.generate_letter(actor=investigator_a, request=request, language="de", force=True)

    CountryProfile.objects.filter(country="KG").update(letter_languages="ru, kk")
    kyrgyz = make_request(
        case=case_a,
        actor=investigator_a,
        country="KG",
        legal_basis=LegalInstrument.objects.get(code=treaty_code("KG")),
        measures=measures("testimony"),
        subjects=[person],
        summary="Факты дела.",
    )
    result = letters.generate_letter(actor=investigator_a, request=kyrgyz, language="kk")
    assert result.documents["docx"].language == "kk"
    for text in texts(result).values():
        assert "Қылмыстық іс бойынша өзара құқықтық көмек туралы сұрау салу" in text
        assert "Қазақстан Республикасының Бас прокуратурасы" in text
        assert "Құпиялылық" in text and IIN in text


# --- who may ------------------------------------------------------------------------------------------


def test_another_units_investigator_is_told_nothing(investigator_b, make_letter_request):
    request = make_letter_request("uk_treaty")
    with pytest.raises(AccessDenied) as refused:
        letters.generate_letter(actor=investigator_b, request=request)
    assert refused.value.code == "not_found"
    assert not Document.objects.filter(kind="request_letter_draft").exists()


def test_an_analyst_is_refused(analyst, make_letter_request):
    request = make_letter_request("uk_treaty")
    with pytest.raises(AccessDenied) as refused:
        letters.generate_letter(actor=analyst, request=request)
    assert refused.value.code == "permission_denied"
    assert not Document.objects.filter(kind="request_letter_draft").exists()


# --- odd text -----------------------------------------------------------------------------------------


def test_odd_unicode_is_printed_as_text_in_both_formats(investigator_a, case_a):
    odd = subject_record(
        actor=investigator_a,
        case=case_a,
        role="suspect",
        name_latin="Ақжол <b>& \u200fشركة\u200e Co",
        passport_number="P<1>&2",
    ).subject
    request = make_request(
        case=case_a,
        actor=investigator_a,
        country="CH",
        legal_basis=LegalInstrument.objects.get(code="uncac"),
        measures=measures("testimony"),
        subjects=[odd],
        summary="Line one <script>alert(1)</script>\x07\nLine two & more",
    )
    mark_checklist(request, investigator_a)

    result = letters.generate_letter(actor=investigator_a, request=request)

    word = docx.Document(result.documents["docx"].current_version.file.open("rb"))
    bold_runs = [run.text for p in word.paragraphs for run in p.runs if run.bold]
    assert not any("& " in text for text in bold_runs)  # "<b>" did not make the rest bold
    for fmt, text in texts(result).items():
        assert "Ақжол <b>&" in text, fmt
        assert "P<1>&2" in text, fmt
        assert "<script>alert(1)</script>" in text, fmt
        assert "Line two & more" in text, fmt
    assert "شركة" in docx_text(result.documents["docx"])  # the DOCX keeps what the PDF font lacks


def test_a_format_refused_on_storing_leaves_neither(investigator_a, make_letter_request, settings, document_files):
    request = make_letter_request("uk_treaty", enclosure=False)
    settings.DOCUMENT_ALLOWED_TYPES = ["application/vnd.openxmlformats-officedocument.wordprocessingml.document"]

    with pytest.raises(InvalidInput, match="not accepted"):
        letters.generate_letter(actor=investigator_a, request=request)

    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    assert not document_files.exists() or not any(p.is_file() for p in document_files.rglob("*"))
