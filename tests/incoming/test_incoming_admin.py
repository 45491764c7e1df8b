"""The incoming requests' admin: each role's pages and actions, every write through the services,
refusals shown with their reason and changing nothing, and another unit's requests as missing."""

import datetime
import re

import pytest

from cases.services import case_add_subject, subject_create
from incoming import services
from incoming.models import IncomingRequest
from tests.factories import (
    AssistanceMeasureFactory,
    CrimeCategoryFactory,
    LegalInstrumentFactory,
    make_case,
    make_incoming,
)

pytestmark = pytest.mark.django_db
S = IncomingRequest.Status
LIST = "/admin/incoming/incomingrequest/"


def change_url(obj):
    return f"{LIST}{obj.pk}/change/"


def transition_url(obj, status):
    return f"{LIST}{obj.pk}/transition/{status}/"


def assign_url(obj):
    return f"{LIST}{obj.pk}/assign/"


def deadline_url(obj):
    return f"{LIST}{obj.pk}/deadline/"


@pytest.fixture
def freezing():
    return AssistanceMeasureFactory(code="freezing", name_en="Freezing assets")


@pytest.fixture
def swiss_treaty(freezing):
    return LegalInstrumentFactory(
        code="kz-ch-treaty",
        name_en="Kazakhstan–Switzerland MLA treaty",
        kind="bilateral_treaty",
        open_to_all_states=False,
        measures=[freezing],
        countries=["CH"],
        expected_response_days=60,
    )


@pytest.fixture
def corruption():
    return CrimeCategoryFactory(code="corruption", name_en="Corruption")


@pytest.fixture
def incoming_a(investigator_a, swiss_treaty, freezing, corruption):
    return make_incoming(
        actor=investigator_a,
        legal_basis=swiss_treaty,
        measures=[freezing],
        crime_category=corruption,
        requesting_authority="Federal Office of Justice",
        foreign_reference="B-2026-17",
    )


@pytest.fixture
def incoming_b(investigator_b, swiss_treaty, freezing, corruption):
    return make_incoming(
        actor=investigator_b,
        legal_basis=swiss_treaty,
        measures=[freezing],
        crime_category=corruption,
        requesting_authority="Public Prosecutor of Geneva",
    )


@pytest.fixture
def login(client):
    def _login(user):
        client.logout()
        client.force_login(user)
        return client

    return _login


def page_of(response) -> str:
    return response.content.decode()


def buttons(response) -> set[str]:
    return set(re.findall(r'data-to-status="(\w+)"', page_of(response)))


def registered(incoming, investigator):
    return services.incoming_transition(incoming=incoming, to_status=S.REGISTERED, actor=investigator)


def in_execution(incoming, investigator, supervisor, executor=None):
    registered(incoming, investigator)
    services.incoming_assign(incoming=incoming, actor=supervisor, executor=executor or investigator)
    return services.incoming_transition(incoming=incoming, to_status=S.IN_EXECUTION, actor=investigator)


def fresh(obj):
    return IncomingRequest.objects.get(pk=obj.pk)


# --- the list -------------------------------------------------------------------------------------


def test_the_list_shows_ones_own_units_requests_with_the_overdue_deadline_marked(
    login, investigator_a, incoming_a, incoming_b
):
    response = login(investigator_a).get(LIST)
    assert response.status_code == 200
    page = page_of(response)
    assert incoming_a.reference in page and incoming_b.reference not in page
    assert "Federal Office of Justice" in page and "Switzerland" in page
    # Received on 2 March with the treaty's 60 days: long overdue, and marked so.
    assert "deadline-overdue" in page


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ({"due": "overdue"}, True),
        ({"overdue": "true"}, True),
        ({"overdue": "false"}, False),
        ({"open": "true"}, True),
        ({"answered": "true"}, False),
        ({"status": "received"}, True),
        ({"status": "executed"}, False),
        ({"requesting_country": "CH"}, True),
        ({"requesting_country": "GB"}, False),
        ({"refusal_ground": "dual_criminality"}, False),
        ({"q": "B-2026-17"}, True),
        ({"q": "Geneva"}, False),
    ],
)
def test_the_lists_filters_are_the_filtersets(login, analyst, incoming_a, incoming_b, query, listed):
    response = login(analyst).get(LIST, query)
    assert response.status_code == 200
    assert (incoming_a.reference in page_of(response)) is listed


