"""A request whose legal basis requires them is not sent before the case file holds the translation the
requested state needs and the signed letter, unless an override reason is given (kept on the
timeline). The request shows the translation to be provided and what is missing, in the API and the
admin; a checklist item shows the document that provides it. The reference data says which states
take which letter languages and which instruments require what."""

import datetime
import io
import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from documents.services import document_add
from mla_requests import case_file
from mla_requests.models import ChecklistAnswer, Request
from mla_requests.services import request_send
from recovery.errors import RequirementsMissing
from recovery.models import CountryProfile, LegalInstrument
from tests.documents.conftest import docx_bytes, pdf_bytes
from tests.factories import (
    AssistanceMeasureFactory,
    CountryProfileFactory,
    LegalInstrumentFactory,
    RequirementFactory,
    make_case,
    make_request,
)

SENT_ON = datetime.date(2025, 5, 5)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# The uploads of tests/documents/conftest.py, for tests outside that folder.
@pytest.fixture
def pdf_upload():
    return lambda name="scan.pdf", text="Signed letter": SimpleUploadedFile(name, pdf_bytes(text), "application/pdf")


@pytest.fixture
def docx_upload():
    return lambda name="letter.docx", text="Translation": SimpleUploadedFile(name, docx_bytes(text), DOCX)


@pytest.fixture
def profiles(db):
    return {
        "GB": CountryProfileFactory(country="GB", languages="English", letter_languages="en"),
        "KR": CountryProfileFactory(country="KR", languages="Korean", letter_languages=""),
        "KG": CountryProfileFactory(country="KG", languages="Kyrgyz, Russian", letter_languages="ru"),
    }


@pytest.fixture
def treaty(profiles):
    """A formal instrument that wants the translation and the signed letter before sending."""
    return LegalInstrumentFactory(
        code="formal",
        name_en="Formal treaty",
        kind=LegalInstrument.Kind.MULTILATERAL_CONVENTION,
        measures=[AssistanceMeasureFactory(code="testimony")],
        translation_required_before_sending=True,
        signed_letter_required_before_sending=True,
    )


@pytest.fixture
def case(investigator_a):
    return make_case(lead=investigator_a, actor=investigator_a, unit=investigator_a.unit)


def draft_to(country, treaty, case):
    return make_request(case=case, country=country, legal_basis=treaty, measures=list(treaty.measures.all()))


def attach(request, actor, kind, upload, language="en", **links):
    return document_add(
        actor=actor,
        case=request.case,
        kind=kind,
        title=f"{kind} of {request.reference}",
        language=language,
        file=upload(),
        request=request,
        **links,
    )


def state(request):
    fresh = Request.objects.get(pk=request.pk)
    return (fresh.status, fresh.version, fresh.timeline.count(), fresh.sent_on, fresh.response_due)


# --- the read rules ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_translation_needed_follows_the_profiles_letter_languages(treaty, case):
    to_gb, to_kr, to_kg = (draft_to(c, treaty, case) for c in ("GB", "KR", "KG"))
    to_ch = draft_to("CH", treaty, case)  # no profile for Switzerland here
    assert case_file.translation_needed(to_gb, "en") is None
    assert case_file.translation_needed(to_gb, "ru") == "English"
    assert case_file.translation_needed(to_kr, "en") == "Korean"
    assert case_file.translation_needed(to_kg, "ru") is None
    assert case_file.translation_needed(to_kg, "kk") == "Russian"
    assert case_file.translation_needed(to_ch, "en") == "the requested state's language"


@pytest.mark.django_db
def test_the_letter_language_is_the_newest_letters_and_english_without_one(
    treaty, case, investigator_a, pdf_upload, docx_upload
):
    to_kg = draft_to("KG", treaty, case)
    assert case_file.letter_language(to_kg) == "en"
    assert case_file.translation_required(to_kg) == "Russian"
    attach(to_kg, investigator_a, "request_letter_draft", docx_upload, language="kk")
    assert case_file.letter_language(to_kg) == "kk"
    attach(to_kg, investigator_a, "other", pdf_upload, language="en")  # not a letter: no say
    attach(to_kg, investigator_a, "request_letter", pdf_upload, language="ru")
    assert case_file.letter_language(to_kg) == "ru"
    assert case_file.translation_required(to_kg) is None
    assert [code for code, _message in case_file.documents_missing_before_sending(to_kg)] == []


@pytest.mark.django_db
def test_an_instrument_that_requires_neither_misses_nothing(profiles, case):
    network = LegalInstrumentFactory(
        code="network",
        kind=LegalInstrument.Kind.INFORMAL_NETWORK,
        measures=[AssistanceMeasureFactory(code="information_exchange")],
    )
    to_kr = draft_to("KR", network, case)
    assert case_file.documents_missing_before_sending(to_kr) == []
    # The state still needs a translation; it just does not stop the sending.
    assert case_file.translation_required(to_kr) == "Korean"
    assert request_send(request=to_kr, actor=case.lead_investigator, sent_on=SENT_ON).status == "sent"


