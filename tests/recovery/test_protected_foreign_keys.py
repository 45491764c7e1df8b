"""Reference data in use, and anything with a timeline, cannot be deleted (ProtectedError)."""

import pytest
from django.db import transaction
from django.db.models import ProtectedError

from assets.models import Asset
from cases.models import Case
from mla_requests.models import Request
from recovery.models import CrimeCategory, LegalInstrument, Unit
from tests.factories import CrimeCategoryFactory, LegalInstrumentFactory, make_asset, make_case, make_request


def protected(obj):
    with pytest.raises(ProtectedError), transaction.atomic():
        obj.delete()
    assert type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.django_db
def test_a_crime_category_used_by_a_case(investigator_a):
    category = CrimeCategoryFactory(code="laundering")
    make_case(lead=investigator_a, primary_crime_category=category)
    protected(CrimeCategory.objects.get(pk=category.pk))


@pytest.mark.django_db
def test_a_legal_instrument_used_by_a_request(investigator_a):
    instrument = LegalInstrumentFactory(code="uncac", any_other_assistance=True)
    make_request(case=make_case(lead=investigator_a), legal_basis=instrument)
    protected(LegalInstrument.objects.get(pk=instrument.pk))


@pytest.mark.django_db
def test_a_case_with_a_timeline(investigator_a):
    case = make_case(lead=investigator_a)
    assert case.timeline.exists()
    protected(Case.objects.get(pk=case.pk))


@pytest.mark.django_db
def test_a_request_and_an_asset_with_a_timeline(investigator_a):
    case = make_case(lead=investigator_a)
    protected(Request.objects.get(pk=make_request(case=case).pk))
    protected(Asset.objects.get(pk=make_asset(case=case).pk))


@pytest.mark.django_db
def test_a_unit_with_cases(investigator_a):
    make_case(lead=investigator_a)
    protected(Unit.objects.get(pk=investigator_a.unit_id))


@pytest.mark.django_db
def test_unused_reference_data_can_be_deleted(db):
    category = CrimeCategoryFactory(code="unused")
    category.delete()
    assert not CrimeCategory.objects.filter(code="unused").exists()
