"""Quiet bulk reads and access changes go into the protected audit trail (AuditEvent):

- each page of persons read (the admin's subject list, the API's /api/v1/subjects/) is one
  `list_viewed` event with the number of rows shown and the filter asked, identifiers masked;
- each change of a user's groups, unit, permissions or staff/superuser/active flags is a
  `user_access_changed` event naming who made it, with the old and new values.
Through the real admin and API."""

import json

from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from rest_framework.test import APIClient

from recovery.models import AuditEvent
from tests.admin.forms import change_form_data
from tests.security.conftest import client_for

IIN_A, IIN_B = "860101300123", "900202400456"


def _list_events():
    return list(AuditEvent.objects.filter(action="list_viewed").order_by("pk"))


def test_a_page_of_the_api_subject_list_is_one_event_with_its_count_and_masked_filter(records_a, records_b, analyst):
    api = APIClient()
    api.force_authenticate(analyst)
    response = api.get(
        "/api/v1/subjects/", {"limit": 200, "q": f"Subject {IIN_B}", "ordering": "name_latin"}, REMOTE_ADDR="192.0.2.81"
    )
    assert response.status_code == 200
    [event] = _list_events()
    assert (event.user, event.outcome, event.ip_address) == (analyst, "success", "192.0.2.81")
    assert event.extra["what"] == "cases.subject"
    assert event.extra["rows"] == len(response.json()["results"])
    assert event.extra["filter"] == {"limit": "200", "ordering": "name_latin", "q": "Subject •••••••••456"}
    # Neither in the extra nor in the recorded path is the full number kept.
    assert IIN_B not in json.dumps(event.extra, ensure_ascii=False)
    assert IIN_B not in event.path

    # Another page, another event; each counts its own rows.
    second = api.get("/api/v1/subjects/", {"limit": 1, "offset": 1})
    assert second.status_code == 200
    assert [e.extra["rows"] for e in _list_events()] == [event.extra["rows"], 1]
    # A synchronising client's pages too; a date in the filter is kept as asked.
    sync = api.get("/api/v1/subjects/", {"updated_after": "2024-01-15T00:00:00Z"})
    assert sync.status_code == 200
    last = _list_events()[-1]
    assert (last.extra["rows"], last.extra["filter"]) == (2, {"updated_after": "2024-01-15T00:00:00Z"})


def test_a_page_of_the_admin_subject_list_is_one_event(records_a, records_b, investigator_a):
    client = client_for(investigator_a)
    response = client.get(reverse("admin:cases_subject_changelist"), {"q": IIN_A}, REMOTE_ADDR="192.0.2.82")
    assert response.status_code == 200
    [event] = _list_events()
    assert (event.user, event.ip_address) == (investigator_a, "192.0.2.82")
    assert (event.extra["what"], event.extra["rows"]) == ("cases.subject", 1)
    assert event.extra["filter"] == {"q": "•••••••••123"}
    assert IIN_A not in json.dumps(event.extra, ensure_ascii=False) and IIN_A not in event.path
    # An identifier lookup in the URL (the lead investigator may use one) is masked whole.
    assert client.get(reverse("admin:cases_subject_changelist"), {"iin_bin__startswith": "8601"}).status_code == 200
    assert _list_events()[-1].extra["filter"] == {"iin_bin__startswith": "••••"}


def test_opening_a_subject_page_is_not_a_list_event(records_a, investigator_a):
    client = client_for(investigator_a)
    assert client.get(reverse("admin:cases_subject_change", args=[records_a["subject"].pk])).status_code == 200
    assert not _list_events()
    assert AuditEvent.objects.filter(action="personal_data_viewed").count() == 1


def _access_events(user):
    return list(AuditEvent.objects.filter(action="user_access_changed", object_id=str(user.pk)).order_by("pk"))


def test_roles_and_unit_changed_in_the_admin_are_recorded_with_old_and_new(investigator_b, unit_a, unit_b, superuser):
    # A superuser: superuser status and individual permissions are theirs alone to grant.
    before = {e.pk for e in _access_events(investigator_b)}
    client = client_for(superuser)
    url = reverse("admin:recovery_user_change", args=[investigator_b.pk])
    data = change_form_data(client.get(url))
    supervisor, investigator = Group.objects.get(name="Supervisor"), Group.objects.get(name="Investigator")
    data["groups"] = [str(investigator.pk), str(supervisor.pk)]
    data["unit"] = str(unit_a.pk)
    permission = Permission.objects.get(codename="view_auditevent")
    data["user_permissions"] = [str(permission.pk)]
    data["is_staff"] = "on"
    data["is_superuser"] = "on"
    response = client.post(url, data, REMOTE_ADDR="192.0.2.83")
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response

    events = [e for e in _access_events(investigator_b) if e.pk not in before]
    assert {(e.user, e.ip_address) for e in events} == {(superuser, "192.0.2.83")}
    changes = {}
    for event in events:
        assert event.extra["username"] == "inv_b"
        changes.update(event.extra["changes"])
    assert changes["unit"] == {"old": "unit-b", "new": "unit-a"}
    assert changes["is_superuser"] == {"old": False, "new": True}
    assert changes["groups"] == {
        "old": ["Investigator"],
        "new": ["Investigator", "Supervisor"],
        "added": ["Supervisor"],
        "removed": [],
    }
    assert changes["user_permissions"]["added"] == ["recovery.view_auditevent"]

    # Taking the role away again is recorded too, from the other side as well (a group's users).
    supervisor.user_set.remove(investigator_b)
    last = _access_events(investigator_b)[-1]
    assert last.extra["changes"]["groups"]["removed"] == ["Supervisor"]


def test_saving_a_user_without_access_changes_records_none(investigator_b, administrator):
    before = len(_access_events(investigator_b))
    client = client_for(administrator)
    url = reverse("admin:recovery_user_change", args=[investigator_b.pk])
    data = change_form_data(client.get(url))
    data["position"] = "Senior investigator"
    assert client.post(url, data).status_code == 302
    assert len(_access_events(investigator_b)) == before
