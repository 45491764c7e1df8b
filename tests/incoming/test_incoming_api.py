# ruff: noqa: F811  (the API tests' fixtures are imported, then named as test parameters)
"""Incoming requests over the REST API: the contract (201 + Location, ETag, If-Match, Idempotency-Key),
the filters, bad input refused with its reason and nothing written, who reads and writes what, the
persons concerned masked by role, token scopes, and a list whose queries do not grow with the page."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.services import subject_create
from incoming import services
from incoming.models import IncomingRequest

# The API tests' fixtures: empty throttle buckets per test, a client per user, a token and its client.
from tests.api.conftest import _fresh_throttle_buckets, assert_problem, client_for, token_for  # noqa: F401
from tests.factories import (
    AssistanceMeasureFactory,
    CrimeCategoryFactory,
    LegalInstrumentFactory,
    UserFactory,
    make_incoming,
)

pytestmark = pytest.mark.django_db
S = IncomingRequest.Status
URL = "/api/v1/incoming-requests/"
DAY = datetime.date(2026, 3, 2)


@pytest.fixture
def freezing(db):
    return AssistanceMeasureFactory(code="freezing", name_en="Freezing assets")


@pytest.fixture
def corruption(db):
    return CrimeCategoryFactory(code="corruption", name_en="Corruption")


@pytest.fixture
def swiss_treaty(freezing):
    return LegalInstrumentFactory(
        code="kz-ch-treaty",
        name_en="Treaty between Kazakhstan and Switzerland",
        kind="bilateral_treaty",
        open_to_all_states=False,
        measures=[freezing],
        countries=["CH"],
        expected_response_days=60,
    )


@pytest.fixture
def incoming_a(investigator_a, swiss_treaty, freezing, corruption):
    return make_incoming(actor=investigator_a, legal_basis=swiss_treaty, measures=[freezing], crime_category=corruption)


@pytest.fixture
def incoming_b(investigator_b, swiss_treaty, freezing, corruption):
    return make_incoming(
        actor=investigator_b,
        legal_basis=swiss_treaty,
        measures=[freezing],
        crime_category=corruption,
        foreign_reference="SECRET-B-77",
    )


def receipt(unit, treaty, category, measures, **extra):
    return {
        "requesting_country": "CH",
        "requesting_authority": "Office of the Attorney General of Switzerland",
        "foreign_reference": "RH.26.0123",
        "foreign_dated_on": "2026-02-20",
        "received_on": "2026-03-02",
        "legal_basis": treaty.pk,
        "measures": [m.pk for m in measures],
        "crime_category": category.pk,
        "urgency": "urgent",
        "summary": "Proceeds of a bribe said to be held at a bank in Almaty.",
        "unit": unit.pk,
        **extra,
    }


@pytest.fixture
def body(unit_a, swiss_treaty, corruption, freezing):
    return receipt(unit_a, swiss_treaty, corruption, [freezing])


def detail(obj):
    return f"{URL}{obj.pk}/"


def registered(incoming, investigator):
    return services.incoming_transition(incoming=incoming, to_status=S.REGISTERED, actor=investigator, effective_on=DAY)


# --- The contract --------------------------------------------------------------------------------


def test_receive_answers_201_with_location_etag_and_the_representation(client_for, investigator_a, body, freezing):
    response = client_for(investigator_a).post(URL, body)
    assert response.status_code == 201, response.content
    created = IncomingRequest.objects.get()
    assert response["Location"] == f"{URL}{created.pk}/"
    assert response["ETag"] == '"v1"'
    data = response.json()
    assert data["reference"] == created.reference and data["reference"].startswith("INC-2026-")
    assert data["requesting_country"] == {"code": "CH", "name": "Switzerland"}
    assert data["legal_basis"]["code"] == "kz-ch-treaty" and data["legal_basis"]["kind"] == "bilateral_treaty"
    assert data["measures"] == [{"id": freezing.pk, "code": "freezing", "name": "Freezing assets"}]
    assert data["crime_category"]["code"] == "corruption"
    assert data["unit"]["id"] == investigator_a.unit_id and data["executor"] is None
    assert (data["status"], data["status_label"]) == ("received", "Received")
    assert data["allowed_next_statuses"] == ["registered", "returned", "withdrawn"]
    # The treaty's 60 days from the receipt.
    assert (data["execution_due"], data["execution_due_source"]) == ("2026-05-01", "instrument")
    assert data["is_overdue"] is True  # today is after 2026-05-01 and the request is still open
    assert data["refusal_ground"] == "" and data["refusal_ground_label"] is None
    assert created.timeline.count() == 1 and created.created_at is not None


def test_get_answers_with_the_etag_and_the_timeline(client_for, investigator_a, incoming_a):
    client = client_for(investigator_a)
    response = client.get(detail(incoming_a))
    assert response.status_code == 200 and response["ETag"] == f'"v{incoming_a.version}"'
    timeline = client.get(f"{detail(incoming_a)}timeline/")
    assert timeline.status_code == 200 and timeline["ETag"] == response["ETag"]
    assert [(row["from_status"], row["to_status"]) for row in timeline.json()] == [("", "received")]


def test_patch_needs_a_current_if_match(client_for, investigator_a, incoming_a):
    client = client_for(investigator_a)
    assert_problem(client.patch(detail(incoming_a), {"summary": "Changed"}), 428)
    stale = client.patch(detail(incoming_a), {"summary": "Changed"}, HTTP_IF_MATCH='"v0"')
    assert_problem(stale, 412)
    incoming_a.refresh_from_db()
    assert incoming_a.summary != "Changed" and incoming_a.version == 1
    etag = client.get(detail(incoming_a))["ETag"]
    changed = client.patch(detail(incoming_a), {"summary": "Changed"}, HTTP_IF_MATCH=etag)
    assert changed.status_code == 200, changed.content
    assert changed.json()["summary"] == "Changed" and changed["ETag"] == '"v2"'
    assert_problem(client.patch(detail(incoming_a), {"summary": "Again"}, HTTP_IF_MATCH=etag), 412)


def test_put_repeats_what_stays_as_received_once_assigned(
    client_for, investigator_a, supervisor_a, incoming_a, swiss_treaty, corruption, freezing
):
    registered(incoming_a, investigator_a)
    services.incoming_assign(incoming=incoming_a, actor=supervisor_a, executor=investigator_a, effective_on=DAY)
    client = client_for(investigator_a)
    etag = client.get(detail(incoming_a))["ETag"]
    full = {
        "requesting_authority": incoming_a.requesting_authority,
        "legal_basis": swiss_treaty.pk,
        "measures": [freezing.pk],
        "crime_category": corruption.pk,
        "summary": "Replaced",
    }
    response = client.put(detail(incoming_a), full, HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    assert response.json()["summary"] == "Replaced"
    other = LegalInstrumentFactory(code="uncac", measures=[freezing])
    moved = client.put(detail(incoming_a), {**full, "legal_basis": other.pk}, HTTP_IF_MATCH=response["ETag"])
    assert "legal_basis" in assert_problem(moved, 400)["errors"]
    incoming_a.refresh_from_db()
    assert incoming_a.legal_basis == swiss_treaty


def test_transitions_follow_the_outgoing_if_match_rule(client_for, investigator_a, incoming_a):
    """If-Match is optional on a transition, as for outgoing requests; when sent and stale, 412."""
    client = client_for(investigator_a)
    path = f"{detail(incoming_a)}transitions/"
    stale = client.post(path, {"to_status": "registered", "effective_on": "2026-03-03"}, HTTP_IF_MATCH='"v9"')
    assert_problem(stale, 412)
    incoming_a.refresh_from_db()
    assert incoming_a.status == S.RECEIVED and incoming_a.timeline.count() == 1
    moved = client.post(
        path, {"to_status": "registered", "effective_on": "2026-03-03", "document_reference": "3-11/87"}
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["status"] == "registered" and moved.json()["registered_on"] == "2026-03-03"
    assert moved["ETag"] == '"v2"'
    refused = client.post(path, {"to_status": "executed"})
    assert assert_problem(refused, 409)["code"] == "transition_not_allowed"


def test_the_whole_workflow_through_the_api(client_for, investigator_a, supervisor_a, incoming_a):
    investigator, supervisor = client_for(investigator_a), client_for(supervisor_a)
    path = detail(incoming_a)
    assert investigator.post(f"{path}transitions/", {"to_status": "registered"}).status_code == 200
    assigned = supervisor.post(f"{path}assign/", {"executor": investigator_a.pk, "effective_on": "2026-03-04"})
    assert assigned.status_code == 200, assigned.content
    assert assigned.json()["executor"]["id"] == investigator_a.pk and assigned.json()["status"] == "assigned"
    assert investigator.post(f"{path}transitions/", {"to_status": "in_execution"}).status_code == 200
    due = investigator.post(f"{path}execution-due/", {"execution_due": "2026-12-31", "reason": "Agreed by letter"})
    assert due.status_code == 200, due.content
    assert (due.json()["execution_due"], due.json()["execution_due_source"]) == ("2026-12-31", "set")
    refused = investigator.post(
        f"{path}transitions/",
        {
            "to_status": "refused",
            "refusal_ground": "dual_criminality",
            "refusal_article": "Art. 4(1)(b)",
            "refusal_explanation": "Not an offence here.",
        },
    )
    assert refused.status_code == 200, refused.content
    data = refused.json()
    assert (data["status"], data["refusal_ground"], data["refusal_article"]) == (
        "refused",
        "dual_criminality",
        "Art. 4(1)(b)",
    )
    assert data["refusal_ground_label"] == "No dual criminality" and data["allowed_next_statuses"] == []
    timeline = investigator.get(f"{path}timeline/").json()
    assert [row["to_status"] for row in timeline] == [
        "received",
        "registered",
        "assigned",
        "in_execution",
        "in_execution",
        "refused",
    ]
    assert "Art. 4(1)(b)" in timeline[-1]["note"]


def test_execution_due_honours_a_stale_if_match(client_for, investigator_a, incoming_a):
    response = client_for(investigator_a).post(
        f"{detail(incoming_a)}execution-due/",
        {"execution_due": "2026-12-31", "reason": "Agreed"},
        HTTP_IF_MATCH='"v7"',
    )
    assert_problem(response, 412)
    incoming_a.refresh_from_db()
    assert incoming_a.execution_due_source == "instrument" and incoming_a.timeline.count() == 1


def test_an_idempotency_key_replays_the_first_answer_and_creates_one_record(client_for, investigator_a, body):
    client = client_for(investigator_a)
    first = client.post(URL, body, HTTP_IDEMPOTENCY_KEY="inc-1")
    again = client.post(URL, body, HTTP_IDEMPOTENCY_KEY="inc-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Location"] == first["Location"] and again["ETag"] == first["ETag"]
    assert again["Idempotent-Replayed"] == "true"
    assert IncomingRequest.objects.count() == 1
    other = client.post(URL, {**body, "summary": "Another"}, HTTP_IDEMPOTENCY_KEY="inc-1")
    assert assert_problem(other, 422)["code"] == "idempotency_key_reused"
    assert IncomingRequest.objects.count() == 1


# --- Filters, and what another unit's records teach --------------------------------------------


def test_filters_select_by_the_read_rules(client_for, investigator_a, supervisor_a, incoming_a, swiss_treaty, freezing):
    recent = make_incoming(
        actor=investigator_a,
        legal_basis=swiss_treaty,
        measures=[freezing],
        received_on=timezone.localdate(),
        requested_due=timezone.localdate() + datetime.timedelta(days=5),
        urgency="urgent",
    )
    returned = make_incoming(actor=investigator_a, legal_basis=swiss_treaty, measures=[freezing])
    services.incoming_transition(incoming=returned, to_status=S.RETURNED, actor=investigator_a, note="Incomplete")
    client = client_for(investigator_a)

    def ids(**params):
        response = client.get(URL, params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids() == {incoming_a.pk, recent.pk, returned.pk}
    assert ids(overdue="true") == {incoming_a.pk}
    assert ids(due="week") == {recent.pk}
    assert ids(open="true") == {incoming_a.pk, recent.pk}
    assert ids(answered="true") == {returned.pk}
    assert ids(status="returned") == {returned.pk}
    assert ids(urgency="urgent") == {recent.pk}
    assert ids(requesting_country="CH") == {incoming_a.pk, recent.pk, returned.pk}
    assert ids(requesting_country="DE") == set()
    assert ids(q=recent.reference) == {recent.pk}
    assert ids(ordering="execution_due")
    assert [row["id"] for row in client.get(URL, {"ordering": "received_on,id"}).json()["results"]][-1] == recent.pk
    assert_problem(client.get(URL, {"ordering": "summary"}), 400)
    assert_problem(client.get(URL, {"overdue": "yes"}), 400)
    page = client.get(URL, {"limit": 1}).json()
    assert page["count"] == 3 and len(page["results"]) == 1 and page["next"]


def _same_problem(one, other):
    a, b = one.json(), other.json()
    a.pop("instance", None)
    b.pop("instance", None)
    return one.status_code == other.status_code and a == b


def test_another_units_records_answer_as_missing_ones(
    client_for, investigator_a, investigator_b, incoming_a, incoming_b, body
):
    client = client_for(investigator_a)
    missing = 10**9
    for suffix in ("", "timeline/"):
        theirs, nothing = client.get(f"{detail(incoming_b)}{suffix}"), client.get(f"{URL}{missing}/{suffix}")
        assert theirs.status_code == 404 and _same_problem(theirs, nothing)
    for suffix, payload in (
        ("transitions/", {"to_status": "registered"}),
        ("assign/", {"executor": investigator_a.pk}),
        ("execution-due/", {"execution_due": "2026-12-31", "reason": "Agreed"}),
    ):
        theirs = client.post(f"{detail(incoming_b)}{suffix}", payload)
        nothing = client.post(f"{URL}{missing}/{suffix}", payload)
        assert theirs.status_code == 404 and _same_problem(theirs, nothing), suffix
    theirs = client.patch(detail(incoming_b), {"summary": "x"}, HTTP_IF_MATCH='"v1"')
    assert theirs.status_code == 404
    # Filters naming their records, their people or their references find what a missing one finds.
    for params, missing_params in (
        ({"executor": investigator_b.pk}, {"executor": missing}),
        ({"q": incoming_b.reference}, {"q": "INC-2026-999999"}),
        ({"q": "SECRET-B-77"}, {"q": "NO-SUCH-REFERENCE"}),
    ):
        theirs, nothing = client.get(URL, params), client.get(URL, missing_params)
        assert theirs.status_code == 200 and theirs.json() == nothing.json() and theirs.json()["count"] == 0
    # A subject seen only with their request is "does not exist", as a missing id is.
    subject = subject_create(actor=investigator_b, kind="person", name_latin="Their person", iin_bin="900202400456")
    incoming_b.subjects.add(subject)
    theirs = client.post(URL, {**body, "subjects": [subject.pk]})
    nothing = client.post(URL, {**body, "subjects": [missing]})
    assert theirs.status_code == 400 and "subjects" in theirs.json()["errors"]
    assert theirs.json()["errors"]["subjects"] == [
        m.replace(str(missing), str(subject.pk)) for m in nothing.json()["errors"]["subjects"]
    ]
    assert "Their person" not in theirs.content.decode() and "SECRET-B-77" not in theirs.content.decode()
    assert IncomingRequest.objects.count() == 2


# --- Bad input: a 4xx problem with its reason, and nothing written ------------------------------

BAD_RECEIPTS = [
    ({"colour": "blue"}, 400, "colour"),
    ({"status": "executed"}, 400, "status"),
    ({"received_on": "9999-12-31"}, 400, "received_on"),
    ({"received_on": "0001-01-01"}, 400, "received_on"),
    ({"foreign_dated_on": "0001-01-01"}, 400, "foreign_dated_on"),
    ({"requested_due": "9999-12-31"}, 400, "requested_due"),
    ({"requested_due": "0001-01-01"}, 400, "requested_due"),
    ({"received_on": "٢٠٢٦-٠٣-٠٢"}, 400, "received_on"),
    ({"received_on": "2026-03-0²"}, 400, "received_on"),
    ({"legal_basis": "²"}, 400, "legal_basis"),
    ({"crime_category": "٣"}, 400, "crime_category"),
    ({"unit": "٣"}, 400, "unit"),
    ({"measures": ["٣"]}, 400, "measures"),
    ({"legal_basis": 2**63}, 400, "legal_basis"),
    ({"requesting_country": "KZ"}, 400, "requesting_country"),
    ({"requesting_country": "XX"}, 400, "requesting_country"),
    ({"requesting_country": "GB"}, 400, "legal_basis"),  # a treaty of another state
    ({"measures": []}, 400, "measures"),
    ({"requesting_authority": "   "}, 400, "requesting_authority"),
    ({"requesting_authority": {"name": {"en": "Someone"}}}, 400, "requesting_authority"),
    ({"legal_basis": {"id": 1}}, 400, "legal_basis"),
    ({"measures": [[1]]}, 400, "measures"),
    ({"channel": "pigeon"}, 400, "channel"),
]


@pytest.mark.parametrize(("change", "status", "field"), BAD_RECEIPTS, ids=[repr(c[0])[:40] for c in BAD_RECEIPTS])
def test_a_bad_receipt_is_a_problem_naming_its_field_and_writes_nothing(
    client_for, investigator_a, body, change, status, field
):
    problem = assert_problem(client_for(investigator_a).post(URL, {**body, **change}), status)
    assert any(key == field or key.startswith(f"{field}.") for key in problem.get("errors", {})), problem
    assert not IncomingRequest.objects.exists()


def test_measures_outside_the_treaty_are_422(client_for, investigator_a, body, freezing):
    testimony = AssistanceMeasureFactory(code="testimony")
    problem = assert_problem(
        client_for(investigator_a).post(URL, {**body, "measures": [freezing.pk, testimony.pk]}), 422
    )
    assert problem["code"] == "measure_outside_scope" and "measures" in problem["errors"]
    assert not IncomingRequest.objects.exists()


@pytest.mark.parametrize(
    "raw",
    ["[" * 100000 + "]" * 100000, json.dumps([{"requesting_country": "CH"}]), '{"requesting_country": "CH"', "null"],
    ids=["nested too deep", "a list", "truncated", "null"],
)
def test_a_body_that_is_no_object_is_a_400(client_for, investigator_a, raw):
    response = client_for(investigator_a).post(URL, raw, content_type="application/json")
    assert_problem(response, 400)
    assert not IncomingRequest.objects.exists()


@pytest.mark.parametrize(
    ("suffix", "payload", "field"),
    [
        ("transitions/", {"to_status": "registered", "effective_on": "9999-12-31"}, "effective_on"),
        ("transitions/", {"to_status": "registered", "effective_on": "0001-01-01"}, "effective_on"),
        ("transitions/", {"to_status": "registered", "effective_on": "٢٠٢٦-٠٣-٠٣"}, "effective_on"),
        ("transitions/", {"to_status": "registered", "colour": "blue"}, "colour"),
        ("transitions/", {"to_status": "assigned"}, "to_status"),
        ("transitions/", {"to_status": "returned"}, "note"),
        ("transitions/", {"to_status": "returned", "note": "Incomplete", "refusal_ground": "other"}, "refusal_ground"),
        ("transitions/", {"to_status": "registered", "note": {"nested": ["json"]}}, "note"),
        ("execution-due/", {"execution_due": "9999-12-31", "reason": "Agreed"}, "execution_due"),
        ("execution-due/", {"execution_due": "0001-01-01", "reason": "Agreed"}, "execution_due"),
        ("execution-due/", {"execution_due": "2026-12-31", "reason": " "}, "reason"),
        ("execution-due/", {"execution_due": "2026-12-31"}, "reason"),
    ],
)
def test_bad_moves_are_a_problem_naming_their_field_and_change_nothing(
    client_for, investigator_a, incoming_a, suffix, payload, field
):
    response = client_for(investigator_a).post(f"{detail(incoming_a)}{suffix}", payload)
    assert_problem(response, 400)
    assert field in response.json()["errors"], response.json()
    incoming_a.refresh_from_db()
    assert (incoming_a.status, incoming_a.version, incoming_a.timeline.count()) == (S.RECEIVED, 1, 1)


def test_a_refusal_needs_its_ground(client_for, investigator_a, incoming_a):
    registered(incoming_a, investigator_a)
    path = f"{detail(incoming_a)}transitions/"
    client = client_for(investigator_a)
    assert "refusal_ground" in assert_problem(client.post(path, {"to_status": "refused"}), 400)["errors"]
    assert (
        "refusal_ground"
        in assert_problem(client.post(path, {"to_status": "refused", "refusal_ground": "whim"}), 400)["errors"]
    )
    other = client.post(path, {"to_status": "refused", "refusal_ground": "other"})
    assert "refusal_explanation" in assert_problem(other, 400)["errors"]
    incoming_a.refresh_from_db()
    assert incoming_a.status == S.REGISTERED


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2026-03-01"])
def test_a_change_of_hands_keeps_to_sane_dates(client_for, investigator_a, supervisor_a, incoming_a, day):
    registered(incoming_a, investigator_a)
    services.incoming_assign(incoming=incoming_a, actor=supervisor_a, executor=investigator_a, effective_on=DAY)
    colleague = UserFactory(unit=investigator_a.unit, roles=["Investigator"])
    incoming_a.refresh_from_db()
    before = (incoming_a.version, incoming_a.timeline.count())
    response = client_for(supervisor_a).post(
        f"{detail(incoming_a)}assign/", {"executor": colleague.pk, "effective_on": day}
    )
    assert "effective_on" in assert_problem(response, 400)["errors"]
    incoming_a.refresh_from_db()
    assert (incoming_a.version, incoming_a.timeline.count()) == before and incoming_a.executor == investigator_a


ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@pytest.mark.parametrize(
    "spell",
    [
        lambda pk: str(pk).translate(ARABIC_INDIC),
        lambda pk: str(pk).translate(SUPERSCRIPT),
        lambda pk: f"{pk}.0",
        lambda pk: f"-{pk}",
        lambda pk: "0",
        lambda pk: str(2**63),
    ],
    ids=["arabic-indic", "superscript", "decimal", "negative", "zero", "beyond bigint"],
)
def test_ids_in_the_path_are_ascii_digits_only(client_for, investigator_a, incoming_a, spell):
    """The request exists and is the caller's: only the spelling of its id is wrong."""
    client = client_for(investigator_a)
    assert client.get(detail(incoming_a)).status_code == 200
    assert_problem(client.get(f"{URL}{spell(incoming_a.pk)}/"), 404)
    response = client.post(f"{URL}{spell(incoming_a.pk)}/transitions/", {"to_status": "registered"})
    assert_problem(response, 404)
    incoming_a.refresh_from_db()
    assert incoming_a.status == S.RECEIVED


