"""The notifications inbox in the admin: a person's own notifications only, filtered by unread and
kind (a bad filter value is told, never a 500), paginated; marking read by POST, one's own only
(another person's id answers 404 and changes nothing); opening follows the link on this site only;
links in reminders use PUBLIC_URL."""

import pytest
from django.utils import timezone

from recovery.links import public_link, safe_local_link
from recovery.models import Notification
from recovery.notifications import notify

INBOX = "/admin/notifications/"


@pytest.fixture
def mine(investigator_a):
    return notify(recipient=investigator_a, title="Answer due on CH-1", link="/admin/requests/request/1/change/")[0]


@pytest.fixture
def theirs(investigator_b):
    return notify(recipient=investigator_b, title="Answer due on AE-9", link="/admin/requests/request/9/change/")[0]


def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_inbox_lists_my_unread_notifications_only(client, investigator_a, mine, theirs):
    read = notify(recipient=investigator_a, title="Already seen", link="/admin/")[0]
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    html = signed_in(client, investigator_a).get(INBOX).content.decode()
    assert "Answer due on CH-1" in html and "Already seen" not in html and "AE-9" not in html
    everything = client.get(INBOX, {"show": "all"}).content.decode()
    assert "Answer due on CH-1" in everything and "Already seen" in everything and "AE-9" not in everything


@pytest.mark.django_db
def test_the_header_links_to_the_inbox(client, investigator_a, mine):
    html = signed_in(client, investigator_a).get("/admin/").content.decode()
    assert 'href="/admin/notifications/" id="notifications-link"' in html


@pytest.mark.django_db
def test_kind_filter(client, investigator_a, mine):
    notify(recipient=investigator_a, title="A letter arrived", kind="document", link="/admin/")
    client = signed_in(client, investigator_a)
    reminders = client.get(INBOX, {"kind": "reminder"}).content.decode()
    assert "Answer due on CH-1" in reminders and "A letter arrived" not in reminders
    documents = client.get(INBOX, {"kind": "document"}).content.decode()
    assert "A letter arrived" in documents and "CH-1" not in documents


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{"kind": "nonsense"}, {"show": "everything"}, {"page": "x"}, {"page": "999"}])
def test_a_bad_filter_value_is_told_not_a_500(client, investigator_a, mine, query):
    response = signed_in(client, investigator_a).get(INBOX, query)
    assert response.status_code == 200
    assert "Answer due on CH-1" in response.content.decode()


@pytest.mark.django_db
def test_pages_of_25(client, investigator_a):
    for index in range(30):
        notify(recipient=investigator_a, title=f"Reminder number {index:02d}", source_key=f"k{index}")
    client = signed_in(client, investigator_a)
    first = client.get(INBOX).content.decode()
    second = client.get(INBOX, {"page": 2}).content.decode()
    assert first.count('class="notification unread"') == 25 and second.count('class="notification unread"') == 5
    assert "Reminder number 29" in first and "Reminder number 00" in second


@pytest.mark.django_db
def test_mark_read_marks_mine(client, investigator_a, mine):
    response = signed_in(client, investigator_a).post(f"{INBOX}{mine.pk}/read/", {"next": f"{INBOX}?show=all"})
    assert response.status_code == 302 and response["Location"] == f"{INBOX}?show=all"
    mine.refresh_from_db()
    assert mine.read_at is not None


@pytest.mark.django_db
def test_mark_read_of_another_persons_notification_is_404_and_changes_nothing(client, investigator_a, theirs):
    client = signed_in(client, investigator_a)
    assert client.post(f"{INBOX}{theirs.pk}/read/").status_code == 404
    assert client.get(f"{INBOX}{theirs.pk}/open/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.django_db
def test_mark_read_is_post_only_and_needs_the_csrf_token(investigator_a, mine):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(investigator_a)
    assert client.get(f"{INBOX}{mine.pk}/read/").status_code == 405
    assert client.post(f"{INBOX}{mine.pk}/read/").status_code == 403
    mine.refresh_from_db()
    assert mine.read_at is None


@pytest.mark.django_db
def test_mark_all_read_marks_only_mine(client, investigator_a, mine, theirs):
    notify(recipient=investigator_a, title="Second one", link="/admin/")
    response = signed_in(client, investigator_a).post(f"{INBOX}read-all/", {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == INBOX  # never another site
    assert not Notification.objects.filter(recipient=investigator_a, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.django_db
def test_opening_follows_the_link_and_marks_it_read(client, investigator_a, mine):
    response = signed_in(client, investigator_a).get(f"{INBOX}{mine.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/admin/requests/request/1/change/"
    mine.refresh_from_db()
    assert mine.read_at is not None


@pytest.mark.django_db
def test_a_link_to_another_site_is_never_followed(client, investigator_a):
    bad = notify(recipient=investigator_a, title="Odd", link="javascript:alert(1)")[0]
    response = signed_in(client, investigator_a).get(f"{INBOX}{bad.pk}/open/")
    assert response.status_code == 302 and response["Location"] == INBOX
    assert "javascript:" not in client.get(INBOX, {"show": "all"}).content.decode()


@pytest.mark.django_db
def test_someone_not_signed_in_is_sent_to_the_login(client, mine):
    response = client.get(INBOX)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.post(f"{INBOX}read-all/").status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is None


@pytest.mark.parametrize(
    ("link", "safe"),
    [
        ("/admin/requests/request/1/change/", "/admin/requests/request/1/change/"),
        ("https://recovery.example.org/admin/x/", "/admin/x/"),
        ("https://evil.example/admin/", ""),
        ("//evil.example/", ""),
        ("/\\evil.example/", ""),
        ("javascript:alert(1)", ""),
        ("", ""),
    ],
)
def test_safe_local_link(settings, link, safe):
    settings.PUBLIC_URL = "https://recovery.example.org"
    assert safe_local_link(link) == safe


def test_public_links_start_with_the_public_url(settings):
    settings.PUBLIC_URL = "https://recovery.example.org"
    assert public_link("/admin/desk/") == "https://recovery.example.org/admin/desk/"
    assert public_link("admin/desk/") == "https://recovery.example.org/admin/desk/"


@pytest.mark.django_db
def test_reminder_emails_link_to_the_public_url(settings, investigator_a):
    from mla_requests.reminder_services import chaser_form_path, request_link
    from tests.reminders.conftest import send_request

    settings.PUBLIC_URL = "https://recovery.example.org"
    import datetime

    request = send_request(
        investigator=investigator_a, sent_on=datetime.date(2025, 1, 10), response_due=datetime.date(2025, 4, 10)
    )
    assert request_link(request) == f"https://recovery.example.org/admin/requests/request/{request.pk}/change/"
    assert chaser_form_path(request).startswith("/admin/")


@pytest.mark.django_db
def test_the_inbox_asks_the_database_as_often_for_twenty_rows_as_for_two(client, investigator_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(INBOX, {"show": "all"}).status_code == 200
        return len(captured)

    client = signed_in(client, investigator_a)
    for index in range(2):
        notify(recipient=investigator_a, title=f"First {index}", source_key=f"a{index}")
    small = queries()
    for index in range(18):
        notify(recipient=investigator_a, title=f"Then {index}", source_key=f"b{index}", kind="document")
    assert queries() == small
