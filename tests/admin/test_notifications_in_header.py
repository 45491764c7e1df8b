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
