"""A Korean asset (Korea treaty art. 16: the requested party retains confiscated proceeds unless
otherwise agreed): returned or shared only under a recorded agreement of that kind, or with an
override whose reason stays on the timeline; agreements' shares and amounts; who may record them."""

import datetime
from decimal import Decimal

import pytest
from djmoney.money import Money

from assets.models import Asset, AssetAgreement
from assets.services import agreement_record, asset_transition, governing_instruments, retaining_instrument
from recovery.errors import AccessDenied, InvalidAmount, InvalidInput, TransitionNotAllowed
from tests.factories import AssistanceMeasureFactory, LegalInstrumentFactory, make_asset, make_case, make_request

S = Asset.Status
D = datetime.date


@pytest.fixture
def korea_treaty(db):
    measure = AssistanceMeasureFactory(code="confiscation")
    return LegalInstrumentFactory(
        code="kz-kr-mla",
        name_en="Treaty on mutual legal assistance with the Republic of Korea",
        kind="bilateral_treaty",
        open_to_all_states=False,
        countries=["KR"],
        measures=[measure],
        requested_party_retains_proceeds=True,
    )


@pytest.fixture
def korean_asset(investigator_a, korea_treaty):
    """A KRW account in Korea, under a request to Korea, confiscated there."""
    case = make_case(lead=investigator_a)
    asset = make_asset(case=case, location_country="KR", currency="KRW", identifier="KR-110-222-333")
    make_request(
        case=case, country="KR", legal_basis=korea_treaty, measures=list(korea_treaty.measures.all()), assets=[asset]
    )
    asset = asset_transition(
        asset=asset, to_status=S.FROZEN, actor=investigator_a, amount="1000000.00", effective_on=D(2025, 3, 1)
    )
    return asset_transition(
        asset=asset, to_status=S.CONFISCATED, actor=investigator_a, amount="800000.00", effective_on=D(2025, 6, 1)
    )


def snapshot(asset):
    asset.refresh_from_db()
    return (asset.status, asset.version, asset.returned_amount, asset.shared_amount, asset.timeline.count())


@pytest.mark.django_db
def test_the_governing_instrument_is_the_legal_basis_of_a_request_concerning_the_asset(korean_asset, korea_treaty):
    assert list(governing_instruments(korean_asset)) == [korea_treaty]
    assert retaining_instrument(korean_asset) == korea_treaty
    other = make_asset(case=korean_asset.case, identifier="CH-1")
    assert retaining_instrument(other) is None  # no request concerns it


@pytest.mark.django_db
def test_a_korean_asset_is_not_returned_without_an_agreement(korean_asset, investigator_a):
    before = snapshot(korean_asset)
    for status in (S.RETURNED, S.SHARED):
        with pytest.raises(InvalidInput) as refusal:
            asset_transition(asset=korean_asset, to_status=status, actor=investigator_a, amount="100000.00")
        assert "retains confiscated proceeds" in str(refusal.value)
        assert "override_reason" in refusal.value.field_errors
        assert snapshot(korean_asset) == before


@pytest.mark.django_db
def test_an_agreement_of_the_other_kind_does_not_do(korean_asset, investigator_a):
    agreement_record(
        actor=investigator_a, asset=korean_asset, kind="sharing", concluded_on=D(2025, 7, 1), home_share_percent="50"
    )
    with pytest.raises(InvalidInput):
        asset_transition(asset=korean_asset, to_status=S.RETURNED, actor=investigator_a, amount="100000.00")
    # Nor one concluded after the step took effect.
    with pytest.raises(InvalidInput):
        asset_transition(
            asset=korean_asset,
            to_status=S.SHARED,
            actor=investigator_a,
            amount="100000.00",
            effective_on=D(2025, 6, 30),
        )


