"""Every move of the request workflow: the allowed ones succeed with a timeline row, the refused
ones raise TransitionNotAllowed and change nothing. Sending goes through request_send, every
other move through request_transition."""

import pytest

from mla_requests.models import Request
from mla_requests.services import request_send, request_transition
from recovery.errors import TransitionNotAllowed
from tests.factories import make_case, make_request
from tests.workflow_matrix import matrix, path_to

GROUNDS = "Dual criminality not established"


def move(request, to_status, actor, **kwargs):
    if to_status == Request.Status.SENT:
        return request_send(request=request, actor=actor, **kwargs)
    return request_transition(request=request, to_status=to_status, actor=actor, refusal_grounds=GROUNDS, **kwargs)


def request_in(status, actor):
    request = make_request(case=make_case(lead=actor), actor=actor)
    for step in path_to(Request.workflow, status):
        request = move(request, step, actor)
    assert request.status == status
    return request


def test_every_status_is_reachable_and_the_matrix_is_complete():
    statuses = set(Request.Status.values)
    assert set(Request.workflow.moves) == statuses
    assert len(matrix(Request.workflow)) == len(statuses) ** 2
    for status in statuses - {Request.workflow.initial}:
        assert path_to(Request.workflow, status)


@pytest.mark.django_db
@pytest.mark.parametrize(("src", "dst", "allowed"), matrix(Request.workflow))
def test_request_transition(src, dst, allowed, investigator_a):
    request = request_in(src, investigator_a)
    version, rows = request.version, request.timeline.count()

    if allowed:
        moved = move(request, dst, investigator_a, note="moved in a test")
        moved.refresh_from_db()
        assert moved.status == dst
        assert moved.version == version + 1
        assert moved.timeline.count() == rows + 1
        last = moved.timeline.last()
        assert (last.from_status, last.to_status) == (src, dst)
        assert last.actor == investigator_a
        assert last.note == "moved in a test"
        if dst == Request.Status.SENT:
            assert moved.sent_on == last.effective_on and moved.response_due is not None
        if dst == Request.Status.REFUSED:
            assert moved.refusal_grounds == GROUNDS
        if dst in (Request.Status.EXECUTED, Request.Status.REFUSED, Request.Status.WITHDRAWN):
            assert moved.closed_on == last.effective_on
        if dst in Request.ANSWERED_STATUSES:
            assert moved.answered_on is not None and moved.acknowledged_on is not None
    else:
        with pytest.raises(TransitionNotAllowed):
            move(request, dst, investigator_a)
        request.refresh_from_db()
        assert request.status == src
        assert request.version == version
        assert request.timeline.count() == rows
