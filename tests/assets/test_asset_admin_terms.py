"""The admin side of the asset's legal terms: the transition forms (a Korean asset's return refused
without an agreement, accepted with one or with an override; the confiscation recording its court
decision; provenance choices only from the asset's own file; a pending claim blocking), the
agreement inline and admin (scoped), the claim decision with its amount, and the amounts shown."""

import datetime

import pytest
from django.contrib.messages import get_messages

from assets.models import Asset, AssetAgreement, CourtDecision
from assets.services import agreement_record, asset_transition, claim_create, claim_decide
from tests.admin.forms import change_form_data
from tests.factories import AssistanceMeasureFactory, LegalInstrumentFactory, make_asset, make_case, make_request

S = Asset.Status
D = datetime.date


@pytest.fixture
def korean_asset(investigator_a):
    measure = AssistanceMeasureFactory(code="confiscation")
    treaty = LegalInstrumentFactory(
        code="kz-kr-mla",
        kind="bilateral_treaty",
        open_to_all_states=False,
        countries=["KR"],
        measures=[measure],
        requested_party_retains_proceeds=True,
    )
    case = make_case(lead=investigator_a)
    asset = make_asset(case=case, location_country="KR", currency="KRW", identifier="KR-110-222-333")
    make_request(case=case, country="KR", legal_basis=treaty, measures=[measure], assets=[asset])
    asset = asset_transition(
        asset=asset, to_status=S.FROZEN, actor=investigator_a, amount="1000000.00", effective_on=D(2025, 3, 1)
    )
    return asset_transition(
        asset=asset, to_status=S.CONFISCATED, actor=investigator_a, amount="800000.00", effective_on=D(2025, 6, 1)
    )


@pytest.fixture
def client_a(client, investigator_a):
    client.force_login(investigator_a)
    return client


def url(asset, to_status):
    return f"/admin/assets/asset/{asset.pk}/transition/{to_status}/"


def errors(response):
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


@pytest.mark.django_db
def test_a_korean_assets_return_is_refused_without_an_agreement(client_a, korean_asset):
    response = client_a.post(url(korean_asset, S.RETURNED), {"effective_on": "2025-08-01", "amount": "100000.00"})
    assert response.status_code == 200
    assert any("retains confiscated proceeds" in m for m in errors(response))
    korean_asset.refresh_from_db()
    assert (korean_asset.status, korean_asset.returned_amount) == (S.CONFISCATED, 0)


@pytest.mark.django_db
def test_an_agreement_recorded_in_the_inline_lets_the_return_through(client_a, korean_asset):
    change = f"/admin/assets/asset/{korean_asset.pk}/change/"
    data = change_form_data(client_a.get(change))
    data.update(
        {
            "agreements-TOTAL_FORMS": "1",
            "agreements-0-kind": "return",
            "agreements-0-concluded_on": "2025-07-01",
            "agreements-0-home_share_percent": "100",
            "agreements-0-other_share_percent": "",
            "agreements-0-note": "Exchange of notes",
        }
    )
    response = client_a.post(change, data)
    assert response.status_code == 302, errors(response)
    agreement = AssetAgreement.objects.get(asset=korean_asset)
    assert (agreement.kind, agreement.other_state.code, agreement.other_share_percent) == ("return", "KR", 0)
    response = client_a.post(url(korean_asset, S.RETURNED), {"effective_on": "2025-08-01", "amount": "300000.00"})
    assert response.status_code == 302
    korean_asset.refresh_from_db()
    assert (korean_asset.status, korean_asset.returned_amount) == (S.RETURNED, 300000)
    page = client_a.get(change).content.decode()
    assert "Partially returned" in page and "Exchange of notes" in page


@pytest.mark.django_db
def test_a_bad_agreement_in_the_inline_is_refused_and_nothing_is_written(client_a, korean_asset):
    change = f"/admin/assets/asset/{korean_asset.pk}/change/"
    data = change_form_data(client_a.get(change))
    data.update(
        {
            "agreements-TOTAL_FORMS": "1",
            "agreements-0-kind": "sharing",
            "agreements-0-concluded_on": "2025-07-01",
            "agreements-0-home_share_percent": "70",
            "agreements-0-other_share_percent": "40",
        }
    )
    response = client_a.post(change, data)
    assert response.status_code == 200
    assert "add up to 100" in response.content.decode()
    assert not AssetAgreement.objects.exists()


@pytest.mark.django_db
def test_an_override_records_the_return_with_its_reason(client_a, korean_asset):
    reason = "Returned by a Korean court order; notes to follow"
    response = client_a.post(
        url(korean_asset, S.SHARED), {"effective_on": "2025-08-01", "amount": "400000.00", "override_reason": reason}
    )
    assert response.status_code == 302
    korean_asset.refresh_from_db()
    assert (korean_asset.status, korean_asset.shared_amount) == (S.SHARED, 400000)
    assert korean_asset.timeline.last().override_reason == reason