def test_a_value_the_filterset_refuses_is_refused_not_ignored(login, investigator_a, incoming_a):
    response = login(investigator_a).get(LIST, {"due": "yesterday"})
    assert response.status_code == 302 and "e=1" in response["Location"]
    response = login(investigator_a).get(LIST, {"executor__password__startswith": "pbkdf2"})
    assert response.status_code == 400


def test_the_refusal_ground_filter_finds_refused_requests(login, analyst, incoming_a, investigator_a):
    registered(incoming_a, investigator_a)
    services.incoming_transition(
        incoming=incoming_a, to_status=S.REFUSED, actor=investigator_a, refusal_ground="ne_bis_in_idem"
    )
    client = login(analyst)
    assert incoming_a.reference in page_of(client.get(LIST, {"refusal_ground": "ne_bis_in_idem"}))
    assert incoming_a.reference not in page_of(client.get(LIST, {"refusal_ground": "dual_criminality"}))


# --- receiving a request ----------------------------------------------------------------------------


def _add_data(swiss_treaty, freezing, corruption, unit, **extra):
    return {
        "requesting_country": "CH",
        "requesting_authority": "Federal Office of Justice",
        "foreign_reference": "B-2026-99",
        "received_on": "2026-11-02",
        "channel": "central_authority",
        "legal_basis": str(swiss_treaty.pk),
        "crime_category": str(corruption.pk),
        "measures": [str(freezing.pk)],
        "urgency": "normal",
        "summary": "Freeze the accounts of a former official",
        "unit": str(unit.pk),
        **extra,
    }


