"""Incoming requests through their services: receipt and its checks, the workflow with its
timeline, assignment by supervisors only, refusals with structured grounds, and who sees what."""

import datetime

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from incoming import services
from incoming.models import IncomingRequest
from recovery import access
from recovery.errors import AccessDenied, InvalidInput, MeasureOutsideScope, TransitionNotAllowed
from tests.factories import (
    AssistanceMeasureFactory,
    CrimeCategoryFactory,
    LegalInstrumentFactory,
    make_case,
    make_incoming,
)

pytestmark = pytest.mark.django_db
S = IncomingRequest.Status
DAY = datetime.date(2026, 3, 2)


@pytest.fixture
def freezing():
    return AssistanceMeasureFactory(code="freezing")


@pytest.fixture
def swiss_treaty(freezing):
    return LegalInstrumentFactory(
        code="kz-ch-treaty",
        kind="bilateral_treaty",
        open_to_all_states=False,
        measures=[freezing],
        countries=["CH"],
        expected_response_days=60,
    )


@pytest.fixture
def incoming_a(investigator_a, swiss_treaty, freezing):
    return make_incoming(actor=investigator_a, legal_basis=swiss_treaty, measures=[freezing])


def _to_execution(incoming, investigator, supervisor, executor=None):
    services.incoming_transition(incoming=incoming, to_status=S.REGISTERED, actor=investigator, effective_on=DAY)
    services.incoming_assign(incoming=incoming, actor=supervisor, executor=executor or investigator, effective_on=DAY)
    return services.incoming_transition(
        incoming=incoming, to_status=S.IN_EXECUTION, actor=investigator, effective_on=DAY
    )


def test_receipt_records_the_request_its_timeline_and_the_instruments_deadline(incoming_a, investigator_a):
    assert incoming_a.status == S.RECEIVED
    assert incoming_a.reference.startswith("INC-2026-")
    assert incoming_a.execution_due == DAY + datetime.timedelta(days=60)
    assert incoming_a.execution_due_source == "instrument"
    assert list(incoming_a.timeline.values_list("from_status", "to_status")) == [("", "received")]


def test_the_deadline_asked_by_the_requesting_state_wins_else_the_setting(investigator_a, freezing, settings):
    asked = make_incoming(actor=investigator_a, requested_due=datetime.date(2026, 4, 1))
    assert (asked.execution_due, asked.execution_due_source) == (datetime.date(2026, 4, 1), "requested")
    settings.INCOMING_EXECUTION_DAYS = 45
    default = make_incoming(actor=investigator_a, legal_basis=LegalInstrumentFactory(measures=[freezing]))
    assert (default.execution_due, default.execution_due_source) == (DAY + datetime.timedelta(days=45), "default")


