"""The stages of recovery an asset has reached (assets.models.AssetQuerySet): the dashboards'
funnel, the admin's `stage` list filter and the API's `stage` filter select the same assets."""

import datetime
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client
from rest_framework.test import APIClient

from assets.models import Asset
from assets.services import asset_transition
from recovery.stats import Stats
from tests.factories import make_asset, make_case

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def assets(investigator_a):
    case = make_case(unit=investigator_a.unit, lead=investigator_a)

    def asset(*steps):
        a = make_asset(case=case, actor=investigator_a, identified_on=D(2025, 3, 1))
        for to_status, amount in steps:
            a = asset_transition(
                asset=a,
                to_status=to_status,
                actor=investigator_a,
                effective_on=D(2025, 4, 1),
                amount=None if amount is None else Decimal(amount),
            )
        return a.pk

    return {
        "identified": asset(),
        "frozen": asset(("frozen", "100")),
        "confiscated": asset(("confiscated", "200")),  # value-based: never frozen
        "returned": asset(("frozen", "300"), ("confiscated", "300"), ("returned", "100")),
        "released": asset(("frozen", "50"), ("released", None)),
        "retained": asset(("frozen", "70"), ("confiscated", "70"), ("retained_abroad", None)),
    }


def test_each_stage_reached(assets):
    a = assets
    got = {
        "frozen": Asset.objects.frozen(),
        "confiscated": Asset.objects.confiscated(),
        "returned": Asset.objects.returned(),
        "released": Asset.objects.released(),
        "retained": Asset.objects.retained_abroad(),
    }
    want = {
        "frozen": {a["frozen"], a["returned"], a["released"], a["retained"]},
        "confiscated": {a["confiscated"], a["returned"], a["retained"]},
        "returned": {a["returned"]},
        "released": {a["released"]},
        "retained": {a["retained"]},
    }
    assert {k: set(qs.values_list("pk", flat=True)) for k, qs in got.items()} == want


def test_funnel_admin_and_api_agree(assets, investigator_a):
    admin = Client()
    admin.force_login(investigator_a)
    api = APIClient()
    api.force_authenticate(investigator_a)
    funnel = {stage["stage"]: stage for stage in Stats(investigator_a).asset_recovery()["funnel"]}
    for key in ("frozen", "confiscated", "returned", "released", "retained"):
        response = admin.get("/admin/assets/asset/", {"stage": key})
        assert response.status_code == 200
        in_admin = {a.pk for a in response.context["cl"].result_list}
        response = api.get("/api/v1/assets/", {"stage": key})
        assert response.status_code == 200, response.content
        in_api = {row["id"] for row in response.json()["results"]}
        assert in_admin == in_api and len(in_admin) == funnel[key]["count"], key
        # The funnel's link is that filter.
        assert dict(parse_qsl(urlsplit(funnel[key]["url"]).query)) == {"stage": key}
    assert api.get("/api/v1/assets/", {"stage": "lost"}).status_code == 400
