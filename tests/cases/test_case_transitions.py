"""Every move of the case workflow: the allowed ones succeed with a timeline row, the refused ones
raise TransitionNotAllowed and change nothing."""

import pytest

from cases.models import Case
from cases.services import case_transition
from recovery.errors import TransitionNotAllowed
from tests.factories import make_case
from tests.workflow_matrix import matrix, path_to


def case_in(status, actor):
    case = make_case(actor=actor, lead=actor)
    for step in path_to(Case.workflow, status):
        case = case_transition(case=case, to_status=step, actor=actor)
    assert case.status == status
    return case


def test_every_status_is_reachable_and_the_matrix_is_complete():
    statuses = set(Case.Status.values)
    assert set(Case.workflow.moves) == statuses
    assert len(matrix(Case.workflow)) == len(statuses) ** 2
    for status in statuses - {Case.workflow.initial}:
        assert path_to(Case.workflow, status)


@pytest.mark.django_db
@pytest.mark.parametrize(("src", "dst", "allowed"), matrix(Case.workflow))
def test_case_transition(src, dst, allowed, investigator_a):
    case = case_in(src, investigator_a)
    version, rows = case.version, case.timeline.count()

    if allowed:
        moved = case_transition(case=case, to_status=dst, actor=investigator_a, note="moved in a test")
        moved.refresh_from_db()
        assert moved.status == dst
        assert moved.version == version + 1
        assert moved.timeline.count() == rows + 1
        last = moved.timeline.last()
        assert (last.from_status, last.to_status) == (src, dst)
        assert last.actor == investigator_a
        assert last.note == "moved in a test"
        if dst == Case.Status.CLOSED:
            assert moved.closed_on == last.effective_on
        else:
            assert moved.closed_on is None
    else:
        with pytest.raises(TransitionNotAllowed) as excinfo:
            case_transition(case=case, to_status=dst, actor=investigator_a)
        message = str(excinfo.value)
        assert str(case.status_label(src)) in message and str(case.status_label(dst)) in message
        case.refresh_from_db()
        assert case.status == src
        assert case.version == version
        assert case.timeline.count() == rows
