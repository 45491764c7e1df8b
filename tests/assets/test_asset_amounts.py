"""Amounts frozen, confiscated and returned follow the timeline: several partial returns add up,
nothing goes past what was frozen or confiscated without a recorded reason, and only positive
decimal amounts in the asset's currency are accepted."""

from decimal import Decimal

import pytest
from djmoney.money import Money

from assets.models import Asset
from assets.services import asset_transition
from recovery.errors import InvalidAmount
from tests.factories import make_asset, make_case

S = Asset.Status


@pytest.fixture
def asset(investigator_a):
    return make_asset(case=make_case(lead=investigator_a), currency="USD", estimated_value="1300000.00")


def move(asset, to_status, amount=None, **kwargs):
    return asset_transition(
        asset=asset, to_status=to_status, actor=asset.case.lead_investigator, amount=amount, **kwargs
    )


def state(asset):
    fresh = Asset.objects.get(pk=asset.pk)
    return (
        fresh.status,
        fresh.version,
        fresh.timeline.count(),
        fresh.frozen_amount,
        fresh.confiscated_amount,
        fresh.returned_amount,
    )


@pytest.mark.django_db
def test_freeze_confiscate_return_record_their_amounts(asset):
    asset = move(asset, S.FROZEN, "1300000.00")
    asset = move(asset, S.CONFISCATED, Decimal("1300000"))
    asset = move(asset, S.RETURNED, Money("400000.00", "USD"))
    asset.refresh_from_db()
    assert asset.frozen == Money("1300000.00", "USD")
    assert asset.confiscated == Money("1300000.00", "USD")
    assert asset.returned == Money("400000.00", "USD")
    assert [row.amount for row in asset.timeline.all()] == [
        None,
        Money("1300000.00", "USD"),
        Money("1300000.00", "USD"),
        Money("400000.00", "USD"),
    ]


@pytest.mark.django_db
def test_several_partial_returns_add_up(asset):
    move(asset, S.FROZEN, "1300000.00")
    move(asset, S.CONFISCATED, "1300000.00")
    for instalment in ("400000.00", "350000.00", "250000.00", "300000.00"):
        move(asset, S.RETURNED, instalment)
    asset.refresh_from_db()
    assert asset.status == S.RETURNED
    assert asset.returned_amount == Decimal("1300000.00")
    returns = asset.timeline.filter(to_status=S.RETURNED)
    assert [row.amount.amount for row in returns] == [
        Decimal("400000.00"),
        Decimal("350000.00"),
        Decimal("250000.00"),
        Decimal("300000.00"),
    ]
    assert all(row.override_reason == "" for row in returns)


@pytest.mark.django_db
def test_a_return_beyond_the_confiscated_amount_needs_a_reason(asset):
    move(asset, S.FROZEN, "1000.00")
    move(asset, S.CONFISCATED, "1000.00")
    move(asset, S.RETURNED, "900.00")
    before = state(asset)

    with pytest.raises(InvalidAmount) as excinfo:
        move(asset, S.RETURNED, "100.01")
    assert "more than the" in str(excinfo.value) and "1,000.00" in str(excinfo.value)
    assert state(asset) == before

    reason = "Interest accrued on the account while frozen was returned too"
    asset = move(asset, S.RETURNED, "100.01", override_reason=reason)
    assert asset.returned_amount == Decimal("1000.01")
    row = asset.timeline.last()
    assert (row.amount, row.override_reason) == (Money("100.01", "USD"), reason)


@pytest.mark.django_db
def test_a_confiscation_beyond_the_frozen_amount_needs_a_reason(asset):
    move(asset, S.FROZEN, "500.00")
    before = state(asset)

    with pytest.raises(InvalidAmount, match="exceeds the"):
        move(asset, S.CONFISCATED, "750.00")
    assert state(asset) == before

    asset = move(asset, S.CONFISCATED, "750.00", override_reason="Value-based order for the full proceeds")
    assert asset.confiscated_amount == Decimal("750.00")
    assert asset.timeline.last().override_reason == "Value-based order for the full proceeds"


@pytest.mark.django_db
def test_a_reason_within_the_limits_is_not_recorded(asset):
    move(asset, S.FROZEN, "500.00")
    asset = move(asset, S.CONFISCATED, "500.00", override_reason="not needed")
    assert asset.timeline.last().override_reason == ""


@pytest.mark.django_db
def test_value_based_confiscation_from_identified_is_allowed(asset):
    asset = move(asset, S.CONFISCATED, "2000000.00")
    assert asset.status == S.CONFISCATED
    assert (asset.frozen_amount, asset.confiscated_amount) == (Decimal("0"), Decimal("2000000.00"))


@pytest.mark.django_db
def test_an_amount_in_another_currency_is_refused(asset):
    before = state(asset)
    with pytest.raises(InvalidAmount, match=r"asset's currency \(USD\)"):
        move(asset, S.FROZEN, Money("1000.00", "EUR"))
    assert state(asset) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-5.00", "greater than zero"),
        (Decimal("-0.01"), "greater than zero"),
        ("0", "greater than zero"),
        (Decimal("0.00"), "greater than zero"),
        (1000.0, "not floats"),
        ("a lot", "is not an amount"),
        ("", "is not an amount"),
        ("NaN", "finite"),
        ("Infinity", "finite"),
        ("10.001", "two decimal places"),
        ("1e18", "too large"),
    ],
)
def test_bad_amounts_are_refused_and_change_nothing(asset, amount, message):
    before = state(asset)
    with pytest.raises(InvalidAmount, match=message):
        move(asset, S.FROZEN, amount)
    assert state(asset) == before


@pytest.mark.django_db
@pytest.mark.parametrize("to_status", [S.FROZEN, S.CONFISCATED])
def test_the_amount_is_required_where_the_step_has_one(asset, to_status):
    before = state(asset)
    with pytest.raises(InvalidAmount, match="Give the amount"):
        move(asset, to_status, None)
    assert state(asset) == before


@pytest.mark.django_db
def test_a_step_without_an_amount_refuses_one(asset):
    before = state(asset)
    with pytest.raises(InvalidAmount, match="carries no amount"):
        move(asset, S.RELEASED, "10.00")
    assert state(asset) == before


@pytest.mark.django_db
def test_retained_abroad_may_record_the_amount_kept(asset):
    move(asset, S.CONFISCATED, "800.00")
    asset = move(asset, S.RETAINED_ABROAD, "200.00", note="Sharing agreement: 25% retained")
    assert asset.timeline.last().amount == Money("200.00", "USD")
    assert (asset.confiscated_amount, asset.returned_amount) == (Decimal("800.00"), Decimal("0"))
