"""Synchronisation: `updated_after` and a cursor ordered by update time, stable under changes."""

import pytest
from django.utils import timezone

from cases.services import case_update
from tests.factories import make_case


@pytest.mark.django_db
def test_updated_after_pages_by_cursor_in_update_order(client_for, investigator_a, case_a):
    since = timezone.now()
    later = [make_case(actor=investigator_a, lead=investigator_a, unit=investigator_a.unit) for _ in range(3)]
    client = client_for(investigator_a)
    first = client.get("/api/v1/cases/", {"updated_after": since.isoformat(), "limit": 2}).json()
    assert [c["id"] for c in first["results"]] == [later[0].pk, later[1].pk]
    assert "cursor=" in first["next"]
    # A record changed while the client pages comes after what it has already read.
    case_update(case=later[0], actor=investigator_a, title="edited")
    second = client.get(first["next"]).json()
    assert [c["id"] for c in second["results"]] == [later[2].pk, later[0].pk]
    assert case_a.pk not in {c["id"] for c in first["results"] + second["results"]}


@pytest.mark.django_db
def test_a_malformed_timestamp_is_400(client_for, investigator_a):
    response = client_for(investigator_a).get("/api/v1/cases/", {"updated_after": "yesterday"})
    assert response.status_code == 400
    assert "updated_after" in response.json()["errors"]


@pytest.mark.django_db
def test_any_iso_offset_is_accepted(client_for, investigator_a, case_a):
    # +16:13 is valid ISO 8601 but outside PostgreSQL's range: it is normalised to UTC first.
    response = client_for(investigator_a).get("/api/v1/cases/", {"updated_after": "2000-06-26T01:09:28+16:13"})
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["results"]] == [case_a.pk]
    early = client_for(investigator_a).get("/api/v1/cases/", {"updated_after": "0001-01-01T00:00:00+05:00"})
    assert early.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["offset=-1", "offset=0", "limit=0", "limit=-3", "limit=many"])
def test_a_sync_page_refuses_bad_paging_parameters(client_for, analyst, query):
    response = client_for(analyst).get(f"/api/v1/requests/?sync=1&{query}")
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/problem+json")
