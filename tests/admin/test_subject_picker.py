"""The subject picker tells namesakes apart (masked IIN/BIN and birth date, the cases one may see),
ranks the surname typed before names merely containing it, and the add form warns of a possible
duplicate the user can see, never of another unit's subject."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.services import case_add_subject, subject_create
from tests.factories import UserFactory, make_case


def picker(client, term=""):
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "cases", "model_name": "casesubject", "field_name": "subject", "term": term},
    )
    assert response.status_code == 200
    return response.json()["results"]


def person(actor, case, name, iin="", born=None, cyrillic=""):
    subject = subject_create(actor=actor, name_latin=name, name_cyrillic=cyrillic, iin_bin=iin, birth_date=born)
    case_add_subject(case=case, subject=subject, role="suspect", actor=actor)
    return subject


@pytest.fixture
def namesakes(desk, investigator_a):
    case_a = desk.case_a
    other_case = make_case(lead=investigator_a, unit=desk.case_a.unit, register_number="241500031000777")
    return {
        "dzhaksybekov": person(investigator_a, case_a, "Dzhaksybekov Arman", "860101300111", datetime.date(1986, 1, 1)),
        "bekova": person(investigator_a, case_a, "Bekova Aigul", "900303400222", datetime.date(1990, 3, 3)),
        "bekov": person(investigator_a, other_case, "Bekov Arman", "850505300333", datetime.date(1985, 5, 5)),
        "arman_bekov": person(investigator_a, case_a, "Arman Bekov"),
        "other_case": other_case,
    }


@pytest.mark.django_db
def test_the_surname_typed_comes_before_names_containing_it(namesakes, login, investigator_a):
    results = picker(login(investigator_a), "Bekov")
    ids = [int(item["id"]) for item in results]
    expected = [namesakes[key].pk for key in ("bekov", "bekova", "arman_bekov", "dzhaksybekov")]
    assert ids == expected


@pytest.mark.django_db
def test_a_writer_sees_the_iin_birth_date_and_cases_in_full(namesakes, login, investigator_a):
    option = picker(login(investigator_a), "Bekov Arman")[0]
    assert int(option["id"]) == namesakes["bekov"].pk
    assert "850505300333" in option["text"]
    assert "1985" in option["text"]
    assert namesakes["other_case"].register_number in option["text"]


@pytest.mark.django_db
def test_an_analyst_sees_the_iin_and_the_birth_date_masked(namesakes, login, analyst):
    results = picker(login(analyst), "Bekov")
    assert results, "the analyst reads every case, so the subjects are offered"
    text = " ".join(item["text"] for item in results)
    for iin in ("850505300333", "900303400222", "860101300111"):
        assert iin not in text
        assert "•••••••••" + iin[-3:] in text
    for year in ("1985", "1990", "1986"):
        assert year not in text
    assert "••.••.••••" in text


@pytest.mark.django_db
def test_another_units_subject_and_cases_are_not_offered(desk, namesakes, login, investigator_a, investigator_b):
    # Unit B's Bekov, in unit B's case only.
    theirs = person(investigator_b, desk.case_b, "Bekov Timur", "770707300444", datetime.date(1977, 7, 7))
    results = picker(login(investigator_a), "Bekov")
    assert theirs.pk not in {int(item["id"]) for item in results}
    text = " ".join(item["text"] for item in results)
    assert desk.case_b.register_number not in text and "770707300444" not in text
    # A subject in both units' cases: only unit A's case is named to unit A.
    shared = namesakes["bekov"]
    case_add_subject(case=desk.case_b, subject=shared, role="witness", actor=investigator_b)
    option = picker(login(investigator_a), "Bekov Arman")[0]
    assert int(option["id"]) == shared.pk
    assert desk.case_b.register_number not in option["text"]
    assert namesakes["other_case"].register_number in option["text"]


@pytest.mark.django_db
def test_a_masked_reader_cannot_find_a_subject_by_its_number(namesakes, login, analyst):
    assert picker(login(analyst), "850505300333") == []


@pytest.mark.django_db
def test_the_picker_costs_the_same_for_a_larger_page(desk, login, investigator_a):
    client = login(investigator_a)
    for n in range(3):
        person(investigator_a, desk.case_a, f"Sample Person {n}", f"80010130{n:04d}")
    with CaptureQueriesContext(connection) as few:
        assert len(picker(client, "Sample")) == 3
    for n in range(3, 12):
        person(investigator_a, desk.case_a, f"Sample Person {n}", f"80010130{n:04d}")
    with CaptureQueriesContext(connection) as many:
        assert len(picker(client, "Sample")) == 12
    assert len(many) == len(few)


def add_subject(client, case, **fields):
    data = {
        "kind": "person",
        "name_latin": "",
        "name_cyrillic": "",
        "birth_date": "",
        "iin_bin": "",
        "passport_number": "",
        "foreign_registration_number": "",
        "nationality": "",
        "notes": "",
        "case": case.pk,
        "role": "witness",
        "_save": "Save",
        **fields,
    }
    return client.post(f"/admin/cases/subject/add/?case={case.pk}", data)


def warnings_of(response):
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]


@pytest.mark.django_db
def test_adding_a_namesake_one_can_see_warns_and_names_it(desk, login, investigator_a):
    client = login(investigator_a)
    response = add_subject(client, desk.case_a, name_latin="ivanov ivan")
    assert response.status_code == 302
    [warning] = warnings_of(response)
    assert "Ivanov Ivan" in warning
    assert f"/admin/cases/subject/{desk.subject_a.pk}/change/" in warning
    # From the case's "Add a subject" link: back to the case.
    assert response["Location"] == f"/admin/cases/case/{desk.case_a.pk}/change/"


@pytest.mark.django_db
def test_a_new_name_gives_no_warning(desk, login, investigator_a):
    response = add_subject(login(investigator_a), desk.case_a, name_latin="Nurlanov Daulet")
    assert response.status_code == 302
    assert warnings_of(response) == []


@pytest.mark.django_db
def test_another_units_namesake_or_number_is_never_confirmed(desk, login, investigator_a):
    client = login(investigator_a)
    # Unit B's subject: "Petrov Petr", IIN 700202400456. Same name, then same number.
    response = add_subject(client, desk.case_a, name_latin="Petrov Petr")
    assert response.status_code == 302
    assert warnings_of(response) == []
    response = add_subject(client, desk.case_a, name_latin="Sidorov Sidor", iin_bin="700202400456")
    assert response.status_code == 302
    assert warnings_of(response) == []
    # The confirmation names what was typed, nothing of unit B's record.
    [said] = [str(m) for m in get_messages(response.wsgi_request) if "Sidorov" in str(m)]
    assert "Petrov" not in said and desk.case_b.register_number not in said


@pytest.mark.django_db
def test_the_return_to_a_case_needs_a_case_one_sees(desk, login, investigator_a):
    client = login(investigator_a)
    data = {
        "kind": "person",
        "name_latin": "Nurlanov Daulet",
        "case": desk.case_a.pk,
        "role": "witness",
        "_save": "Save",
    }
    response = client.post(f"/admin/cases/subject/add/?case={desk.case_b.pk}", data)
    assert response.status_code == 302
    # Back to the case the subject was recorded in, never to unit B's.
    assert response["Location"] == f"/admin/cases/case/{desk.case_a.pk}/change/"


@pytest.mark.django_db
def test_an_auditor_is_not_offered_subjects(desk, login):
    auditor = UserFactory(username="auditor", unit=None, roles=["Auditor"])
    response = login(auditor).get(
        "/admin/autocomplete/",
        {"app_label": "cases", "model_name": "casesubject", "field_name": "subject", "term": "Ivanov"},
    )
    assert response.status_code in (302, 403) or response.json()["results"] == []


@pytest.mark.django_db
def test_the_subject_page_shows_the_birth_date_masked_to_a_masked_reader(namesakes, login, analyst, investigator_a):
    url = f"/admin/cases/subject/{namesakes['bekov'].pk}/change/"
    page = login(analyst).get(url).content.decode()
    assert "1985" not in page and "850505300333" not in page
    assert "••.••.••••" in page
    page = login(investigator_a).get(url).content.decode()
    assert "1985" in page