# --- sending -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sending_without_the_translation_and_the_signed_letter_is_refused_and_changes_nothing(treaty, case):
    to_kr = draft_to("KR", treaty, case)
    before = state(to_kr)
    with pytest.raises(RequirementsMissing) as refused:
        request_send(request=to_kr, actor=case.lead_investigator, sent_on=SENT_ON)
    error = refused.value
    assert error.documents == ["translation", "signed_letter"]
    assert error.missing == []
    assert "A translation into Korean" in str(error) and "The signed request letter" in str(error)
    assert error.field_errors == {"documents": ["A translation into Korean", "The signed request letter"]}
    assert state(to_kr) == before
    assert before[0] == Request.Status.DRAFT and before[2] == 1  # the creation row only


@pytest.mark.django_db
def test_sending_goes_once_both_are_uploaded(treaty, case, investigator_a, pdf_upload, docx_upload):
    to_kr = draft_to("KR", treaty, case)
    attach(to_kr, investigator_a, "request_letter", pdf_upload)
    with pytest.raises(RequirementsMissing) as refused:
        request_send(request=to_kr, actor=investigator_a, sent_on=SENT_ON)
    assert refused.value.documents == ["translation"]
    attach(to_kr, investigator_a, "translation", docx_upload, language="other")
    sent = request_send(request=to_kr, actor=investigator_a, sent_on=SENT_ON)
    assert sent.status == Request.Status.SENT
    assert sent.timeline.last().override_reason == ""
    # Nothing is "missing before sending" once it is sent.
    assert case_file.documents_missing_before_sending(sent) == []


@pytest.mark.django_db
def test_an_override_reason_lets_it_through_and_is_recorded(treaty, case):
    to_kr = draft_to("KR", treaty, case)
    reason = "Urgent freezing: the signed original and its translation follow by courier"
    sent = request_send(request=to_kr, actor=case.lead_investigator, sent_on=SENT_ON, override_reason=reason)
    row = sent.timeline.last()
    assert (sent.status, row.to_status, row.override_reason) == ("sent", "sent", reason)


@pytest.mark.django_db
def test_a_state_that_takes_the_letters_language_needs_no_translation(treaty, case, investigator_a, pdf_upload):
    to_gb = draft_to("GB", treaty, case)
    assert [code for code, _m in case_file.documents_missing_before_sending(to_gb)] == ["signed_letter"]
    attach(to_gb, investigator_a, "request_letter", pdf_upload, language="en")
    assert request_send(request=to_gb, actor=investigator_a, sent_on=SENT_ON).status == Request.Status.SENT


@pytest.mark.django_db
def test_a_missing_checklist_item_and_a_missing_document_are_named_together(treaty, case):
    RequirementFactory(instrument=treaty, code="facts", name_en="Summary of the facts")
    to_gb = draft_to("GB", treaty, case)
    with pytest.raises(RequirementsMissing) as refused:
        request_send(request=to_gb, actor=case.lead_investigator, sent_on=SENT_ON)
    assert [r.code for r in refused.value.missing] == ["facts"]
    assert refused.value.documents == ["signed_letter"]
    assert set(refused.value.field_errors) == {"checklist", "documents"}
    assert "Summary of the facts" in str(refused.value) and "signed request letter" in str(refused.value)


# --- the API and the admin ---------------------------------------------------------------------------


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.django_db
def test_the_api_shows_the_translation_and_what_is_missing_and_refuses_to_send(treaty, case, investigator_a):
    to_kr = draft_to("KR", treaty, case)
    client = api(investigator_a)
    detail = client.get(f"/api/v1/requests/{to_kr.pk}/").json()
    assert detail["translation_required"] == "Korean"
    assert detail["documents_missing_before_sending"] == ["A translation into Korean", "The signed request letter"]
    listed = {row["id"]: row for row in client.get("/api/v1/requests/").json()["results"]}
    assert listed[to_kr.pk]["translation_required"] == "Korean"
    assert listed[to_kr.pk]["documents_missing_before_sending"] == detail["documents_missing_before_sending"]

    refused = client.post(f"/api/v1/requests/{to_kr.pk}/transitions/", {"to_status": "sent"}, format="json")
    assert refused.status_code == 422
    body = refused.json()
    assert body["code"] == "requirements_missing"
    assert body["errors"]["documents"] == ["A translation into Korean", "The signed request letter"]
    assert Request.objects.get(pk=to_kr.pk).status == Request.Status.DRAFT

    sent = client.post(
        f"/api/v1/requests/{to_kr.pk}/transitions/",
        {"to_status": "sent", "override_reason": "Originals follow by courier"},
        format="json",
    )
    assert sent.status_code == 200, sent.content
    assert sent.json()["documents_missing_before_sending"] == []
    assert Request.objects.get(pk=to_kr.pk).timeline.last().override_reason == "Originals follow by courier"


@pytest.mark.django_db
def test_the_api_list_reads_the_case_file_in_a_fixed_number_of_queries(treaty, case, investigator_a, pdf_upload):
    client = api(investigator_a)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/requests/", {"limit": 50}).status_code == 200
        return len(ctx)

    for country in ("KR", "GB"):
        attach(draft_to(country, treaty, case), investigator_a, "request_letter", pdf_upload)
    few = queries()
    for country in ("KR", "GB", "KG", "CH", "KR", "GB"):
        attach(draft_to(country, treaty, case), investigator_a, "translation", pdf_upload)
    assert queries() == few


