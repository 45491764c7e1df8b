"""Every changelist and change page renders for each role with demo data; analysts read only."""

import pytest

CHANGELISTS = [
    "/admin/cases/case/",
    "/admin/cases/subject/",
    "/admin/cases/casestatuschange/",
    "/admin/cases/casesubject/",
    "/admin/requests/request/",
    "/admin/requests/requeststatuschange/",
    "/admin/requests/checklistanswer/",
    "/admin/assets/asset/",
    "/admin/assets/assetstatuschange/",
    "/admin/assets/courtdecision/",
    "/admin/assets/thirdpartyclaim/",
    "/admin/recovery/unit/",
    "/admin/recovery/crimecategory/",
    "/admin/recovery/assistancemeasure/",
    "/admin/recovery/countryprofile/",
    "/admin/recovery/legalinstrument/",
    "/admin/recovery/instrumentrequirement/",
]


def change_pages(desk):
    return [
        f"/admin/cases/case/{desk.case_a.pk}/change/",
        f"/admin/cases/subject/{desk.subject_a.pk}/change/",
        f"/admin/requests/request/{desk.request_a.pk}/change/",
        f"/admin/assets/asset/{desk.asset_a.pk}/change/",
        f"/admin/recovery/legalinstrument/{desk.treaty.pk}/change/",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["investigator_a", "supervisor_a", "analyst", "administrator"])
def test_changelists_and_change_pages_answer_200_for_every_role(role, request, desk, login):
    client = login(request.getfixturevalue(role))
    for url in [*CHANGELISTS, *change_pages(desk)]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_the_investigator_can_open_every_add_form_and_transition_form(desk, login, investigator_a):
    client = login(investigator_a)
    for url in [
        "/admin/cases/case/add/",
        "/admin/cases/subject/add/",
        f"/admin/requests/request/add/?case={desk.case_a.pk}",
        f"/admin/assets/asset/add/?case={desk.case_a.pk}",
        f"/admin/requests/request/{desk.request_a.pk}/transition/sent/",
        f"/admin/assets/asset/{desk.asset_a.pk}/transition/frozen/",
        f"/admin/cases/case/{desk.case_a.pk}/transition/suspended/",
    ]:
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_the_change_page_offers_only_the_moves_the_status_allows(desk, login, investigator_a):
    client = login(investigator_a)
    page = client.get(f"/admin/requests/request/{desk.request_a.pk}/change/").content.decode()
    assert "Send request" in page
    assert "Withdraw" in page
    assert "Record execution" not in page  # a draft cannot be executed
    page = client.get(f"/admin/assets/asset/{desk.asset_a.pk}/change/").content.decode()
    assert "Freeze asset" in page
    assert "Record return" not in page


@pytest.mark.django_db
def test_the_analyst_reads_but_cannot_add_change_or_move(desk, login, analyst):
    client = login(analyst)
    page = client.get(f"/admin/cases/case/{desk.case_a.pk}/change/").content.decode()
    assert "Close the case" not in page
    assert 'name="_save"' not in page
    assert client.get("/admin/cases/case/add/").status_code == 403
    assert client.get(f"/admin/cases/case/{desk.case_a.pk}/transition/closed/").status_code == 403
    response = client.post(f"/admin/cases/case/{desk.case_a.pk}/change/", {"title": "Changed by an analyst"})
    assert response.status_code == 403
    desk.case_a.refresh_from_db()
    assert desk.case_a.title == "Embezzlement of budget funds"
    assert client.get("/admin/cases/case/import/").status_code == 403


@pytest.mark.django_db
def test_nobody_deletes_cases_requests_or_assets(desk, login, administrator):
    client = login(administrator)
    for url in [
        f"/admin/cases/case/{desk.case_a.pk}/delete/",
        f"/admin/requests/request/{desk.request_a.pk}/delete/",
        f"/admin/assets/asset/{desk.asset_a.pk}/delete/",
    ]:
        assert client.get(url).status_code == 403, url
