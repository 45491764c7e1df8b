"""The later steps of an asset's road, through the services: part of a freeze released, the sale by
the requested state, restitution to victims, the amount retained abroad. Each writes one timeline
row saying which step it was, keeps the amounts at each stage, and refuses bad input without
writing anything."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from djmoney.money import Money

from assets.models import Asset, AssetStatusChange
from assets.services import (
    asset_amounts,
    asset_record_sale,
    asset_release_part,
    asset_step,
    asset_transition,
    claim_create,
    claim_decide,
)
from recovery.errors import AccessDenied, InvalidAmount, InvalidInput, TransitionNotAllowed
from tests.factories import make_asset, make_case, make_request

S = Asset.Status
Step = AssetStatusChange.Step
D = Decimal
DAY = datetime.date(2024, 6, 1)


@pytest.fixture
def asset(investigator_a):
    return make_asset(case=make_case(lead=investigator_a), currency="USD", estimated_value="2000000.00")


def actor_of(asset):
    return asset.case.lead_investigator


def move(asset, to_status, amount=None, **kwargs):
    return asset_transition(asset=asset, to_status=to_status, actor=actor_of(asset), amount=amount, **kwargs)


def release(asset, amount, **kwargs):
    return asset_release_part(asset=asset, actor=actor_of(asset), amount=amount, **kwargs)


def sell(asset, amount, **kwargs):
    return asset_record_sale(asset=asset, actor=actor_of(asset), amount=amount, **kwargs)


def state(asset):
    fresh = Asset.objects.get(pk=asset.pk)
    return (
        fresh.status,
        fresh.version,
        fresh.timeline.count(),
        fresh.frozen_amount,
        fresh.still_frozen_amount,
        fresh.released_amount,
        fresh.realised_amount,
        fresh.sold_at_stage,
        fresh.restituted_amount,
        fresh.retained_amount,
    )


def amounts(asset):
    return {name: money.amount for name, money in asset_amounts(Asset.objects.get(pk=asset.pk)).items()}


# --- partial release ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_part_of_a_freeze_released_keeps_the_asset_frozen(asset):
    move(asset, S.FROZEN, "1000.00")
    request = make_request(case=asset.case)
    asset = release(asset, Money("300.00", "USD"), request=request, note="Court lifted the freeze on the car")
    assert asset.status == S.FROZEN
    assert (asset.frozen_amount, asset.released_amount, asset.still_frozen_amount) == (
        D("1000.00"),
        D("300.00"),
        D("700.00"),
    )
    assert asset.partially_frozen
    row = asset.timeline.last()
    assert (row.from_status, row.to_status, row.step) == (S.FROZEN, S.FROZEN, Step.PARTIAL_RELEASE)
    assert row.step_amount == Money("300.00", "USD")
    # Figures summing the timeline's `amount` by status must not read it as a freeze.
    assert row.amount is None
    assert row.request == request
    asset = release(asset, "200.00")
    assert (asset.released_amount, asset.still_frozen_amount) == (D("500.00"), D("500.00"))
    assert amounts(asset)["still_frozen"] == D("500.00")


@pytest.mark.django_db
def test_releasing_all_that_is_still_frozen_is_the_full_release(asset):
    move(asset, S.FROZEN, "1000.00")
    release(asset, "400.00")
    asset = release(asset, "600.00")
    assert asset.status == S.RELEASED
    assert (asset.released_amount, asset.still_frozen_amount) == (D("1000.00"), D("0"))
    row = asset.timeline.last()
    assert (row.from_status, row.to_status, row.step, row.amount) == (
        S.FROZEN,
        S.RELEASED,
        Step.STATUS_CHANGE,
        Money("600.00", "USD"),
    )
    assert not asset.partially_frozen


@pytest.mark.django_db
def test_the_release_move_releases_the_rest(asset):
    move(asset, S.FROZEN, "1000.00")
    release(asset, "250.00")
    asset = move(asset, S.RELEASED)
    assert (asset.released_amount, asset.still_frozen_amount) == (D("1000.00"), D("0"))
    assert asset.timeline.last().amount == Money("750.00", "USD")


@pytest.mark.django_db
def test_a_release_with_another_amount_than_what_is_still_frozen_is_refused(asset):
    move(asset, S.FROZEN, "1000.00")
    before = state(asset)
    with pytest.raises(InvalidAmount, match="partial release"):
        move(asset, S.RELEASED, "300.00")
    assert state(asset) == before


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["1000.01", "0", "-5.00", 12.5, "abc", Money("10.00", "EUR")])
def test_a_partial_release_beyond_what_is_frozen_or_not_positive_is_refused(asset, amount):
    move(asset, S.FROZEN, "1000.00")
    before = state(asset)
    with pytest.raises(InvalidAmount):
        # No override for arithmetic: the service takes no reason at all.
        release(asset, amount)
    assert state(asset) == before


@pytest.mark.django_db
def test_a_partial_release_after_a_partial_release_cannot_exceed_the_rest(asset):
    move(asset, S.FROZEN, "1000.00")
    release(asset, "900.00")
    before = state(asset)
    with pytest.raises(InvalidAmount, match="still frozen"):
        release(asset, "100.01")
    assert state(asset) == before
    with pytest.raises(TypeError):
        release(asset, "10.00", override_reason="I know better")


@pytest.mark.django_db
def test_a_partial_release_needs_a_freeze(asset):
    before = state(asset)
    with pytest.raises(TransitionNotAllowed):
        release(asset, "10.00")
    assert state(asset) == before


@pytest.mark.django_db
def test_the_part_frozen_beyond_the_confiscation_can_be_released(asset):
    move(asset, S.FROZEN, "1000.00")
    asset = move(asset, S.CONFISCATED, "800.00", override_reason="")
    assert asset.still_frozen_amount == D("200.00")
    asset = release(asset, "200.00")
    assert asset.status == S.CONFISCATED
    assert (asset.released_amount, asset.still_frozen_amount) == (D("200.00"), D("0"))


@pytest.mark.django_db
def test_a_confiscation_beyond_what_is_still_frozen_needs_a_reason(asset):
    move(asset, S.FROZEN, "1000.00")
    release(asset, "400.00")
    before = state(asset)
    with pytest.raises(InvalidAmount, match="still frozen"):
        move(asset, S.CONFISCATED, "700.00")
    assert state(asset) == before
    asset = move(asset, S.CONFISCATED, "700.00", override_reason="The court confiscated the value")
    assert asset.timeline.last().override_reason == "The court confiscated the value"


@pytest.mark.django_db
def test_a_step_names_only_records_of_the_assets_own_file(asset, investigator_b):
    move(asset, S.FROZEN, "1000.00")
    other = make_request(case=make_case(lead=investigator_b))
    before = state(asset)
    with pytest.raises(InvalidInput) as refusal:
        release(asset, "100.00", request=other)
    assert "request" in refusal.value.field_errors
    assert state(asset) == before


@pytest.mark.django_db
def test_another_units_investigator_cannot_record_a_step(asset, investigator_b):
    move(asset, S.FROZEN, "1000.00")
    before = state(asset)
    with pytest.raises(AccessDenied):
        asset_release_part(asset=asset, actor=investigator_b, amount="10.00")
    with pytest.raises(AccessDenied):
        asset_record_sale(asset=asset, actor=investigator_b, amount="10.00")
    assert state(asset) == before


# --- sale -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_interlocutory_sale_puts_the_proceeds_under_the_freeze(asset):
    move(asset, S.FROZEN, "2000000.00")
    release(asset, "500000.00")
    asset = sell(asset, "1200000.00", note="Yacht sold: depreciating")
    assert asset.status == S.FROZEN
    assert (asset.realised_amount, asset.sold_at_stage, asset.still_frozen_amount) == (
        D("1200000.00"),
        S.FROZEN,
        D("1200000.00"),
    )
    row = asset.timeline.last()
    assert (row.step, row.step_amount, row.amount) == (Step.SALE, Money("1200000.00", "USD"), None)
    # The confiscation that follows is of the proceeds: more than they needs a reason.
    with pytest.raises(InvalidAmount):
        move(asset, S.CONFISCATED, "1500000.00")
    asset = move(asset, S.CONFISCATED, "1000000.00")
    # What can come home is what was confiscated (of the proceeds), not the whole proceeds.
    assert asset.recoverable_base == D("1000000.00")
    assert amounts(asset)["returnable"] == D("1000000.00")
    assert amounts(asset)["still_frozen"] == D("200000.00")


@pytest.mark.django_db
def test_after_a_sale_of_a_confiscated_asset_what_can_come_home_is_what_it_realised(asset):
    move(asset, S.FROZEN, "2000000.00")
    move(asset, S.CONFISCATED, "2000000.00")
    asset = sell(asset, "1500000.00")
    assert (asset.status, asset.sold_at_stage) == (S.CONFISCATED, S.CONFISCATED)
    assert amounts(asset)["returnable"] == D("1500000.00")
    before = state(asset)
    with pytest.raises(InvalidAmount, match="realised"):
        move(asset, S.RETURNED, "1600000.00")
    assert state(asset) == before
    asset = move(asset, S.RETURNED, "1500000.00")
    assert amounts(asset)["returnable"] == D("0")
    assert not asset.partially_returned


@pytest.mark.django_db
def test_a_sale_for_more_than_the_valuation_lets_more_come_home(asset):
    move(asset, S.CONFISCATED, "1000.00")
    sell(asset, "1300.00")
    asset = move(asset, S.RETURNED, "1300.00")
    assert asset.returned_amount == D("1300.00") and asset.timeline.last().override_reason == ""


@pytest.mark.django_db
def test_a_sale_is_recorded_once_and_only_while_frozen_or_confiscated(asset):
    before = state(asset)
    with pytest.raises(TransitionNotAllowed):
        sell(asset, "100.00")
    assert state(asset) == before
    move(asset, S.FROZEN, "1000.00")
    sell(asset, "900.00")
    before = state(asset)
    with pytest.raises(InvalidInput, match="already recorded"):
        sell(asset, "800.00")
    for bad in ("0", "-1.00", "1.001", None):
        with pytest.raises(InvalidAmount):
            sell(asset, bad)
    assert state(asset) == before


@pytest.mark.django_db
def test_a_sale_after_something_came_home_is_refused(asset):
    move(asset, S.CONFISCATED, "1000.00")
    move(asset, S.RETURNED, "100.00")
    before = state(asset)
    with pytest.raises(TransitionNotAllowed):
        sell(asset, "800.00")
    assert state(asset) == before


@pytest.mark.django_db
def test_asset_step_is_the_one_entry_for_the_steps(asset):
    move(asset, S.FROZEN, "1000.00")
    asset = asset_step(step="partial_release", asset=asset, actor=actor_of(asset), amount="100.00")
    asset = asset_step(step="sale", asset=asset, actor=actor_of(asset), amount="800.00")
    assert [row.step for row in asset.timeline.all()][-2:] == [Step.PARTIAL_RELEASE, Step.SALE]
    with pytest.raises(InvalidInput):
        asset_step(step="melt", asset=asset, actor=actor_of(asset), amount="1.00")


# --- restitution to victims -----------------------------------------------------------------------


@pytest.mark.django_db
def test_restitution_to_victims_counts_against_what_can_still_come_home(asset):
    move(asset, S.FROZEN, "1000.00")
    move(asset, S.CONFISCATED, "1000.00")
    move(asset, S.RETURNED, "400.00")
    asset = move(asset, S.RESTITUTED, "250.00", note="Paid to the bank's depositors")
    assert (asset.status, asset.restituted_amount) == (S.RESTITUTED, D("250.00"))
    assert asset.timeline.last().amount == Money("250.00", "USD")
    assert amounts(asset)["returnable"] == D("350.00")
    assert asset.partially_returned
    asset = move(asset, S.RESTITUTED, "50.00")
    assert asset.restituted_amount == D("300.00")
    before = state(asset)
    with pytest.raises(InvalidAmount, match="more than"):
        move(asset, S.RETURNED, "300.01")
    assert state(asset) == before
    asset = move(asset, S.RETURNED, "300.00")
    assert amounts(asset)["returnable"] == D("0") and not asset.partially_returned


@pytest.mark.django_db
def test_a_pending_claim_blocks_restitution_unless_a_reason_is_given(asset):
    move(asset, S.CONFISCATED, "1000.00")
    claim = claim_create(actor=actor_of(asset), asset=asset, claimant="Bona fide buyer", basis="Bought", filed_on=DAY)
    before = state(asset)
    with pytest.raises(InvalidInput, match="pending"):
        move(asset, S.RESTITUTED, "100.00")
    assert state(asset) == before
    asset = move(asset, S.RESTITUTED, "100.00", override_reason="Victims' order has priority")
    assert asset.timeline.last().override_reason == "Victims' order has priority"
    claim_decide(actor=actor_of(asset), claim=claim, status="upheld", decided_on=DAY, upheld_amount="850.00")
    with pytest.raises(InvalidAmount):
        move(asset, S.RESTITUTED, "100.00")


@pytest.mark.django_db
def test_restitution_needs_a_positive_amount_and_a_confiscation(asset):
    with pytest.raises(TransitionNotAllowed):
        move(asset, S.RESTITUTED, "10.00")
    move(asset, S.CONFISCATED, "1000.00")
    before = state(asset)
    for bad in (None, "0", "-1"):
        with pytest.raises(InvalidAmount):
            move(asset, S.RESTITUTED, bad)
    assert state(asset) == before


# --- retained abroad ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_retained_abroad_defaults_to_what_can_still_be_returned(asset):
    move(asset, S.CONFISCATED, "1000.00")
    move(asset, S.RETURNED, "300.00")
    asset = move(asset, S.RETAINED_ABROAD)
    assert asset.retained_amount == D("700.00")
    assert asset.timeline.last().amount == Money("700.00", "USD")
    assert amounts(asset)["retained"] == D("700.00")
    # A later agreed return, a share and a restitution come out of what was retained.
    asset = move(asset, S.RETURNED, "200.00")
    assert asset.retained_amount == D("500.00")
    asset = move(asset, S.RETAINED_ABROAD)
    asset = move(asset, S.SHARED, "100.00")
    asset = move(asset, S.RESTITUTED, "50.00")
    assert asset.retained_amount == D("350.00")
    assert amounts(asset)["returnable"] == D("350.00")


@pytest.mark.django_db
def test_a_retained_amount_above_what_can_be_returned_needs_a_reason(asset):
    move(asset, S.CONFISCATED, "1000.00")
    before = state(asset)
    with pytest.raises(InvalidAmount, match="can still be returned"):
        move(asset, S.RETAINED_ABROAD, "1000.01")
    assert state(asset) == before
    asset = move(asset, S.RETAINED_ABROAD, "1000.01", override_reason="Costs added by the requested state")
    assert asset.retained_amount == D("1000.01")


# --- the database keeps the arithmetic too --------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes",
    [
        {"released_amount": D("-1")},
        {"still_frozen_amount": D("-1")},
        {"restituted_amount": D("-1")},
        {"retained_amount": D("-1")},
        {"released_amount": D("1000.01")},
        {"realised_amount": D("5"), "sold_at_stage": ""},
        {"sold_at_stage": "frozen"},
    ],
)
def test_the_database_refuses_impossible_amounts(asset, changes):
    move(asset, S.FROZEN, "1000.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        Asset.objects.filter(pk=asset.pk).update(**changes)
