"""The StatusModel guard: assigning `status` and saving is refused for cases, requests and assets,
so no code path can skip the timeline."""

import datetime

import pytest

from assets.models import Asset
from cases.models import Case
from cases.services import case_transition
from mla_requests.models import Request
from recovery.errors import TransitionNotAllowed
from tests.factories import CrimeCategoryFactory, make_asset, make_case, make_request


@pytest.fixture
def records(investigator_a):
    case = make_case(lead=investigator_a)
    return {
        "case": (case, Case.Status.CLOSED),
        "request": (make_request(case=case), Request.Status.EXECUTED),
        "asset": (make_asset(case=case), Asset.Status.RETURNED),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["case", "request", "asset"])
def test_assigning_status_and_saving_is_refused(records, kind):
    obj, other_status = records[kind]
    version, rows = obj.version, obj.timeline.count()
    initial = obj.status

    obj.status = other_status
    with pytest.raises(TransitionNotAllowed, match="only through a recorded transition"):
        obj.save()

    fresh = type(obj).objects.get(pk=obj.pk)
    assert fresh.status == initial
    assert fresh.version == version
    assert fresh.timeline.count() == rows


@pytest.mark.django_db
def test_a_new_case_cannot_be_created_in_a_later_status(investigator_a):
    case = Case(
        register_number="990000000001",
        title="Born closed",
        unit=investigator_a.unit,
        lead_investigator=investigator_a,
        primary_crime_category=CrimeCategoryFactory(code="fraud"),
        opened_on=datetime.date(2024, 1, 1),
        closed_on=datetime.date(2024, 2, 1),
        status=Case.Status.CLOSED,
    )
    with pytest.raises(TransitionNotAllowed):
        case.save()
    assert not Case.objects.filter(register_number="990000000001").exists()


@pytest.mark.django_db
def test_saving_without_touching_the_status_is_allowed_and_bumps_the_version(investigator_a):
    case = make_case(lead=investigator_a)
    case = Case.objects.get(pk=case.pk)
    case.title = "Renamed"
    case.save()
    case.refresh_from_db()
    assert (case.title, case.version) == ("Renamed", 2)


@pytest.mark.django_db
def test_a_copy_refreshed_after_a_transition_can_be_saved(investigator_a):
    """refresh_from_db must take the new status as the loaded one, or the guard refuses a save that
    changes no status."""
    case = make_case(lead=investigator_a)
    case_transition(case=case, to_status=Case.Status.SUSPENDED, actor=investigator_a)
    case.refresh_from_db()
    assert case.status == Case.Status.SUSPENDED
    case.title = "Edited after suspension"
    case.save()
    case.refresh_from_db()
    assert case.title == "Edited after suspension"
    assert case.status == Case.Status.SUSPENDED


@pytest.mark.django_db
def test_a_copy_loaded_without_its_status_costs_no_extra_query_and_still_saves(
    investigator_a, django_assert_num_queries
):
    for _ in range(3):
        make_case(lead=investigator_a)
    with django_assert_num_queries(1):
        titles = [case.title for case in Case.objects.only("pk", "title")]
    assert len(titles) == 3

    case = Case.objects.only("pk", "title").first()
    case.title = "Saved from a partial copy"
    case.save()
    case = Case.objects.get(pk=case.pk)
    assert (case.title, case.status) == ("Saved from a partial copy", Case.Status.OPEN)

    partial = Case.objects.only("pk", "title").get(pk=case.pk)
    partial.status = Case.Status.CLOSED
    with pytest.raises(TransitionNotAllowed):
        partial.save()
