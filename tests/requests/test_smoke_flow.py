import datetime

import pytest

from mla_requests.models import Request
from mla_requests.services import request_send, request_transition
from tests.factories import make_case, make_request


@pytest.mark.django_db
def test_a_drafted_request_is_sent_and_executed_with_its_timeline(investigator_a):
    request = make_request(case=make_case(lead=investigator_a), actor=investigator_a)
    assert request.status == Request.Status.DRAFT
    assert request.reference.startswith("MLA-")
    request = request_send(request=request, actor=investigator_a, sent_on=datetime.date(2025, 1, 10))
    assert request.response_due == datetime.date(2025, 1, 10) + datetime.timedelta(days=90)
    request = request_transition(
        request=request, to_status=Request.Status.EXECUTED, actor=investigator_a, effective_on=datetime.date(2025, 3, 1)
    )
    assert [row.to_status for row in request.timeline.all()] == ["draft", "sent", "executed"]
    assert request.answered_on == datetime.date(2025, 3, 1)
