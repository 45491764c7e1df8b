"""The API's list cache: a page is served again only while no table it was read from has changed.

Writes move table versions when they commit, so these tests commit for real (transaction=True):
inside pytest-django's usual never-committed test transaction no write would ever count.
"""

import os

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from mla_requests.models import Request
from mla_requests.services import request_update
from recovery import table_versions
from recovery.api import list_cache
from recovery.models import LegalInstrument
from tests.factories import UserFactory, make_request

LIST = "/api/v1/requests/?limit=50"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _list_cache_on(list_cache_on):
    """Every test here runs with the list cache on (tests/api/conftest.py)."""


@pytest.fixture
def requests_a(case_a, uncac, freezing, investigator_a):
    return [
        make_request(case=case_a, actor=investigator_a, legal_basis=uncac, measures=[freezing], summary=f"No {n}")
        for n in range(3)
    ]


def read(client, path=LIST, **headers):
    response = client.get(path, **headers)
    assert response.status_code == 200, response.content
    return response


def warm(client, path=LIST):
    """The first call of a list in a process learns which tables it reads; from then on a computed
    page is kept."""
    read(client, path)
    read(client, path)


def test_a_repeated_call_is_served_from_the_cache_without_the_list_queries(client_for, investigator_a, requests_a):
    client = client_for(investigator_a)
    warm(client)
    with CaptureQueriesContext(connection) as queries:
        again = read(client)
    assert again["X-List-Cache"] == "hit"
    assert again.json()["count"] == 3
    assert not [q for q in queries.captured_queries if "requests_request" in q["sql"]]


def test_a_service_write_shows_in_the_next_call(client_for, investigator_a, requests_a):
    client = client_for(investigator_a)
    warm(client)
    with transaction.atomic():
        request_update(request=requests_a[0], actor=investigator_a, summary="Changed by the investigator")
    after = read(client)
    assert after["X-List-Cache"] == "miss"
    assert "Changed by the investigator" in {row["summary"] for row in after.json()["results"]}


def test_a_queryset_update_behind_the_services_back_still_invalidates(client_for, investigator_a, requests_a):
    # No signal fires for QuerySet.update(): the execute wrapper sees the UPDATE statement itself.
    client = client_for(investigator_a)
    warm(client)
    with transaction.atomic():
        Request.objects.filter(pk=requests_a[1].pk).update(summary="Bulk-edited")
    assert "Bulk-edited" in {row["summary"] for row in read(client).json()["results"]}


def test_a_change_of_a_related_table_invalidates(client_for, investigator_a, requests_a, uncac):
    client = client_for(investigator_a)
    warm(client)
    with transaction.atomic():
        Case.objects.filter(pk=requests_a[0].case_id).update(register_number="999000111")
        LegalInstrument.objects.filter(pk=uncac.pk).update(name_en="Renamed convention")
    page = read(client)
    assert page["X-List-Cache"] == "miss"
    body = page.content.decode()
    assert "999000111" in body and "Renamed convention" in body


def test_a_write_rolled_back_changes_nothing_and_a_committed_one_moves_only_on_commit(requests_a):
    table = Request._meta.db_table
    first = table_versions.versions([table])[table]
    with pytest.raises(RuntimeError), transaction.atomic():
        Request.objects.filter(pk=requests_a[0].pk).update(summary="never committed")
        raise RuntimeError
    assert table_versions.versions([table])[table] == first
    with transaction.atomic():
        Request.objects.filter(pk=requests_a[0].pk).update(summary="pending commit")
        with transaction.atomic():  # a savepoint rolled back keeps the outer write's callback
            Case.objects.update(title="x")
            transaction.set_rollback(True)
        assert table_versions.versions([table])[table] == first, "moved before the commit"
    assert table_versions.versions([table])[table] != first


def test_each_caller_gets_their_own_scope(client_for, investigator_a, investigator_b, requests_a, case_b, uncac):
    make_request(case=case_b, actor=investigator_b, legal_basis=uncac, summary="Unit B's own")
    a, b = client_for(investigator_a), client_for(investigator_b)
    warm(a)
    warm(b)
    assert {r["summary"] for r in read(a).json()["results"]} == {"No 0", "No 1", "No 2"}
    assert {r["summary"] for r in read(b).json()["results"]} == {"Unit B's own"}


