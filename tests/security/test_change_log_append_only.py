"""The record change log (django-auditlog's LogEntry) is append-only on every database, not only
where PostgreSQL's triggers stand guard: the ORM refuses to change or delete an entry, auditlog's
own command refuses to flush it, and a user who is an actor in it cannot be deleted (accounts are
deactivated), in the admin or in code."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse

from cases.services import case_update, subject_update
from recovery.models import User
from tests.security.conftest import client_for


@pytest.fixture
def entry(records_a):
    # Written by auditlog when the services created the case.
    case = records_a["case"]
    return LogEntry.objects.get_for_object(case).get(action=LogEntry.Action.CREATE)


def test_auditlog_still_writes_entries(records_a, investigator_a):
    case = records_a["case"]
    before = LogEntry.objects.get_for_object(case).count()
    case_update(case=case, actor=investigator_a, expected_version=case.version, title="Renamed case")
    update = LogEntry.objects.get_for_object(case).order_by("-pk").first()
    assert LogEntry.objects.get_for_object(case).count() == before + 1
    assert (update.action, update.actor) == (LogEntry.Action.UPDATE, investigator_a)
    assert update.changes_dict["title"][1] == "Renamed case"


def test_the_orm_refuses_to_change_an_entry(entry):
    entry.object_repr = "rewritten"
    with pytest.raises(TypeError, match="append-only"):
        entry.save()
    with pytest.raises(TypeError, match="append-only"):
        LogEntry.objects.filter(pk=entry.pk).update(object_repr="rewritten")
    # Refusals inside Django's own atomic blocks (bulk_update, deletions) break the transaction;
    # each is tried in a savepoint of its own.
    with pytest.raises(TypeError, match="append-only"), transaction.atomic():
        LogEntry.objects.bulk_update([entry], ["object_repr"])
    # A new instance carrying an existing entry's pk would be saved as an UPDATE of that row.
    forged = LogEntry(
        pk=entry.pk,
        content_type=entry.content_type,
        object_pk=entry.object_pk,
        object_repr="forged",
        action=entry.action,
    )
    with pytest.raises(TypeError, match="append-only"):
        forged.save()
    assert LogEntry.objects.get(pk=entry.pk).object_repr != "rewritten"
    assert LogEntry.objects.get(pk=entry.pk).object_repr != "forged"


def test_the_orm_refuses_to_delete_an_entry(entry):
    count = LogEntry.objects.count()
    with pytest.raises(TypeError, match="append-only"), transaction.atomic():
        entry.delete()
    with pytest.raises(TypeError, match="append-only"), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(TypeError, match="append-only"), transaction.atomic():
        LogEntry.objects.all().delete()
    # A cascade from the entry's record type reaches the entries one by one, and is refused too.
    with pytest.raises(TypeError, match="append-only"), transaction.atomic():
        ContentType.objects.filter(pk=entry.content_type_id).delete()
    assert LogEntry.objects.count() == count


@pytest.mark.parametrize(
    "options", [{"yes": True}, {"yes": True, "truncate": True}, {"yes": True, "before_date": "2100-01-01"}]
)
def test_auditlogflush_refuses(entry, options):
    count = LogEntry.objects.count()
    with pytest.raises(CommandError, match="append-only"):
        call_command("auditlogflush", *_argv(options))
    assert LogEntry.objects.count() == count


def _argv(options):
    argv = []
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        argv += [flag] if value is True else [flag, value]
    return argv


def test_a_user_in_the_change_log_cannot_be_deleted_in_code(records_a, supervisor_a):
    # The supervisor's only trace is a change log entry (LogEntry.actor is SET_NULL: deleting
    # would rewrite it, which PostgreSQL's trigger refuses with a database error).
    subject = records_a["subject"]
    subject_update(subject=subject, actor=supervisor_a, expected_version=subject.version, notes="Checked")
    entry = LogEntry.objects.get(actor=supervisor_a)
    with pytest.raises(ProtectedError, match="deactivate"), transaction.atomic():
        supervisor_a.delete()
    with pytest.raises(ProtectedError, match="deactivate"), transaction.atomic():
        User.objects.filter(pk=supervisor_a.pk).delete()
    assert User.objects.filter(pk=supervisor_a.pk).exists()
    assert LogEntry.objects.get(pk=entry.pk).actor_id == supervisor_a.pk


@pytest.mark.parametrize("who", ["administrator", "superuser"])
def test_the_admin_offers_no_deletion_of_users(request, entry, investigator_a, who):
    client = client_for(request.getfixturevalue(who))
    change = client.get(reverse("admin:recovery_user_change", args=[investigator_a.pk]))
    assert change.status_code == 200
    assert reverse("admin:recovery_user_delete", args=[investigator_a.pk]) not in change.content.decode()
    changelist = client.get(reverse("admin:recovery_user_changelist"))
    assert "delete_selected" not in changelist.content.decode()
    assert client.get(reverse("admin:recovery_user_delete", args=[investigator_a.pk])).status_code == 403
    assert (
        client.post(reverse("admin:recovery_user_delete", args=[investigator_a.pk]), {"post": "yes"}).status_code == 403
    )
    response = client.post(
        reverse("admin:recovery_user_changelist"),
        {"action": "delete_selected", "_selected_action": [investigator_a.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)  # "no action selected": the action is not offered
    assert User.objects.filter(pk=investigator_a.pk, is_active=True).exists()
    assert LogEntry.objects.get(pk=entry.pk).actor_id == investigator_a.pk
    if who == "administrator":
        assert not request.getfixturevalue(who).has_perm("recovery.delete_user")


def test_entries_of_a_period_are_not_flushed_either(entry):
    # The "before date" of auditlogflush, by hand: still a queryset delete, still refused.
    with pytest.raises(TypeError, match="append-only"):
        LogEntry.objects.filter(timestamp__date__lt=datetime.date(2100, 1, 1)).delete()
