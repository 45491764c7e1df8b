"""The audit trail (django-auditlog) of a record is one click away: the History button."""

import pytest

from cases.services import case_update


@pytest.mark.django_db
def test_the_history_button_shows_who_changed_what(desk, login, investigator_a, supervisor_a):
    case_update(case=desk.case_a, actor=supervisor_a, title="Embezzlement at a state holding")
    client = login(investigator_a)
    page = client.get(f"/admin/cases/case/{desk.case_a.pk}/change/").content.decode()
    assert f"/admin/cases/case/{desk.case_a.pk}/history/" in page
    history = client.get(f"/admin/cases/case/{desk.case_a.pk}/history/")
    assert history.status_code == 200
    text = history.content.decode()
    assert "Embezzlement at a state holding" in text  # the new value
    assert "Embezzlement of budget funds" in text  # the old value
    assert str(supervisor_a) in text or supervisor_a.username in text


@pytest.mark.django_db
def test_the_history_of_a_request_and_an_asset(desk, login, investigator_a):
    client = login(investigator_a)
    assert client.get(f"/admin/requests/request/{desk.request_a.pk}/history/").status_code == 200
    assert client.get(f"/admin/assets/asset/{desk.asset_a.pk}/history/").status_code == 200
