"""Every move of the asset workflow: the allowed ones succeed with a timeline row, the refused ones
raise TransitionNotAllowed and change nothing. Steps that carry an amount are given one."""

from decimal import Decimal

import pytest
from djmoney.money import Money

from assets.models import Asset
from assets.services import asset_transition
from recovery.errors import TransitionNotAllowed
from tests.factories import make_asset, make_case
from tests.workflow_matrix import matrix, path_to

S = Asset.Status
AMOUNTS = {S.FROZEN: Decimal("1000.00"), S.CONFISCATED: Decimal("500.00"), S.RETURNED: Decimal("100.00")}


def move(asset, to_status, actor, **kwargs):
    return asset_transition(asset=asset, to_status=to_status, actor=actor, amount=AMOUNTS.get(to_status), **kwargs)


def asset_in(status, actor):
    asset = make_asset(case=make_case(lead=actor), actor=actor)
    for step in path_to(Asset.workflow, status):
        asset = move(asset, step, actor)
    assert asset.status == status
    return asset


def test_every_status_is_reachable_and_the_matrix_is_complete():
    statuses = set(S.values)
    assert set(Asset.workflow.moves) == statuses
    assert len(matrix(Asset.workflow)) == len(statuses) ** 2
    for status in statuses - {Asset.workflow.initial}:
        assert path_to(Asset.workflow, status)


@pytest.mark.django_db
@pytest.mark.parametrize(("src", "dst", "allowed"), matrix(Asset.workflow))
def test_asset_transition(src, dst, allowed, investigator_a):
    asset = asset_in(src, investigator_a)
    version, rows = asset.version, asset.timeline.count()
    amounts = (asset.frozen_amount, asset.confiscated_amount, asset.returned_amount)

    if allowed:
        moved = move(asset, dst, investigator_a, note="moved in a test")
        moved.refresh_from_db()
        assert moved.status == dst
        assert moved.version == version + 1
        assert moved.timeline.count() == rows + 1
        last = moved.timeline.last()
        assert (last.from_status, last.to_status) == (src, dst)
        assert last.actor == investigator_a
        assert last.note == "moved in a test"
        if dst in AMOUNTS:
            assert last.amount == Money(AMOUNTS[dst], "USD")
        else:
            assert last.amount is None
        if dst == S.FROZEN:
            assert moved.frozen_amount == AMOUNTS[S.FROZEN]
        if dst == S.CONFISCATED:
            assert moved.confiscated_amount == AMOUNTS[S.CONFISCATED]
        if dst == S.RETURNED:
            assert moved.returned_amount == amounts[2] + AMOUNTS[S.RETURNED]
    else:
        with pytest.raises(TransitionNotAllowed):
            move(asset, dst, investigator_a)
        asset.refresh_from_db()
        assert asset.status == src
        assert asset.version == version
        assert asset.timeline.count() == rows
        assert (asset.frozen_amount, asset.confiscated_amount, asset.returned_amount) == amounts