@pytest.mark.parametrize("value", ["٣", "²", "1.5"])
def test_filter_ids_are_ascii_digits_only(client_for, investigator_a, incoming_a, value):
    assert "executor" in assert_problem(client_for(investigator_a).get(URL, {"executor": value}), 400)["errors"]


# --- Roles and units ------------------------------------------------------------------------------


def test_investigators_read_and_write_their_units_requests_only(
    client_for, investigator_a, investigator_b, incoming_a, incoming_b, body, unit_b
):
    client = client_for(investigator_a)
    listed = {row["id"] for row in client.get(URL).json()["results"]}
    assert listed == {incoming_a.pk}
    assert client.get(detail(incoming_a)).status_code == 200
    assert client.get(detail(incoming_b)).status_code == 404
    assert client.post(f"{detail(incoming_a)}transitions/", {"to_status": "registered"}).status_code == 200
    # Not in another unit either: the executing unit must be one the investigator works in.
    assert "unit" in assert_problem(client.post(URL, {**body, "unit": unit_b.pk}), 400)["errors"]
    incoming_b.refresh_from_db()
    assert incoming_b.status == S.RECEIVED and IncomingRequest.objects.count() == 2


def test_analysts_read_everything_and_write_nothing(client_for, analyst, incoming_a, incoming_b, body, investigator_a):
    client = client_for(analyst)
    assert {row["id"] for row in client.get(URL).json()["results"]} == {incoming_a.pk, incoming_b.pk}
    assert client.get(detail(incoming_b)).status_code == 200
    etag = client.get(detail(incoming_a))["ETag"]
    for response in (
        client.post(URL, body),
        client.patch(detail(incoming_a), {"summary": "x"}, HTTP_IF_MATCH=etag),
        client.put(detail(incoming_a), {"summary": "x"}, HTTP_IF_MATCH=etag),
        client.post(f"{detail(incoming_a)}transitions/", {"to_status": "registered"}),
        client.post(f"{detail(incoming_a)}assign/", {"executor": investigator_a.pk}),
        client.post(f"{detail(incoming_a)}execution-due/", {"execution_due": "2026-12-31", "reason": "x"}),
    ):
        assert_problem(response, 403)
    incoming_a.refresh_from_db()
    assert (incoming_a.version, incoming_a.status, IncomingRequest.objects.count()) == (1, S.RECEIVED, 2)