@pytest.mark.django_db
def test_the_confiscation_form_records_the_court_decision(client_a, investigator_a):
    asset = make_asset(case=make_case(lead=investigator_a))
    request = make_request(case=asset.case, assets=[asset])
    asset_transition(asset=asset, to_status=S.FROZEN, actor=investigator_a, amount="1000.00")
    missing = client_a.post(url(asset, S.CONFISCATED), {"effective_on": "2025-06-01", "amount": "900.00"})
    assert missing.status_code == 200 and not CourtDecision.objects.exists()
    response = client_a.post(
        url(asset, S.CONFISCATED),
        {
            "effective_on": "2025-06-01",
            "amount": "900.00",
            "request": request.pk,
            "decision_court": "Zurich District Court",
            "decision_decided_on": "2025-05-20",
            "decision_reference": "DG250123",
            "decision_conviction_based": "true",
        },
    )
    assert response.status_code == 302, errors(response)
    decision = CourtDecision.objects.get(asset=asset)
    assert (decision.kind, decision.court, decision.reference, decision.conviction_based) == (
        "confiscation",
        "Zurich District Court",
        "DG250123",
        True,
    )
    step = asset.timeline.last()
    assert (step.to_status, step.court_decision, step.request) == (S.CONFISCATED, decision, request)


@pytest.mark.django_db
def test_the_confiscation_form_links_an_existing_decision(client_a, investigator_a):
    from assets.services import court_decision_create

    asset = make_asset(case=make_case(lead=investigator_a))
    decision = court_decision_create(
        actor=investigator_a,
        asset=asset,
        kind="confiscation",
        court="Zug court",
        country="CH",
        decided_on=D(2025, 5, 1),
    )
    response = client_a.post(
        url(asset, S.CONFISCATED), {"effective_on": "2025-06-01", "amount": "900.00", "court_decision": decision.pk}
    )
    assert response.status_code == 302
    assert asset.timeline.last().court_decision == decision
    assert CourtDecision.objects.count() == 1


@pytest.mark.django_db
def test_another_units_request_or_decision_is_not_a_choice(client_a, investigator_a, investigator_b):
    asset = make_asset(case=make_case(lead=investigator_a))
    other_asset = make_asset(case=make_case(lead=investigator_b))
    other_request = make_request(case=other_asset.case)
    other_decision = CourtDecision.objects.create(
        asset=other_asset, kind="confiscation", court="Secret court", country="CH", decided_on=D(2024, 5, 1)
    )
    for link in ({"request": other_request.pk}, {"court_decision": other_decision.pk}):
        response = client_a.post(url(asset, S.FROZEN), {"effective_on": "2025-04-01", "amount": "10.00", **link})
        assert response.status_code == 200
        page = response.content.decode()
        assert "Select a valid choice" in page
        assert "Secret court" not in page and other_request.reference not in page
    asset.refresh_from_db()
    assert asset.status == S.IDENTIFIED and asset.timeline.count() == 1


@pytest.mark.django_db
def test_a_pending_claim_blocks_the_confiscation_form(client_a, investigator_a):
    asset = make_asset(case=make_case(lead=investigator_a))
    claim_create(
        actor=investigator_a, asset=asset, claimant="A bona fide buyer", basis="Bought in 2019", filed_on=D(2024, 4, 1)
    )
    data = {
        "effective_on": "2025-06-01",
        "amount": "900.00",
        "decision_court": "Court",
        "decision_decided_on": "2025-05-01",
    }
    response = client_a.post(url(asset, S.CONFISCATED), data)
    assert response.status_code == 200
    assert any("A bona fide buyer" in m for m in errors(response))
    asset.refresh_from_db()
    assert asset.status == S.IDENTIFIED and not CourtDecision.objects.exists()


@pytest.mark.django_db
def test_the_list_shows_the_amounts_at_each_stage(client_a, investigator_a):
    asset = make_asset(case=make_case(lead=investigator_a))
    asset_transition(asset=asset, to_status=S.CONFISCATED, actor=investigator_a, amount="1000.00")
    claim = claim_create(actor=investigator_a, asset=asset, claimant="Bank", basis="Pledge", filed_on=D(2024, 4, 1))
    claim_decide(actor=investigator_a, claim=claim, status="upheld", decided_on=D(2024, 5, 1), upheld_amount="250.00")
    asset_transition(asset=asset, to_status=S.RETURNED, actor=investigator_a, amount="500.00")
    page = client_a.get("/admin/assets/asset/").content.decode()
    assert "partially returned" in page
    assert "250.00" in page  # upheld claims
    assert "$250.00" in page or "US$250.00" in page or "250.00 USD" in page or "USD" in page
    detail = client_a.get(f"/admin/assets/asset/{asset.pk}/change/").content.decode()
    for label in ("still frozen", "upheld third-party claims", "still returnable", "Partially returned"):
        assert label in detail


@pytest.mark.django_db
def test_another_unit_neither_sees_nor_writes_agreements(client, korean_asset, investigator_a, investigator_b):
    agreement = agreement_record(
        actor=investigator_a,
        asset=korean_asset,
        kind="return",
        concluded_on=D(2025, 7, 1),
        home_share_percent="100",
        note="Notes of unit A",
    )
    client.force_login(investigator_b)
    assert client.get(f"/admin/assets/assetagreement/{agreement.pk}/change/").status_code == 404
    listing = client.get("/admin/assets/assetagreement/")
    assert listing.status_code == 200 and listing.context["cl"].result_count == 0
    change = f"/admin/assets/asset/{korean_asset.pk}/change/"
    response = client.post(
        change,
        {
            "agreements-TOTAL_FORMS": "1",
            "agreements-INITIAL_FORMS": "0",
            "agreements-0-kind": "sharing",
            "agreements-0-concluded_on": "2025-07-01",
            "agreements-0-home_share_percent": "50",
        },
    )
    assert response.status_code == 404
    assert AssetAgreement.objects.count() == 1
    client.force_login(investigator_a)
    assert client.get("/admin/assets/assetagreement/").context["cl"].result_count == 1
