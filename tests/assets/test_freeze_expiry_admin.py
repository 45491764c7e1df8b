"""The freeze's expiry in the admin: the freeze form takes it, the asset page renews the freeze
(bad dates shown on the form, nothing written), the list shows days left and filters by the read
rules, another unit's asset is not found."""

import datetime

import pytest
from django.utils import timezone
from djmoney.money import Money

from assets.models import Asset
from assets.services import asset_transition
from tests.factories import make_asset, make_case

D = datetime.date
S = Asset.Status


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def asset(investigator_a):
    return make_asset(case=make_case(lead=investigator_a), description="Account at Bank Zug")


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
def test_the_freeze_form_takes_the_expiry_and_refuses_an_absurd_one(asset, login, investigator_a):
    client = login(investigator_a)
    url = f"/admin/assets/asset/{asset.pk}/transition/frozen/"
    assert 'name="freeze_expires_on"' in client.get(url).content.decode()
    form = {"effective_on": "2025-01-10", "amount": "1000.00", "expected_version": asset.version}
    response = client.post(url, {**form, "freeze_expires_on": "9999-12-31"})
    assert response.status_code == 200 and "not a plausible expiry" in response.content.decode()
    response = client.post(url, {**form, "freeze_expires_on": "2025-01-01"})
    assert response.status_code == 200 and "must come after 2025-01-10" in response.content.decode()
    asset.refresh_from_db()
    assert asset.status == S.IDENTIFIED and asset.freeze_expires_on is None
    response = client.post(url, {**form, "freeze_expires_on": "2025-07-09"})
    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.status == S.FROZEN and asset.freeze_expires_on == D(2025, 7, 9)
    page = client.get(f"/admin/assets/asset/{asset.pk}/change/").content.decode()
    assert "Freeze in force until 9 Jul 2025" in page  # the freeze's timeline row, in the language's style


@pytest.mark.django_db
def test_the_asset_page_renews_the_freeze(asset, login, investigator_a):
    freeze(asset, D(2025, 7, 9))
    asset.refresh_from_db()
    client = login(investigator_a)
    url = f"/admin/assets/asset/{asset.pk}/renew-freeze/"
    assert url in client.get(f"/admin/assets/asset/{asset.pk}/change/").content.decode()
    form = {"renewed_on": "2025-07-01", "expected_version": asset.version}
    for expires_on, message in (
        ("2025-07-01", "must come after 2025-07-01"),
        ("0001-01-01", "must come after"),
        ("9999-12-31", "not a plausible expiry"),
        ("2025-07-05", "would shorten it"),
    ):
        response = client.post(url, {**form, "expires_on": expires_on})
        assert response.status_code == 200 and message in response.content.decode(), expires_on
    asset.refresh_from_db()
    assert asset.freeze_expires_on == D(2025, 7, 9) and asset.timeline.count() == 2
    response = client.post(url, {**form, "expires_on": "2026-01-09", "note": "Extended by the Zug court"})
    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.freeze_expires_on == D(2026, 1, 9)
    page = client.get(f"/admin/assets/asset/{asset.pk}/change/").content.decode()
    assert "Freeze renewed until 2026-01-09 (was: 2025-07-09): Extended by the Zug court" in page


@pytest.mark.django_db
def test_a_renewal_of_an_asset_not_frozen_is_refused_on_the_form(asset, login, investigator_a):
    client = login(investigator_a)
    url = f"/admin/assets/asset/{asset.pk}/renew-freeze/"
    assert url not in client.get(f"/admin/assets/asset/{asset.pk}/change/").content.decode()
    response = client.post(url, {"renewed_on": "2025-07-01", "expires_on": "2026-01-09"})
    assert response.status_code == 200 and "Only a frozen asset" in response.content.decode()
    asset.refresh_from_db()
    assert asset.freeze_expires_on is None


@pytest.mark.django_db
def test_another_units_asset_is_not_found_and_a_reader_may_not_renew(asset, login, investigator_b, analyst):
    freeze(asset, D(2025, 7, 9))
    url = f"/admin/assets/asset/{asset.pk}/renew-freeze/"
    client = login(investigator_b)
    assert client.get(url).status_code == 404
    response = client.post(url, {"renewed_on": "2025-07-01", "expires_on": "2026-01-09"})
    assert response.status_code == 404 and b"Bank Zug" not in response.content
    assert login(analyst).post(url, {"renewed_on": "2025-07-01", "expires_on": "2026-01-09"}).status_code == 403
    asset.refresh_from_db()
    assert asset.freeze_expires_on == D(2025, 7, 9)


@pytest.mark.django_db
def test_the_list_shows_days_left_and_filters_by_the_read_rules(login, investigator_a, investigator_b):
    today = timezone.localdate()
    case = make_case(lead=investigator_a)
    soon = freeze(make_asset(case=case, description="Expiring soon"), today + datetime.timedelta(days=5))
    lapsed = freeze(make_asset(case=case, description="Lapsed freeze"), today - datetime.timedelta(days=3))
    freeze(make_asset(case=case, description="Far away"), today + datetime.timedelta(days=200))
    freeze(make_asset(case=make_case(lead=investigator_b), description="Unit B expiring"), today)
    client = login(investigator_a)
    page = client.get("/admin/assets/asset/").content.decode()
    assert "(5 days left)" in page and "lapsed 3 days ago" in page
    page = client.get("/admin/assets/asset/?freeze_expiry=expiring_7").content.decode()
    assert soon.description in page and lapsed.description not in page and "Far away" not in page
    assert "Unit B expiring" not in page
    page = client.get("/admin/assets/asset/?freeze_expiry=lapsed").content.decode()
    assert lapsed.description in page and soon.description not in page
    response = client.get("/admin/assets/asset/?freeze_expiry=soonish")
    assert response.status_code == 302 and "e=1" in response["Location"]
