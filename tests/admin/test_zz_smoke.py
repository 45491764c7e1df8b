import pytest


@pytest.mark.django_db
def test_smoke(desk, login, investigator_a):
    c = login(investigator_a)
    for url in [
        "/admin/",
        "/admin/cases/case/",
        f"/admin/cases/case/{desk.case_a.pk}/change/",
        "/admin/requests/request/",
        f"/admin/requests/request/{desk.request_a.pk}/change/",
        "/admin/assets/asset/",
        f"/admin/assets/asset/{desk.asset_a.pk}/change/",
        "/admin/cases/subject/",
        f"/admin/cases/subject/{desk.subject_a.pk}/change/",
        "/admin/cases/case/add/",
        "/admin/requests/request/add/",
        "/admin/assets/asset/add/",
        "/admin/cases/subject/add/",
        f"/admin/requests/request/{desk.request_a.pk}/transition/sent/",
        f"/admin/assets/asset/{desk.asset_a.pk}/transition/frozen/",
        f"/admin/cases/case/{desk.case_a.pk}/history/",
        "/admin/cases/case/import/",
        "/admin/cases/case/export/",
    ]:
        r = c.get(url)
        print(url, r.status_code)
        assert r.status_code == 200, (url, r.content[:3000])
