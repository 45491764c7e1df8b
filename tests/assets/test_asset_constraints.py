"""The database itself rejects bad asset, court decision and claim rows, even when the services
are bypassed."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from djmoney.money import Money

from assets.models import Asset, CourtDecision, ThirdPartyClaim
from assets.services import claim_create
from tests.factories import make_asset, make_case


def rejected(action):
    with pytest.raises(IntegrityError), transaction.atomic():
        action()


@pytest.fixture
def asset(investigator_a):
    return make_asset(case=make_case(lead=investigator_a))


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["frozen_amount", "confiscated_amount", "returned_amount", "estimated_value"])
def test_a_negative_amount_is_rejected(asset, field):
    rejected(lambda: Asset.objects.filter(pk=asset.pk).update(**{field: Decimal("-0.01")}))
    assert getattr(Asset.objects.get(pk=asset.pk), field) >= 0


@pytest.mark.django_db
def test_a_negative_court_decision_amount_is_rejected(asset):
    decision = CourtDecision(
        asset=asset,
        kind=CourtDecision.Kind.CONFISCATION,
        court="Federal Criminal Court",
        country="CH",
        decided_on=datetime.date(2024, 5, 1),
        amount=Money("-1.00", "USD"),
    )
    rejected(lambda: CourtDecision.objects.bulk_create([decision]))


@pytest.mark.django_db
def test_a_claim_decided_before_it_was_filed_or_without_a_date_is_rejected(asset, investigator_a):
    claim = claim_create(
        actor=investigator_a, asset=asset, claimant="Bank AG", basis="Pledge", filed_on=datetime.date(2024, 6, 1)
    )
    rejected(
        lambda: ThirdPartyClaim.objects.filter(pk=claim.pk).update(
            status=ThirdPartyClaim.Status.UPHELD, decided_on=datetime.date(2024, 5, 31)
        )
    )
    rejected(lambda: ThirdPartyClaim.objects.filter(pk=claim.pk).update(status=ThirdPartyClaim.Status.DISMISSED))
    assert ThirdPartyClaim.objects.get(pk=claim.pk).status == ThirdPartyClaim.Status.PENDING
