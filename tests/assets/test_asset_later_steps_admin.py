"""The admin side of the later steps: the forms for part of the freeze released and for the sale
(amount, date, provenance; refusals shown on the form, nothing written; another unit's asset is
404), restitution and the retained amount as transitions, and the amounts shown on the asset's page
and in the list."""

import datetime

import pytest
from django.contrib.messages import get_messages

from assets.models import Asset, AssetStatusChange
from assets.services import asset_release_part, asset_transition
from tests.factories import make_asset, make_case, make_request

S = Asset.Status
Step = AssetStatusChange.Step
D = datetime.date


@pytest.fixture
def frozen_asset(investigator_a):
    asset = make_asset(case=make_case(lead=investigator_a), currency="USD", identifier="CH-STEPS-1")
    return asset_transition(
        asset=asset, to_status=S.FROZEN, actor=investigator_a, amount="1000.00", effective_on=D(2025, 3, 1)
    )


@pytest.fixture
def client_a(client, investigator_a):
    client.force_login(investigator_a)
    return client


def step_url(asset, step):
    return f"/admin/assets/asset/{asset.pk}/{step}/"


def transition_url(asset, to_status):
    return f"/admin/assets/asset/{asset.pk}/transition/{to_status}/"


def errors(response):
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


def snapshot(asset):
    fresh = Asset.objects.get(pk=asset.pk)
    return (fresh.status, fresh.version, fresh.timeline.count(), fresh.released_amount, fresh.realised_amount)


@pytest.mark.django_db
def test_the_asset_page_offers_the_steps_it_allows(client_a, frozen_asset):
    page = client_a.get(f"/admin/assets/asset/{frozen_asset.pk}/change/").content.decode()
    assert step_url(frozen_asset, "partial-release") in page
    assert step_url(frozen_asset, "sale") in page
    form = client_a.get(step_url(frozen_asset, "partial-release"))
    assert form.status_code == 200 and "amount released (USD)" in form.content.decode()


@pytest.mark.django_db
def test_part_of_the_freeze_released_through_the_admin(client_a, frozen_asset):
    request = make_request(case=frozen_asset.case)
    response = client_a.post(
        step_url(frozen_asset, "partial-release"),
        {
            "effective_on": "2025-05-01",
            "amount": "300.00",
            "request": request.pk,
            "document_reference": "Ruling 5/2025",
            "expected_version": frozen_asset.version,
        },
    )
    assert response.status_code == 302
    asset = Asset.objects.get(pk=frozen_asset.pk)
    assert (asset.status, asset.released_amount, asset.still_frozen_amount) == (S.FROZEN, 300, 700)
    row = asset.timeline.last()
    assert (row.step, str(row.step_amount.amount), row.request, row.effective_on) == (
        Step.PARTIAL_RELEASE,
        "300.00",
        request,
        D(2025, 5, 1),
    )
    page = client_a.get(f"/admin/assets/asset/{asset.pk}/change/").content.decode()
    assert "Partially frozen" in page and "released" in page
    listing = client_a.get("/admin/assets/asset/").content.decode()
    assert "partially frozen" in listing


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["1000.01", "0", "-1"])
def test_a_bad_released_amount_is_shown_on_the_form_and_nothing_is_written(client_a, frozen_asset, amount):
    before = snapshot(frozen_asset)
    response = client_a.post(
        step_url(frozen_asset, "partial-release"), {"effective_on": "2025-05-01", "amount": amount}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert snapshot(frozen_asset) == before


@pytest.mark.django_db
def test_a_release_above_what_is_still_frozen_names_the_reason(client_a, frozen_asset, investigator_a):
    asset_release_part(asset=frozen_asset, actor=investigator_a, amount="900.00")
    before = snapshot(frozen_asset)
    response = client_a.post(step_url(frozen_asset, "partial-release"), {"effective_on": "2025-05-01", "amount": "200"})
    assert response.status_code == 200
    assert any("still frozen" in m for m in errors(response))
    assert snapshot(frozen_asset) == before


@pytest.mark.django_db
def test_the_sale_through_the_admin(client_a, frozen_asset):
    response = client_a.post(
        step_url(frozen_asset, "sale"), {"effective_on": "2025-05-02", "amount": "850.00", "note": "Auctioned"}
    )
    assert response.status_code == 302
    asset = Asset.objects.get(pk=frozen_asset.pk)
    assert (asset.realised_amount, asset.sold_at_stage, asset.still_frozen_amount) == (850, S.FROZEN, 850)
    page = client_a.get(f"/admin/assets/asset/{asset.pk}/change/").content.decode()
    assert "Sold while frozen" in page
    # Sold once: the page no longer offers it, and the form refuses a second sale.
    assert step_url(asset, "sale") not in page
    before = snapshot(asset)
    response = client_a.post(step_url(asset, "sale"), {"effective_on": "2025-05-03", "amount": "10"})
    assert response.status_code == 200 and any("already recorded" in m for m in errors(response))
    assert snapshot(asset) == before


@pytest.mark.django_db
def test_a_step_the_status_does_not_allow_is_refused(client_a, investigator_a):
    asset = make_asset(case=make_case(lead=investigator_a), identifier="CH-STEPS-2")
    before = snapshot(asset)
    response = client_a.post(step_url(asset, "sale"), {"effective_on": "2025-05-03", "amount": "10"})
    assert response.status_code == 200 and errors(response)
    assert snapshot(asset) == before


@pytest.mark.django_db
def test_another_units_asset_is_404_for_the_steps(client, investigator_b, frozen_asset):
    client.force_login(investigator_b)
    before = snapshot(frozen_asset)
    for step in ("partial-release", "sale"):
        assert client.get(step_url(frozen_asset, step)).status_code == 404
        assert client.post(step_url(frozen_asset, step), {"effective_on": "2025-05-01", "amount": "1"}).status_code == (
            404
        )
    assert snapshot(frozen_asset) == before


@pytest.mark.django_db
def test_restitution_and_the_retained_amount_through_the_admin(client_a, frozen_asset, investigator_a):
    asset_transition(asset=frozen_asset, to_status=S.CONFISCATED, actor=investigator_a, amount="1000.00")
    response = client_a.post(
        transition_url(frozen_asset, S.RESTITUTED), {"effective_on": "2025-07-01", "amount": "1000.01"}
    )
    assert response.status_code == 200 and any("more than" in m for m in errors(response))
    response = client_a.post(
        transition_url(frozen_asset, S.RESTITUTED), {"effective_on": "2025-07-01", "amount": "200"}
    )
    assert response.status_code == 302
    response = client_a.post(transition_url(frozen_asset, S.RETAINED_ABROAD), {"effective_on": "2025-08-01"})
    assert response.status_code == 302
    asset = Asset.objects.get(pk=frozen_asset.pk)
    assert (asset.status, asset.restituted_amount, asset.retained_amount) == (S.RETAINED_ABROAD, 200, 800)
    page = client_a.get(f"/admin/assets/asset/{asset.pk}/change/").content.decode()
    for label in ("restituted to victims", "retained by the requested state", "still returnable"):
        assert label in page
