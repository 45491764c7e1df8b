"""Edits that the database would reject come back as a clear domain error, not an IntegrityError
(a 500), and change nothing."""

import datetime

import pytest

from cases.models import Case, Subject
from cases.services import case_add_subject, case_transition, case_update, subject_create, subject_update
from recovery.errors import InvalidInput
from tests.factories import make_case


@pytest.mark.django_db
def test_an_iin_already_recorded_for_another_subject_is_refused_on_update(investigator_a):
    first = subject_create(actor=investigator_a, name_latin="First", iin_bin="850101300123")
    # In a case of the actor's, so the refusal may name it (see tests/security for one out of sight).
    case_add_subject(case=make_case(lead=investigator_a), subject=first, role="suspect", actor=investigator_a)
    second = subject_create(actor=investigator_a, name_latin="Second", iin_bin="900202400456")
    with pytest.raises(InvalidInput, match="850101300123"):
        subject_update(subject=second, actor=investigator_a, iin_bin="850101300123")
    second = Subject.objects.get(pk=second.pk)
    assert (second.iin_bin, second.version) == ("900202400456", 1)


@pytest.mark.django_db
def test_a_subject_keeps_its_own_iin_on_update(investigator_a):
    subject = subject_create(actor=investigator_a, name_latin="Same", iin_bin="850101300123")
    subject = subject_update(subject=subject, actor=investigator_a, iin_bin="850101300123", is_pep=True)
    assert subject.is_pep and subject.iin_bin == "850101300123"


@pytest.mark.django_db
def test_removing_every_name_of_a_subject_is_refused(investigator_a):
    subject = subject_create(actor=investigator_a, name_latin="Ivanov", name_cyrillic="")
    with pytest.raises(InvalidInput, match="Latin or Cyrillic"):
        subject_update(subject=subject, actor=investigator_a, name_latin="")
    assert Subject.objects.get(pk=subject.pk).name_latin == "Ivanov"


@pytest.mark.django_db
def test_an_opening_date_after_the_closing_date_is_refused(investigator_a):
    case = make_case(lead=investigator_a, opened_on=datetime.date(2024, 1, 15))
    case = case_transition(
        case=case, to_status=Case.Status.CLOSED, actor=investigator_a, effective_on=datetime.date(2024, 3, 1)
    )
    with pytest.raises(InvalidInput, match="closed"):
        case_update(case=case, actor=investigator_a, opened_on=datetime.date(2024, 4, 1))
    case = Case.objects.get(pk=case.pk)
    assert case.opened_on == datetime.date(2024, 1, 15)
    case_update(case=case, actor=investigator_a, opened_on=datetime.date(2024, 2, 1))
    assert Case.objects.get(pk=case.pk).opened_on == datetime.date(2024, 2, 1)
