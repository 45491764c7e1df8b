"""Dated items of two units for the deadline calendar's tests: for each of unit A and unit B, an
outgoing request whose answer is due in five days, an incoming request to execute within a week
and an asset whose freeze expires in nine days; for unit A also an overdue request and a lapsed
freeze. Dates are relative to today, so the items are where the pages look whatever the day."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone
from djmoney.money import Money

from assets.models import Asset
from assets.services import asset_transition
from incoming.services import incoming_set_execution_due
from mla_requests.services import request_send
from tests.factories import make_asset, make_case, make_incoming, make_request


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def sent_request(case, *, due: datetime.date, sent: datetime.date | None = None):
    request = make_request(case=case, actor=case.lead_investigator)
    return request_send(
        request=request,
        actor=case.lead_investigator,
        sent_on=sent or min(due, timezone.localdate()) - datetime.timedelta(days=30),
        response_due=due,
        override_reason="Sent before the checklist was kept here",
    )


def incoming_due(investigator, *, due: datetime.date):
    incoming = make_incoming(
        actor=investigator, received_on=min(due, timezone.localdate()) - datetime.timedelta(days=20)
    )
    return incoming_set_execution_due(
        incoming=incoming, actor=investigator, execution_due=due, reason="Agreed with the requesting state"
    )


def frozen_asset(case, *, expires: datetime.date, **kwargs):
    asset = make_asset(case=case, **kwargs)
    return asset_transition(
        asset=asset,
        to_status=Asset.Status.FROZEN,
        actor=case.lead_investigator,
        amount=Money("1000.00", asset.currency),
        effective_on=min(expires, timezone.localdate()) - datetime.timedelta(days=40),
        freeze_expires_on=expires,
    )


@pytest.fixture
def calendar_world(investigator_a, investigator_b):
    case_a = make_case(lead=investigator_a, title="Embezzlement of budget funds")
    case_b = make_case(lead=investigator_b, title="Bribery in customs (unit B only)")
    return SimpleNamespace(
        case_a=case_a,
        case_b=case_b,
        request_a=sent_request(case_a, due=days(5)),
        overdue_a=sent_request(case_a, due=days(-5)),
        request_b=sent_request(case_b, due=days(5)),
        incoming_a=incoming_due(investigator_a, due=days(7)),
        incoming_b=incoming_due(investigator_b, due=days(7)),
        asset_a=frozen_asset(case_a, expires=days(9), description="Villa on the lake"),
        lapsed_a=frozen_asset(case_a, expires=days(-3), description="Yacht in the marina"),
        asset_b=frozen_asset(case_b, expires=days(9), description="Secret chalet of unit B"),
    )
