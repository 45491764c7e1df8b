"""The freeze's expiry over the API: the asset shows it with the days left, the freeze transition
takes it, /freeze-renewals/ lists and records renewals (problem details on bad dates, Idempotency-Key
replays, another unit's asset 404), and `freeze_expiry` filters the list."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from djmoney.money import Money
from rest_framework.test import APIClient

from assets.models import Asset
from assets.services import asset_transition
from tests.factories import make_asset, make_case, make_request

D = datetime.date
S = Asset.Status


@pytest.fixture(autouse=True)
def _fresh_throttle_buckets():
    cache.clear()
    yield
    cache.clear()


def problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    return response.json()


@pytest.fixture
def api():
    def build(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return build


@pytest.fixture
def asset(investigator_a):
    return make_asset(case=make_case(lead=investigator_a))


def freeze(asset, expires_on):
    return asset_transition(
        asset=asset,
        to_status=S.FROZEN,
        actor=asset.case.lead_investigator,
        amount=Money("1000.00", "USD"),
        effective_on=D(2025, 1, 10),
        freeze_expires_on=expires_on,
    )


@pytest.mark.django_db
def test_the_freeze_transition_takes_the_expiry_and_the_asset_shows_days_left(asset, api, investigator_a):
    client = api(investigator_a)
    today = timezone.localdate()
    body = {
        "to_status": "frozen",
        "effective_on": (today - datetime.timedelta(days=10)).isoformat(),
        "amount": {"amount": "1000.00", "currency": "USD"},
        "freeze_expires_on": (today + datetime.timedelta(days=12)).isoformat(),
    }
    response = client.post(f"/api/v1/assets/{asset.pk}/transitions/", body, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["freeze_expires_on"] == body["freeze_expires_on"] and data["freeze_days_left"] == 12
    listed = client.get("/api/v1/assets/").json()["results"][0]
    assert listed["freeze_days_left"] == 12


@pytest.mark.django_db
@pytest.mark.parametrize("expires_on", ["9999-12-31", "0001-01-01", "2025-01-09"])
def test_a_bad_expiry_with_the_freeze_is_a_problem_and_nothing_changes(asset, api, investigator_a, expires_on):
    body = {
        "to_status": "frozen",
        "effective_on": "2025-01-10",
        "amount": {"amount": "1000.00", "currency": "USD"},
        "freeze_expires_on": expires_on,
    }
    body = problem(api(investigator_a).post(f"/api/v1/assets/{asset.pk}/transitions/", body, format="json"), 400)
    assert "freeze_expires_on" in body["errors"]
    asset.refresh_from_db()
    assert asset.status == S.IDENTIFIED and asset.freeze_expires_on is None


@pytest.mark.django_db
def test_a_renewal_is_recorded_and_listed(asset, api, investigator_a):
    freeze(asset, D(2025, 7, 9))
    request = make_request(case=asset.case)
    client = api(investigator_a)
    url = f"/api/v1/assets/{asset.pk}/freeze-renewals/"
    assert client.get(url).json() == []
    body = {"renewed_on": "2025-07-01", "expires_on": "2026-01-09", "request": request.pk, "note": "Zug court"}
    response = client.post(url, body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["freeze_expires_on"] == "2026-01-09" and response["ETag"]
    [renewal] = client.get(url).json()
    assert renewal["renewed_on"] == "2025-07-01" and renewal["expires_on"] == "2026-01-09"
    assert renewal["request"] == request.pk and renewal["note"].startswith("Freeze renewed until 2026-01-09")
    timeline = client.get(f"/api/v1/assets/{asset.pk}/timeline/").json()
    assert timeline[-1]["from_status"] == timeline[-1]["to_status"] == "frozen"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"renewed_on": "2025-07-01", "expires_on": "9999-12-31"}, "expires_on"),
        ({"renewed_on": "2025-07-01", "expires_on": "2025-06-01"}, "expires_on"),
        ({"renewed_on": "2025-07-01", "expires_on": "2025-07-05"}, "expires_on"),  # shortens: no reason
        ({"renewed_on": "2024-01-01", "expires_on": "2026-01-09"}, "renewed_on"),  # before the freeze
        ({"renewed_on": "2025-07-01"}, "expires_on"),
        ({"renewed_on": "yesterday", "expires_on": "2026-01-09"}, "renewed_on"),
        ({"renewed_on": "2025-07-01", "expires_on": "2026-01-09", "status": "frozen"}, "status"),
    ],
)
def test_bad_renewals_are_problems_and_change_nothing(asset, api, investigator_a, body, field):
    freeze(asset, D(2025, 7, 9))
    asset.refresh_from_db()
    version = asset.version
    response = api(investigator_a).post(f"/api/v1/assets/{asset.pk}/freeze-renewals/", body, format="json")
    assert field in problem(response, 400)["errors"]
    asset.refresh_from_db()
    assert (asset.freeze_expires_on, asset.version, asset.timeline.count()) == (D(2025, 7, 9), version, 2)


@pytest.mark.django_db
def test_renewing_an_asset_not_frozen_is_a_conflict(asset, api, investigator_a):
    body = {"renewed_on": "2025-07-01", "expires_on": "2026-01-09"}
    response = api(investigator_a).post(f"/api/v1/assets/{asset.pk}/freeze-renewals/", body, format="json")
    assert "Only a frozen asset" in problem(response, 409)["detail"]


@pytest.mark.django_db
def test_another_units_asset_is_404_learning_nothing(asset, api, investigator_b, analyst):
    freeze(asset, D(2025, 7, 9))
    url = f"/api/v1/assets/{asset.pk}/freeze-renewals/"
    body = {"renewed_on": "2025-07-01", "expires_on": "2026-01-09"}
    other = api(investigator_b)
    assert problem(other.get(url), 404)
    refused = other.post(url, body, format="json")
    problem(refused, 404)
    assert asset.identifier.encode() not in refused.content
    problem(api(analyst).post(url, body, format="json"), 403)
    asset.refresh_from_db()
    assert asset.freeze_expires_on == D(2025, 7, 9)
    # Citing another unit's request in our own renewal: refused, naming nothing of it.
    foreign = make_request(case=make_case(lead=investigator_b))
    response = api(asset.case.lead_investigator).post(url, {**body, "request": foreign.pk}, format="json")
    assert "request" in problem(response, 400)["errors"]
    assert foreign.reference.encode() not in response.content


@pytest.mark.django_db
def test_an_idempotency_key_replays_the_renewal(asset, api, investigator_a):
    freeze(asset, D(2025, 7, 9))
    client = api(investigator_a)
    url = f"/api/v1/assets/{asset.pk}/freeze-renewals/"
    body = {"renewed_on": "2025-07-01", "expires_on": "2026-01-09"}
    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="renew-1")
    again = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="renew-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert asset.timeline.filter(step="freeze_renewal").count() == 1
    other = client.post(url, {**body, "expires_on": "2026-02-09"}, format="json", HTTP_IDEMPOTENCY_KEY="renew-1")
    problem(other, 422)


@pytest.mark.django_db
def test_a_stale_if_match_is_refused(asset, api, investigator_a):
    freeze(asset, D(2025, 7, 9))
    client = api(investigator_a)
    etag = client.get(f"/api/v1/assets/{asset.pk}/")["ETag"]
    url = f"/api/v1/assets/{asset.pk}/freeze-renewals/"
    assert client.post(url, {"renewed_on": "2025-07-01", "expires_on": "2026-01-09"}, format="json").status_code == 200
    stale = client.post(
        url, {"renewed_on": "2025-08-01", "expires_on": "2026-03-09"}, format="json", HTTP_IF_MATCH=etag
    )
    problem(stale, 412)


@pytest.mark.django_db
def test_the_list_filters_by_freeze_expiry(api, investigator_a):
    today = timezone.localdate()
    case = make_case(lead=investigator_a)
    soon = freeze(make_asset(case=case, description="soon"), today + datetime.timedelta(days=7))
    lapsed = freeze(make_asset(case=case, description="lapsed"), today - datetime.timedelta(days=1))
    freeze(make_asset(case=case, description="later"), today + datetime.timedelta(days=31))
    client = api(investigator_a)

    def ids(query):
        return [row["id"] for row in client.get(f"/api/v1/assets/?{query}").json()["results"]]

    assert ids("freeze_expiry=expiring_7") == [soon.pk]
    assert ids("freeze_expiry=lapsed") == [lapsed.pk]
    assert len(ids("freeze_expiry=expiring_30")) == 1
    assert "freeze_expiry" in problem(client.get("/api/v1/assets/?freeze_expiry=soon"), 400)["errors"]
