"""Per-object forms that call a service without a status move: moving a request's deadline,
deciding a third-party claim."""

import datetime

import pytest

from assets.models import ThirdPartyClaim
from assets.services import claim_create
from mla_requests.services import request_send


@pytest.mark.django_db
def test_moving_the_deadline_needs_a_reason_and_goes_through_the_service(desk, login, investigator_a):
    request = request_send(
        request=desk.request_a, actor=investigator_a, sent_on=datetime.date(2025, 1, 10), override_reason="urgent"
    )
    client = login(investigator_a)
    page = client.get(f"/admin/requests/request/{request.pk}/change/").content.decode()
    url = f"/admin/requests/request/{request.pk}/deadline/"
    assert url in page
    response = client.post(url, {"response_due": "2025-12-31", "reason": ""})
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.response_due == datetime.date(2025, 4, 10)
    response = client.post(url, {"response_due": "2024-12-31", "reason": "Extension"})
    assert response.status_code == 200
    assert "cannot precede the sending date" in response.content.decode()
    response = client.post(url, {"response_due": "2025-12-31", "reason": "Extension agreed, letter 55/2025"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.response_due == datetime.date(2025, 12, 31) and request.response_due_set_manually


@pytest.mark.django_db
def test_a_claim_is_decided_once(desk, login, investigator_a, analyst):
    claim = claim_create(
        actor=investigator_a,
        asset=desk.asset_a,
        claimant="First Bank of Zug",
        basis="Pledge over the account",
        filed_on=datetime.date(2025, 2, 1),
    )
    url = f"/admin/assets/thirdpartyclaim/{claim.pk}/decide/"
    assert login(analyst).get(url).status_code == 403
    client = login(investigator_a)
    assert url in client.get(f"/admin/assets/thirdpartyclaim/{claim.pk}/change/").content.decode()
    response = client.post(url, {"status": "upheld", "decided_on": "2025-01-01", "bona_fide": "true"})
    assert response.status_code == 200  # before it was filed
    claim.refresh_from_db()
    assert claim.status == ThirdPartyClaim.Status.PENDING
    response = client.post(url, {"status": "upheld", "decided_on": "2025-03-01", "bona_fide": "true"})
    assert response.status_code == 200  # upheld, but for how much?
    claim.refresh_from_db()
    assert claim.status == ThirdPartyClaim.Status.PENDING
    response = client.post(
        url, {"status": "upheld", "decided_on": "2025-03-01", "bona_fide": "true", "upheld_amount": "25000.00"}
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.bona_fide, claim.upheld_amount) == (ThirdPartyClaim.Status.UPHELD, True, 25000)
    assert client.get(url).status_code == 403  # decided claims stay decided


@pytest.mark.django_db
def test_unit_autocomplete_offers_only_ones_own_units(desk, login, investigator_a, unit_a, unit_b):
    response = login(investigator_a).get(
        "/admin/autocomplete/", {"app_label": "cases", "model_name": "case", "field_name": "unit"}
    )
    ids = {int(item["id"]) for item in response.json()["results"]}
    assert unit_a.pk in ids and unit_b.pk not in ids
