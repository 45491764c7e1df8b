"""A request recorded after the fact keeps its real history: the draft date dates its first timeline row
and gives its reference the year; a draft date in the future is refused."""

import datetime

import pytest
from django.utils import timezone

from mla_requests.models import Request
from recovery.errors import InvalidInput
from tests.factories import make_case, make_request


@pytest.mark.django_db
def test_the_draft_date_dates_the_first_timeline_row_and_the_reference(investigator_a):
    request = make_request(
        actor=investigator_a, case=make_case(lead=investigator_a), drafted_on=datetime.date(2019, 4, 2)
    )
    first = request.timeline.get()
    assert (first.from_status, first.to_status, first.effective_on) == ("", "draft", datetime.date(2019, 4, 2))
    assert request.reference == "MLA-2019-000001"


@pytest.mark.django_db
def test_without_a_draft_date_the_request_is_drafted_today(investigator_a):
    request = make_request(actor=investigator_a, case=make_case(lead=investigator_a))
    today = timezone.localdate()
    assert request.timeline.get().effective_on == today
    assert request.reference.startswith(f"MLA-{today.year}-")


@pytest.mark.django_db
def test_a_draft_date_in_the_future_is_refused(investigator_a):
    case = make_case(lead=investigator_a)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(InvalidInput) as refused:
        make_request(actor=investigator_a, case=case, drafted_on=tomorrow)
    assert "drafted_on" in refused.value.field_errors
    assert not Request.objects.exists()
