"""Idempotency-Key on POST: a retry replays the first response and creates nothing."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from cases.models import Case
from mla_requests.models import Request
from recovery.models import IdempotencyKey
from tests.api.conftest import assert_problem


def case_body(unit, lead, category, number="241500031000777"):
    return {
        "register_number": number,
        "title": "Embezzlement",
        "unit": unit.pk,
        "lead_investigator": lead.pk,
        "primary_crime_category": category.pk,
        "opened_on": "2024-01-15",
    }


@pytest.mark.django_db
def test_a_retry_replays_the_first_response(client_for, investigator_a, corruption):
    client = client_for(investigator_a)
    body = case_body(investigator_a.unit, investigator_a, corruption)
    first = client.post("/api/v1/cases/", body, HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/api/v1/cases/", body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Location"] == first["Location"] and again["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_422(client_for, investigator_a, corruption):
    client = client_for(investigator_a)
    client.post(
        "/api/v1/cases/", case_body(investigator_a.unit, investigator_a, corruption), HTTP_IDEMPOTENCY_KEY="k-2"
    )
    other = case_body(investigator_a.unit, investigator_a, corruption, number="999")
    response = client.post("/api/v1/cases/", other, HTTP_IDEMPOTENCY_KEY="k-2")
    assert assert_problem(response, 422)["code"] == "idempotency_key_reused"
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_a_failed_post_does_not_burn_the_key(client_for, investigator_a, corruption):
    client = client_for(investigator_a)
    bad = case_body(investigator_a.unit, investigator_a, corruption)
    bad["opened_on"] = "2999-01-01"
    assert_problem(client.post("/api/v1/cases/", bad, HTTP_IDEMPOTENCY_KEY="k-3"), 400)
    assert not IdempotencyKey.objects.exists()


@pytest.mark.django_db
def test_keys_belong_to_their_user(client_for, investigator_a, supervisor_a, corruption):
    client_for(investigator_a).post(
        "/api/v1/cases/", case_body(investigator_a.unit, investigator_a, corruption), HTTP_IDEMPOTENCY_KEY="shared"
    )
    response = client_for(supervisor_a).post(
        "/api/v1/cases/",
        case_body(supervisor_a.unit, supervisor_a, corruption, number="42"),
        HTTP_IDEMPOTENCY_KEY="shared",
    )
    assert response.status_code == 201
    assert Case.objects.count() == 2


@pytest.mark.django_db
def test_a_transition_retry_is_replayed_not_refused(client_for, investigator_a, request_a):
    client = client_for(investigator_a)
    url = f"/api/v1/requests/{request_a.pk}/transitions/"
    first = client.post(url, {"to_status": "sent"}, HTTP_IDEMPOTENCY_KEY="send-1")
    again = client.post(url, {"to_status": "sent"}, HTTP_IDEMPOTENCY_KEY="send-1")
    assert first.status_code == again.status_code == 200
    assert Request.objects.get(pk=request_a.pk).timeline.count() == 2


# transaction=True without serialized_rollback: its teardown flush then re-runs post_migrate, which
# restores content types, permissions and role groups for the tests after it (serialized_rollback
# skipped that and left later tests without them).
@pytest.mark.django_db(transaction=True)
def test_concurrent_identical_posts_create_one_row(on_postgres, investigator_a, corruption):
    """Two clients race the same key: the unique index makes one wait, then it replays."""
    body = case_body(investigator_a.unit, investigator_a, corruption)
    barrier = threading.Barrier(2)
    results = []

    def post():
        try:
            client = APIClient()
            client.force_authenticate(investigator_a)
            barrier.wait()
            response = client.post("/api/v1/cases/", body, HTTP_IDEMPOTENCY_KEY="race")
            results.append((response.status_code, response.json().get("id")))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Case.objects.filter(register_number=body["register_number"]).count() == 1
    assert [status for status, _ in results] == [201, 201]
    assert results[0][1] == results[1][1]


@pytest.mark.django_db
def test_old_keys_are_purged(client_for, investigator_a, corruption):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    client = client_for(investigator_a)
    client.post(
        "/api/v1/cases/", case_body(investigator_a.unit, investigator_a, corruption), HTTP_IDEMPOTENCY_KEY="old"
    )
    IdempotencyKey.objects.update(created_at=timezone.now() - datetime.timedelta(days=8))
    client.post(
        "/api/v1/cases/",
        case_body(investigator_a.unit, investigator_a, corruption, number="77"),
        HTTP_IDEMPOTENCY_KEY="new",
    )
    call_command("purge_idempotency_keys", "--older-than-days", "7")
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
