"""Bona fide third parties (a pending claim blocks confiscation and return, an upheld claim's amount
comes off what can be returned) and provenance (what caused each step, of the asset's own file; the
court decision recorded with the confiscation)."""

import datetime
from decimal import Decimal

import pytest
from djmoney.money import Money

from assets.models import Asset, AssetStatusChange, CourtDecision, ThirdPartyClaim
from assets.services import asset_amounts, asset_transition, asset_update, claim_create, claim_decide
from recovery.errors import AccessDenied, InvalidAmount, InvalidInput
from tests.factories import make_asset, make_case, make_request

S = Asset.Status
D = datetime.date


def move(asset, to_status, amount=None, actor=None, **kwargs):
    return asset_transition(
        asset=asset, to_status=to_status, actor=actor or asset.case.lead_investigator, amount=amount, **kwargs
    )


def state(asset):
    asset.refresh_from_db()
    return (asset.status, asset.version, asset.confiscated_amount, asset.returned_amount, asset.timeline.count())


@pytest.fixture
def asset(investigator_a):
    return make_asset(case=make_case(lead=investigator_a))


def file_claim(asset, amount="300.00"):
    return claim_create(
        actor=asset.case.lead_investigator,
        asset=asset,
        claimant="Spouse of the holder",
        basis="Joint marital property bought in good faith",
        filed_on=D(2024, 4, 1),
        amount=Money(amount, "USD"),
    )


@pytest.mark.django_db
def test_a_pending_claim_blocks_confiscation_unless_overridden(asset):
    move(asset, S.FROZEN, "1000.00")
    file_claim(asset)
    before = state(asset)
    with pytest.raises(InvalidInput) as refusal:
        move(asset, S.CONFISCATED, "1000.00")
    assert "Spouse of the holder" in str(refusal.value) and "pending" in str(refusal.value)
    assert state(asset) == before
    reason = "The court confiscated the whole; the claim is heard separately"
    asset = move(asset, S.CONFISCATED, "1000.00", override_reason=reason)
    assert asset.timeline.last().override_reason == reason


@pytest.mark.django_db
def test_a_pending_claim_blocks_return_and_sharing(asset):
    move(asset, S.CONFISCATED, "1000.00")
    file_claim(asset)
    before = state(asset)
    for status in (S.RETURNED, S.SHARED):
        with pytest.raises(InvalidInput):
            move(asset, status, "100.00")
        assert state(asset) == before


@pytest.mark.django_db
def test_an_upheld_claim_reduces_what_can_be_returned(asset):
    move(asset, S.FROZEN, "1000.00")
    move(asset, S.CONFISCATED, "1000.00")
    claim = file_claim(asset)
    claim_decide(
        actor=asset.case.lead_investigator,
        claim=claim,
        status="upheld",
        decided_on=D(2024, 9, 1),
        upheld_amount=Money("300.00", "USD"),
    )
    claim.refresh_from_db()
    assert (claim.status, claim.upheld_amount) == (ThirdPartyClaim.Status.UPHELD, Decimal("300.00"))
    move(asset, S.RETURNED, "600.00")
    before = state(asset)
    with pytest.raises(InvalidAmount) as refusal:
        move(asset, S.RETURNED, "100.01")
    assert "upheld" in str(refusal.value) and "700.00" in str(refusal.value)
    assert state(asset) == before
    asset = move(asset, S.RETURNED, "100.00")
    amounts = asset_amounts(asset)
    assert amounts["upheld_claims"] == Money("300.00", "USD")
    assert amounts["returnable"] == Money("0.00", "USD")
    assert amounts["returned"] == Money("700.00", "USD")
    asset = move(asset, S.RETURNED, "50.00", override_reason="The claimant waived part of the award")
    assert asset.timeline.last().override_reason == "The claimant waived part of the award"


@pytest.mark.django_db
def test_a_dismissed_claim_neither_blocks_nor_reduces(asset):
    move(asset, S.CONFISCATED, "1000.00")
    claim = file_claim(asset)
    claim_decide(actor=asset.case.lead_investigator, claim=claim, status="dismissed", decided_on=D(2024, 9, 1))
    asset = move(asset, S.RETURNED, "1000.00")
    assert asset.returned_amount == Decimal("1000.00")