def test_a_new_role_changes_what_the_cached_page_shows(client_for, investigator_b, requests_a):
    from django.contrib.auth.models import Group

    client = client_for(investigator_b)
    warm(client)
    assert read(client).json()["count"] == 0
    with transaction.atomic():
        investigator_b.groups.add(Group.objects.get(name="Analyst"))
    investigator_b.__dict__.pop("_role_names", None)  # force_authenticate keeps the same object
    assert read(client).json()["count"] == 3


def test_languages_are_kept_apart(client_for, investigator_a, requests_a):
    client = client_for(investigator_a)
    warm(client)
    english = read(client, HTTP_ACCEPT_LANGUAGE="en").content
    read(client, HTTP_ACCEPT_LANGUAGE="ru")
    russian = read(client, HTTP_ACCEPT_LANGUAGE="ru")
    assert russian["X-List-Cache"] == "hit"
    assert russian.content != english


def test_no_cache_computes_afresh(client_for, investigator_a, requests_a):
    client = client_for(investigator_a)
    warm(client)
    assert read(client, HTTP_CACHE_CONTROL="no-cache")["X-List-Cache"] == "miss"


def test_the_browsable_api_and_errors_are_never_kept(client_for, investigator_a, requests_a):
    client = client_for(investigator_a)
    for _ in range(3):
        page = client.get("/api/v1/requests/?format=api")
        assert page.status_code == 200 and "X-List-Cache" not in page
    for _ in range(3):
        bad = client.get("/api/v1/requests/?limit=zero")
        assert bad.status_code == 400 and "X-List-Cache" not in bad


def test_off_by_default_without_a_shared_cache(settings, client_for, investigator_a, requests_a):
    settings.RECOVERY_API_LIST_CACHE_SECONDS = 0
    client = client_for(investigator_a)
    for _ in range(3):
        assert "X-List-Cache" not in read(client)


def test_statements_are_read_for_their_tables():
    assert table_versions.is_write('UPDATE "requests_request" SET "summary" = %s')
    assert table_versions.is_write("insert into requests_reminderdelivery (request_id) select 1")
    assert table_versions.is_write('WITH moved AS (DELETE FROM "cases_case" RETURNING id) SELECT * FROM moved')
    assert not table_versions.is_write('SELECT "id" FROM "requests_request"')
    sql = (
        'SELECT "requests_request"."id" FROM "requests_request" INNER JOIN "cases_case" ON (...) '
        "WHERE id IN (SELECT request_id FROM requests_request_measures)"
    )
    assert table_versions.tables_in(sql) == {"requests_request", "cases_case", "requests_request_measures"}


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI sets it)")
def test_with_redis_a_write_reaches_every_process(settings, client_for, investigator_a, requests_a):
    """The production shape: the versions and pages in Redis, shared by every worker process. A
    second cache client (what another process holds) sees the version a write moved."""
    from django_redis.cache import RedisCache

    url = os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/6"
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": url}}
    from django.core.cache import caches

    caches["default"].clear()
    try:
        client = client_for(investigator_a)
        warm(client)
        assert read(client)["X-List-Cache"] == "hit"
        other_process = RedisCache(url, {})
        key = table_versions.KEY_PREFIX + Request._meta.db_table
        seen_before = other_process.get(key)
        with transaction.atomic():
            Request.objects.filter(pk=requests_a[2].pk).update(summary="Seen everywhere")
        assert other_process.get(key) != seen_before
        assert "Seen everywhere" in {r["summary"] for r in read(client).json()["results"]}
    finally:
        caches["default"].clear()


def test_users_written_elsewhere_move_the_scope_tables():
    before = table_versions.versions(["recovery_user"])["recovery_user"]
    with transaction.atomic():
        UserFactory(username="someone-new")
    assert table_versions.versions(["recovery_user"])["recovery_user"] != before


# --- the token door: pages served before the rest of the stack ---------------------------------


