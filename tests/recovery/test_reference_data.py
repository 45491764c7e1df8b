"""The reference data: loaded idempotently, and matching the seed article (table 1 and its analysis of the
US, Korea, UK and India treaties). Expected values are written out here, not read from the data module,
so a wrong edit of the data fails a test."""

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation

from mla_requests.models import Request
from mla_requests.services import request_answer_checklist, request_send
from recovery.errors import MeasureOutsideScope, RequirementsMissing
from recovery.models import (
    AssistanceMeasure,
    CountryProfile,
    CrimeCategory,
    InstrumentRequirement,
    LegalInstrument,
)
from tests.documents.conftest import pdf_bytes
from tests.factories import make_case, make_request

# Seed article, table 1: the states Kazakhstan has a treaty on legal assistance in criminal matters with.
TABLE_1 = {
    "BG": "Bulgaria",
    "BR": "Brazil",
    "GB": "Great Britain",
    "HU": "Hungary",
    "VN": "Vietnam",
    "GE": "Georgia",
    "IN": "India",
    "JO": "Jordan",
    "ES": "Spain",
    "IT": "Italy",
    "QA": "Qatar",
    "CY": "Cyprus",
    "KR": "Korea",
    "KP": "North Korea",
    "CN": "China",
    "KG": "Kyrgyzstan",
    "LT": "Lithuania",
    "MC": "Monaco",
    "MN": "Mongolia",
    "AE": "UAE",
    "PK": "Pakistan",
    "RO": "Romania",
    "RS": "Serbia",
    "MK": "North Macedonia",
    "US": "USA",
    "TR": "Türkiye",
    "UZ": "Uzbekistan",
    "UA": "Ukraine",
    "CZ": "Czech",
    "FR": "France",
}
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
KAZAKH_LETTERS = re.compile(r"[ӘәҒғҚқҢңӨөҰұҮүІі]")


def load():
    out = io.StringIO()
    call_command("load_reference_data", stdout=out)
    return out.getvalue()


def snapshot():
    """Every reference row with its values, scope and counterparts (primary keys included: they must hold)."""
    instruments = []
    for instrument in LegalInstrument.objects.order_by("code"):
        values = {f.attname: getattr(instrument, f.attname) for f in LegalInstrument._meta.concrete_fields}
        values["measures"] = sorted(instrument.measures.values_list("code", flat=True))
        values["countries"] = sorted(str(c) for c in instrument.counterpart_countries.values_list("country", flat=True))
        values["offences"] = sorted(instrument.offence_scope.values_list("code", flat=True))
        values["requirement_measures"] = sorted(
            instrument.requirements.values_list("code", "measures__code").order_by("code", "measures__code"),
            key=str,
        )
        instruments.append(values)
    return {
        "measures": list(AssistanceMeasure.objects.order_by("pk").values()),
        "categories": list(CrimeCategory.objects.order_by("pk").values()),
        "profiles": list(CountryProfile.objects.order_by("pk").values()),
        "instruments": instruments,
        "requirements": list(InstrumentRequirement.objects.order_by("pk").values()),
    }


@pytest.fixture
def reference(db):
    load()


def attach_signed_letter(request, actor):
    """The signed letter in the case file: the bilateral treaties require it before sending."""
    from documents.services import document_add

    upload = SimpleUploadedFile("letter.pdf", pdf_bytes("Signed"), content_type="application/pdf")
    document_add(
        actor=actor, case=request.case, kind="request_letter", title="Signed letter", file=upload, request=request
    )


def instrument(code) -> LegalInstrument:
    return LegalInstrument.objects.get(code=code)


def treaty_with(country) -> LegalInstrument:
    return LegalInstrument.objects.get(
        kind=LegalInstrument.Kind.BILATERAL_TREATY, counterpart_countries__country=country
    )


def scope(code) -> set[str]:
    return set(instrument(code).measures.values_list("code", flat=True))


@pytest.mark.django_db
def test_loading_twice_gives_the_same_rows_with_the_same_values():
    first_output = load()
    first = snapshot()
    second_output = load()
    assert snapshot() == first
    assert "0 created, 0 updated, 0 deleted" in second_output
    assert int(re.search(r"(\d+) created", first_output).group(1)) > 100


