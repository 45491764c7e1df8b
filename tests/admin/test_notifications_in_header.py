"""Reminders reach the investigator in the admin: the header counts their unread notifications and
links to the list (the API's browsable page, where they can be marked read)."""

import pytest

from recovery.notifications import notify


@pytest.mark.django_db
def test_the_header_counts_my_unread_notifications_only(client, investigator_a, investigator_b):
    notify(recipient=investigator_a, title="Response due in 3 days", source_key="t:1")
    notify(recipient=investigator_a, title="Response overdue", source_key="t:2")
    notify(recipient=investigator_b, title="Someone else's", source_key="t:3")
    client.force_login(investigator_a)
    html = client.get("/admin/").content.decode()
    assert 'id="notifications-link"' in html and "<strong>(2)</strong>" in html
    page = client.get("/api/v1/notifications/?unread=true", HTTP_ACCEPT="text/html").content.decode()
    assert "Response overdue" in page and "Someone else" not in page


@pytest.mark.django_db
def test_the_count_is_one_query_per_request_and_fresh_on_the_next_page(investigator_a, django_assert_num_queries):
    from django.template import Context, Template
    from django.test import RequestFactory

    notify(recipient=investigator_a, title="Response due in 3 days", source_key="t:1")
    header = Template(
        "{% load recovery_tags %}{% unread_notification_count user as first %}"
        "{% unread_notification_count user as again %}{{ first }}/{{ again }}"
    )

    def render_page():
        request = RequestFactory().get("/admin/")
        request.user = investigator_a
        return header.render(Context({"request": request, "user": investigator_a}))

    with django_assert_num_queries(1):
        assert render_page() == "1/1"
    notify(recipient=investigator_a, title="Response overdue", source_key="t:2")
    with django_assert_num_queries(1):
        assert render_page() == "2/2"


@pytest.mark.django_db
def test_a_new_notification_shows_on_the_next_admin_page(client, investigator_a):
    client.force_login(investigator_a)
    assert "<strong>(" not in client.get("/admin/").content.decode()
    notify(recipient=investigator_a, title="Response overdue", source_key="t:1")
    assert "<strong>(1)</strong>" in client.get("/admin/").content.decode()