@pytest.mark.django_db
def test_a_korean_asset_is_returned_under_a_return_agreement(korean_asset, investigator_a):
    agreement = agreement_record(
        actor=investigator_a,
        asset=korean_asset,
        kind="return",
        concluded_on=D(2025, 7, 1),
        home_share_percent="100",
        home_amount=Money("800000.00", "KRW"),
        note="Exchange of notes",
    )
    assert agreement.other_state.code == "KR"  # the asset's state by default
    assert (agreement.home_share_percent, agreement.other_share_percent) == (Decimal("100"), Decimal("0"))
    asset = asset_transition(
        asset=korean_asset, to_status=S.RETURNED, actor=investigator_a, amount="300000.00", effective_on=D(2025, 8, 1)
    )
    assert asset.status == S.RETURNED and asset.returned_amount == Decimal("300000.00")
    assert asset.partially_returned
    assert asset.timeline.last().override_reason == ""


@pytest.mark.django_db
def test_a_korean_asset_is_shared_under_a_sharing_agreement_and_the_share_is_recorded(korean_asset, investigator_a):
    agreement_record(
        actor=investigator_a, asset=korean_asset, kind="sharing", concluded_on=D(2025, 7, 1), other_share_percent="40"
    )
    asset = asset_transition(
        asset=korean_asset, to_status=S.SHARED, actor=investigator_a, amount="480000.00", effective_on=D(2025, 8, 1)
    )
    assert asset.status == S.SHARED
    assert (asset.shared_amount, asset.returned_amount) == (Decimal("480000.00"), Decimal("0"))
    assert asset.timeline.last().amount == Money("480000.00", "KRW")
    assert AssetAgreement.objects.get(asset=asset).home_share_percent == Decimal("60")


@pytest.mark.django_db
def test_an_override_records_a_return_without_an_agreement_with_its_reason(korean_asset, investigator_a):
    reason = "Korea returned the funds by a court order; the exchange of notes follows"
    asset = asset_transition(
        asset=korean_asset, to_status=S.RETURNED, actor=investigator_a, amount="100000.00", override_reason=reason
    )
    assert asset.status == S.RETURNED
    assert asset.timeline.last().override_reason == reason


@pytest.mark.django_db
def test_retained_abroad_then_returned_after_an_agreement(korean_asset, investigator_a):
    asset = asset_transition(
        asset=korean_asset, to_status=S.RETAINED_ABROAD, actor=investigator_a, effective_on=D(2025, 7, 1)
    )
    with pytest.raises(InvalidInput):
        asset_transition(asset=asset, to_status=S.RETURNED, actor=investigator_a, amount="100.00")
    agreement_record(
        actor=investigator_a, asset=asset, kind="return", concluded_on=D(2025, 9, 1), home_share_percent="100"
    )
    asset = asset_transition(
        asset=asset, to_status=S.RETURNED, actor=investigator_a, amount="800000.00", effective_on=D(2025, 10, 1)
    )
    assert asset.status == S.RETURNED and not asset.partially_returned


@pytest.mark.django_db
def test_released_assets_stay_released(korean_asset, investigator_a):
    asset = asset_transition(asset=korean_asset, to_status=S.RELEASED, actor=investigator_a)
    with pytest.raises(TransitionNotAllowed):
        asset_transition(asset=asset, to_status=S.SHARED, actor=investigator_a, amount="1.00", override_reason="x")


@pytest.mark.django_db
def test_an_asset_under_a_treaty_without_the_retain_term_needs_no_agreement(investigator_a):
    asset = make_asset(case=make_case(lead=investigator_a))
    make_request(case=asset.case, assets=[asset])
    asset = asset_transition(asset=asset, to_status=S.CONFISCATED, actor=investigator_a, amount="500.00")
    asset = asset_transition(asset=asset, to_status=S.RETURNED, actor=investigator_a, amount="500.00")
    assert asset.returned_amount == Decimal("500.00")


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"home_share_percent": "60", "other_share_percent": "50"}, "other_share_percent"),
        ({"home_share_percent": "101"}, "home_share_percent"),
        ({"other_share_percent": "-1"}, "other_share_percent"),
        ({"home_share_percent": "abc"}, "home_share_percent"),
        ({"home_amount": "-5.00"}, "home_amount"),
        ({"home_amount": Money("5.00", "USD")}, "home_amount"),  # not the asset's currency
        ({"other_amount": "5.00"}, "home_share_percent"),  # our part unstated
        ({"home_share_percent": "50", "kind": "gift"}, "kind"),
        ({"home_share_percent": "50", "other_state": "KZ"}, "other_state"),
        ({"home_share_percent": "50", "concluded_on": D(2999, 1, 1)}, "concluded_on"),
    ],
)
@pytest.mark.django_db
def test_bad_agreements_are_refused_with_a_reason_and_nothing_is_written(korean_asset, investigator_a, values, field):
    kwargs = {"kind": "sharing", "concluded_on": D(2025, 7, 1), **values}
    with pytest.raises((InvalidInput, InvalidAmount)) as refusal:
        agreement_record(actor=investigator_a, asset=korean_asset, **kwargs)
    assert field in refusal.value.field_errors
    assert not AssetAgreement.objects.exists()


