"""Reading subjects: only the roles in visible cases, filters."""

import pytest

from cases.services import case_add_subject, subject_create


@pytest.mark.django_db
def test_subject_shows_only_roles_in_visible_cases(client_for, investigator_a, investigator_b, case_a, case_b):
    subject = subject_create(actor=investigator_a, name_latin="Aidar Nurlanov", nationality="KZ", is_pep=True)
    case_add_subject(case=case_a, subject=subject, role="suspect", actor=investigator_a)
    case_add_subject(case=case_b, subject=subject, role="beneficial_owner", actor=investigator_b)
    body = client_for(investigator_a).get(f"/api/v1/subjects/{subject.pk}/").json()
    assert body["cases"] == [{"case": case_a.pk, "role": "suspect"}]
    assert body["nationality"] == {"code": "KZ", "name": "Kazakhstan"}
    c = client_for(investigator_a)
    assert c.get("/api/v1/subjects/", {"is_pep": "true"}).json()["count"] == 1
    assert c.get("/api/v1/subjects/", {"nationality": ["AE"]}).json()["count"] == 0
    assert c.get("/api/v1/subjects/", {"q": "nurlan"}).json()["count"] == 1
    assert c.get("/api/v1/subjects/", {"case": case_a.pk}).json()["count"] == 1
