"""Every move of the case workflow: the allowed ones succeed with a timeline row, the refused ones
raise TransitionNotAllowed and change nothing."""

from cases.models import Case
from cases.services import case_transition
from tests.factories import make_case
from tests.workflow_matrix import completeness_test, transition_matrix_test


def move(case, to_status, actor, **kwargs):
    return case_transition(case=case, to_status=to_status, actor=actor, **kwargs)


def check_moved(moved, last, before):
    if moved.status == Case.Status.CLOSED:
        assert moved.closed_on == last.effective_on
    else:
        assert moved.closed_on is None


test_every_status_is_reachable_and_the_matrix_is_complete = completeness_test(Case)
test_case_transition = transition_matrix_test(
    Case, make=lambda actor: make_case(actor=actor, lead=actor), move=move, check_moved=check_moved
)
