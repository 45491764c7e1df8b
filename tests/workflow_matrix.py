"""Helpers to walk a model's declared workflow in tests: the full (from, to) matrix, and the
shortest path of allowed moves from the initial status to any status."""

from collections import deque

import pytest


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
