"""The investigator's day, through the real login form: open the case, add a request from the
case page, send it, and see the sending on the case's timeline."""

import pytest

from mla_requests.models import Request
from tests.admin.forms import change_form_data


@pytest.mark.django_db
def test_log_in_open_a_case_add_a_request_send_it_and_see_the_timeline(desk, client, investigator_a):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "inv_a", "password": "correct-horse-battery"}, follow=True
    )
    assert response.status_code == 200 and response.context["user"] == investigator_a
    case_page = client.get(f"/admin/cases/case/{desk.case_a.pk}/change/").content.decode()
    add_url = f"/admin/requests/request/add/?case={desk.case_a.pk}"
    assert add_url.replace("&", "&amp;") in case_page or add_url in case_page
    data = change_form_data(client.get(add_url))
    data.update(
        {
            "country": "TR",
            "legal_basis": desk.uncac.pk,
            "crime_category": desk.corruption.pk,
            "measures": [desk.testimony.pk],
            "summary": "Testimony of the company's former director",
        }
    )
    response = client.post(add_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    request = Request.objects.get(country="TR")
    assert request.case == desk.case_a and request.responsible_investigator == investigator_a
    response = client.post(
        f"/admin/requests/request/{request.pk}/transition/sent/",
        {"effective_on": desk.today.isoformat(), "document_reference": "Out. 15-2/771"},
    )
    assert response.status_code == 302
    timeline = client.get(f"/admin/cases/case/{desk.case_a.pk}/change/").content.decode()
    timeline = timeline[timeline.index('id="timeline"') :]
    assert request.reference in timeline and "Out. 15-2/771" in timeline