@pytest.fixture
def uk_treaty(profiles):
    treaty = LegalInstrumentFactory(
        code="uk",
        name_en="UK treaty",
        kind=LegalInstrument.Kind.BILATERAL_TREATY,
        open_to_all_states=False,
        measures=[AssistanceMeasureFactory(code="freezing")],
        countries=["GB"],
    )
    RequirementFactory(
        instrument=treaty, code="court_decision_copy", name_en="Certified copy of the court decision", mandatory=False
    )
    return treaty


@pytest.mark.django_db
def test_the_checklist_shows_the_document_that_provides_an_item(uk_treaty, case, investigator_a, pdf_upload, client):
    to_gb = draft_to("GB", uk_treaty, case)
    item = ChecklistAnswer.objects.get(request=to_gb, requirement__code="court_decision_copy")
    decision = document_add(
        actor=investigator_a,
        case=case,
        kind="certified_court_decision",
        title="Confiscation order of the Almaty court",
        file=pdf_upload(),
        request=to_gb,
        checklist_item=item,
    )

    row = api(investigator_a).get(f"/api/v1/requests/{to_gb.pk}/").json()["checklist"][0]
    assert (row["code"], row["provided"]) == ("court_decision_copy", True)
    assert row["documents"] == [{"id": decision.pk, "title": "Confiscation order of the Almaty court"}]
    listed = api(investigator_a).get("/api/v1/requests/").json()["results"][0]
    assert listed["checklist"][0]["documents"] == row["documents"]

    client.force_login(investigator_a)
    page = client.get(f"/admin/requests/request/{to_gb.pk}/change/").content.decode()
    assert (
        "Confiscation order of the Almaty court" in page and f"/admin/documents/document/{decision.pk}/change/" in page
    )


@pytest.mark.django_db
def test_the_admin_page_shows_the_translation_and_the_send_form_refuses(treaty, case, investigator_a, client):
    to_kr = draft_to("KR", treaty, case)
    client.force_login(investigator_a)
    page = client.get(f"/admin/requests/request/{to_kr.pk}/change/").content.decode()
    assert "Translation to be provided: Korean" in page
    assert "A translation into Korean; The signed request letter" in page
    form = client.get(f"/admin/requests/request/{to_kr.pk}/transition/sent/").content.decode()
    assert "Not yet in the case file" in form

    url = f"/admin/requests/request/{to_kr.pk}/transition/sent/"
    refused = client.post(url, {"effective_on": "2025-02-03", "expected_version": to_kr.version})
    assert refused.status_code == 200
    errors = [str(m) for m in get_messages(refused.wsgi_request) if m.level_tag == "error"]
    assert any("The signed request letter" in m for m in errors)
    assert Request.objects.get(pk=to_kr.pk).status == Request.Status.DRAFT

    sent = client.post(
        url, {"effective_on": "2025-02-03", "override_reason": "Courier", "expected_version": to_kr.version}
    )
    assert sent.status_code == 302
    assert Request.objects.get(pk=to_kr.pk).timeline.last().override_reason == "Courier"


# --- the reference data --------------------------------------------------------------------------------


def _load():
    out = io.StringIO()
    call_command("load_reference_data", stdout=out)
    return out.getvalue()


def _terms():
    return (
        dict(CountryProfile.objects.values_list("country", "letter_languages")),
        {
            code: (translation, signed)
            for code, translation, signed in LegalInstrument.objects.values_list(
                "code", "translation_required_before_sending", "signed_letter_required_before_sending"
            )
        },
    )


@pytest.mark.django_db
def test_the_reference_data_loads_the_terms_stably_and_repairs_edits():
    _load()
    first = _terms()
    assert "0 created, 0 updated, 0 deleted" in _load()
    assert _terms() == first
    profiles, instruments = first
    assert (profiles["GB"], profiles["KR"], profiles["KG"]) == ("en", "", "ru")
    assert (profiles["US"], profiles["CY"], profiles["GE"], profiles["RU"], profiles["CN"]) == (
        "en",
        "en",
        "ru",
        "ru",
        "",
    )
    for profile in CountryProfile.objects.all():
        assert re.fullmatch(r"((en|ru|kk)(,(en|ru|kk))*)?", profile.letter_languages), profile
    assert instruments["mlat-kz-gb"] == instruments["mlat-kz-kr"] == instruments["mlat-kz-kg"] == (True, True)
    assert instruments["uncac"] == instruments["untoc"] == instruments["reciprocity"] == (True, True)
    for network in ("carin", "arin-ap", "arin-wca", "egmont"):
        assert instruments[network] == (False, False)

    CountryProfile.objects.filter(country="KR").update(letter_languages="en")
    LegalInstrument.objects.filter(code="carin").update(signed_letter_required_before_sending=True)
    assert "0 created, 2 updated" in _load()
    assert _terms() == first