def test_the_add_form_receives_a_request_through_the_service(
    login, investigator_a, unit_a, unit_b, swiss_treaty, freezing, corruption
):
    # A person the unit already knows from one of its cases.
    subject = subject_create(actor=investigator_a, kind="person", name_latin="Bekov Arman")
    case_add_subject(case=make_case(lead=investigator_a), subject=subject, role="suspect", actor=investigator_a)
    client = login(investigator_a)
    form_page = client.get(f"{LIST}add/")
    assert form_page.status_code == 200
    units = set(form_page.context["adminform"].form.fields["unit"].queryset)
    assert unit_a in units and unit_b not in units
    data = _add_data(swiss_treaty, freezing, corruption, unit_a, subjects=[str(subject.pk)])
    response = client.post(f"{LIST}add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    incoming = IncomingRequest.objects.get()
    assert incoming.reference.startswith("INC-2026-")
    assert (incoming.status, incoming.unit, incoming.received_on) == (S.RECEIVED, unit_a, datetime.date(2026, 11, 2))
    assert (incoming.execution_due, incoming.execution_due_source) == (datetime.date(2027, 1, 1), "instrument")
    assert list(incoming.subjects.all()) == [subject]
    assert list(incoming.timeline.values_list("to_status", flat=True)) == ["received"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"requesting_country": "KZ"}, "home state"),
        ({"requesting_country": "GB"}, ""),  # the Swiss treaty does not bind the United Kingdom
        ({"received_on": "2999-01-01"}, ""),
        ({"foreign_dated_on": "2026-11-20"}, "dated after it was received"),
        ({"requested_due": "2026-10-01"}, "cannot precede the day the request was received"),
    ],
)
def test_bad_input_on_the_add_form_is_refused_with_the_reason(
    login, investigator_a, unit_a, swiss_treaty, freezing, corruption, change, message
):
    response = login(investigator_a).post(
        f"{LIST}add/", _add_data(swiss_treaty, freezing, corruption, unit_a, **change)
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert message in page_of(response)
    assert not IncomingRequest.objects.exists()


def test_receiving_for_another_unit_is_refused(login, investigator_a, unit_b, swiss_treaty, freezing, corruption):
    response = login(investigator_a).post(f"{LIST}add/", _add_data(swiss_treaty, freezing, corruption, unit_b))
    assert response.status_code == 200
    assert "unit" in response.context["adminform"].form.errors
    assert not IncomingRequest.objects.exists()


def test_analysts_receive_nothing(login, analyst, unit_a, swiss_treaty, freezing, corruption):
    client = login(analyst)
    assert client.get(f"{LIST}add/").status_code == 403
    assert client.post(f"{LIST}add/", _add_data(swiss_treaty, freezing, corruption, unit_a)).status_code == 403
    assert not IncomingRequest.objects.exists()


# --- editing ---------------------------------------------------------------------------------------


def _change_data(response, **changes):
    from tests.admin.forms import change_form_data

    return {**change_form_data(response), **changes}


def test_the_change_form_edits_through_the_service_and_refuses_a_lost_update(login, investigator_a, incoming_a):
    client = login(investigator_a)
    opened = client.get(change_url(incoming_a))
    data = _change_data(opened, summary="Freeze and trace the accounts")
    # Meanwhile a colleague changed the request: the form opened before is refused.
    services.incoming_update(incoming=incoming_a, actor=investigator_a, summary="Changed meanwhile")
    stale = client.post(change_url(incoming_a), data)
    assert stale.status_code == 200
    assert fresh(incoming_a).summary == "Changed meanwhile"
    data = _change_data(client.get(change_url(incoming_a)), summary="Freeze and trace the accounts")
    assert client.post(change_url(incoming_a), data).status_code == 302
    assert fresh(incoming_a).summary == "Freeze and trace the accounts"


def test_what_is_fixed_once_execution_starts_is_shown_read_only(login, investigator_a, supervisor_a, incoming_a):
    in_execution(incoming_a, investigator_a, supervisor_a)
    form = login(investigator_a).get(change_url(incoming_a)).context["adminform"].form
    assert "legal_basis" not in form.fields and "measures" not in form.fields
    assert "summary" in form.fields


def test_the_subject_autocomplete_offers_only_subjects_one_may_see(login, investigator_a, investigator_b, incoming_a):
    ours = subject_create(actor=investigator_a, kind="person", name_latin="Bekov Arman")
    services.incoming_update(incoming=incoming_a, actor=investigator_a, subjects=[ours])
    theirs = subject_create(actor=investigator_b, kind="person", name_latin="Bekov Other")
    make_incoming(actor=investigator_b, subjects=[theirs])
    response = login(investigator_a).get(
        "/admin/autocomplete/",
        {"app_label": "incoming", "model_name": "incomingrequest", "field_name": "subjects", "term": "Bekov"},
    )
    assert response.status_code == 200
    ids = {int(item["id"]) for item in response.json()["results"]}
    assert ours.pk in ids and theirs.pk not in ids


# --- the workflow, role by role ----------------------------------------------------------------------


def test_an_investigator_registers_but_does_not_assign(login, investigator_a, investigator_a1, incoming_a):
    client = login(investigator_a)
    page = client.get(change_url(incoming_a))
    assert buttons(page) == {S.REGISTERED, S.RETURNED, S.WITHDRAWN}
    response = client.post(transition_url(incoming_a, S.REGISTERED), {"effective_on": "2026-03-03"})
    assert response.status_code == 302
    assert fresh(incoming_a).status == S.REGISTERED
    page = client.get(change_url(incoming_a))
    assert S.ASSIGNED not in buttons(page) and assign_url(incoming_a) not in page_of(page)
    assert client.get(assign_url(incoming_a)).status_code == 403
    assert client.post(assign_url(incoming_a), {"executor": investigator_a1.pk}).status_code == 403
    obj = fresh(incoming_a)
    assert (obj.status, obj.executor) == (S.REGISTERED, None)


def test_the_supervisor_assigns_within_the_executing_unit(
    login, supervisor_a, investigator_a, investigator_a1, investigator_b, incoming_a
):
    registered(incoming_a, investigator_a)
    client = login(supervisor_a)
    page = client.get(change_url(incoming_a))
    assert S.ASSIGNED in buttons(page)
    form = client.get(assign_url(incoming_a)).context["form"]
    offered = set(form.fields["executor"].queryset)
    assert {investigator_a, investigator_a1} <= offered and investigator_b not in offered
    refused = client.post(assign_url(incoming_a), {"executor": investigator_b.pk, "effective_on": "2026-03-03"})
    assert refused.status_code == 200 and "executor" in refused.context["form"].errors
    response = client.post(assign_url(incoming_a), {"executor": investigator_a1.pk, "effective_on": "2026-03-03"})
    assert response.status_code == 302
    obj = fresh(incoming_a)
    assert (obj.status, obj.executor, obj.assigned_on) == (S.ASSIGNED, investigator_a1, datetime.date(2026, 3, 3))


def test_assignment_from_a_stale_page_is_refused(login, supervisor_a, investigator_a, investigator_a1, incoming_a):
    incoming = registered(incoming_a, investigator_a)
    stale_version = incoming.version
    services.incoming_update(incoming=incoming, actor=investigator_a, summary="Changed meanwhile")
    response = login(supervisor_a).post(
        assign_url(incoming), {"executor": investigator_a1.pk, "expected_version": stale_version}
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert fresh(incoming).executor is None


def test_the_executor_starts_execution_and_records_it_executed(
    login, investigator_a, supervisor_a, investigator_a1, incoming_a
):
    registered(incoming_a, investigator_a)
    services.incoming_assign(incoming=incoming_a, actor=supervisor_a, executor=investigator_a1)
    client = login(investigator_a1)
    assert S.IN_EXECUTION in buttons(client.get(change_url(incoming_a)))
    assert client.post(transition_url(incoming_a, S.IN_EXECUTION), {"effective_on": "2026-03-10"}).status_code == 302
    assert buttons(client.get(change_url(incoming_a))) >= {S.EXECUTED, S.PARTIALLY_EXECUTED, S.POSTPONED, S.REFUSED}
    response = client.post(
        transition_url(incoming_a, S.EXECUTED), {"effective_on": "2026-04-01", "document_reference": "Out. 7/12"}
    )
    assert response.status_code == 302
    obj = fresh(incoming_a)
    assert (obj.status, obj.answered_on, obj.closed_on) == (S.EXECUTED, datetime.date(2026, 4, 1), obj.answered_on)
    page = client.get(change_url(incoming_a))
    assert buttons(page) == set()
    timeline = page_of(page).split('id="timeline"', 1)[1]
    for label in ("Received", "Registered", "Assigned", "In execution", "Executed", "Out. 7/12"):
        assert label in timeline


def test_a_move_the_workflow_does_not_allow_is_refused_with_its_message(login, investigator_a, incoming_a):
    client = login(investigator_a)
    response = client.post(transition_url(incoming_a, S.EXECUTED), {"effective_on": "2026-03-03"})
    assert response.status_code == 200
    assert "errornote" in page_of(response)
    [message] = [str(m) for m in response.context["messages"]]
    assert "cannot move from “Received” to “Executed”" in message
    obj = fresh(incoming_a)
    assert obj.status == S.RECEIVED and obj.timeline.count() == 1
    # Assignment is its own form: the transition to "assigned" is no move of this page.
    assert client.get(transition_url(incoming_a, S.ASSIGNED)).status_code == 404


def test_a_date_before_the_receipt_is_refused(login, investigator_a, incoming_a):
    response = login(investigator_a).post(transition_url(incoming_a, S.REGISTERED), {"effective_on": "2026-03-01"})
    assert response.status_code == 200
    assert "cannot precede the receipt" in page_of(response)
    assert fresh(incoming_a).status == S.RECEIVED


@pytest.mark.parametrize("status", [S.POSTPONED, S.INFO_REQUESTED])
def test_postponing_and_asking_for_more_need_a_reason(login, investigator_a, supervisor_a, incoming_a, status):
    in_execution(incoming_a, investigator_a, supervisor_a)
    client = login(investigator_a)
    refused = client.post(transition_url(incoming_a, status), {"effective_on": "2026-03-10"})
    assert refused.status_code == 200 and "note" in refused.context["form"].errors
    assert fresh(incoming_a).status == S.IN_EXECUTION
    response = client.post(
        transition_url(incoming_a, status), {"effective_on": "2026-03-10", "note": "Our own case would suffer"}
    )
    assert response.status_code == 302
    obj = fresh(incoming_a)
    assert obj.status == status and obj.timeline.last().note == "Our own case would suffer"


def test_returning_without_execution_needs_a_reason(login, investigator_a, incoming_a):
    client = login(investigator_a)
    assert client.post(transition_url(incoming_a, S.RETURNED), {"effective_on": "2026-03-03"}).status_code == 200
    assert fresh(incoming_a).status == S.RECEIVED
    response = client.post(
        transition_url(incoming_a, S.RETURNED), {"effective_on": "2026-03-03", "note": "Not addressed to us"}
    )
    assert response.status_code == 302 and fresh(incoming_a).status == S.RETURNED


def test_a_refusal_has_its_structured_ground_and_a_service_refusal_is_shown(
    login, investigator_a, supervisor_a, incoming_a
):
    in_execution(incoming_a, investigator_a, supervisor_a)
    client = login(investigator_a)
    form = client.get(transition_url(incoming_a, S.REFUSED)).context["form"]
    assert {"refusal_ground", "refusal_article", "refusal_explanation"} <= set(form.fields)
    no_ground = client.post(transition_url(incoming_a, S.REFUSED), {"effective_on": "2026-03-10"})
    assert no_ground.status_code == 200 and "refusal_ground" in no_ground.context["form"].errors
    # "Other ground" needs an explanation: the service says so, the page shows it, nothing changes.
    other = client.post(
        transition_url(incoming_a, S.REFUSED), {"effective_on": "2026-03-10", "refusal_ground": "other"}
    )
    assert other.status_code == 200
    assert "Explain the other ground of the refusal." in [str(m) for m in other.context["messages"]]
    assert fresh(incoming_a).status == S.IN_EXECUTION
    response = client.post(
        transition_url(incoming_a, S.REFUSED),
        {
            "effective_on": "2026-03-10",
            "refusal_ground": "dual_criminality",
            "refusal_article": "Art. 3(1)(b)",
            "refusal_explanation": "Not an offence under our Criminal Code",
        },
    )
    assert response.status_code == 302
    obj = fresh(incoming_a)
    assert (obj.status, obj.refusal_ground, obj.refusal_article) == (S.REFUSED, "dual_criminality", "Art. 3(1)(b)")
    assert "No dual criminality" in obj.timeline.last().note
    page = client.get(change_url(incoming_a))
    assert buttons(page) == set() and deadline_url(incoming_a) not in page_of(page)


def test_a_transition_from_a_stale_page_is_refused(login, investigator_a, incoming_a):
    stale_version = incoming_a.version
    services.incoming_update(incoming=incoming_a, actor=investigator_a, summary="Changed meanwhile")
    response = login(investigator_a).post(
        transition_url(incoming_a, S.REGISTERED), {"effective_on": "2026-03-03", "expected_version": stale_version}
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert fresh(incoming_a).status == S.RECEIVED


def test_the_execution_deadline_moves_with_a_reason(login, investigator_a, incoming_a):
    client = login(investigator_a)
    assert deadline_url(incoming_a) in page_of(client.get(change_url(incoming_a)))
    no_reason = client.post(deadline_url(incoming_a), {"execution_due": "2027-01-31", "reason": ""})
    assert no_reason.status_code == 200
    before_receipt = client.post(deadline_url(incoming_a), {"execution_due": "2026-01-31", "reason": "Agreed"})
    assert before_receipt.status_code == 200
    assert "cannot precede the day the request was received" in page_of(before_receipt)
    assert fresh(incoming_a).execution_due == datetime.date(2026, 5, 1)
    response = client.post(deadline_url(incoming_a), {"execution_due": "2027-01-31", "reason": "Letter of 1 Dec"})
    assert response.status_code == 302
    obj = fresh(incoming_a)
    assert (obj.execution_due, obj.execution_due_source) == (datetime.date(2027, 1, 31), "set")
    assert "Letter of 1 Dec" in obj.timeline.last().note


# --- who may do what --------------------------------------------------------------------------------


def test_analysts_read_and_change_nothing(login, analyst, investigator_a, investigator_a1, incoming_a):
    client = login(analyst)
    page = client.get(change_url(incoming_a))
    assert page.status_code == 200 and incoming_a.reference in page_of(page)
    assert buttons(page) == set() and deadline_url(incoming_a) not in page_of(page)
    for url, data in (
        (transition_url(incoming_a, S.REGISTERED), {"effective_on": "2026-03-03"}),
        (assign_url(incoming_a), {"executor": investigator_a1.pk}),
        (deadline_url(incoming_a), {"execution_due": "2027-01-31", "reason": "x"}),
        (change_url(incoming_a), {"summary": "Changed by an analyst"}),
    ):
        assert client.post(url, data).status_code == 403, url
    obj = fresh(incoming_a)
    assert (obj.status, obj.summary, obj.version) == (S.RECEIVED, incoming_a.summary, incoming_a.version)


def test_another_units_investigator_gets_404_everywhere(login, investigator_b, investigator_a, incoming_a):
    client = login(investigator_b)
    assert incoming_a.reference not in page_of(client.get(LIST))
    urls = [
        change_url(incoming_a),
        f"{LIST}{incoming_a.pk}/history/",
        assign_url(incoming_a),
        deadline_url(incoming_a),
        *(transition_url(incoming_a, status) for status in (S.REGISTERED, S.RETURNED, S.WITHDRAWN, S.REFUSED)),
    ]
    for url in urls:
        got = client.get(url)
        assert got.status_code == 404, url
        assert incoming_a.reference not in page_of(got)
        assert client.post(url, {"effective_on": "2026-03-03", "executor": investigator_b.pk}).status_code == 404, url
    obj = fresh(incoming_a)
    assert (obj.status, obj.version) == (S.RECEIVED, incoming_a.version)


def test_a_supervisor_of_another_unit_assigns_nothing(login, investigator_b, investigator_a, incoming_a, unit_b):
    from tests.factories import UserFactory

    supervisor_b = UserFactory(username="sup_b", unit=unit_b, roles=["Supervisor"])
    registered(incoming_a, investigator_a)
    assert login(supervisor_b).post(assign_url(incoming_a), {"executor": investigator_b.pk}).status_code == 404
    assert fresh(incoming_a).executor is None


def test_the_timeline_list_is_scoped_and_read_only(login, investigator_a, investigator_b, incoming_a, incoming_b):
    client = login(investigator_a)
    response = client.get("/admin/incoming/incomingrequeststatuschange/")
    assert response.status_code == 200
    page = page_of(response)
    assert incoming_a.reference in page and incoming_b.reference not in page
    row = incoming_a.timeline.get()
    assert client.post(f"/admin/incoming/incomingrequeststatuschange/{row.pk}/change/", {}).status_code == 403
    assert (
        client.get(f"/admin/incoming/incomingrequeststatuschange/{incoming_b.timeline.get().pk}/change/").status_code
        == 404
    )


def test_assigning_before_registration_is_refused_with_the_reason(login, supervisor_a, investigator_a1, incoming_a):
    client = login(supervisor_a)
    assert S.ASSIGNED not in buttons(client.get(change_url(incoming_a)))
    assert "An executor is named once the request is registered" in page_of(client.get(assign_url(incoming_a)))
    response = client.post(assign_url(incoming_a), {"executor": investigator_a1.pk})
    assert response.status_code == 200
    assert "A request is assigned once registered, and until it is closed." in [
        str(m) for m in response.context["messages"]
    ]
    obj = fresh(incoming_a)
    assert (obj.status, obj.executor) == (S.RECEIVED, None)
