"""Deactivating a user ends every session they have open, at once."""

from django.contrib.sessions.models import Session
from django.test import Client

from recovery.models import AuditEvent
from tests.security.conftest import client_for


def test_deactivation_ends_all_sessions_of_that_user_only(investigator_a, investigator_b, administrator):
    laptop, phone = Client(), Client()
    laptop.force_login(investigator_a)
    phone.force_login(investigator_a)
    colleague = Client()
    colleague.force_login(investigator_b)
    assert laptop.get("/admin/").status_code == 200
    assert Session.objects.count() == 3

    # An administrator deactivates the account through the admin.
    admin_client = client_for(administrator)
    before = Session.objects.count()
    investigator_a.is_active = False
    investigator_a.save()

    assert Session.objects.count() == before - 2
    assert laptop.get("/admin/").status_code == 302
    assert phone.get("/admin/").status_code == 302
    assert colleague.get("/admin/").status_code == 200
    assert admin_client.get("/admin/").status_code == 200
    event = AuditEvent.objects.get(action="user_deactivated")
    assert event.object_id == str(investigator_a.pk)
    assert event.extra["sessions_ended"] == 2


def test_saving_an_active_user_ends_nothing(investigator_a):
    client = Client()
    client.force_login(investigator_a)
    investigator_a.first_name = "Renamed"
    investigator_a.save()
    assert client.get("/admin/").status_code == 200
    assert not AuditEvent.objects.filter(action="user_deactivated").exists()
