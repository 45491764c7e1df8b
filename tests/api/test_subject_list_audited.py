"""With the API list cache on, every read of the subject list still leaves its audit event: the
subject list is never kept nor served from the cache (by a session or through the token door,
which answers before the view would run), so each call reaches the view that records it.

Writes move table versions when they commit, so these tests commit for real (transaction=True),
as the list cache's own tests do."""

import pytest

from cases.services import case_add_subject, subject_create
from recovery.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)

SUBJECTS = "/api/v1/subjects/?limit=50"
REQUESTS = "/api/v1/requests/?limit=50"


@pytest.fixture(autouse=True)
def _list_cache_on(list_cache_on):
    """Every test here runs with the list cache on (tests/api/conftest.py)."""


@pytest.fixture
def subjects_a(case_a, investigator_a):
    for n in range(3):
        subject = subject_create(actor=investigator_a, name_latin=f"Person {n}")
        case_add_subject(case=case_a, subject=subject, role="witness", actor=investigator_a)


def _events():
    return list(AuditEvent.objects.filter(action="list_viewed", extra__what="cases.subject").order_by("pk"))


def _read_four_times(client, path):
    answers = []
    for _ in range(4):
        response = client.get(path)
        assert response.status_code == 200, response.content
        answers.append(response)
    return answers


def test_the_cache_is_on_for_other_lists(client_for, investigator_a, request_a):
    # The premise: the same calls to another list are served from the cache by the third one.
    answers = _read_four_times(client_for(investigator_a), REQUESTS)
    assert answers[-1]["X-List-Cache"] == "hit"


def test_each_session_read_of_the_subject_list_is_an_event(client_for, investigator_a, subjects_a):
    answers = _read_four_times(client_for(investigator_a), SUBJECTS)
    assert [a.get("X-List-Cache") for a in answers] == [None] * 4
    assert [e.extra["rows"] for e in _events()] == [3, 3, 3, 3]


def test_each_token_read_of_the_subject_list_is_an_event(token_for, investigator_a, subjects_a):
    _token, client = token_for(investigator_a, scopes=["cases:read"])
    answers = _read_four_times(client, SUBJECTS)
    assert "hit" not in [a.get("X-List-Cache") for a in answers]
    events = _events()
    assert [e.extra["rows"] for e in events] == [3, 3, 3, 3]
    assert {e.user for e in events} == {investigator_a}