@pytest.mark.parametrize(
    ("status", "upheld_amount", "field"),
    [
        ("upheld", None, "upheld_amount"),
        ("upheld", "-1.00", "upheld_amount"),
        ("upheld", Money("5.00", "EUR"), "upheld_amount"),
        ("dismissed", "5.00", "upheld_amount"),
        ("withdrawn", None, "status"),
    ],
)
@pytest.mark.django_db
def test_a_claim_decision_with_bad_input_is_refused_and_the_claim_stays_pending(asset, status, upheld_amount, field):
    claim = file_claim(asset)
    with pytest.raises((InvalidInput, InvalidAmount)) as refusal:
        claim_decide(
            actor=asset.case.lead_investigator,
            claim=claim,
            status=status,
            decided_on=D(2024, 9, 1),
            upheld_amount=upheld_amount,
        )
    assert field in refusal.value.field_errors
    claim.refresh_from_db()
    assert (claim.status, claim.upheld_amount) == (ThirdPartyClaim.Status.PENDING, None)


@pytest.mark.django_db
def test_another_units_investigator_cannot_decide_a_claim(asset, investigator_b):
    claim = file_claim(asset)
    with pytest.raises(AccessDenied):
        claim_decide(actor=investigator_b, claim=claim, status="upheld", decided_on=D(2024, 9, 1), upheld_amount="1.00")
    claim.refresh_from_db()
    assert claim.status == ThirdPartyClaim.Status.PENDING


# --- provenance ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_step_records_the_request_and_the_court_decision_that_caused_it(asset):
    request = make_request(case=asset.case, assets=[asset])
    asset = move(asset, S.FROZEN, "1000.00", request=request)
    assert asset.timeline.last().request == request
    asset = move(
        asset,
        S.CONFISCATED,
        "900.00",
        effective_on=D(2025, 6, 1),
        new_court_decision={
            "court": "Seoul Central District Court",
            "decided_on": D(2025, 5, 20),
            "reference": "2025-GO-123",
            "conviction_based": False,
        },
    )
    decision = CourtDecision.objects.get(asset=asset)
    assert (decision.kind, decision.amount, decision.country.code) == ("confiscation", Money("900.00", "USD"), "CH")
    assert decision.conviction_based is False
    assert asset.timeline.last().court_decision == decision


@pytest.mark.django_db
def test_a_refused_confiscation_leaves_no_court_decision_behind(asset):
    move(asset, S.FROZEN, "100.00")
    with pytest.raises(InvalidAmount):
        move(asset, S.CONFISCATED, "900.00", new_court_decision={"court": "Court", "decided_on": D(2025, 5, 20)})
    assert not CourtDecision.objects.exists()
    assert asset.timeline.count() == 2


@pytest.mark.django_db
def test_links_to_another_cases_records_are_refused_and_nothing_is_written(asset, investigator_b):
    other_asset = make_asset(case=make_case(lead=investigator_b))
    other_request = make_request(case=other_asset.case)
    other_decision = CourtDecision.objects.create(
        asset=other_asset, kind="confiscation", court="Other court", country="CH", decided_on=D(2024, 5, 1)
    )
    same_unit_other_case = make_request(case=make_case(lead=asset.case.lead_investigator))
    before = state(asset)
    for link in (
        {"request": other_request},
        {"request": same_unit_other_case},
        {"court_decision": other_decision},
    ):
        with pytest.raises(InvalidInput) as refusal:
            move(asset, S.FROZEN, "100.00", **link)
        (field,) = link
        assert field in refusal.value.field_errors
        # The same words whether the record is another unit's or merely another case's.
        assert "Other court" not in str(refusal.value) and other_request.reference not in str(refusal.value)
        assert state(asset) == before
    assert AssetStatusChange.objects.filter(asset=asset, request__isnull=False).count() == 0


@pytest.mark.django_db
def test_the_request_that_identified_the_asset_is_of_its_case(investigator_a, investigator_b):
    case = make_case(lead=investigator_a)
    request = make_request(case=case)
    asset = make_asset(case=case, identified_by_request=request)
    assert asset.identified_by_request == request
    other = make_request(case=make_case(lead=investigator_b))
    with pytest.raises(InvalidInput) as refusal:
        make_asset(case=case, identified_by_request=other, identifier="X-2")
    assert "identified_by_request" in refusal.value.field_errors
    with pytest.raises(InvalidInput):
        asset_update(asset=asset, actor=investigator_a, identified_by_request=other)
    asset.refresh_from_db()
    assert asset.identified_by_request == request


@pytest.mark.django_db
def test_amounts_at_each_stage(asset):
    move(asset, S.FROZEN, "1000.00")
    asset = move(asset, S.CONFISCATED, "800.00")
    amounts = asset_amounts(asset)
    assert amounts["frozen"] == Money("1000.00", "USD")
    assert amounts["still_frozen"] == Money("200.00", "USD")
    assert amounts["returnable"] == Money("800.00", "USD")
    asset = move(asset, S.RETURNED, "300.00")
    assert asset.partially_returned
    assert asset_amounts(asset)["returnable"] == Money("500.00", "USD")
