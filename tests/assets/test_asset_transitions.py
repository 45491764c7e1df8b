"""Every move of the asset workflow: the allowed ones succeed with a timeline row, the refused ones
raise TransitionNotAllowed and change nothing. Steps that carry an amount are given one."""

from decimal import Decimal

from djmoney.money import Money

from assets.models import Asset
from assets.services import asset_transition
from tests.factories import make_asset, make_case
from tests.workflow_matrix import completeness_test, transition_matrix_test

S = Asset.Status
AMOUNTS = {
    S.FROZEN: Decimal("1000.00"),
    S.CONFISCATED: Decimal("500.00"),
    S.RETURNED: Decimal("100.00"),
    S.SHARED: Decimal("50.00"),
    S.RESTITUTED: Decimal("20.00"),
}


def move(asset, to_status, actor, **kwargs):
    return asset_transition(asset=asset, to_status=to_status, actor=actor, amount=AMOUNTS.get(to_status), **kwargs)


def amounts(asset):
    return (
        asset.frozen_amount,
        asset.confiscated_amount,
        asset.returned_amount,
        asset.shared_amount,
        asset.restituted_amount,
        asset.still_frozen_amount,
        asset.retained_amount,
    )


def check_moved(moved, last, before):
    dst = moved.status
    if dst in AMOUNTS:
        assert last.amount == Money(AMOUNTS[dst], "USD")
    elif dst == S.RELEASED:
        # A release records all that was still frozen.
        assert last.amount == (Money(before[5], "USD") if before[5] else None)
        assert moved.still_frozen_amount == 0
    elif dst == S.RETAINED_ABROAD:
        # Retained abroad defaults to what could still be returned.
        assert moved.retained_amount == moved.returnable_amount(Decimal("0"))
        assert last.amount == (Money(moved.retained_amount, "USD") if moved.retained_amount else None)
    else:
        assert last.amount is None
    assert last.step == "status_change"
    if dst == S.FROZEN:
        assert moved.frozen_amount == AMOUNTS[S.FROZEN]
    if dst == S.CONFISCATED:
        assert moved.confiscated_amount == AMOUNTS[S.CONFISCATED]
    if dst == S.RETURNED:
        assert moved.returned_amount == before[2] + AMOUNTS[S.RETURNED]
    if dst == S.SHARED:
        assert moved.shared_amount == before[3] + AMOUNTS[S.SHARED]
    if dst == S.RESTITUTED:
        assert moved.restituted_amount == before[4] + AMOUNTS[S.RESTITUTED]
    if dst in (S.RETURNED, S.SHARED, S.RESTITUTED):
        assert moved.retained_amount == max(Decimal("0"), before[6] - AMOUNTS[dst])


test_every_status_is_reachable_and_the_matrix_is_complete = completeness_test(Asset)
test_asset_transition = transition_matrix_test(
    Asset,
    make=lambda actor: make_asset(case=make_case(lead=actor), actor=actor),
    move=move,
    snapshot=amounts,
    check_moved=check_moved,
)
