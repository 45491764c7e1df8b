"""Identifiers of persons through the API: in full for the roles that work the case, masked for analysts."""

import pytest

from cases.services import case_add_subject, subject_create
from tests.factories import make_case


@pytest.fixture
def suspect(investigator_a):
    case = make_case(lead=investigator_a)
    subject = subject_create(
        actor=investigator_a, name_latin="Kairat K.", iin_bin="860101300123", passport_number="N12345678"
    )
    case_add_subject(case=case, subject=subject, role="suspect", actor=investigator_a)
    return subject


@pytest.mark.django_db
def test_the_investigator_on_the_case_sees_the_identifiers(client_for, investigator_a, suspect):
    body = client_for(investigator_a).get(f"/api/v1/subjects/{suspect.pk}/").json()
    assert body["iin_bin"] == "860101300123" and body["passport_number"] == "N12345678"


@pytest.mark.django_db
def test_an_analyst_sees_them_masked_in_detail_and_list(client_for, analyst, suspect):
    client = client_for(analyst)
    detail = client.get(f"/api/v1/subjects/{suspect.pk}/").json()
    assert detail["iin_bin"] == "•••••••••123"
    assert detail["passport_number"].endswith("678") and "N12345" not in detail["passport_number"]
    [row] = client.get("/api/v1/subjects/").json()["results"]
    assert row["iin_bin"] == "•••••••••123"
