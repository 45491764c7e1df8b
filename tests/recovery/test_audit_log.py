"""Changes made through services are recorded by django-auditlog with the actor and the changed
fields, also outside a web request (tasks, commands, these tests)."""

import datetime

import pytest
from auditlog.models import LogEntry
from djmoney.money import Money

from assets.services import asset_transition
from cases.models import Case, Subject
from cases.services import case_transition, case_update, subject_create
from recovery.audit import audit_actor
from tests.factories import make_asset, make_case


def entries(obj, action):
    return LogEntry.objects.get_for_object(obj).filter(action=action).order_by("pk")


@pytest.mark.django_db
def test_a_case_created_through_the_service_is_logged_with_its_actor(investigator_a):
    case = make_case(lead=investigator_a, actor=investigator_a, register_number="240100000001")
    created = entries(case, LogEntry.Action.CREATE).get()
    assert created.actor == investigator_a
    assert created.changes_dict["register_number"][1] == "240100000001"
    assert "title" in created.changes_dict


@pytest.mark.django_db
def test_a_case_updated_through_the_service_is_logged_with_the_changed_fields(investigator_a, supervisor_a):
    case = make_case(lead=investigator_a, title="Old title")
    case_update(case=case, actor=supervisor_a, title="New title", estimated_damage=Money("1500000.00", "KZT"))
    updated = entries(case, LogEntry.Action.UPDATE).last()
    assert updated.actor == supervisor_a
    assert updated.changes_dict["title"] == ["Old title", "New title"]
    assert "estimated_damage" in updated.changes_dict
    assert "register_number" not in updated.changes_dict


@pytest.mark.django_db
def test_a_status_change_is_logged_with_its_actor(investigator_a, supervisor_a):
    case = make_case(lead=investigator_a)
    case_transition(case=case, to_status=Case.Status.SUSPENDED, actor=supervisor_a)
    updated = entries(case, LogEntry.Action.UPDATE).last()
    assert updated.actor == supervisor_a
    assert updated.changes_dict["status"] == ["open", "suspended"]


@pytest.mark.django_db
def test_asset_and_subject_changes_are_logged(investigator_a):
    asset = make_asset(case=make_case(lead=investigator_a))
    asset_transition(asset=asset, to_status="frozen", actor=investigator_a, amount="10.00")
    assert entries(asset, LogEntry.Action.UPDATE).last().actor == investigator_a
    subject = subject_create(actor=investigator_a, name_latin="Petrov Petr")
    assert entries(subject, LogEntry.Action.CREATE).get().actor == investigator_a


@pytest.mark.django_db
def test_a_change_by_the_system_is_logged_without_an_actor(investigator_a):
    case = make_case(lead=investigator_a)
    case_update(case=case, actor=None, title="Renamed by a nightly task")
    updated = entries(case, LogEntry.Action.UPDATE).last()
    assert updated.actor is None
    assert updated.changes_dict["title"][1] == "Renamed by a nightly task"


@pytest.mark.django_db
def test_the_outer_actor_survives_a_nested_service_call(investigator_a, supervisor_a):
    """A web request (or task) sets its actor, then calls a service that sets its own: after the
    service returns, later changes are still attributed to the outer actor."""
    case = make_case(lead=investigator_a)
    with audit_actor(supervisor_a):
        case_update(case=case, actor=investigator_a, title="Inner change")
        subject = Subject.objects.create(name_latin="Recorded after the service call")
    assert entries(case, LogEntry.Action.UPDATE).last().actor == investigator_a
    assert entries(subject, LogEntry.Action.CREATE).get().actor == supervisor_a


@pytest.mark.django_db
def test_a_refused_change_leaves_no_log_entry(investigator_a):
    case = make_case(lead=investigator_a, opened_on=datetime.date(2024, 1, 15))
    before = LogEntry.objects.count()
    with pytest.raises(Exception):  # noqa: B017 - any refusal; the point is what stays behind
        case_transition(
            case=case, to_status=Case.Status.CLOSED, actor=investigator_a, effective_on=datetime.date(2023, 1, 1)
        )
    assert LogEntry.objects.count() == before
