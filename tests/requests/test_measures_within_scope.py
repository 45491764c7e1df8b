"""Measures outside the legal basis's scope are refused at create, update and send; a clause on
'any other assistance' covers everything; a legal basis must bind the requested state."""

import datetime

import pytest

from mla_requests.models import Request
from mla_requests.services import request_create, request_send, request_update
from recovery.errors import InvalidInput, MeasureOutsideScope
from tests.factories import AssistanceMeasureFactory, LegalInstrumentFactory, make_case, make_request


@pytest.fixture
def measures(db):
    return {
        code: AssistanceMeasureFactory(code=code, name_en=name)
        for code, name in [
            ("documents", "Bank records"),
            ("freezing", "Freezing of assets"),
            ("confiscation", "Confiscation of proceeds"),
        ]
    }


@pytest.fixture
def narrow_treaty(measures):
    return LegalInstrumentFactory(
        code="narrow", name_en="Narrow treaty", measures=[measures["documents"], measures["freezing"]]
    )


@pytest.fixture
def case(investigator_a):
    return make_case(lead=investigator_a)


def create(case, legal_basis, measures, country="CH"):
    return request_create(
        actor=case.lead_investigator,
        case=case,
        country=country,
        legal_basis=legal_basis,
        crime_category=case.primary_crime_category,
        measures=measures,
    )


@pytest.mark.django_db
def test_a_measure_in_scope_is_accepted(case, narrow_treaty, measures):
    request = create(case, narrow_treaty, [measures["documents"], measures["freezing"]])
    assert set(request.measures.values_list("code", flat=True)) == {"documents", "freezing"}


@pytest.mark.django_db
def test_create_refuses_a_measure_outside_scope(case, narrow_treaty, measures):
    with pytest.raises(MeasureOutsideScope) as excinfo:
        create(case, narrow_treaty, [measures["freezing"], measures["confiscation"]])
    assert "Confiscation of proceeds" in str(excinfo.value)
    assert "Narrow treaty" in str(excinfo.value)
    assert "measures" in excinfo.value.field_errors
    assert not Request.objects.exists()


@pytest.mark.django_db
def test_update_refuses_a_measure_outside_scope(case, narrow_treaty, measures):
    request = create(case, narrow_treaty, [measures["documents"]])
    with pytest.raises(MeasureOutsideScope, match="Confiscation of proceeds"):
        request_update(request=request, actor=case.lead_investigator, measures=[measures["confiscation"]])
    request = Request.objects.get(pk=request.pk)
    assert list(request.measures.values_list("code", flat=True)) == ["documents"]
    assert request.version == 1


@pytest.mark.django_db
def test_update_refuses_a_legal_basis_that_does_not_cover_the_measures(case, narrow_treaty, measures):
    wide = LegalInstrumentFactory(code="wide", measures=list(measures.values()))
    request = create(case, wide, [measures["confiscation"]])
    with pytest.raises(MeasureOutsideScope):
        request_update(request=request, actor=case.lead_investigator, legal_basis=narrow_treaty)
    assert Request.objects.get(pk=request.pk).legal_basis == wide


@pytest.mark.django_db
def test_send_refuses_a_measure_that_left_the_scope(case, narrow_treaty, measures, investigator_a):
    request = create(case, narrow_treaty, [measures["freezing"]])
    narrow_treaty.measures.remove(measures["freezing"])  # e.g. the scope was corrected
    with pytest.raises(MeasureOutsideScope, match="Freezing of assets"):
        request_send(request=request, actor=investigator_a, sent_on=datetime.date(2025, 1, 1))
    request = Request.objects.get(pk=request.pk)
    assert (request.status, request.version, request.timeline.count()) == ("draft", 1, 1)


@pytest.mark.django_db
def test_any_other_assistance_covers_every_measure_with_a_note_citing_it(case, measures, investigator_a):
    convention = LegalInstrumentFactory(
        code="uncac", name_en="UNCAC", any_other_assistance=True, any_other_assistance_citation="Art. 46(3)(i)"
    )
    assert convention.measures.count() == 0
    with pytest.raises(MeasureOutsideScope, match="Art. 46"):
        create(case, convention, list(measures.values()))
    assert not Request.objects.exists()
    request = request_create(
        actor=case.lead_investigator,
        case=case,
        country="CH",
        legal_basis=convention,
        crime_category=case.primary_crime_category,
        measures=list(measures.values()),
        catch_all_note="Art. 46(3)(i): not contrary to Swiss law",
    )
    sent = request_send(request=request, actor=investigator_a, sent_on=datetime.date(2025, 1, 1))
    assert sent.status == Request.Status.SENT
    assert request.measures.count() == 3


@pytest.mark.django_db
def test_a_request_needs_at_least_one_measure(case, narrow_treaty):
    with pytest.raises(InvalidInput, match="at least one measure"):
        create(case, narrow_treaty, [])


@pytest.mark.django_db
def test_a_legal_basis_that_does_not_bind_the_country_is_refused(case, measures):
    bilateral = LegalInstrumentFactory(
        code="treaty-ch",
        name_en="Treaty with Switzerland",
        kind="bilateral_treaty",
        open_to_all_states=False,
        measures=[measures["freezing"]],
        countries=["CH"],
    )
    with pytest.raises(InvalidInput, match="does not bind DE") as excinfo:
        create(case, bilateral, [measures["freezing"]], country="DE")
    assert "legal_basis" in excinfo.value.field_errors
    assert not Request.objects.exists()

    request = create(case, bilateral, [measures["freezing"]], country="CH")
    with pytest.raises(InvalidInput, match="does not bind DE"):
        request_update(request=request, actor=case.lead_investigator, country="DE")
    assert Request.objects.get(pk=request.pk).country.code == "CH"


@pytest.mark.django_db
def test_once_sent_the_measures_stay_as_sent(case, narrow_treaty, measures, investigator_a):
    request = make_request(case=case, legal_basis=narrow_treaty, measures=[measures["freezing"]])
    request_send(request=request, actor=investigator_a, sent_on=datetime.date(2025, 1, 1))
    with pytest.raises(InvalidInput, match="stay as sent"):
        request_update(request=request, actor=investigator_a, measures=[measures["documents"]])
    assert list(request.measures.values_list("code", flat=True)) == ["freezing"]


@pytest.mark.django_db
def test_a_bilateral_treaty_binds_its_counterpart_through_sending(case, measures, investigator_a):
    bilateral = LegalInstrumentFactory(
        code="treaty-ch",
        kind="bilateral_treaty",
        open_to_all_states=False,
        measures=[measures["freezing"]],
        countries=["CH"],
    )
    request = create(case, bilateral, [measures["freezing"]], country="ch")
    assert request.country.code == "CH"
    sent = request_send(request=request, actor=investigator_a, sent_on=datetime.date(2025, 1, 1))
    assert sent.status == Request.Status.SENT

    # A party that later leaves the treaty: a draft to it can no longer be sent.
    draft = create(case, bilateral, [measures["freezing"]], country="CH")
    bilateral.counterpart_countries.clear()
    with pytest.raises(InvalidInput, match="does not bind CH"):
        request_send(request=draft, actor=investigator_a, sent_on=datetime.date(2025, 1, 1))
    assert Request.objects.get(pk=draft.pk).status == Request.Status.DRAFT