def test_a_second_load_repairs_edited_scope_and_requirements_but_keeps_those_sent_requests_met(
    reference, investigator_a
):
    us = treaty_with("US")
    testimony = AssistanceMeasure.objects.get(code="testimony")
    case = make_case(lead=investigator_a)
    us.measures.add(AssistanceMeasure.objects.get(code="return_assets"))
    us.counterpart_countries.add(CountryProfile.objects.get(country="RU"))
    InstrumentRequirement.objects.create(instrument=us, code="answered", name_en="Answered item")
    sent = make_request(actor=investigator_a, case=case, country="US", legal_basis=us, measures=[testimony])
    # A testimony request: the evidence of criminal origin concerns property requests only.
    request_answer_checklist(request=sent, actor=investigator_a, answers={"answered": True})
    attach_signed_letter(sent, investigator_a)
    request_send(request=sent, actor=investigator_a, sent_on=datetime.date(2025, 1, 20))
    InstrumentRequirement.objects.create(instrument=us, code="stray", name_en="Stray item")
    draft = make_request(actor=investigator_a, case=case, country="US", legal_basis=us, measures=[testimony])
    assert draft.checklist.filter(requirement__code="stray").exists()

    output = load()

    assert "return_assets" not in scope(us.code)
    assert set(us.counterpart_countries.values_list("country", flat=True)) == {"US"}
    assert not us.requirements.filter(code="stray").exists()
    assert not draft.checklist.filter(requirement__code="stray").exists()
    assert us.requirements.filter(code="answered").exists()
    assert sent.checklist.filter(requirement__code="answered", satisfied=True).exists()
    assert f"Kept {us.code}/answered" in output


def test_the_bilateral_treaty_states_are_exactly_those_of_table_1(reference):
    treaties = LegalInstrument.objects.filter(kind=LegalInstrument.Kind.BILATERAL_TREATY)
    assert treaties.count() == 30
    countries = [c for t in treaties for c in t.counterpart_countries.values_list("country", flat=True)]
    assert sorted(countries) == sorted(TABLE_1)
    for code in TABLE_1:
        profile = CountryProfile.objects.get(country=code)
        assert profile.languages
        assert profile.expected_response_days and profile.expected_response_days > 0


def test_the_uk_treaty_requires_the_five_property_items_the_last_only_where_available(reference):
    uk = treaty_with("GB")
    items = list(uk.requirements.order_by("order"))
    assert [i.code for i in items] == [
        "property_details",
        "property_location",
        "property_crime_link",
        "third_party_interests",
        "court_decision_copy",
    ]
    assert [i.mandatory for i in items] == [True, True, True, True, False]
    assert all("UK treaty" in i.citation for i in items)
    assert "certified copy" in items[-1].name_en
    assert uk.court_decision_required
    assert not uk.bona_fide_third_parties_protected
    assert "460-V" in uk.ratification_reference and "24 February 2016" in uk.ratification_reference


def test_the_us_treaty_scope_is_article_1_3(reference):
    us = treaty_with("US")
    assert us.scope_citation == "Art. 1(3)"
    assert scope(us.code) == {
        "testimony",
        "documents",
        "locate_identify",
        "service_of_documents",
        "transfer_of_persons",
        "search_seizure",
        "identify_trace_assets",
        "freeze_seize_assets",
        "confiscate_assets",
    }
    assert us.any_other_assistance  # "any other type of assistance not prohibited by the requested state's law"
    assert "16 July 2015" in us.ratification_reference and "331-V" in us.ratification_reference
    assert not us.requested_party_retains_proceeds


def test_the_korea_treaty_keeps_confiscated_proceeds_and_protects_bona_fide_third_parties(reference):
    korea = treaty_with("KR")
    assert korea.requested_party_retains_proceeds
    assert korea.bona_fide_third_parties_protected
    assert korea.value_based_confiscation
    assert korea.confiscation_citation.startswith("Art. 16")
    assert "8 July 2011" in korea.ratification_reference and "453-IV" in korea.ratification_reference
    # The seed: only the Korea treaty explicitly protects bona fide third parties among the four.
    for other in ("US", "GB", "IN"):
        assert not treaty_with(other).bona_fide_third_parties_protected


def test_the_india_treaty_lists_nine_types_of_assistance_in_article_1_2(reference):
    india = treaty_with("IN")
    assert india.scope_citation.startswith("Art. 1(2)")
    assert {"identify_trace_assets", "freeze_seize_assets", "confiscate_assets"} <= scope(india.code)
    assert {"testimony", "documents", "locate_identify", "search_seizure"} <= scope(india.code)
    assert {"return_assets", "transfer_of_persons", "service_of_documents"} <= scope(india.code)
    assert india.any_other_assistance  # item 9
    assert "17 May 2000" in india.ratification_reference


def test_other_treaties_have_a_generic_scope_without_any_other_assistance(reference):
    china = treaty_with("CN")
    assert {"testimony", "documents", "freeze_seize_assets", "confiscate_assets"} <= scope(china.code)
    assert not china.any_other_assistance
    assert china.applies_to("CN") and not china.applies_to("RU")


def test_conventions_and_reciprocity_are_open_to_every_state(reference):
    for code in ("uncac", "untoc"):
        convention = instrument(code)
        assert convention.kind == LegalInstrument.Kind.MULTILATERAL_CONVENTION
        assert convention.open_to_all_states and convention.applies_to("CH")
        assert {"freeze_seize_assets", "confiscate_assets", "return_assets"} <= scope(code)
        # The art. 46(15) / 18(15) items apply to every request; UNCAC's art. 55(3) and 57(3) items
        # only to confiscation and return (tests/terms).
        assert convention.requirements.filter(mandatory=True, measures__isnull=True).count() == 5
    assert instrument("uncac").bona_fide_third_parties_protected
    reciprocity = instrument("reciprocity")
    assert reciprocity.kind == LegalInstrument.Kind.RECIPROCITY and reciprocity.open_to_all_states
    assert reciprocity.requirements.get().code == "reciprocity_assurance"