@pytest.fixture
def token_client(token_for, investigator_a):
    def build(**options):
        token, client = token_for(investigator_a, **options)
        return token, client

    return build


def test_a_token_page_is_served_without_a_query_with_the_same_headers(token_client, requests_a):
    _token, client = token_client()
    warm(client)
    computed = read(client, HTTP_CACHE_CONTROL="no-cache")
    with CaptureQueriesContext(connection) as queries:
        served = read(client)
    assert served["X-List-Cache"] == "hit"
    assert queries.captured_queries == []
    assert served.content == computed.content
    for header in ("Content-Type", "Content-Language", "Vary", "Content-Security-Policy", "X-Frame-Options"):
        assert served.get(header) == computed.get(header), header


def test_a_revoked_token_is_refused_at_once(token_client, requests_a, investigator_a):
    from recovery.api.services import api_token_revoke

    token, client = token_client()
    warm(client)
    assert read(client)["X-List-Cache"] == "hit"
    api_token_revoke(token=token, actor=investigator_a)
    assert client.get(LIST).status_code == 401


def test_a_deactivated_account_is_refused_at_once(token_client, requests_a, investigator_a):
    _token, client = token_client()
    warm(client)
    investigator_a.is_active = False
    investigator_a.save()
    assert client.get(LIST).status_code == 401


def test_an_expired_token_is_refused_even_with_its_page_kept(token_client, requests_a, monkeypatch):
    import datetime

    from django.utils import timezone

    _token, client = token_client(expires_at=timezone.now() + datetime.timedelta(hours=1))
    warm(client)
    assert read(client)["X-List-Cache"] == "hit"
    later = timezone.now() + datetime.timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert client.get(LIST).status_code == 401


def test_a_call_from_outside_the_allow_list_is_refused_even_with_its_page_kept(token_client, requests_a):
    _token, client = token_client(allowed_ips="127.0.0.1/32")
    warm(client)
    assert read(client)["X-List-Cache"] == "hit"
    assert client.get(LIST, REMOTE_ADDR="10.9.8.7").status_code == 403


def test_served_pages_still_count_against_the_throttle(settings, token_client, requests_a):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "5/minute"}}
    _token, client = token_client()
    states = [client.get(LIST) for _ in range(6)]
    assert [r.status_code for r in states] == [200] * 5 + [429]
    assert "hit" in {r.get("X-List-Cache") for r in states[:5]}


def test_the_last_use_is_still_recorded_every_minute(token_client, requests_a, monkeypatch):
    import datetime

    from django.utils import timezone

    token, client = token_client()
    warm(client)
    assert read(client)["X-List-Cache"] == "hit"
    later = timezone.now() + datetime.timedelta(seconds=90)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert read(client)["X-List-Cache"] == "miss"
    token.refresh_from_db()
    assert token.last_used_at == later


def test_the_scope_tables_are_real_tables():
    # A renamed table would silently stop being a dependency.
    assert table_versions.known_tables() >= list_cache.SCOPE_TABLES


def test_touch_tables_after_a_restore_retires_kept_pages(client_for, investigator_a, requests_a):
    from io import StringIO

    from django.core.management import CommandError, call_command

    client = client_for(investigator_a)
    warm(client)
    assert read(client)["X-List-Cache"] == "hit"
    call_command("touch_tables", stdout=StringIO())
    assert read(client)["X-List-Cache"] == "miss"
    with pytest.raises(CommandError):
        call_command("touch_tables", "no_such_table", stdout=StringIO())


def test_a_cache_that_does_not_answer_means_computing_the_page(client_for, token_client, requests_a, monkeypatch):
    from django.core.cache import cache as default_cache

    _token, by_token = token_client()
    by_session = client_for(requests_a[0].case.lead_investigator)
    warm(by_token)
    warm(by_session)

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(default_cache, "get", down)
    monkeypatch.setattr(default_cache, "get_many", down)
    for client in (by_token, by_session):
        page = client.get(LIST)
        assert page.status_code == 200
        assert page.get("X-List-Cache") != "hit"
        assert page.json()["count"] == 3
