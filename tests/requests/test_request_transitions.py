"""Every move of the request workflow: the allowed ones succeed with a timeline row, the refused
ones raise TransitionNotAllowed and change nothing. Sending goes through request_send, every
other move through request_transition."""

from mla_requests.models import Request
from mla_requests.services import request_send, request_transition
from tests.factories import make_case, make_request
from tests.workflow_matrix import completeness_test, transition_matrix_test

GROUNDS = "Dual criminality not established"


def move(request, to_status, actor, **kwargs):
    if to_status == Request.Status.SENT:
        return request_send(request=request, actor=actor, **kwargs)
    return request_transition(request=request, to_status=to_status, actor=actor, refusal_grounds=GROUNDS, **kwargs)


def check_moved(moved, last, before):
    dst = moved.status
    if dst == Request.Status.SENT:
        assert moved.sent_on == last.effective_on and moved.response_due is not None
    if dst == Request.Status.REFUSED:
        assert moved.refusal_grounds == GROUNDS
    if dst in (Request.Status.EXECUTED, Request.Status.REFUSED, Request.Status.WITHDRAWN):
        assert moved.closed_on == last.effective_on
    if dst in Request.ANSWERED_STATUSES:
        assert moved.answered_on is not None and moved.acknowledged_on is not None


test_every_status_is_reachable_and_the_matrix_is_complete = completeness_test(Request)
test_request_transition = transition_matrix_test(
    Request,
    make=lambda actor: make_request(case=make_case(lead=actor), actor=actor),
    move=move,
    check_moved=check_moved,
)
