"""A boolean filter takes `true` or `false`; anything else is a 400, never silently "no filter"."""

import pytest

from tests.factories import AssistanceMeasureFactory


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["-1", "1", "0", "maybe", "yes"])
def test_a_boolean_filter_refuses_what_is_not_true_or_false(client_for, analyst, value):
    AssistanceMeasureFactory(code="freezing", concerns_assets=True)
    response = client_for(analyst).get("/api/v1/measures/", {"concerns_assets": value})
    assert response.status_code == 400
    assert "concerns_assets" in response.json()["errors"]


@pytest.mark.django_db
def test_true_and_false_filter(client_for, analyst):
    AssistanceMeasureFactory(code="freezing", concerns_assets=True)
    AssistanceMeasureFactory(code="testimony", concerns_assets=False)
    client = client_for(analyst)
    assert [m["code"] for m in client.get("/api/v1/measures/", {"concerns_assets": "true"}).json()["results"]] == [
        "freezing"
    ]
    assert [m["code"] for m in client.get("/api/v1/measures/", {"concerns_assets": "false"}).json()["results"]] == [
        "testimony"
    ]


@pytest.mark.django_db
def test_the_notifications_unread_parameter_is_strict(investigator_a):
    from rest_framework.test import APIClient

    from recovery.models import Notification

    Notification.objects.create(recipient=investigator_a, title="Reminder")
    client = APIClient()
    client.force_authenticate(investigator_a)
    assert client.get("/api/v1/notifications/?unread=true").json()["count"] == 1
    assert client.get("/api/v1/notifications/?unread=false").json()["count"] == 0
    refused = client.get("/api/v1/notifications/?unread=74400585")
    assert refused.status_code == 400
    assert "unread" in refused.json()["errors"]