def test_the_supervisor_assigns_an_investigator_may_not(
    client_for, investigator_a, investigator_a1, investigator_b, supervisor_a, incoming_a
):
    registered(incoming_a, investigator_a)
    path = f"{detail(incoming_a)}assign/"
    refused = client_for(investigator_a).post(path, {"executor": investigator_a.pk})
    assert_problem(refused, 403)
    # Refused before the body is read: a bad body changes nothing to the answer.
    assert_problem(client_for(investigator_a).post(path, {"executor": "٣", "colour": 1}), 403)
    supervisor = client_for(supervisor_a)
    # Someone of another unit is "does not exist", as nobody at all.
    other = supervisor.post(path, {"executor": investigator_b.pk})
    nobody = supervisor.post(path, {"executor": 10**9})
    assert other.status_code == 400 and other.json()["errors"]["executor"] == [
        m.replace(str(10**9), str(investigator_b.pk)) for m in nobody.json()["errors"]["executor"]
    ]
    incoming_a.refresh_from_db()
    assert incoming_a.status == S.REGISTERED and incoming_a.executor is None
    stale = supervisor.post(path, {"executor": investigator_a1.pk}, HTTP_IF_MATCH='"v1"')
    assert_problem(stale, 412)
    assigned = supervisor.post(path, {"executor": investigator_a1.pk}, HTTP_IF_MATCH=f'"v{incoming_a.version}"')
    assert assigned.status_code == 200, assigned.content
    assert assigned.json()["executor"]["username"] == "inv_a1" and assigned.json()["status"] == "assigned"


