"""No answer confirms a person recorded in a case the user cannot see (the existence oracle).

One person, one record: an investigator of unit A who records a person unit B has already
recorded (same IIN/BIN) gets that person in their own case, answered exactly as for a new record
(what they typed), with nothing of unit B's record or case. An edit to a number held out of sight
is refused with the same words as a malformed number. Through the real API and admin; the
import's preview is an audited event like the import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from cases.models import CaseSubject, Subject
from recovery.models import AuditEvent
from tests.security.conftest import client_for

IIN_B = "900202400456"  # records_b's subject, in unit B's case
FRESH_IIN = "950505500111"  # nobody's
SUBJECTS = "/admin/cases/subject/"


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def _b_traces(records_b) -> list[str]:
    """What would betray unit B's record in an answer."""
    subject, case = records_b["subject"], records_b["case"]
    return ["already recorded", "Already recorded", subject.name_latin, subject.passport_number, case.register_number]


def _assert_nothing_of_b(text: str, records_b):
    for trace in _b_traces(records_b):
        assert trace not in text, trace


def _create(api, case, iin, name):
    return api.post(
        "/api/v1/subjects/",
        {"kind": "person", "name_latin": name, "iin_bin": iin, "case": case.pk, "role": "witness"},
        format="json",
    )


def test_api_recording_a_person_of_another_unit_links_them_without_revealing_anything(
    records_a, records_b, investigator_a
):
    api = _api(investigator_a)
    case_a = records_a["case"]
    response = _create(api, case_a, IIN_B, "Typed Name")
    assert response.status_code == 201, response.content
    _assert_nothing_of_b(response.content.decode(), records_b)
    body = response.json()
    # What was typed, and only the user's own case.
    assert (body["name_latin"], body["iin_bin"], body["passport_number"]) == ("Typed Name", IIN_B, "")
    assert body["cases"] == [{"case": case_a.pk, "role": "witness"}]
    # One person, one record: unit B's subject now also has a role in unit A's case, unchanged.
    held = records_b["subject"]
    assert Subject.objects.filter(iin_bin=IIN_B).count() == 1
    assert CaseSubject.objects.filter(case=case_a, subject=held, role="witness").exists()
    held.refresh_from_db()
    assert (held.name_latin, held.passport_number) == ("Subject 240000000000002", "N7654321")
    # The shared record is now in the investigator's case; unit B's case stays out of sight.
    detail = api.get(f"/api/v1/subjects/{held.pk}/").json()
    assert detail["cases"] == [{"case": case_a.pk, "role": "witness"}]
    assert api.get(f"/api/v1/cases/{records_b['case'].pk}/").status_code == 404
    # The auditors see the match.
    event = AuditEvent.objects.get(action="subject_matched")
    assert (event.user, event.object_id, event.extra) == (
        investigator_a,
        str(held.pk),
        {"case": case_a.pk, "role": "witness"},
    )


def test_api_answers_a_person_of_another_unit_like_a_new_one(records_a, records_b, investigator_a):
    api = _api(investigator_a)
    case_a = records_a["case"]
    matched = _create(api, case_a, IIN_B, "Typed Name")
    new = _create(api, case_a, FRESH_IIN, "Typed Name")
    assert matched.status_code == new.status_code == 201
    a, b = matched.json(), new.json()
    different = {key for key in a if a[key] != b[key]}
    # Only the record's own id and bookkeeping and the number typed differ.
    assert different <= {"id", "iin_bin", "version", "created_at", "updated_at"}
    assert set(a) == set(b)


def test_api_without_a_case_is_refused_for_an_investigator(records_b, investigator_a):
    response = _api(investigator_a).post(
        "/api/v1/subjects/", {"kind": "person", "name_latin": "No case", "iin_bin": IIN_B}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"case"}
    _assert_nothing_of_b(response.content.decode(), records_b)


def _patch_iin(api, subject, iin):
    etag = api.get(f"/api/v1/subjects/{subject.pk}/")["ETag"]
    return api.patch(f"/api/v1/subjects/{subject.pk}/", {"iin_bin": iin}, format="json", HTTP_IF_MATCH=etag)


def test_api_edit_to_a_number_held_out_of_sight_is_refused_like_a_malformed_one(records_a, records_b, investigator_a):
    api = _api(investigator_a)
    subject = records_a["subject"]
    held = _patch_iin(api, subject, IIN_B)
    malformed = _patch_iin(api, subject, "90020240045X")
    assert held.status_code == malformed.status_code == 400
    _assert_nothing_of_b(held.content.decode(), records_b)
    a, b = held.json(), malformed.json()
    assert {k: v for k, v in a.items() if k != "instance"} == {k: v for k, v in b.items() if k != "instance"}
    subject.refresh_from_db()
    assert subject.iin_bin == "860101300123"


def test_api_edit_to_a_number_of_a_visible_subject_names_it(records_a, records_b, administrator):
    # Whoever can see the holder is told which record has the number.
    response = _patch_iin(_api(administrator), records_a["subject"], IIN_B)
    assert response.status_code == 400
    assert "already recorded" in response.json()["detail"]
    assert records_b["subject"].name_latin in response.json()["detail"]


