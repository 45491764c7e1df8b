"""English, Russian and Kazakh: per-user preference, the header switcher, the browser's language;
translated pages, reference-data names and country names in the chosen language."""

import pytest
from django.conf import settings


def set_preferred(user, language):
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])


@pytest.mark.django_db
def test_the_users_preferred_language_applies_to_the_admin(desk, login, investigator_a):
    set_preferred(investigator_a, "ru")
    response = login(investigator_a).get("/admin/cases/case/")
    page = response.content.decode()
    assert response["Content-Language"] == "ru"
    assert "Регистрационный номер" in page
    assert "Возврат активов" in page  # the site header
    assert "В производстве" in page  # the case's status


@pytest.mark.django_db
def test_kazakh_pages_show_kazakh_strings_reference_names_and_country_names(desk, login, investigator_a):
    set_preferred(investigator_a, "kk")
    client = login(investigator_a)
    page = client.get(f"/admin/requests/request/{desk.request_a.pk}/change/").content.decode()
    assert "Активтерді қайтару" in page
    assert "Сұрау салуды жіберу" in page  # the Send request button
    assert "Мүлікке тыйым салу" in page  # the measure's Kazakh name
    page = client.get("/admin/requests/request/").content.decode()
    assert "Швейцария" in page  # django-countries has no kk catalogue: ours
    assert "Жоба" in page  # Draft
    assert "Экспорттау" in page  # django-import-export's button: its kk strings are supplied by us


@pytest.mark.django_db
def test_the_browser_language_applies_before_login(client):
    page = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    assert "Активтерді қайтару" in page


@pytest.mark.django_db
def test_the_header_switcher_changes_and_remembers_the_language(desk, login, investigator_a):
    client = login(investigator_a)
    page = client.get("/admin/").content.decode()
    assert 'id="language-switcher"' in page and 'action="/i18n/setlang/"' in page
    response = client.post("/i18n/setlang/", {"language": "kk", "next": "/admin/cases/case/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "kk"
    assert "Тіркеу нөмірі" in client.get("/admin/cases/case/").content.decode()
    investigator_a.refresh_from_db()
    assert investigator_a.preferred_language == "kk"


@pytest.mark.django_db
def test_refusals_are_translated(desk, login, investigator_a):
    set_preferred(investigator_a, "ru")
    response = login(investigator_a).post(
        f"/admin/requests/request/{desk.request_a.pk}/transition/executed/", {"effective_on": "2025-03-01"}
    )
    page = response.content.decode()
    assert "невозможен" in page
    assert "Изменение отклонено; ничего не изменено." in page


@pytest.mark.django_db
def test_the_date_pickers_speak_kazakh(login, investigator_a):
    set_preferred(investigator_a, "kk")
    catalog = login(investigator_a).get("/admin/jsi18n/").content.decode()
    # JavaScriptCatalog escapes non-ASCII: "Қаңтар" (January).
    assert "\\u049a\\u0430\\u04a3\\u0442\\u0430\\u0440" in catalog