def test_informal_networks_exchange_information_but_take_no_coercive_measures(reference):
    coercive = {"search_seizure", "freeze_seize_assets", "confiscate_assets", "return_assets", "transfer_of_persons"}
    for code in ("carin", "arin-ap", "arin-wca", "egmont"):
        network = instrument(code)
        assert network.kind == LegalInstrument.Kind.INFORMAL_NETWORK
        assert network.open_to_all_states
        assert not network.any_other_assistance
        assert "information_exchange" in scope(code) and "identify_trace_assets" in scope(code)
        assert not scope(code) & coercive


def test_measures_and_crime_categories_are_the_listed_ones(reference):
    assert set(AssistanceMeasure.objects.values_list("code", flat=True)) == {
        "testimony",
        "documents",
        "locate_identify",
        "service_of_documents",
        "transfer_of_persons",
        "search_seizure",
        "identify_trace_assets",
        "freeze_seize_assets",
        "confiscate_assets",
        "return_assets",
        "information_exchange",
        "other",
    }
    assert set(AssistanceMeasure.objects.filter(concerns_assets=True).values_list("code", flat=True)) == {
        "identify_trace_assets",
        "freeze_seize_assets",
        "confiscate_assets",
        "return_assets",
    }
    assert set(CrimeCategory.objects.values_list("code", flat=True)) == {
        "corruption",
        "embezzlement",
        "laundering",
        "fraud",
        "tax",
        "smuggling_customs",
        "drugs",
        "organised_crime",
        "terrorist_financing",
        "cybercrime",
        "other",
    }


def test_every_name_is_given_in_english_russian_and_kazakh(reference):
    for model in (AssistanceMeasure, CrimeCategory, LegalInstrument, InstrumentRequirement):
        for row in model.objects.all():
            assert row.name_en and not CYRILLIC.search(row.name_en), row.name_en
            assert CYRILLIC.search(row.name_ru), (model.__name__, row.name_en)
            assert CYRILLIC.search(row.name_kk), (model.__name__, row.name_en)
            assert row.name_kk != row.name_ru
    # Kazakh names use the Kazakh letters somewhere (not Russian text copied over).
    assert all(KAZAKH_LETTERS.search(name) for name in CrimeCategory.objects.values_list("name_kk", flat=True))
    korea = treaty_with("KR")
    with translation.override("kk"):
        assert korea.name.startswith("Қазақстан Республикасы мен Корея Республикасы")
    with translation.override("ru"):
        assert korea.name.startswith("Договор между Республикой Казахстан и Республикой Корея")


def test_a_uk_property_request_is_sent_once_the_four_items_are_provided_and_the_letter_signed(
    reference, investigator_a
):
    uk = treaty_with("GB")
    freeze = AssistanceMeasure.objects.get(code="freeze_seize_assets")
    request = make_request(
        actor=investigator_a, case=make_case(lead=investigator_a), country="GB", legal_basis=uk, measures=[freeze]
    )
    with pytest.raises(RequirementsMissing) as refused:
        request_send(request=request, actor=investigator_a, sent_on=datetime.date(2025, 2, 3))
    assert {r.code for r in refused.value.missing} == {
        "property_details",
        "property_location",
        "property_crime_link",
        "third_party_interests",
    }
    request_answer_checklist(
        request=request,
        actor=investigator_a,
        answers=dict.fromkeys(
            ("property_details", "property_location", "property_crime_link", "third_party_interests"), True
        ),
    )
    # The treaty also wants the signed letter in the case file (English: no translation for the UK).
    with pytest.raises(RequirementsMissing) as refused:
        request_send(request=request, actor=investigator_a, sent_on=datetime.date(2025, 2, 3))
    assert (refused.value.missing, refused.value.documents) == ([], ["signed_letter"])
    attach_signed_letter(request, investigator_a)
    request = request_send(request=request, actor=investigator_a, sent_on=datetime.date(2025, 2, 3))
    assert request.status == Request.Status.SENT
    # No instrument time: the UK profile's expected response time applies.
    assert request.response_due == datetime.date(2025, 2, 3) + datetime.timedelta(days=180)


def test_an_informal_network_cannot_carry_a_freezing_request(reference, investigator_a):
    with pytest.raises(MeasureOutsideScope):
        make_request(
            actor=investigator_a,
            case=make_case(lead=investigator_a),
            country="DE",
            legal_basis=instrument("carin"),
            measures=[AssistanceMeasure.objects.get(code="freeze_seize_assets")],
        )
