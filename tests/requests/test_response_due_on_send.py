"""Sending a request stores its response deadline: from the instrument, then the country profile,
then settings.DEFAULT_RESPONSE_DAYS, unless the investigator gives one."""

import datetime

import pytest

from mla_requests.models import Request
from mla_requests.services import request_send, request_set_response_due
from recovery.errors import InvalidInput
from tests.factories import CountryProfileFactory, LegalInstrumentFactory, make_case, make_request

SENT = datetime.date(2025, 1, 10)


@pytest.fixture
def case(investigator_a):
    return make_case(lead=investigator_a)


@pytest.mark.django_db
def test_from_the_instrument(case, investigator_a):
    CountryProfileFactory(country="CH", expected_response_days=60)
    request = make_request(
        case=case, legal_basis=LegalInstrumentFactory(code="t30", expected_response_days=30, any_other_assistance=True)
    )
    sent = request_send(request=request, actor=investigator_a, sent_on=SENT)
    assert sent.response_due == SENT + datetime.timedelta(days=30)
    assert sent.response_due_set_manually is False
    assert Request.objects.get(pk=request.pk).response_due == datetime.date(2025, 2, 9)


@pytest.mark.django_db
def test_from_the_country_profile(case, investigator_a):
    CountryProfileFactory(country="CH", expected_response_days=60)
    request = make_request(case=case, legal_basis=LegalInstrumentFactory(code="no-days", any_other_assistance=True))
    sent = request_send(request=request, actor=investigator_a, sent_on=SENT)
    assert sent.response_due == SENT + datetime.timedelta(days=60)


@pytest.mark.django_db
def test_from_the_setting(case, investigator_a, settings):
    settings.DEFAULT_RESPONSE_DAYS = 45
    CountryProfileFactory(country="CH", expected_response_days=None)
    request = make_request(case=case, legal_basis=LegalInstrumentFactory(code="no-days", any_other_assistance=True))
    sent = request_send(request=request, actor=investigator_a, sent_on=SENT)
    assert sent.response_due == SENT + datetime.timedelta(days=45)


@pytest.mark.django_db
def test_from_the_setting_without_a_country_profile(case, investigator_a, settings):
    settings.DEFAULT_RESPONSE_DAYS = 120
    request = make_request(
        case=case, country="AE", legal_basis=LegalInstrumentFactory(code="no-days", any_other_assistance=True)
    )
    sent = request_send(request=request, actor=investigator_a, sent_on=SENT)
    assert sent.response_due == SENT + datetime.timedelta(days=120)


@pytest.mark.django_db
def test_an_explicit_deadline_wins(case, investigator_a):
    request = make_request(
        case=case, legal_basis=LegalInstrumentFactory(code="t30", expected_response_days=30, any_other_assistance=True)
    )
    sent = request_send(request=request, actor=investigator_a, sent_on=SENT, response_due=datetime.date(2025, 1, 20))
    assert sent.response_due == datetime.date(2025, 1, 20)
    assert sent.response_due_set_manually is True


@pytest.mark.django_db
def test_an_explicit_deadline_before_sending_is_refused(case, investigator_a):
    request = make_request(case=case)
    with pytest.raises(InvalidInput, match="cannot precede the sending date"):
        request_send(request=request, actor=investigator_a, sent_on=SENT, response_due=datetime.date(2025, 1, 9))
    request = Request.objects.get(pk=request.pk)
    assert (request.status, request.version, request.timeline.count()) == ("draft", 1, 1)
    assert request.sent_on is None and request.response_due is None


@pytest.mark.django_db
def test_a_sent_deadline_can_be_moved_with_a_reason(case, investigator_a):
    request = request_send(request=make_request(case=case), actor=investigator_a, sent_on=SENT)
    with pytest.raises(InvalidInput, match="Say why"):
        request_set_response_due(
            request=request, actor=investigator_a, response_due=datetime.date(2025, 6, 1), reason=""
        )
    with pytest.raises(InvalidInput, match="cannot precede"):
        request_set_response_due(
            request=request, actor=investigator_a, response_due=datetime.date(2025, 1, 1), reason="Agreed"
        )
    moved = request_set_response_due(
        request=request, actor=investigator_a, response_due=datetime.date(2025, 6, 1), reason="Extension agreed"
    )
    assert (moved.response_due, moved.response_due_set_manually) == (datetime.date(2025, 6, 1), True)
