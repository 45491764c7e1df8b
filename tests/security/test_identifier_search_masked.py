"""Whoever sees a person's identifiers masked cannot find them out by searching either: the admin's
search boxes, autocomplete and URL lookups and the API's `q` look into IIN/BIN and passport numbers
only for users who see them in full (masking.py's rule). And the API masks by that same rule, so
a user who is an investigator of unit A and an analyst sees unit A's subjects in full, unit B's
masked."""

import pytest
from django.contrib import admin as django_admin
from django.test import RequestFactory
from django.urls import reverse

from recovery.security.masking import is_identifier_lookup
from tests.factories import UserFactory
from tests.security.conftest import client_for

IIN_A, PASSPORT_A, IIN_B = "860101300123", "N1234567", "900202400456"


@pytest.fixture
def investigating_analyst(unit_a):
    # An investigator of unit A who is also an analyst: sees every case, investigates unit A's.
    return UserFactory(username="inv_analyst", unit=unit_a, roles=["Investigator", "Analyst"])


@pytest.fixture(autouse=True)
def requests_name_their_subjects(records_a, records_b):
    # The request admin searches the subjects a request concerns.
    for records in (records_a, records_b):
        records["request"].subjects.add(records["subject"])


def _admin_found(client, changelist, term) -> int:
    response = client.get(reverse(changelist), {"q": term})
    assert response.status_code == 200, (changelist, response.status_code)
    return response.context["cl"].result_count


def _api_found(client, term) -> int:
    response = client.get("/api/v1/subjects/", {"q": term})
    assert response.status_code == 200
    return response.json()["count"]


# (who, finds unit A's subject by its IIN, finds unit B's)
SEARCHES = [
    ("investigator_a", True, False),  # B is outside their scope anyway
    ("supervisor_a", True, False),
    ("administrator", True, True),
    ("superuser", True, True),
    ("analyst", False, False),
    ("investigating_analyst", False, False),  # would reach unit B's, which they see masked
]


@pytest.mark.parametrize(("who", "finds_a", "finds_b"), SEARCHES)
def test_admin_search_by_identifier_per_role(request, records_a, records_b, who, finds_a, finds_b):
    client = client_for(request.getfixturevalue(who))
    for changelist in (
        "admin:cases_subject_changelist",
        "admin:cases_case_changelist",
        "admin:requests_request_changelist",
        "admin:assets_asset_changelist",
    ):
        assert bool(_admin_found(client, changelist, IIN_A)) is finds_a, changelist
        assert bool(_admin_found(client, changelist, IIN_B)) is finds_b, changelist
    assert bool(_admin_found(client, "admin:cases_subject_changelist", PASSPORT_A)) is finds_a
    # Names are searched for everyone who sees the subject.
    assert _admin_found(client, "admin:cases_subject_changelist", "Subject") >= 1


def test_the_search_help_says_identifiers_are_not_searched(records_a, analyst, administrator):
    note = "not searched for your role"
    assert note in client_for(analyst).get(reverse("admin:cases_subject_changelist")).content.decode()
    assert note not in client_for(administrator).get(reverse("admin:cases_subject_changelist")).content.decode()


@pytest.mark.parametrize(("who", "status"), [("analyst", 400), ("investigating_analyst", 400), ("administrator", 200)])
def test_admin_url_lookups_on_identifiers(request, records_a, who, status):
    client = client_for(request.getfixturevalue(who))
    for lookup in ("iin_bin", "iin_bin__startswith", "passport_number__exact"):
        response = client.get(reverse("admin:cases_subject_changelist"), {lookup: IIN_A[:4]})
        assert response.status_code == status, lookup


@pytest.mark.parametrize(("who", "found"), [("analyst", False), ("administrator", True)])
def test_admin_autocomplete_by_identifier(request, records_a, who, found):
    response = client_for(request.getfixturevalue(who)).get(
        "/admin/autocomplete/",
        {"term": IIN_A, "app_label": "assets", "model_name": "asset", "field_name": "holder"},
    )
    assert response.status_code == 200
    assert bool(response.json()["results"]) is found


def test_no_registered_admin_searches_identifiers_for_an_analyst(analyst, administrator):
    """Every admin of the site, including ones added later: none keeps an identifier field in the
    analyst's search."""
    request = RequestFactory().get("/admin/")
    searched = []
    for model, model_admin in django_admin.site._registry.items():
        request.user = administrator
        full = model_admin.get_search_fields(request)
        request.user = analyst
        masked = model_admin.get_search_fields(request)
        assert not [f for f in masked if is_identifier_lookup(f)], model._meta.label
        if any(is_identifier_lookup(f) for f in full):
            searched.append(model._meta.label_lower)
    assert {"cases.subject", "cases.case", "requests.request", "assets.asset"} <= set(searched)


@pytest.mark.parametrize(("who", "finds_a", "finds_b"), SEARCHES)
def test_api_search_by_identifier_per_role(request, records_a, records_b, who, finds_a, finds_b):
    client = client_for(request.getfixturevalue(who))
    assert bool(_api_found(client, IIN_A)) is finds_a
    assert bool(_api_found(client, IIN_B)) is finds_b
    assert bool(_api_found(client, PASSPORT_A)) is finds_a
    assert _api_found(client, "Subject") >= 1


def test_the_api_masks_by_the_rule_of_masking_py(records_a, records_b, investigating_analyst):
    client = client_for(investigating_analyst)
    a, b = records_a["subject"], records_b["subject"]
    rows = {row["id"]: row for row in client.get("/api/v1/subjects/").json()["results"]}
    assert (rows[a.pk]["iin_bin"], rows[a.pk]["passport_number"]) == (IIN_A, PASSPORT_A)
    assert (rows[b.pk]["iin_bin"], rows[b.pk]["passport_number"]) == ("•••••••••456", "•••••321")
    assert client.get(f"/api/v1/subjects/{a.pk}/").json()["iin_bin"] == IIN_A
    assert client.get(f"/api/v1/subjects/{b.pk}/").json()["iin_bin"] == "•••••••••456"


@pytest.mark.parametrize(
    ("who", "full_a", "full_b"),
    [
        ("investigator_a", True, None),  # B not visible
        ("supervisor_a", True, None),
        ("administrator", True, True),
        ("analyst", False, False),
    ],
)
def test_api_masking_per_role(request, records_a, records_b, who, full_a, full_b):
    rows = {
        row["id"]: row for row in client_for(request.getfixturevalue(who)).get("/api/v1/subjects/").json()["results"]
    }
    for records, full, iin in ((records_a, full_a, IIN_A), (records_b, full_b, IIN_B)):
        row = rows.get(records["subject"].pk)
        if full is None:
            assert row is None
        else:
            assert (row["iin_bin"] == iin) is full
