"""/api/v1/notifications/: the current user's notifications, with mark-read."""

import pytest
from rest_framework.test import APIClient

from recovery.models import Notification
from recovery.notifications import notify, unread_notifications_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/notifications/"


@pytest.fixture
def client_for():
    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def inbox(investigator_a, investigator_b):
    mine = [notify(recipient=investigator_a, title=f"Reminder {n}", source_key=f"test:{n}")[0] for n in range(3)]
    theirs = notify(recipient=investigator_b, title="Not yours", source_key="test:b")[0]
    return mine, theirs


def test_a_person_lists_only_their_own_notifications(client_for, investigator_a, inbox):
    mine, theirs = inbox
    response = client_for(investigator_a).get(URL)
    assert response.status_code == 200
    titles = [item["title"] for item in response.json()["results"]]
    assert sorted(titles) == ["Reminder 0", "Reminder 1", "Reminder 2"]
    assert client_for(investigator_a).get(f"{URL}{theirs.pk}/").status_code == 404


def test_mark_one_read_and_filter_unread(client_for, investigator_a, inbox):
    mine, theirs = inbox
    client = client_for(investigator_a)
    response = client.post(f"{URL}{mine[0].pk}/read/")
    assert response.status_code == 200 and response.json()["is_read"] is True
    unread = client.get(URL, {"unread": "true"}).json()["results"]
    assert sorted(item["id"] for item in unread) == sorted(n.pk for n in mine[1:])
    assert client.get(f"{URL}unread-count/").json() == {"unread": 2}
    # Someone else's notification cannot be marked.
    assert client.post(f"{URL}{theirs.pk}/read/").status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_mark_all_read_touches_only_the_callers(client_for, investigator_a, investigator_b, inbox):
    mine, theirs = inbox
    response = client_for(investigator_a).post(f"{URL}read-all/", {"ids": [mine[1].pk, theirs.pk]}, format="json")
    assert response.json() == {"marked": 1}
    assert client_for(investigator_a).post(f"{URL}read-all/", {}, format="json").json() == {"marked": 2}
    assert list(unread_notifications_for(investigator_a)) == []
    assert list(unread_notifications_for(investigator_b)) == [theirs]


def test_bad_input_is_a_400_with_the_reason(client_for, investigator_a, inbox):
    response = client_for(investigator_a).post(f"{URL}read-all/", {"ids": ["x"]}, format="json")
    assert response.status_code == 400
    # The API's one error shape: problem details with per-field errors.
    assert response["Content-Type"].startswith("application/problem+json")
    assert any(name.startswith("ids") for name in response.json()["errors"])


def test_anonymous_callers_are_refused():
    assert APIClient().get(URL).status_code in (401, 403)


def test_posting_the_same_source_twice_keeps_one(investigator_a):
    first, created = notify(recipient=investigator_a, title="Once", source_key="reminder:1")
    again, created_again = notify(recipient=investigator_a, title="Once", source_key="reminder:1")
    assert created and not created_again and first.pk == again.pk
