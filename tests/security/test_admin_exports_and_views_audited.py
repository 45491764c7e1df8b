"""Through the real admin routes: the CSV/XLSX export of subjects masks a person's identifiers for
roles that see them masked and is an audited `export`; opening a subject's page is an audited
`personal_data_viewed`, each with who, when, from where, what and the outcome."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from recovery.models import AuditEvent
from tests.security.conftest import client_for

SUBJECTS = "/admin/cases/subject/"


def _export(client, fmt):
    url = f"{SUBJECTS}export/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: field.initial for name, field in form.fields.items() if field.initial not in (None, False)}
    data = {k: ("on" if v is True else v) for k, v in data.items()}
    formats = [str(choice[1]).lower() for choice in form.fields["format"].choices]
    data["format"] = str(formats.index(fmt) - (1 if formats[0].startswith("-") else 0))
    response = client.post(url, data, REMOTE_ADDR="192.0.2.44")
    assert response.status_code == 200, response.content[:2000]
    return response


def _rows(response, fmt):
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    values = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        # The lead investigator sees only their unit's subject, in full.
        ("investigator_a", {("860101300123", "N1234567")}),
        # Analysts see every subject, masked.
        ("analyst", {("•••••••••123", "•••••567"), ("•••••••••456", "•••••321")}),
        ("administrator", {("860101300123", "N1234567"), ("900202400456", "N7654321")}),
    ],
)
def test_subject_export_masks_identifiers_per_role_and_is_audited(request, records_a, records_b, who, expected, fmt):
    user = request.getfixturevalue(who)
    before = timezone.now()
    rows = _rows(_export(client_for(user), fmt), fmt)
    assert {(row["iin_bin"], row["passport_number"]) for row in rows} == expected

    event = AuditEvent.objects.get(action="export")
    assert (event.user, event.outcome, event.ip_address) == (user, "success", "192.0.2.44")
    assert event.extra == {"what": "cases.subject", "rows": len(expected)}
    assert event.occurred_at >= before


def test_opening_a_subject_in_the_admin_is_recorded(records_a, analyst):
    subject = records_a["subject"]
    client = client_for(analyst)
    before = timezone.now()
    response = client.get(reverse("admin:cases_subject_change", args=[subject.pk]), REMOTE_ADDR="192.0.2.45")
    assert response.status_code == 200
    html = response.content.decode()
    # The read-only page masks the identifiers for an analyst, as the lists and exports do.
    assert "860101300123" not in html and "N1234567" not in html
    assert "•••••••••123" in html and "•••••567" in html
    event = AuditEvent.objects.get(action="personal_data_viewed")
    assert (event.user, event.username, event.outcome, event.ip_address) == (
        analyst,
        "analyst",
        "success",
        "192.0.2.45",
    )
    assert (event.content_type.model, event.object_id, event.object_repr) == ("subject", str(subject.pk), str(subject))
    assert event.occurred_at >= before
    # The list is not a view of one person's data.
    client.get(SUBJECTS)
    assert AuditEvent.objects.filter(action="personal_data_viewed").count() == 1


def test_the_lead_investigator_sees_the_subject_page_in_full(records_a, investigator_a):
    html = client_for(investigator_a).get(reverse("admin:cases_subject_change", args=[records_a["subject"].pk])).content
    assert "860101300123" in html.decode()


def test_reading_a_subject_through_the_api_is_recorded(records_a, analyst):
    from rest_framework.test import APIClient

    subject = records_a["subject"]
    api = APIClient()
    api.force_authenticate(analyst)
    assert api.get("/api/v1/subjects/").status_code == 200
    assert not AuditEvent.objects.filter(action="personal_data_viewed").exists()  # a list is not a view of one person
    response = api.get(f"/api/v1/subjects/{subject.pk}/", REMOTE_ADDR="192.0.2.46")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="personal_data_viewed")
    assert (event.user, event.outcome, event.ip_address, event.object_id) == (
        analyst,
        "success",
        "192.0.2.46",
        str(subject.pk),
    )
    # A subject out of sight is a 404 and records no view.
    assert api.get("/api/v1/subjects/999999/").status_code == 404
    assert AuditEvent.objects.filter(action="personal_data_viewed").count() == 1


@pytest.mark.parametrize(("route", "fmt"), [("dashboard:report-csv", "csv"), ("dashboard:report-xlsx", "xlsx")])
def test_the_statistics_report_download_is_an_audited_export(records_a, supervisor_a, route, fmt):
    client = client_for(supervisor_a)
    response = client.get(reverse(route), {"year": 2024, "unit": ""}, REMOTE_ADDR="192.0.2.45")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="export")
    assert (event.user, event.outcome, event.ip_address) == (supervisor_a, "success", "192.0.2.45")
    assert event.extra == {"what": "statistics_report", "format": fmt, "year": 2024, "filters": {"year": ["2024"]}}
    assert event.path.startswith(reverse(route))


def test_a_refused_report_download_records_no_export(records_a, supervisor_a):
    # An invalid year answers the page with its errors (400): nothing was exported.
    response = client_for(supervisor_a).get(reverse("dashboard:report-csv"), {"year": 1800})
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="export").exists()
