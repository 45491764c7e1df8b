"""The database itself rejects bad case and subject rows, even when the services are bypassed
(queryset.update and bulk_create skip the model's save())."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from djmoney.money import Money

from cases.models import Case, Subject
from cases.services import subject_create
from tests.factories import make_case


def rejected(action):
    with pytest.raises(IntegrityError), transaction.atomic():
        action()


@pytest.fixture
def case(investigator_a):
    return make_case(lead=investigator_a, opened_on=datetime.date(2024, 1, 15))


@pytest.mark.django_db
def test_negative_estimated_damage_is_rejected(case):
    rejected(lambda: Case.objects.filter(pk=case.pk).update(estimated_damage=Money("-0.01", "KZT")))
    rejected(lambda: Case.objects.filter(pk=case.pk).update(estimated_damage=Decimal("-100")))
    assert Case.objects.get(pk=case.pk).estimated_damage is None


@pytest.mark.django_db
def test_closed_before_opened_is_rejected(case):
    rejected(lambda: Case.objects.filter(pk=case.pk).update(closed_on=datetime.date(2024, 1, 14)))
    Case.objects.filter(pk=case.pk).update(closed_on=datetime.date(2024, 1, 15))  # the same day is fine


@pytest.mark.django_db
def test_closed_without_a_closing_date_is_rejected(case):
    rejected(lambda: Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, closed_on=None))
    assert Case.objects.get(pk=case.pk).status == Case.Status.OPEN


@pytest.mark.django_db
def test_a_duplicate_register_number_is_rejected(case):
    twin = Case(
        register_number=case.register_number,
        title="Twin",
        unit=case.unit,
        lead_investigator=case.lead_investigator,
        primary_crime_category=case.primary_crime_category,
        opened_on=case.opened_on,
    )
    rejected(lambda: Case.objects.bulk_create([twin]))
    other = make_case(lead=case.lead_investigator)
    rejected(lambda: Case.objects.filter(pk=other.pk).update(register_number=case.register_number))
    assert Case.objects.filter(register_number=case.register_number).count() == 1


@pytest.mark.django_db
def test_a_subject_without_any_name_is_rejected(db):
    rejected(lambda: Subject.objects.bulk_create([Subject(name_latin="", name_cyrillic="")]))


@pytest.mark.django_db
def test_a_duplicate_iin_is_rejected_but_blank_ones_are_not(investigator_a):
    subject_create(actor=investigator_a, name_latin="Ivanov Ivan", iin_bin="850101300123")
    rejected(lambda: Subject.objects.bulk_create([Subject(name_latin="Other", iin_bin="850101300123")]))
    Subject.objects.bulk_create([Subject(name_latin="No IIN 1"), Subject(name_latin="No IIN 2")])
    assert Subject.objects.filter(iin_bin="").count() == 2
