"""Another unit's records are invisible in the admin: lists, change pages, autocomplete, filters."""

import pytest


@pytest.mark.django_db
def test_another_units_case_is_absent_from_the_changelist(desk, login, investigator_a):
    page = login(investigator_a).get("/admin/cases/case/").content.decode()
    assert desk.case_a.register_number in page
    assert desk.case_b.register_number not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/cases/case/{case_b}/change/",
        "/admin/cases/case/{case_b}/history/",
        "/admin/cases/case/{case_b}/transition/closed/",
        "/admin/requests/request/{request_b}/change/",
        "/admin/requests/request/{request_b}/transition/sent/",
        "/admin/assets/asset/{asset_b}/change/",
        "/admin/assets/asset/{asset_b}/transition/frozen/",
        "/admin/cases/subject/{subject_b}/change/",
    ],
)
def test_another_units_record_is_404(url, desk, login, investigator_a):
    client = login(investigator_a)
    url = url.format(
        case_b=desk.case_b.pk, request_b=desk.request_b.pk, asset_b=desk.asset_b.pk, subject_b=desk.subject_b.pk
    )
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_a_post_to_another_units_transition_changes_nothing(desk, login, investigator_a):
    response = login(investigator_a).post(
        f"/admin/cases/case/{desk.case_b.pk}/transition/closed/", {"effective_on": desk.today.isoformat()}
    )
    assert response.status_code == 404
    desk.case_b.refresh_from_db()
    assert desk.case_b.status == "open"


def autocomplete(client, app_label, model_name, field_name, term=""):
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    return {item["text"] for item in response.json()["results"]} | {int(i["id"]) for i in response.json()["results"]}


@pytest.mark.django_db
def test_autocomplete_offers_only_visible_records(desk, login, investigator_a):
    client = login(investigator_a)
    cases = autocomplete(client, "requests", "request", "case")
    assert str(desk.case_a) in cases
    assert str(desk.case_b) not in cases
    subjects = autocomplete(client, "requests", "request", "subjects")
    # A subject's option says more than its name (the subject picker): compare the ids.
    assert desk.subject_a.pk in subjects
    assert desk.subject_b.pk not in subjects
    assets = autocomplete(client, "requests", "request", "assets")
    assert desk.asset_a.pk in assets and desk.asset_b.pk not in assets
    # Searching by the other case's register number finds nothing either.
    assert autocomplete(client, "assets", "asset", "case", desk.case_b.register_number) == set()


@pytest.mark.django_db
def test_autocomplete_of_colleagues_stays_within_the_unit(desk, login, investigator_a, investigator_b):
    users = autocomplete(login(investigator_a), "cases", "case", "lead_investigator")
    assert str(investigator_a) in users
    assert str(investigator_b) not in users


@pytest.mark.django_db
def test_filter_choices_list_only_what_the_user_sees(desk, login, investigator_a, unit_b):
    client = login(investigator_a)
    page = client.get("/admin/requests/request/").content.decode()
    assert "Switzerland" in page
    assert "United Arab Emirates" not in page  # request_b's country
    assert str(unit_b) not in page
    assert str(desk.uncac) not in page  # the legal basis of request_b only


@pytest.mark.django_db
def test_a_foreign_key_to_another_units_case_is_refused_on_save(desk, login, investigator_a):
    client = login(investigator_a)
    response = client.post(
        "/admin/assets/asset/add/",
        {
            "case": desk.case_b.pk,
            "kind": "vehicle",
            "description": "Car",
            "location_country": "DE",
            "currency": "EUR",
            "identified_on": "2024-05-01",
            "courtdecision_set-TOTAL_FORMS": "0",
            "courtdecision_set-INITIAL_FORMS": "0",
            "claims-TOTAL_FORMS": "0",
            "claims-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not desk.case_b.assets.filter(kind="vehicle").exists()


@pytest.mark.django_db
def test_the_supervisor_sees_the_sub_units_cases(desk, login, supervisor_a, investigator_a1, unit_a1):
    from tests.factories import make_case

    sub_case = make_case(lead=investigator_a1, unit=unit_a1, register_number="241700000000001")
    page = login(supervisor_a).get("/admin/cases/case/").content.decode()
    assert sub_case.register_number in page
    assert desk.case_b.register_number not in page
