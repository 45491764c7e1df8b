"""Helpers to walk a model's declared workflow in tests: the full (from, to) matrix, the shortest
path of allowed moves from the initial status to any status, and the two tests every model with a
workflow gets (completeness_test, transition_matrix_test)."""

from collections import deque

import pytest

from recovery.errors import TransitionNotAllowed


def path_to(workflow, target: str) -> list[str]:
    """The statuses to move through, in order, to reach `target` from the initial status."""
    start = str(workflow.initial)
    came_from = {start: None}
    queue = deque([start])
    while queue:
        status = queue.popleft()
        if status == target:
            break
        for nxt in sorted(workflow.allowed_from(status)):
            if nxt not in came_from:
                came_from[nxt] = status
                queue.append(nxt)
    if target not in came_from:
        raise AssertionError(f"{target} cannot be reached from {start}: the workflow has a dead status")
    steps = []
    node = target
    while node != start:
        steps.append(node)
        node = came_from[node]
    return list(reversed(steps))


def matrix(workflow):
    """Every (from, to) pair of statuses, marked allowed or refused, as pytest params."""
    statuses = sorted(workflow.moves)
    return [
        pytest.param(src, dst, workflow.is_allowed(src, dst), id=f"{src}->{dst}")
        for src in statuses
        for dst in statuses
    ]


def completeness_test(model):
    """A test that every status of `model` is in its workflow, reachable, and in the matrix."""

    def test():
        statuses = set(model.Status.values)
        assert set(model.workflow.moves) == statuses
        assert len(matrix(model.workflow)) == len(statuses) ** 2
        for status in statuses - {model.workflow.initial}:
            assert path_to(model.workflow, status)

    return test


def transition_matrix_test(model, *, make, move, snapshot=lambda record: None, check_moved=None):
    """A test run once per (from, to) pair of `model`'s workflow, as investigator A.

    `make(actor)` creates a record in the initial status; `move(record, to_status, actor, **kw)`
    applies one transition through the model's service. An allowed move succeeds: new status,
    version bumped, one timeline row saying from, to, who and the note; then
    `check_moved(moved, last_row, before)` checks the model's own effects, `before` being
    `snapshot(record)` taken before the move. A refused move raises TransitionNotAllowed naming
    both statuses and changes nothing: status, version, timeline and `snapshot(record)` as before.
    """

    def record_in(status, actor):
        record = make(actor)
        for step in path_to(model.workflow, status):
            record = move(record, step, actor)
        assert record.status == status
        return record

    @pytest.mark.django_db
    @pytest.mark.parametrize(("src", "dst", "allowed"), matrix(model.workflow))
    def test(src, dst, allowed, investigator_a):
        record = record_in(src, investigator_a)
        version, rows, before = record.version, record.timeline.count(), snapshot(record)

        if allowed:
            moved = move(record, dst, investigator_a, note="moved in a test")
            moved.refresh_from_db()
            assert moved.status == dst
            assert moved.version == version + 1
            assert moved.timeline.count() == rows + 1
            last = moved.timeline.last()
            assert (last.from_status, last.to_status) == (src, dst)
            assert last.actor == investigator_a
            assert last.note == "moved in a test"
            if check_moved is not None:
                check_moved(moved, last, before)
        else:
            with pytest.raises(TransitionNotAllowed) as refusal:
                move(record, dst, investigator_a)
            message = str(refusal.value)
            assert str(record.status_label(src)) in message and str(record.status_label(dst)) in message
            record.refresh_from_db()
            assert record.status == src
            assert record.version == version
            assert record.timeline.count() == rows
            assert snapshot(record) == before

    return test
