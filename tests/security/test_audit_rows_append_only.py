"""Audit rows cannot be changed or deleted: not through the ORM, not through the admin, and on
PostgreSQL not even with SQL (triggers refuse UPDATE, DELETE and TRUNCATE)."""

import pytest
from auditlog.models import LogEntry
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from recovery.models import AuditEvent
from recovery.security.events import record_event
from tests.security.conftest import client_for


@pytest.fixture
def event(investigator_a):
    return record_event("export", user=investigator_a, extra={"what": "test"})


def test_orm_refuses_to_change_an_event(event):
    event.username = "someone_else"
    with pytest.raises(TypeError, match="append-only"):
        event.save()
    with pytest.raises(TypeError, match="append-only"):
        event.delete()
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).update(username="x")
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).username == "inv_a"


def test_admin_offers_no_change_or_delete(event, administrator):
    client = client_for(administrator)
    assert client.get(reverse("admin:recovery_auditevent_changelist")).status_code == 200
    # The change page is a read-only view; posting to it or deleting is refused.
    assert client.get(reverse("admin:recovery_auditevent_change", args=[event.pk])).status_code == 200
    assert (
        client.post(reverse("admin:recovery_auditevent_change", args=[event.pk]), {"username": "x"}).status_code == 403
    )
    assert client.post(reverse("admin:recovery_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:recovery_auditevent_add")).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk, username="inv_a").exists()


def test_nobody_holds_a_write_permission_on_audit_rows(administrator, auditor):
    for user in (administrator, auditor):
        assert user.has_perm("recovery.view_auditevent")
        assert user.has_perm("auditlog.view_logentry")
        assert not user.has_perm("auditlog.change_logentry")
        assert not user.has_perm("auditlog.delete_logentry")


def test_auditor_exports_the_trail_as_csv_and_the_export_is_audited(event, auditor):
    client = client_for(auditor)
    response = client.post(
        reverse("admin:recovery_auditevent_changelist"),
        {"action": "export_csv", "_selected_action": [event.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode()
    assert "inv_a" in body and "export" in body
    latest = AuditEvent.objects.order_by("-pk").first()
    assert (latest.action, latest.user, latest.extra["rows"]) == ("export", auditor, 1)


def test_auditor_filters_the_trail_per_user_and_period(event, auditor, investigator_b):
    record_event("logout", user=investigator_b)
    client = client_for(auditor)
    response = client.get(reverse("admin:recovery_auditevent_changelist"), {"q": "inv_b"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    day = event.occurred_at
    response = client.get(
        reverse("admin:recovery_auditevent_changelist"),
        {"occurred_at__year": day.year, "occurred_at__month": day.month},
    )
    assert response.context["cl"].result_count >= 2


def _refused_sql(sql, params):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_postgres_refuses_update_and_delete_of_audit_events(on_postgres, event):
    _refused_sql("UPDATE recovery_auditevent SET username = %s WHERE id = %s", ["x", event.pk])
    _refused_sql("DELETE FROM recovery_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, username="inv_a").exists()


def test_postgres_refuses_update_and_delete_of_change_log(on_postgres, records_a):
    entry = LogEntry.objects.first()
    assert entry is not None  # the services' changes were logged
    _refused_sql("UPDATE auditlog_logentry SET object_repr = %s WHERE id = %s", ["x", entry.pk])
    _refused_sql("DELETE FROM auditlog_logentry WHERE id = %s", [entry.pk])
    assert LogEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("table", ["recovery_auditevent", "auditlog_logentry"])
def test_postgres_refuses_truncate_of_the_audit_tables(on_postgres, event, records_a, table):
    # The test database's sessions may truncate (tests/conftest.py: the flush between
    # transactional tests); any other session may not. SET LOCAL ends with the savepoint.
    # PostgreSQL will not truncate a table with foreign-key checks still pending in the
    # transaction (the test's own inserts), so those run first.
    for statement in (f"TRUNCATE {table}", f"TRUNCATE {table} CASCADE"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL recovery.allow_audit_truncate = 'off'")
            cursor.execute(statement)
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert LogEntry.objects.exists()