def test_a_treaty_binds_only_its_own_state_and_measures_stay_in_its_scope(investigator_a, swiss_treaty, freezing):
    with pytest.raises(InvalidInput) as refused:
        make_incoming(actor=investigator_a, country="GB", legal_basis=swiss_treaty, measures=[freezing])
    assert "legal_basis" in refused.value.field_errors
    with pytest.raises(MeasureOutsideScope):
        make_incoming(
            actor=investigator_a,
            legal_basis=swiss_treaty,
            measures=[freezing, AssistanceMeasureFactory(code="testimony")],
        )
    assert not IncomingRequest.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"country": "KZ"}, "requesting_country"),
        ({"country": "XX"}, "requesting_country"),
        ({"received_on": datetime.date(2999, 1, 1)}, "received_on"),
        ({"received_on": datetime.date(1, 1, 1)}, "received_on"),
        ({"foreign_dated_on": datetime.date(2026, 3, 3)}, "foreign_dated_on"),
        ({"requested_due": datetime.date(2026, 3, 1)}, "requested_due"),
        ({"requested_due": datetime.date(9999, 12, 31)}, "requested_due"),
        ({"requesting_authority": "  "}, "requesting_authority"),
        ({"channel": "pigeon"}, "channel"),
        ({"urgency": "yesterday"}, "urgency"),
        ({"measures": []}, "measures"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(changes, field, investigator_a, freezing):
    kwargs = {"measures": [freezing], **changes}
    if "measures" in changes and not changes["measures"]:
        kwargs["legal_basis"] = LegalInstrumentFactory(measures=[freezing])
    with pytest.raises(InvalidInput) as refused:
        make_incoming(actor=investigator_a, **kwargs)
    assert field in refused.value.field_errors
    assert not IncomingRequest.objects.exists()


def test_the_whole_workflow_is_on_the_timeline(incoming_a, investigator_a, supervisor_a):
    _to_execution(incoming_a, investigator_a, supervisor_a)
    services.incoming_transition(
        incoming=incoming_a, to_status=S.PARTIALLY_EXECUTED, actor=investigator_a, effective_on=DAY
    )
    done = services.incoming_transition(
        incoming=incoming_a, to_status=S.EXECUTED, actor=investigator_a, effective_on=datetime.date(2026, 3, 20)
    )
    assert done.status == S.EXECUTED
    assert (done.registered_on, done.assigned_on, done.answered_on) == (DAY, DAY, DAY)
    assert done.closed_on == datetime.date(2026, 3, 20)
    assert done.executor == investigator_a
    assert list(done.timeline.values_list("to_status", flat=True)) == [
        "received",
        "registered",
        "assigned",
        "in_execution",
        "partially_executed",
        "executed",
    ]


def test_moves_the_workflow_does_not_allow_are_refused(incoming_a, investigator_a):
    with pytest.raises(TransitionNotAllowed):
        services.incoming_transition(incoming=incoming_a, to_status=S.EXECUTED, actor=investigator_a)
    with pytest.raises(InvalidInput):
        services.incoming_transition(incoming=incoming_a, to_status=S.ASSIGNED, actor=investigator_a)
    with pytest.raises(InvalidInput):
        services.incoming_transition(incoming=incoming_a, to_status="lost", actor=investigator_a)
    incoming_a.refresh_from_db()
    assert incoming_a.status == S.RECEIVED and incoming_a.timeline.count() == 1


def test_postponement_and_more_information_need_a_reason(incoming_a, investigator_a, supervisor_a):
    _to_execution(incoming_a, investigator_a, supervisor_a)
    for status in (S.POSTPONED, S.INFO_REQUESTED):
        with pytest.raises(InvalidInput) as refused:
            services.incoming_transition(incoming=incoming_a, to_status=status, actor=investigator_a)
        assert "note" in refused.value.field_errors
    postponed = services.incoming_transition(
        incoming=incoming_a, to_status=S.POSTPONED, actor=investigator_a, note="Would prejudice our own case"
    )
    assert postponed.status == S.POSTPONED
    resumed = services.incoming_transition(incoming=incoming_a, to_status=S.IN_EXECUTION, actor=investigator_a)
    assert resumed.status == S.IN_EXECUTION


def test_a_refusal_states_its_structured_ground_and_article_on_the_timeline(incoming_a, investigator_a, supervisor_a):
    _to_execution(incoming_a, investigator_a, supervisor_a)
    with pytest.raises(InvalidInput) as refused:
        services.incoming_transition(incoming=incoming_a, to_status=S.REFUSED, actor=investigator_a)
    assert "refusal_ground" in refused.value.field_errors
    with pytest.raises(InvalidInput):
        services.incoming_transition(
            incoming=incoming_a, to_status=S.REFUSED, actor=investigator_a, refusal_ground="other"
        )
    with pytest.raises(InvalidInput):
        services.incoming_transition(
            incoming=incoming_a, to_status=S.EXECUTED, actor=investigator_a, refusal_ground="ne_bis_in_idem"
        )
    done = services.incoming_transition(
        incoming=incoming_a,
        to_status=S.REFUSED,
        actor=investigator_a,
        refusal_ground="dual_criminality",
        refusal_article="Art. 3(1)(b)",
        note="The conduct is not an offence under the Criminal Code",
        effective_on=DAY,
    )
    assert (done.refusal_ground, done.refusal_article, done.answered_on) == ("dual_criminality", "Art. 3(1)(b)", DAY)
    last = done.timeline.last()
    assert last.to_status == "refused"
    assert "No dual criminality" in last.note and "Art. 3(1)(b)" in last.note
    assert "Criminal Code" in last.note


def test_only_a_supervisor_of_the_unit_assigns_and_only_to_its_people(
    incoming_a, investigator_a, investigator_a1, investigator_b, supervisor_a
):
    services.incoming_transition(incoming=incoming_a, to_status=S.REGISTERED, actor=investigator_a)
    with pytest.raises(AccessDenied):
        services.incoming_assign(incoming=incoming_a, actor=investigator_a, executor=investigator_a)
    with pytest.raises(AccessDenied) as hidden:
        services.incoming_assign(incoming=incoming_a, actor=investigator_b, executor=investigator_b)
    assert hidden.value.code == "not_found"
    with pytest.raises(InvalidInput):
        services.incoming_assign(incoming=incoming_a, actor=supervisor_a, executor=investigator_b)
    assigned = services.incoming_assign(incoming=incoming_a, actor=supervisor_a, executor=investigator_a1)
    assert (assigned.status, assigned.executor) == (S.ASSIGNED, investigator_a1)
    with pytest.raises(InvalidInput):
        services.incoming_assign(
            incoming=incoming_a, actor=supervisor_a, executor=investigator_a, effective_on=datetime.date(2000, 1, 1)
        )
    again = services.incoming_assign(incoming=incoming_a, actor=supervisor_a, executor=investigator_a)
    assert (again.status, again.executor) == (S.ASSIGNED, investigator_a)
    assert "Executor changed" in again.timeline.last().note


def test_execution_needs_an_executor_and_dates_cannot_precede_the_receipt(incoming_a, investigator_a):
    with pytest.raises(InvalidInput):
        services.incoming_transition(
            incoming=incoming_a, to_status=S.REGISTERED, actor=investigator_a, effective_on=datetime.date(2026, 3, 1)
        )
    incoming_a.refresh_from_db()
    assert incoming_a.status == S.RECEIVED


def test_another_units_investigator_sees_nothing_and_learns_nothing(incoming_a, investigator_b, analyst):
    assert not IncomingRequest.objects.visible_to(investigator_b).exists()
    with pytest.raises(AccessDenied) as hidden:
        services.incoming_transition(incoming=incoming_a, to_status=S.REGISTERED, actor=investigator_b)
    assert hidden.value.code == "not_found"
    assert IncomingRequest.objects.visible_to(analyst).count() == 1
    with pytest.raises(AccessDenied) as read_only:
        services.incoming_transition(incoming=incoming_a, to_status=S.REGISTERED, actor=analyst)
    assert read_only.value.code != "not_found"


def test_the_executor_sees_it_even_from_a_sub_unit(incoming_a, investigator_a, investigator_a1, supervisor_a):
    assert not access.may_read(investigator_a1, incoming_a)
    services.incoming_transition(incoming=incoming_a, to_status=S.REGISTERED, actor=investigator_a)
    services.incoming_assign(incoming=incoming_a, actor=supervisor_a, executor=investigator_a1)
    assert access.may_read(investigator_a1, incoming_a) and access.may_write(investigator_a1, incoming_a)


def test_registering_in_another_unit_is_refused(investigator_a, unit_b):
    with pytest.raises(InvalidInput):
        make_incoming(actor=investigator_a, unit=unit_b)
    assert not IncomingRequest.objects.exists()


def test_a_person_in_our_case_and_in_a_foreign_request_is_one_record(investigator_a, investigator_b, freezing):
    from cases.services import subject_create

    subject = subject_create(actor=investigator_a, kind="person", name_latin="Bekov Arman")
    make_incoming(actor=investigator_a, subjects=[subject])
    assert subject.incoming_requests.count() == 1
    assert access.may_read(investigator_a, subject)
    assert not access.may_read(investigator_b, subject)
    assert subject.pk in access.subjects_seen_in_full(investigator_a, [subject.pk])
    assert subject.pk not in access.subjects_seen_in_full(investigator_b, [subject.pk])


def test_updates_stay_within_the_rules(incoming_a, investigator_a, supervisor_a, freezing):
    updated = services.incoming_update(
        incoming=incoming_a, actor=investigator_a, requested_due=datetime.date(2026, 4, 15), summary="Freeze account"
    )
    assert (updated.execution_due, updated.execution_due_source) == (datetime.date(2026, 4, 15), "requested")
    with pytest.raises(InvalidInput):
        services.incoming_update(incoming=incoming_a, actor=investigator_a, reference="X")
    _to_execution(incoming_a, investigator_a, supervisor_a)
    seizure = AssistanceMeasureFactory(code="seizure")
    with pytest.raises(InvalidInput) as refused:
        services.incoming_update(incoming=incoming_a, actor=investigator_a, measures=[freezing, seizure])
    assert set(refused.value.field_errors) == {"measures"}
    with pytest.raises(InvalidInput) as refused:
        services.incoming_update(
            incoming=incoming_a,
            actor=investigator_a,
            channel="diplomatic",
            requesting_authority=" Office of the Attorney General ",
        )
    assert set(refused.value.field_errors) == {"channel"}
    # A full edit repeats what is fixed: the same values pass, and the rest is saved.
    same = services.incoming_update(
        incoming=incoming_a,
        actor=investigator_a,
        measures=[freezing],
        legal_basis=incoming_a.legal_basis,
        channel=incoming_a.channel,
        summary="Freeze the account and report",
    )
    assert same.summary == "Freeze the account and report"
    moved = services.incoming_set_execution_due(
        incoming=incoming_a, actor=investigator_a, execution_due=datetime.date(2026, 6, 1), reason="Agreed by email"
    )
    assert moved.execution_due_source == "set"
    assert "Agreed by email" in moved.timeline.last().note


def test_moving_the_deadline_checks_the_version_the_user_saw(incoming_a, investigator_a):
    from recovery.errors import VersionConflict

    seen = IncomingRequest.objects.get(pk=incoming_a.pk).version
    services.incoming_update(incoming=incoming_a, actor=investigator_a, summary="Changed meanwhile")
    with pytest.raises(VersionConflict):
        services.incoming_set_execution_due(
            incoming=incoming_a,
            actor=investigator_a,
            execution_due=datetime.date(2026, 6, 1),
            reason="Agreed",
            expected_version=seen,
        )
    assert IncomingRequest.objects.get(pk=incoming_a.pk).execution_due == incoming_a.execution_due


def test_every_service_keeps_the_reminder_schedule(incoming_a, investigator_a, supervisor_a):
    """Receipt, assignment, a moved deadline and the workflow bring the request's schedule row
    forward (the scan reads it next); an answered request has none."""
    from mla_requests.models import IncomingReminderSchedule, ReminderSchedule

    def row():
        return IncomingReminderSchedule.objects.filter(pk=incoming_a.pk).values_list("next_on", "revision").first()

    assert row()[0] == ReminderSchedule.REPLAN
    IncomingReminderSchedule.objects.filter(pk=incoming_a.pk).update(next_on=datetime.date(2030, 1, 1))
    _to_execution(incoming_a, investigator_a, supervisor_a)
    next_on, revision = row()
    assert next_on == ReminderSchedule.REPLAN and revision >= 3
    IncomingReminderSchedule.objects.filter(pk=incoming_a.pk).update(next_on=datetime.date(2030, 1, 1))
    services.incoming_set_execution_due(
        incoming=incoming_a, actor=investigator_a, execution_due=datetime.date(2026, 6, 1), reason="Agreed"
    )
    assert row()[0] == ReminderSchedule.REPLAN
    services.incoming_transition(incoming=incoming_a, to_status=S.EXECUTED, actor=investigator_a, effective_on=DAY)
    assert row() is None


def test_the_read_rules(investigator_a, supervisor_a):
    today = datetime.date(2026, 6, 1)
    late = make_incoming(actor=investigator_a, requested_due=datetime.date(2026, 5, 1))
    soon = make_incoming(actor=investigator_a, requested_due=datetime.date(2026, 6, 5))
    postponed = make_incoming(actor=investigator_a, requested_due=datetime.date(2026, 5, 1))
    _to_execution(postponed, investigator_a, supervisor_a)
    services.incoming_transition(incoming=postponed, to_status=S.POSTPONED, actor=investigator_a, note="Our case")
    postponed.refresh_from_db()
    qs = IncomingRequest.objects
    assert set(qs.overdue(today)) == {late}
    assert set(qs.due_within(today, 7)) == {soon}
    assert late.is_overdue(today) and not postponed.is_overdue(today)
    assert set(qs.open()) == {late, soon}


def test_the_database_refuses_a_refusal_without_ground(incoming_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        IncomingRequest.objects.filter(pk=incoming_a.pk).update(status="refused")


def test_postgres_keeps_the_timeline_append_only(on_postgres, incoming_a):
    row = incoming_a.timeline.get()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {row._meta.db_table} SET note = 'x' WHERE id = %s", [row.pk])


def test_a_case_and_its_assets_are_untouched(investigator_a):
    # Incoming requests have a scope of their own: a case of the unit is not needed to see them.
    make_case(lead=investigator_a)
    make_incoming(actor=investigator_a, crime_category=CrimeCategoryFactory(code="fraud"))
    assert IncomingRequest.objects.visible_to(investigator_a).count() == 1
