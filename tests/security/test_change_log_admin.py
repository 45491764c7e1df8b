"""The record change log (django-auditlog's LogEntry) in the admin: auditors search it per user,
per record and per period and export a selection as CSV (audited); nobody changes or deletes an
entry there; investigators do not see it; a person's identifiers in it are masked per role."""

import csv
import datetime
import io

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from recovery.models import AuditEvent
from tests.security.conftest import client_for

CHANGELIST = "admin:auditlog_logentry_changelist"


@pytest.fixture
def change_log(records_a, records_b):
    """Entries written by the services for two cases (actors inv_a and inv_b), and one entry of
    March 2023 for the period filters."""
    subject = records_a["subject"]
    old = LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(subject),
        object_pk=str(subject.pk),
        object_id=subject.pk,
        object_repr=str(subject),
        action=LogEntry.Action.UPDATE,
        changes={"name_latin": ["Old name", str(subject)]},
        actor=records_a["case"].lead_investigator,
        remote_addr="10.0.0.7",
        timestamp=datetime.datetime(2023, 3, 10, 12, 0, tzinfo=datetime.UTC),
    )
    return {**records_a, "records_b": records_b, "old_entry": old}


def _listed(client, **params) -> set[int]:
    response = client.get(reverse(CHANGELIST), params)
    assert response.status_code == 200, response.status_code
    return {entry.pk for entry in response.context["cl"].result_list}


def _ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_auditor_filters_the_change_log_per_user(change_log, auditor, investigator_a, investigator_b):
    client = client_for(auditor)
    by_a = _ids(LogEntry.objects.filter(actor=investigator_a))
    by_b = _ids(LogEntry.objects.filter(actor=investigator_b))
    assert by_a and by_b and not by_a & by_b
    assert _listed(client, actor__id__exact=investigator_a.pk) == by_a
    assert _listed(client, actor__id__exact=investigator_b.pk) == by_b
    # The search box finds a user's entries by username too.
    assert by_b <= _listed(client, q="inv_b")
    assert not by_a & _listed(client, q="inv_b")


def test_auditor_filters_the_change_log_per_record(change_log, auditor):
    client = client_for(auditor)
    subject = change_log["subject"]
    subject_type = ContentType.objects.get_for_model(subject)
    expected = _ids(LogEntry.objects.get_for_object(subject))
    assert len(expected) >= 2  # the creation and the March 2023 entry at least
    assert _listed(client, content_type=subject_type.pk, object_pk=str(subject.pk)) == expected
    # The record type filter alone: every subject's entries, both cases'.
    assert _listed(client, content_type=subject_type.pk) == _ids(LogEntry.objects.filter(content_type=subject_type))
    case = change_log["case"]
    assert _listed(client, content_type=ContentType.objects.get_for_model(case).pk, object_pk=str(case.pk)) == _ids(
        LogEntry.objects.get_for_object(case)
    )


def test_auditor_filters_the_change_log_per_period(change_log, auditor):
    client = client_for(auditor)
    old = change_log["old_entry"]
    assert _listed(client, timestamp__year=2023, timestamp__month=3) == {old.pk}
    assert _listed(client, timestamp__gte="2023-03-01T00:00+00:00", timestamp__lt="2023-04-01T00:00+00:00") == {old.pk}
    # The date filter's "Today" choice, as the sidebar offers it: everything but the old entry.
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    today = {"timestamp__gte": str(start), "timestamp__lt": str(start + datetime.timedelta(days=1))}
    assert _listed(client, **today) == _ids(LogEntry.objects.exclude(pk=old.pk))


