"""A freeze abroad lapses unless renewed: its expiry is set with the freeze, moved by renewals (each
a timeline row with what caused it), refused when absurd, cleared when the asset leaves the frozen
status; the read rules (expiring within N days, lapsed, none recorded) and the FilterSet agree."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone
from djmoney.money import Money

from assets.filters import AssetFilterSet
from assets.models import Asset, AssetStatusChange
from assets.services import asset_renew_freeze, asset_transition, court_decision_create
from recovery.errors import AccessDenied, InvalidInput, TransitionNotAllowed, VersionConflict
from tests.factories import make_asset, make_case, make_request

S = Asset.Status
D = datetime.date
FROZEN_ON = D(2025, 1, 10)
RENEWED_ON = D(2025, 4, 1)


@pytest.fixture
def asset(investigator_a):
    return make_asset(case=make_case(lead=investigator_a))


def freeze(asset, expires_on=None, effective_on=FROZEN_ON, **kwargs):
    return asset_transition(
        asset=asset,
        to_status=S.FROZEN,
        actor=asset.case.lead_investigator,
        amount=Money("1000.00", "USD"),
        effective_on=effective_on,
        freeze_expires_on=expires_on,
        **kwargs,
    )


def renew(asset, expires_on, renewed_on=RENEWED_ON, **kwargs):
    kwargs.setdefault("actor", asset.case.lead_investigator)
    return asset_renew_freeze(asset=asset, renewed_on=renewed_on, expires_on=expires_on, **kwargs)


def snapshot(asset):
    asset.refresh_from_db()
    return (asset.status, asset.version, asset.freeze_expires_on, asset.frozen_amount, asset.timeline.count())


# --- set with the freeze ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_freeze_records_its_expiry_on_the_asset_and_its_timeline_row(asset):
    frozen = freeze(asset, D(2025, 7, 9))
    assert frozen.freeze_expires_on == D(2025, 7, 9)
    row = frozen.timeline.order_by("pk").last()
    assert (row.from_status, row.to_status, row.freeze_expires_on) == (S.IDENTIFIED, S.FROZEN, D(2025, 7, 9))


@pytest.mark.django_db
def test_a_freeze_without_a_term_has_no_expiry(asset):
    assert freeze(asset).freeze_expires_on is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "expires_on",
    [FROZEN_ON, FROZEN_ON - datetime.timedelta(days=1), D(1, 1, 1), D(9999, 12, 31), D(2060, 1, 1)],
    ids=["same-day", "before-the-freeze", "year-1", "year-9999", "beyond-30-years"],
)
def test_an_absurd_expiry_refuses_the_whole_freeze(asset, expires_on):
    before = snapshot(asset)
    with pytest.raises(InvalidInput) as refused:
        freeze(asset, expires_on)
    assert "freeze_expires_on" in refused.value.field_errors
    assert snapshot(asset) == before  # not frozen either: nothing half-written


@pytest.mark.django_db
def test_an_expiry_is_given_only_with_the_freeze(asset):
    court = court_decision_create(
        actor=asset.case.lead_investigator,
        asset=asset,
        kind="confiscation",
        court="Zurich District Court",
        country="CH",
        decided_on=D(2025, 2, 1),
    )
    with pytest.raises(InvalidInput) as refused:
        asset_transition(
            asset=asset,
            to_status=S.CONFISCATED,
            actor=asset.case.lead_investigator,
            amount=Money("10.00", "USD"),
            court_decision=court,
            freeze_expires_on=D(2025, 9, 1),
        )
    assert "freeze_expires_on" in refused.value.field_errors
    assert snapshot(asset)[0] == S.IDENTIFIED


@pytest.mark.django_db
@pytest.mark.parametrize("leave_to", [S.RELEASED, S.CONFISCATED])
def test_leaving_the_frozen_status_clears_the_expiry_and_the_timeline_keeps_it(asset, leave_to):
    freeze(asset, D(2025, 7, 9))
    kwargs = {}
    if leave_to == S.CONFISCATED:
        kwargs = {
            "amount": Money("1000.00", "USD"),
            "new_court_decision": {"court": "Zurich District Court", "decided_on": D(2025, 3, 1)},
        }
    moved = asset_transition(asset=asset, to_status=leave_to, actor=asset.case.lead_investigator, **kwargs)
    assert moved.freeze_expires_on is None
    assert Asset.objects.freeze_lapsed(D(2026, 1, 1)).count() == 0
    assert AssetStatusChange.objects.filter(asset=asset, freeze_expires_on=D(2025, 7, 9)).count() == 1


# --- renewals -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_renewal_moves_the_expiry_and_shows_on_the_timeline_with_its_cause(asset):
    freeze(asset, D(2025, 7, 9))
    request = make_request(case=asset.case)
    renewed = renew(
        asset,
        D(2026, 1, 9),
        renewed_on=D(2025, 7, 1),
        request=request,
        note="Extended on our request of June",
        document_reference="Order 2025/311",
    )
    assert renewed.freeze_expires_on == D(2026, 1, 9)
    row = renewed.timeline.order_by("pk").last()
    assert (row.from_status, row.to_status) == (S.FROZEN, S.FROZEN)
    assert row.effective_on == D(2025, 7, 1) and row.freeze_expires_on == D(2026, 1, 9)
    assert row.note.startswith("Freeze renewed until 2026-01-09 (was: 2025-07-09)")
    assert "Extended on our request of June" in row.note
    assert row.request == request and row.document_reference == "Order 2025/311"
    assert row.override_reason == ""
    assert renewed.status == S.FROZEN and renewed.frozen_amount == 1000


@pytest.mark.django_db
def test_a_freeze_with_no_term_recorded_can_be_given_one_by_a_renewal(asset):
    freeze(asset)
    renewed = renew(asset, D(2025, 10, 1))
    assert renewed.freeze_expires_on == D(2025, 10, 1)
    assert "no expiry recorded" in renewed.timeline.order_by("pk").last().note


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("renewed_on", "expires_on", "field"),
    [
        (D(2025, 4, 1), D(2025, 4, 1), "expires_on"),  # not after the renewal
        (D(2025, 4, 1), D(2025, 3, 1), "expires_on"),
        (D(2025, 4, 1), D(9999, 12, 31), "expires_on"),
        (D(2025, 4, 1), D(1, 1, 1), "expires_on"),
        (D(2024, 12, 1), D(2025, 12, 1), "renewed_on"),  # before the freeze
        (timezone.localdate() + datetime.timedelta(days=3), D(2099, 1, 1), "renewed_on"),  # in the future
    ],
)
def test_bad_renewal_dates_are_refused_and_change_nothing(asset, renewed_on, expires_on, field):
    freeze(asset, D(2025, 7, 9))
    before = snapshot(asset)
    with pytest.raises(InvalidInput) as refused:
        renew(asset, expires_on, renewed_on=renewed_on)
    assert field in refused.value.field_errors
    assert snapshot(asset) == before


@pytest.mark.django_db
def test_shortening_the_freeze_needs_an_override_reason_kept_on_the_timeline(asset):
    freeze(asset, D(2025, 7, 9))
    before = snapshot(asset)
    for shorter in (D(2025, 7, 9), D(2025, 6, 30)):
        with pytest.raises(InvalidInput, match="shorten"):
            renew(asset, shorter)
    assert snapshot(asset) == before
    renewed = renew(asset, D(2025, 6, 30), override_reason="The court shortened the term on appeal")
    assert renewed.freeze_expires_on == D(2025, 6, 30)
    assert renewed.timeline.order_by("pk").last().override_reason == "The court shortened the term on appeal"


@pytest.mark.django_db
def test_only_a_frozen_asset_is_renewed(asset):
    before = snapshot(asset)
    with pytest.raises(TransitionNotAllowed):
        renew(asset, D(2025, 10, 1))
    freeze(asset, D(2025, 7, 9))
    asset_transition(asset=asset, to_status=S.RELEASED, actor=asset.case.lead_investigator)
    with pytest.raises(TransitionNotAllowed):
        renew(asset, D(2025, 10, 1))
    asset.refresh_from_db()
    assert asset.freeze_expires_on is None and before[2] is None


@pytest.mark.django_db
def test_a_renewal_by_another_unit_or_citing_another_units_record_is_refused(asset, investigator_b):
    freeze(asset, D(2025, 7, 9))
    before = snapshot(asset)
    with pytest.raises(AccessDenied):
        renew(asset, D(2026, 1, 9), actor=investigator_b)
    foreign_request = make_request(case=make_case(lead=investigator_b))
    with pytest.raises(InvalidInput) as refused:
        renew(asset, D(2026, 1, 9), request=foreign_request)
    assert set(refused.value.field_errors) == {"request"}
    assert snapshot(asset) == before


@pytest.mark.django_db
def test_a_stale_version_is_refused(asset):
    frozen = freeze(asset, D(2025, 7, 9))
    with pytest.raises(VersionConflict):
        renew(asset, D(2026, 1, 9), expected_version=frozen.version - 1)
    assert renew(asset, D(2026, 1, 9), expected_version=frozen.version).version == frozen.version + 1


@pytest.mark.django_db
def test_the_database_refuses_an_absurd_expiry_written_around_the_services(asset):
    freeze(asset, D(2025, 7, 9))
    for absurd in (D(1999, 12, 31), D(9999, 1, 1)):
        with pytest.raises(IntegrityError), transaction.atomic():
            Asset.objects.filter(pk=asset.pk).update(freeze_expires_on=absurd)


# --- read rules and the FilterSet ---------------------------------------------------------------


@pytest.fixture
def frozen_assets(investigator_a):
    """Frozen assets whose freezes end at various distances from TODAY, and two others."""
    case = make_case(lead=investigator_a)
    made = {}
    for name, expires_on in {
        "yesterday": D(2025, 6, 30),
        "today": D(2025, 7, 1),
        "in_7": D(2025, 7, 8),
        "in_8": D(2025, 7, 9),
        "in_30": D(2025, 7, 31),
        "in_31": D(2025, 8, 1),
        "none": None,
    }.items():
        made[name] = freeze(make_asset(case=case, description=name), expires_on)
    made["released"] = freeze(make_asset(case=case, description="released"), D(2025, 6, 1))
    asset_transition(asset=made["released"], to_status=S.RELEASED, actor=investigator_a)
    made["identified"] = make_asset(case=case, description="identified")
    return made


TODAY = D(2025, 7, 1)


def names(queryset):
    return sorted(queryset.values_list("description", flat=True))


@pytest.mark.django_db
def test_the_read_rules_at_their_boundaries(frozen_assets):
    assert names(Asset.objects.freeze_expiring(7, TODAY)) == ["in_7", "today"]
    assert names(Asset.objects.freeze_expiring(30, TODAY)) == ["in_30", "in_7", "in_8", "today"]
    assert names(Asset.objects.freeze_expiring(0, TODAY)) == ["today"]
    assert names(Asset.objects.freeze_lapsed(TODAY)) == ["yesterday"]
    assert names(Asset.objects.freeze_lapsed(D(2025, 7, 2))) == ["today", "yesterday"]
    assert names(Asset.objects.freeze_expiry_unknown()) == ["none"]


@pytest.mark.django_db
def test_days_left_is_pure_and_none_unless_frozen_with_an_expiry(frozen_assets):
    assert frozen_assets["today"].freeze_days_left(TODAY) == 0
    assert frozen_assets["yesterday"].freeze_days_left(TODAY) == -1
    assert frozen_assets["in_30"].freeze_days_left(TODAY) == 30
    assert frozen_assets["none"].freeze_days_left(TODAY) is None
    frozen_assets["released"].refresh_from_db()
    assert frozen_assets["released"].freeze_days_left(TODAY) is None


@pytest.mark.django_db
def test_the_filterset_applies_the_same_rules(frozen_assets, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    expected = {
        "expiring_30": ["in_30", "in_7", "in_8", "today"],
        "expiring_7": ["in_7", "today"],
        "lapsed": ["yesterday"],
        "none": ["none"],
    }
    for value, wanted in expected.items():
        filterset = AssetFilterSet(QueryDict(f"freeze_expiry={value}"), queryset=Asset.objects.all())
        assert filterset.is_valid(), filterset.errors
        assert names(filterset.qs) == wanted, value
    bad = AssetFilterSet(QueryDict("freeze_expiry=soon"), queryset=Asset.objects.all())
    assert not bad.is_valid() and "freeze_expiry" in bad.errors
