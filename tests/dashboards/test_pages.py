"""Every dashboard page, for each role, and who may open them."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = ["overview", "countries", "categories", "overdue", "assets", "trends", "report"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", ["supervisor_a", "analyst", "administrator", "investigator_a"])
def test_each_page_opens_for_each_role(client, known, request, page, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse(f"dashboard:{page}"))
    assert response.status_code == 200
    assert response.context["stats"] is not None


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_go_to_the_admin_login(client, db, page):
    response = client.get(reverse(f"dashboard:{page}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert "next=" in response["Location"]


def test_a_user_without_a_role_is_refused(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="nobody", roles=[]))
    assert client.get(reverse("dashboard:overview")).status_code == 403
    assert client.get("/api/v1/stats/overview/").status_code == 403


def test_the_country_page_ranks_russia_first_in_chart_and_table(client, known):
    client.force_login(known.supervisor)
    response = client.get(reverse("dashboard:countries"))
    html = response.content.decode()
    assert "<svg" in html
    chart = html[html.index('id="country-chart"') : html.index('id="country-table"')]
    assert chart.index("Russia") < chart.index("China")
    table = html[html.index('id="country-table"') :]
    assert table.index('data-country="RU"') < table.index('data-country="CN"')
    assert "Uzbekistan" not in chart + table.split("</table>")[0]  # unit B's requests are not the supervisor's


def test_numbers_link_to_the_admin_changelist_of_the_same_records(client, known):
    client.force_login(known.supervisor)
    figures = client.get(reverse("dashboard:countries")).context["stats"]
    ru = next(c for c in figures["countries"] if c["country"] == "RU")
    assert ru["overdue"]["url"].startswith("/admin/requests/request/?")
    assert "country__exact=RU" in ru["overdue"]["url"]
    # The admin's list filter of the same rule (RequestFilterSet's `due`), not a copy of it.
    assert "due=overdue" in ru["overdue"]["url"]
    assert (
        f'href="{ru["overdue"]["url"].replace("&", "&amp;")}"'
        in client.get(reverse("dashboard:countries")).content.decode()
    )


def test_filter_links_carry_the_filter(client, known):
    client.force_login(known.analyst)
    response = client.get(
        reverse("dashboard:countries"), {"unit": known.case_b.unit_id, "channel": "central_authority"}
    )
    uz = response.context["stats"]["countries"][0]
    assert uz["country"] == "UZ"
    assert f"case__unit__id__in={known.case_b.unit_id}" in uz["total"]["url"]
    assert "channel__exact=central_authority" in uz["total"]["url"]


def test_invalid_filters_are_a_400_with_the_reason(client, known):
    client.force_login(known.supervisor)
    response = client.get(reverse("dashboard:countries"), {"date_from": "2025-05-01", "date_to": "2025-01-01"})
    assert response.status_code == 400
    assert "cannot precede" in response.content.decode()
    response = client.get(reverse("dashboard:overview"), {"country": "XX"})
    assert response.status_code == 400
    api = client.get("/api/v1/stats/countries/", {"date_from": "not a date"})
    assert api.status_code == 400
    assert "date_from" in api.json()["errors"]


def test_pages_render_in_russian_and_kazakh(client, known):
    client.force_login(known.supervisor)
    for language in ("ru", "kk"):
        response = client.get(reverse("dashboard:countries"), HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        assert f'lang="{language}"' in response.content.decode()


def test_the_overdue_page_lists_oldest_first_with_reminders_and_escalation(client, known):
    client.force_login(known.supervisor)
    html = client.get(reverse("dashboard:overdue")).content.decode()
    r = known.requests
    assert html.index(r[3].reference) < html.index(r[4].reference) < html.index(r[5].reference)
    assert r[9].reference not in html
    # No reminder has gone out in this dataset: 0 sent, not escalated.
    assert ">0</td>" in html and ">no</td>" in html


def test_the_report_page_is_printable(client, known):
    client.force_login(known.supervisor)
    html = client.get(reverse("dashboard:report"), {"year": 2025}).content.decode()
    assert "@media print" in html
    assert reverse("dashboard:report-csv") in html


def test_the_filters_in_use_are_shown_for_print(client, known):
    client.force_login(known.supervisor)
    html = client.get(reverse("dashboard:countries"), {"country": "RU", "crime_category": known.corruption.pk}).content
    html = html.decode()
    assert "Country: <strong>Russia</strong>" in html
    assert "Crime category: <strong>Corruption</strong>" in html
