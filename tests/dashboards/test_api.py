"""/api/v1/stats/ gives the same figures as the pages."""

import datetime

import pytest
from django.urls import reverse

from recovery.stats import jsonable

pytestmark = pytest.mark.django_db

PAIRS = [
    ("overview", "overview", {}),
    ("countries", "countries", {}),
    ("categories", "categories", {}),
    ("overdue", "overdue", {}),
    ("assets", "assets", {}),
    ("trends", "trends", {}),
    ("report", "report", {"year": 2025}),
    ("countries", "countries", {"country": "RU", "date_from": "2025-01-01"}),
]


@pytest.mark.parametrize(("page", "endpoint", "params"), PAIRS)
def test_json_equals_the_page_figures(client, known, page, endpoint, params):
    client.force_login(known.supervisor)
    page_response = client.get(reverse(f"dashboard:{page}"), params)
    api = client.get(f"/api/v1/stats/{endpoint}/", params)
    assert api.status_code == 200
    body = api.json()
    computed_at = body.pop("computed_at")
    assert body == jsonable(page_response.context["stats"])
    if page != "overdue":
        # The page stored its figures; the API served the same snapshot.
        assert datetime.datetime.fromisoformat(computed_at) == page_response.context["computed_at"]


def test_money_is_a_decimal_string_in_json(client, known):
    client.force_login(known.supervisor)
    funnel = client.get("/api/v1/stats/assets/").json()["funnel"]
    frozen = next(s for s in funnel if s["stage"] == "frozen")
    gbp = next(m for m in frozen["money"]["totals"] if m["currency"] == "GBP")
    assert gbp["amount"] == "1500000.00"
    assert "currency__exact=GBP" in gbp["url"]
    assert frozen["money"]["converted"]["amount"] == "3160000.00"


def test_the_api_is_scoped_like_the_pages(client, known):
    client.force_login(known.supervisor)
    countries = [c["country"] for c in client.get("/api/v1/stats/countries/").json()["countries"]]
    assert countries == ["RU", "CN"]
    client.force_login(known.analyst)
    countries = [c["country"] for c in client.get("/api/v1/stats/countries/").json()["countries"]]
    assert countries == ["RU", "UZ", "CN"]


def test_the_api_needs_a_signed_in_user(client, db):
    # No credentials at all: 401 (with WWW-Authenticate), like the rest of the API.
    assert client.get("/api/v1/stats/overview/").status_code == 401