def test_persons_concerned_are_masked_for_those_who_do_not_write_the_request(
    client_for, investigator_a, analyst, swiss_treaty, freezing
):
    person = subject_create(
        actor=investigator_a, kind="person", name_latin="Ivan Petrov", iin_bin="860101300123", nationality="KZ"
    )
    incoming = make_incoming(actor=investigator_a, legal_basis=swiss_treaty, measures=[freezing], subjects=[person])
    mine = client_for(investigator_a).get(detail(incoming)).json()["subjects"]
    assert mine == [
        {
            "id": person.pk,
            "kind": "person",
            "name_latin": "Ivan Petrov",
            "name_cyrillic": "",
            "nationality": {"code": "KZ", "name": "Kazakhstan"},
            "iin_bin": "860101300123",
            "passport_number": "",
            "foreign_registration_number": "",
        }
    ]
    for response in (client_for(analyst).get(detail(incoming)), client_for(analyst).get(URL)):
        text = response.content.decode()
        assert response.status_code == 200 and "860101300123" not in text and "•••••••••123" in text


# --- Tokens ---------------------------------------------------------------------------------------


def test_incoming_requests_are_a_token_family_of_their_own(token_for, investigator_a, incoming_a, body):
    _token, reader = token_for(investigator_a, scopes=["incoming:read"])
    assert reader.get(URL).status_code == 200
    assert_problem(reader.post(URL, body, format="json"), 403)
    _token, other = token_for(investigator_a, scopes=["requests:write", "cases:write"])
    assert_problem(other.get(URL), 403)
    _token, writer = token_for(investigator_a, scopes=["incoming:write"])
    assert writer.post(URL, body, format="json").status_code == 201
    assert IncomingRequest.objects.count() == 2


# --- Performance ----------------------------------------------------------------------------------


def test_the_list_does_not_grow_with_the_page(
    client_for, investigator_a, supervisor_a, swiss_treaty, freezing, django_assert_max_num_queries
):
    for n in range(12):
        person = subject_create(
            actor=investigator_a, kind="person", name_latin=f"Person {n}", iin_bin=f"8601013{n:05d}"
        )
        incoming = make_incoming(actor=investigator_a, legal_basis=swiss_treaty, measures=[freezing], subjects=[person])
        if n % 2:
            registered(incoming, investigator_a)
            services.incoming_assign(incoming=incoming, actor=supervisor_a, executor=investigator_a, effective_on=DAY)
    client = client_for(supervisor_a)

    def count(limit):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(URL, {"limit": limit})
        assert response.status_code == 200 and len(response.json()["results"]) == limit
        return len(ctx.captured_queries)

    small = count(2)
    with django_assert_max_num_queries(small):
        count(12)