# --- the admin: import preview, import, add form ----------------------------------------------


def _upload(client, rows: str):
    page = client.get(f"{SUBJECTS}import/")
    form = page.context["form"]
    formats = [str(choice[1]).lower() for choice in form.fields["format"].choices]
    offset = 1 if formats[0].startswith("-") else 0
    content = ("kind,name_latin,iin_bin,passport_number,case,role\n" + rows).encode()
    data = {
        "format": str(formats.index("csv") - offset),
        "import_file": SimpleUploadedFile("subjects.csv", content),
    }
    if "resource" in form.fields:
        data["resource"] = "0"
    return client.post(f"{SUBJECTS}import/", data, REMOTE_ADDR="192.0.2.61")


def _confirm(client, preview):
    confirm_form = preview.context["confirm_form"]
    data = {name: confirm_form.initial.get(name, "") for name in confirm_form.fields}
    return client.post(f"{SUBJECTS}process_import/", data)


def test_import_preview_of_a_person_of_another_unit_reveals_nothing_and_is_audited(
    records_a, records_b, investigator_a
):
    client = client_for(investigator_a)
    number = records_a["case"].register_number
    preview = _upload(client, f"person,Typed Name,{IIN_B},,{number},witness\n")
    assert preview.status_code == 200
    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    _assert_nothing_of_b(preview.content.decode(), records_b)
    # Answered like a file of a person nobody has recorded.
    fresh = _upload(client, f"person,Typed Name,{FRESH_IIN},,{number},witness\n").context["result"]
    assert (fresh.totals, len(fresh.rows)) == (result.totals, len(result.rows))
    # The preview wrote nothing, and left an event (each preview does).
    assert not CaseSubject.objects.filter(case=records_a["case"], subject=records_b["subject"]).exists()
    events = AuditEvent.objects.filter(action="import_previewed").order_by("pk")
    assert events.count() == 2
    event = events[0]
    assert (event.user, event.outcome, event.ip_address) == (investigator_a, "success", "192.0.2.61")
    assert event.extra["what"] == "cases.subject"
    assert (event.extra["rows"], event.extra["refused"]) == (1, 0)
    assert not AuditEvent.objects.filter(action="subject_matched").exists()  # rolled back with the preview

    response = _confirm(client, preview)
    assert response.status_code == 302
    assert CaseSubject.objects.filter(case=records_a["case"], subject=records_b["subject"], role="witness").exists()
    assert Subject.objects.filter(iin_bin=IIN_B).count() == 1
    done = AuditEvent.objects.get(action="import")
    assert (done.user, done.extra["rows"], done.extra["refused"]) == (investigator_a, 1, 0)
    assert AuditEvent.objects.filter(action="subject_matched", object_id=str(records_b["subject"].pk)).exists()


def test_import_preview_refusals_are_audited_and_name_only_visible_records(records_a, records_b, investigator_a):
    client = client_for(investigator_a)
    number = records_a["case"].register_number
    # The investigator's own subject: visible, so the refusal may say so.
    own = _upload(client, f"person,Again,{records_a['subject'].iin_bin},,{number},witness\n")
    assert own.context["result"].has_validation_errors()
    assert "already recorded" in own.content.decode()
    event = AuditEvent.objects.get(action="import_previewed")
    assert (event.outcome, event.extra["rows"], event.extra["refused"]) == ("failure", 1, 1)
    # The file's name is kept with identifier-like tokens masked.
    assert event.extra["file"] == "subjects.csv"


def test_admin_add_form_links_a_person_of_another_unit_without_naming_them(records_a, records_b, investigator_a):
    client = client_for(investigator_a)
    response = client.post(
        reverse("admin:cases_subject_add"),
        {
            "kind": "person",
            "name_latin": "Typed Name",
            "name_cyrillic": "",
            "iin_bin": IIN_B,
            "passport_number": "",
            "foreign_registration_number": "",
            "nationality": "",
            "notes": "",
            "case": records_a["case"].pk,
            "role": "witness",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain, response.context["adminform"].form.errors
    _assert_nothing_of_b(
        " ".join(str(m) for m in response.context["messages"]),
        records_b,
    )
    assert "Typed Name" in " ".join(str(m) for m in response.context["messages"])
    assert CaseSubject.objects.filter(case=records_a["case"], subject=records_b["subject"], role="witness").exists()


@pytest.mark.parametrize("iin", [IIN_B, "90020240045X"])
def test_admin_edit_to_a_number_held_out_of_sight_is_refused_like_a_malformed_one(
    records_a, records_b, investigator_a, iin
):
    client = client_for(investigator_a)
    subject = records_a["subject"]
    url = reverse("admin:cases_subject_change", args=[subject.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"iin_bin": iin, "is_pep": ""})
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["iin_bin"] == ["Cannot be used."]
    _assert_nothing_of_b(response.content.decode(), records_b)
    subject.refresh_from_db()
    assert subject.iin_bin == "860101300123"