@pytest.mark.django_db
def test_the_database_refuses_shares_that_do_not_add_up(korean_asset):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        AssetAgreement.objects.create(
            asset=korean_asset,
            kind="sharing",
            concluded_on=D(2025, 7, 1),
            other_state="KR",
            home_share_percent=50,
            other_share_percent=40,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        AssetAgreement.objects.create(
            asset=korean_asset, kind="return", concluded_on=D(2025, 7, 1), other_state="KR", home_amount=-1
        )


@pytest.mark.django_db
def test_another_units_investigator_cannot_record_an_agreement(korean_asset, investigator_b, analyst):
    with pytest.raises(AccessDenied) as refusal:
        agreement_record(
            actor=investigator_b,
            asset=korean_asset,
            kind="return",
            concluded_on=D(2025, 7, 1),
            home_share_percent="100",
        )
    assert refusal.value.code == "not_found"
    with pytest.raises(AccessDenied):
        agreement_record(
            actor=analyst, asset=korean_asset, kind="return", concluded_on=D(2025, 7, 1), home_share_percent="100"
        )
    assert not AssetAgreement.objects.exists()


@pytest.mark.django_db
def test_the_agreements_document_must_be_of_the_assets_file(korean_asset, investigator_a, investigator_b):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents.services import document_add

    other_case = make_case(lead=investigator_b)
    foreign = document_add(
        actor=investigator_b,
        case=other_case,
        kind="agreement",
        title="Their agreement",
        file=SimpleUploadedFile("a.txt", b"text"),
    )
    with pytest.raises(InvalidInput) as refusal:
        agreement_record(
            actor=investigator_a,
            asset=korean_asset,
            kind="return",
            concluded_on=D(2025, 7, 1),
            home_share_percent="100",
            document=foreign,
        )
    assert "document" in refusal.value.field_errors
    ours = document_add(
        actor=investigator_a,
        case=korean_asset.case,
        kind="agreement",
        title="Exchange of notes",
        file=SimpleUploadedFile("a.txt", b"text"),
        asset=korean_asset,
    )
    agreement = agreement_record(
        actor=investigator_a,
        asset=korean_asset,
        kind="return",
        concluded_on=D(2025, 7, 1),
        home_share_percent="100",
        document=ours,
    )
    assert agreement.document == ours


@pytest.mark.django_db
def test_an_agreement_on_an_asset_here_at_a_foreign_request_is_with_the_requesting_state(investigator_a):
    from assets.services import asset_create
    from tests.factories import make_incoming

    incoming = make_incoming(actor=investigator_a, country="CH")
    asset = asset_create(
        actor=investigator_a,
        incoming_request=incoming,
        kind="real_estate",
        description="Flat in Almaty",
        location_country="KZ",
        identified_on=D(2026, 3, 5),
        currency="KZT",
    )
    assert retaining_instrument(asset) is None  # no outgoing request concerns it
    agreement = agreement_record(
        actor=investigator_a, asset=asset, kind="sharing", concluded_on=D(2026, 3, 10), home_share_percent="25"
    )
    assert (agreement.other_state.code, agreement.other_share_percent) == ("CH", Decimal("75"))
