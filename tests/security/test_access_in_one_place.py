"""Roles combine per capability, and every edge asks recovery.access the same questions.

Reading everything (Analyst) never widens what one writes: an investigator who is also an analyst
reads every unit's cases and writes only their own unit's, in the admin and the API alike, and
sees another unit's identifiers masked. Whom one may name, and which roles one may grant, are the
services' and the account admin's rules, the same on every edge.
"""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client

from cases.models import Case, Subject
from mla_requests.models import Request
from recovery.models import User
from tests.security.conftest import client_for

IIN_A, IIN_B = "860101300123", "900202400456"


def _api(user) -> Client:
    return client_for(user)


def _patch_case(client, case, body):
    etag = client.get(f"/api/v1/cases/{case.pk}/")["ETag"]
    return client.patch(
        f"/api/v1/cases/{case.pk}/", json.dumps(body), content_type="application/json", headers={"If-Match": etag}
    )


# --- role combinations -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["investigator_analyst_b", "supervisor_analyst_b"])
def test_reading_everything_does_not_write_another_units_case_in_the_api(request, world, records_a, who):
    user = request.getfixturevalue(who)
    client = _api(user)
    case_a = records_a["case"]
    assert client.get(f"/api/v1/cases/{case_a.pk}/").status_code == 200  # the analyst in them reads it
    response = _patch_case(client, case_a, {"title": "Rewritten by another unit"})
    assert response.status_code == 403, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    case_a.refresh_from_db()
    assert case_a.title != "Rewritten by another unit"


@pytest.mark.parametrize("who", ["investigator_analyst_b", "supervisor_analyst_b"])
def test_they_still_write_their_own_units_case(request, world, records_b, who):
    client = _api(request.getfixturevalue(who))
    response = _patch_case(client, records_b["case"], {"title": "Renamed by its unit"})
    assert response.status_code == 200, response.content
    records_b["case"].refresh_from_db()
    assert records_b["case"].title == "Renamed by its unit"


def test_investigator_analyst_gets_another_units_case_read_only_in_the_admin(world, records_a, investigator_analyst_b):
    client = client_for(investigator_analyst_b)
    case_a = records_a["case"]
    url = f"/admin/cases/case/{case_a.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content  # shown, not editable
    before = Case.objects.get(pk=case_a.pk)
    posted = client.post(url, {"title": "Rewritten", "expected_version": before.version})
    assert posted.status_code == 403
    assert Case.objects.get(pk=case_a.pk).title == before.title
    # Nor its requests.
    req_a = records_a["request"]
    assert b'name="_save"' not in client.get(f"/admin/requests/request/{req_a.pk}/change/").content


def test_investigator_analyst_may_not_add_a_request_to_another_units_case(
    world, records_b, records_a, investigator_analyst_b
):
    client = _api(investigator_analyst_b)
    req_b = records_b["request"]
    body = {
        "case": records_a["case"].pk,
        "country": "CH",
        "legal_basis": req_b.legal_basis_id,
        "crime_category": req_b.crime_category_id,
        "measures": list(req_b.measures.values_list("pk", flat=True)),
    }
    before = Request.objects.count()
    response = client.post("/api/v1/requests/", json.dumps(body), content_type="application/json")
    assert response.status_code in (400, 403), response.content
    assert Request.objects.count() == before


@pytest.mark.parametrize("who", ["investigator_analyst_b", "supervisor_analyst_b"])
def test_identifiers_of_another_unit_stay_masked_for_a_reader_of_everything(request, world, records_a, who):
    client = client_for(request.getfixturevalue(who))
    subject_a = records_a["subject"]
    page = client.get(f"/admin/cases/subject/{subject_a.pk}/change/")
    assert page.status_code == 200
    assert IIN_A.encode() not in page.content
    assert "•••••••••123".encode() in page.content  # the masked form is shown
    api = client.get(f"/api/v1/subjects/{subject_a.pk}/")
    assert api.status_code == 200
    assert IIN_A not in api.content.decode()


