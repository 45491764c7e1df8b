"""Saving from the admin goes through the services, and a stale form is refused (no lost edits)."""

import pytest
from auditlog.models import LogEntry

from cases.models import Case, CaseSubject, Subject
from cases.services import case_update
from mla_requests.models import Request
from tests.admin.forms import change_form_data


@pytest.mark.django_db
def test_editing_a_case_saves_it_and_bumps_its_version(desk, login, investigator_a):
    client = login(investigator_a)
    url = f"/admin/cases/case/{desk.case_a.pk}/change/"
    data = change_form_data(client.get(url))
    assert data["expected_version"] == str(desk.case_a.version)
    data["title"] = "Embezzlement of budget funds by a state company"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    case = Case.objects.get(pk=desk.case_a.pk)
    assert case.title == "Embezzlement of budget funds by a state company"
    assert case.version == desk.case_a.version + 1
    assert LogEntry.objects.get_for_object(case).filter(actor=investigator_a).exists()


@pytest.mark.django_db
def test_a_stale_save_is_refused_with_a_clear_message(desk, login, investigator_a, supervisor_a):
    client = login(investigator_a)
    url = f"/admin/cases/case/{desk.case_a.pk}/change/"
    data = change_form_data(client.get(url))
    # Meanwhile the supervisor edits the same case.
    case_update(case=desk.case_a, actor=supervisor_a, title="Renamed by the supervisor")
    data["title"] = "My edit on an old copy"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    assert Case.objects.get(pk=desk.case_a.pk).title == "Renamed by the supervisor"


@pytest.mark.django_db
def test_adding_a_case_goes_through_case_create(desk, login, investigator_a, unit_a):
    client = login(investigator_a)
    data = change_form_data(client.get("/admin/cases/case/add/"))
    data.update(
        {
            "register_number": "241500031000777",
            "title": "Laundering through shell companies",
            "unit": unit_a.pk,
            "lead_investigator": investigator_a.pk,
            "primary_crime_category": desk.corruption.pk,
            "opened_on": "2024-09-01",
            "estimated_damage_0": "1500000.00",
            "estimated_damage_1": "KZT",
        }
    )
    response = client.post("/admin/cases/case/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    case = Case.objects.get(register_number="241500031000777")
    assert case.timeline.get().to_status == "open"  # the creation row only the service writes
    assert str(case.estimated_damage.currency) == "KZT"


@pytest.mark.django_db
def test_a_duplicate_register_number_is_shown_on_the_form(desk, login, investigator_a, unit_a):
    client = login(investigator_a)
    data = change_form_data(client.get("/admin/cases/case/add/"))
    data.update(
        {
            "register_number": desk.case_a.register_number,
            "title": "Duplicate",
            "unit": unit_a.pk,
            "lead_investigator": investigator_a.pk,
            "primary_crime_category": desk.corruption.pk,
            "opened_on": "2024-09-01",
        }
    )
    response = client.post("/admin/cases/case/add/", data)
    assert response.status_code == 200
    assert Case.objects.filter(register_number=desk.case_a.register_number).count() == 1


@pytest.mark.django_db
def test_a_subject_role_added_inline_goes_through_case_add_subject(desk, login, investigator_a):
    from cases.services import case_add_subject, subject_create

    client = login(investigator_a)
    nominee = subject_create(actor=investigator_a, name_latin="Shell Holdings Ltd", kind="company")
    # Visible to the investigator through its first role in the case; now it gets a second one.
    case_add_subject(case=desk.case_a, subject=nominee, role="third_party", actor=investigator_a)
    url = f"/admin/cases/case/{desk.case_a.pk}/change/"
    data = change_form_data(client.get(url))
    prefix = "subject_roles"
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
    data[f"{prefix}-{total}-subject"] = str(nominee.pk)
    data[f"{prefix}-{total}-role"] = "nominee"
    response = client.post(url, data)
    assert response.status_code == 302, [f.errors for f in response.context["inline_admin_formsets"][0].formset]
    assert CaseSubject.objects.filter(case=desk.case_a, subject=nominee, role="nominee").exists()


@pytest.mark.django_db
def test_a_request_with_a_measure_outside_the_treaty_is_refused_on_the_form(desk, login, investigator_a):
    client = login(investigator_a)
    url = f"/admin/requests/request/add/?case={desk.case_a.pk}"
    data = change_form_data(client.get(url))
    data.update(
        {
            "case": desk.case_a.pk,
            "country": "CH",
            "legal_basis": desk.treaty.pk,
            "channel": "central_authority",
            "crime_category": desk.corruption.pk,
            "measures": [desk.testimony.pk],  # the Swiss treaty here covers freezing and documents only
            "urgency": "normal",
            "responsible_investigator": investigator_a.pk,
        }
    )
    before = Request.objects.count()
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Outside the scope" in response.content.decode()
    assert Request.objects.count() == before
    data["measures"] = [desk.freezing.pk]
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = Request.objects.latest("pk")
    assert created.reference.startswith("MLA-") and created.checklist.count() == 1


@pytest.mark.django_db
def test_a_new_subject_needs_its_case_and_is_linked_to_it(desk, login, investigator_a):
    client = login(investigator_a)
    data = change_form_data(client.get("/admin/cases/subject/add/"))
    data.update({"kind": "person", "name_cyrillic": "Сидоров Сидор", "iin_bin": "900303500789"})
    response = client.post("/admin/cases/subject/add/", data)
    assert response.status_code == 200
    assert not Subject.objects.filter(iin_bin="900303500789").exists()
    data.update({"case": desk.case_a.pk, "role": "beneficial_owner"})
    response = client.post("/admin/cases/subject/add/", data)
    assert response.status_code == 302
    subject = Subject.objects.get(iin_bin="900303500789")
    assert subject.case_roles.get().role == "beneficial_owner"


@pytest.mark.django_db
def test_a_concurrent_edit_between_validation_and_saving_is_refused_by_the_service(
    desk, login, investigator_a, supervisor_a, monkeypatch
):
    """The form's own check passed, then the version moved before the save: the service's locked
    version check refuses, the admin shows the form again with the reason and what was typed.
    (Here the "other" save runs inside the admin's transaction, so it is rolled back with it.)"""
    import cases.admin

    real_update = cases.admin.case_update

    def someone_saves_first(**kwargs):
        real_update(case=desk.case_a, actor=supervisor_a, title="Saved first by the supervisor")
        return real_update(**kwargs)

    client = login(investigator_a)
    url = f"/admin/cases/case/{desk.case_a.pk}/change/"
    data = change_form_data(client.get(url))
    data["title"] = "My late edit"
    monkeypatch.setattr(cases.admin, "case_update", someone_saves_first)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    assert response.context["adminform"].form["title"].value() == "My late edit"  # what was typed is kept
    assert Case.objects.get(pk=desk.case_a.pk).title != "My late edit"