def test_csv_export_holds_exactly_the_selected_entries_and_is_audited(change_log, auditor):
    client = client_for(auditor)
    chosen = [change_log["old_entry"], LogEntry.objects.get_for_object(change_log["records_b"]["case"]).first()]
    response = client.post(
        reverse(CHANGELIST), {"action": "export_csv", "_selected_action": [entry.pk for entry in chosen]}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="change-log-')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "timestamp",
        "actor",
        "remote_addr",
        "action",
        "content_type",
        "object_pk",
        "object_repr",
        "changes",
    ]
    body = rows[1:]
    assert len(body) == 2
    old = change_log["old_entry"]
    assert body[0][:7] == [
        "2023-03-10T12:00:00+00:00",
        "inv_a",
        "10.0.0.7",
        "update",
        "cases.subject",
        str(old.object_pk),
        old.object_repr,
    ]
    assert '"name_latin"' in body[0][7] and "Old name" in body[0][7]
    assert (body[1][1], body[1][4], body[1][5]) == ("inv_b", "cases.case", chosen[1].object_pk)

    event = AuditEvent.objects.filter(action="export").order_by("-pk").first()
    assert (event.user, event.extra) == (auditor, {"what": "change_log", "rows": 2})


def test_identifiers_in_the_change_log_are_masked_for_an_auditor_not_for_an_administrator(
    change_log, auditor, administrator, analyst
):
    subject = change_log["subject"]
    created = LogEntry.objects.get_for_object(subject).filter(action=LogEntry.Action.CREATE).get()
    assert "860101300123" in str(created.changes)  # recorded in full

    def exported(user):
        response = client_for(user).post(
            reverse(CHANGELIST), {"action": "export_csv", "_selected_action": [created.pk]}
        )
        return response.content.decode()

    assert "860101300123" not in exported(auditor) and "•••••••••123" in exported(auditor)
    assert "N1234567" not in exported(auditor)
    assert "860101300123" in exported(administrator)

    page = client_for(auditor).get(reverse("admin:auditlog_logentry_change", args=[created.pk]))
    assert page.status_code == 200
    assert "860101300123" not in page.content.decode() and "•••••••••123" in page.content.decode()
    # The subject's own history page, for an analyst (who sees identifiers masked everywhere).
    history = client_for(analyst).get(reverse("admin:cases_subject_auditlog", args=[subject.pk]))
    assert history.status_code == 200
    assert "860101300123" not in history.content.decode() and "•••••••••123" in history.content.decode()
    # The search box does not look into the changes (it would confirm a masked number).
    assert _ids_found(client_for(auditor), "860101300123") == set()


def _ids_found(client, query):
    return _listed(client, q=query)


@pytest.mark.parametrize("who", ["auditor", "administrator", "superuser"])
def test_nobody_changes_or_deletes_change_log_entries_in_the_admin(request, change_log, who):
    client = client_for(request.getfixturevalue(who))
    entry = change_log["old_entry"]
    before = (LogEntry.objects.count(), entry.object_repr, entry.changes)

    page = client.get(reverse("admin:auditlog_logentry_change", args=[entry.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html and 'name="_continue"' not in html
    assert reverse("admin:auditlog_logentry_delete", args=[entry.pk]) not in html
    listing = client.get(reverse(CHANGELIST)).content.decode()
    assert "delete_selected" not in listing and reverse("admin:auditlog_logentry_add") not in listing

    assert client.get(reverse("admin:auditlog_logentry_add")).status_code == 403
    assert (
        client.post(reverse("admin:auditlog_logentry_change", args=[entry.pk]), {"object_repr": "x"}).status_code == 403
    )
    assert client.post(reverse("admin:auditlog_logentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    bulk = client.post(
        reverse(CHANGELIST), {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert bulk.status_code in (200, 302)  # an unknown action: nothing done
    entry.refresh_from_db()
    assert (LogEntry.objects.count(), entry.object_repr, entry.changes) == before


@pytest.mark.parametrize("who", ["investigator_a", "supervisor_a", "analyst"])
def test_roles_other_than_auditor_and_administrator_do_not_see_the_change_log(request, change_log, who):
    client = client_for(request.getfixturevalue(who))
    entry = change_log["old_entry"]
    assert client.get(reverse(CHANGELIST)).status_code == 403
    assert client.get(reverse("admin:auditlog_logentry_change", args=[entry.pk])).status_code == 403
    export = client.post(reverse(CHANGELIST), {"action": "export_csv", "_selected_action": [entry.pk]})
    assert export.status_code == 403
    assert not AuditEvent.objects.filter(action="export", extra__what="change_log").exists()
    assert reverse(CHANGELIST) not in client.get(reverse("admin:index")).content.decode()