def test_the_own_units_identifiers_stay_in_full_for_an_investigator_analyst(world, records_b, investigator_analyst_b):
    api = client_for(investigator_analyst_b).get(f"/api/v1/subjects/{records_b['subject'].pk}/")
    assert api.status_code == 200
    assert IIN_B in api.content.decode()


def test_an_administrator_investigator_writes_every_unit(world, records_a, administrator_investigator_b):
    response = _patch_case(
        _api(administrator_investigator_b), records_a["case"], {"title": "Fixed by the administrator"}
    )
    assert response.status_code == 200, response.content


# --- whom one may name -------------------------------------------------------------------------


def test_the_api_refuses_a_lead_investigator_of_another_unit(world, records_a, investigator_a, investigator_b):
    case_a = records_a["case"]
    body = {
        "register_number": "240000000000077",
        "title": "Named across units",
        "unit": case_a.unit_id,
        "lead_investigator": investigator_b.pk,
        "primary_crime_category": case_a.primary_crime_category_id,
        "opened_on": "2024-01-10",
    }
    response = _api(investigator_a).post("/api/v1/cases/", json.dumps(body), content_type="application/json")
    assert response.status_code == 400, response.content
    assert "lead_investigator" in response.json()["errors"]
    assert not Case.objects.filter(register_number="240000000000077").exists()
    # The same answer as for an account that does not exist: nothing is confirmed.
    body["lead_investigator"] = 987654
    missing = _api(investigator_a).post("/api/v1/cases/", json.dumps(body), content_type="application/json")
    assert missing.status_code == 400
    answer_for_nobody = missing.json()["errors"]["lead_investigator"][0]
    answer_for_colleague = response.json()["errors"]["lead_investigator"][0]
    assert answer_for_nobody.replace("987654", str(investigator_b.pk)) == answer_for_colleague


def test_the_api_refuses_a_team_member_of_another_unit(world, records_a, investigator_a, investigator_b):
    response = _patch_case(_api(investigator_a), records_a["case"], {"team": [investigator_b.pk]})
    assert response.status_code == 400, response.content
    assert not records_a["case"].team.filter(pk=investigator_b.pk).exists()


def test_the_api_refuses_a_responsible_investigator_of_another_unit(world, records_a, investigator_a, investigator_b):
    req = records_a["request"]
    client = _api(investigator_a)
    etag = client.get(f"/api/v1/requests/{req.pk}/")["ETag"]
    response = client.patch(
        f"/api/v1/requests/{req.pk}/",
        json.dumps({"responsible_investigator": investigator_b.pk}),
        content_type="application/json",
        headers={"If-Match": etag},
    )
    assert response.status_code == 400, response.content
    req.refresh_from_db()
    assert req.responsible_investigator_id != investigator_b.pk


def test_the_service_refuses_naming_across_units_whatever_the_edge(world, records_a, investigator_a, investigator_b):
    from cases.services import case_update
    from recovery.errors import InvalidInput

    with pytest.raises(InvalidInput):
        case_update(case=records_a["case"], actor=investigator_a, lead_investigator=investigator_b)
    records_a["case"].refresh_from_db()
    assert records_a["case"].lead_investigator_id == investigator_a.pk


def test_the_service_refuses_another_units_write_with_a_not_found(world, records_b, investigator_a):
    from cases.services import case_transition
    from recovery.errors import AccessDenied

    with pytest.raises(AccessDenied) as refused:
        case_transition(case=records_b["case"], to_status="suspended", actor=investigator_a)
    assert refused.value.code == "not_found"
    assert Case.objects.get(pk=records_b["case"].pk).status == "open"


# --- one transaction, one record of why --------------------------------------------------------


def test_sending_with_a_foreign_reference_is_one_service_call(world, records_a, investigator_a, monkeypatch):
    from mla_requests import services

    def no_second_write(**kwargs):
        raise AssertionError("sending wrote the request twice")

    monkeypatch.setattr(services, "request_update", no_second_write)
    req = records_a["request"]
    req.checklist.update(satisfied=True)
    response = _api(investigator_a).post(
        f"/api/v1/requests/{req.pk}/transitions/",
        json.dumps({"to_status": "sent", "foreign_reference": "CH-2024-77"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    req.refresh_from_db()
    assert (req.status, req.foreign_reference) == ("sent", "CH-2024-77")
    assert req.timeline.filter(to_status="sent").count() == 1


def test_a_refused_send_keeps_the_foreign_reference_unwritten(world, records_a, investigator_a):
    req = records_a["request"]  # its checklist item is not provided: sending is refused
    response = _api(investigator_a).post(
        f"/api/v1/requests/{req.pk}/transitions/",
        json.dumps({"to_status": "sent", "foreign_reference": "CH-2024-78"}),
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    req.refresh_from_db()
    assert (req.status, req.foreign_reference) == ("draft", "")


def test_moving_the_deadline_keeps_its_reason_on_the_timeline(world, records_a, investigator_a):
    from mla_requests.services import request_send

    req = records_a["request"]
    req.checklist.update(satisfied=True)
    request_send(request=req, actor=investigator_a, sent_on=datetime.date(2024, 5, 2))
    req.refresh_from_db()
    old_due = req.response_due
    client = client_for(investigator_a)
    response = client.post(
        f"/admin/requests/request/{req.pk}/deadline/",
        {"response_due": "2024-12-31", "reason": "Extension agreed with the Swiss central authority"},
    )
    assert response.status_code == 302, response.content[:2000]
    entry = req.timeline.order_by("-recorded_at", "-pk").first()
    assert entry.from_status == entry.to_status == "sent"
    assert "Extension agreed with the Swiss central authority" in entry.note
    assert str(old_due) in entry.note and "2024-12-31" in entry.note
    assert entry.actor_id == investigator_a.pk


# --- who may grant what ------------------------------------------------------------------------


def _user_form(user: User, **overrides) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "groups": [str(pk) for pk in user.groups.values_list("pk", flat=True)],
        "unit": user.unit_id or "",
        "preferred_language": user.preferred_language,
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "initial-date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "initial-date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def test_an_administrator_cannot_make_themselves_superuser(world, administrator):
    client = client_for(administrator)
    url = f"/admin/recovery/user/{administrator.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="is_superuser"' not in page.content
    client.post(url, _user_form(administrator, is_superuser="on", user_permissions=["1"]))
    administrator.refresh_from_db()
    assert not administrator.is_superuser
    assert not administrator.user_permissions.exists()


def test_an_administrator_cannot_grant_the_administrator_role(world, administrator, investigator_a):
    from django.contrib.auth.models import Group

    client = client_for(administrator)
    admin_group = Group.objects.get(name="Administrator")
    response = client.post(
        f"/admin/recovery/user/{investigator_a.pk}/change/",
        _user_form(
            investigator_a, groups=[str(admin_group.pk), *map(str, investigator_a.groups.values_list("pk", flat=True))]
        ),
    )
    assert response.status_code == 200  # the form again, with the reason
    assert not investigator_a.groups.filter(name="Administrator").exists()


def test_an_administrator_grants_a_working_role(world, administrator, investigator_a):
    from django.contrib.auth.models import Group

    supervisor = Group.objects.get(name="Supervisor")
    groups = [str(supervisor.pk), *map(str, investigator_a.groups.values_list("pk", flat=True))]
    response = client_for(administrator).post(
        f"/admin/recovery/user/{investigator_a.pk}/change/", _user_form(investigator_a, groups=groups)
    )
    assert response.status_code == 302, response.content[:3000]
    assert investigator_a.groups.filter(name="Supervisor").exists()


def test_an_administrator_cannot_touch_a_superusers_account(world, administrator, superuser):
    client = client_for(administrator)
    assert client.post(f"/admin/recovery/user/{superuser.pk}/password/", {}).status_code == 403
    response = client.post(f"/admin/recovery/user/{superuser.pk}/change/", _user_form(superuser, is_active=""))
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.is_active


def test_subjects_are_not_written_by_a_reader_of_everything_in_another_unit(world, records_a, investigator_analyst_b):
    from cases.services import subject_update
    from recovery.errors import AccessDenied

    with pytest.raises(AccessDenied):
        subject_update(subject=records_a["subject"], actor=investigator_analyst_b, notes="seen")
    assert Subject.objects.get(pk=records_a["subject"].pk).notes != "seen"
