"""No exported value runs as a spreadsheet formula: through the real admin export views (CSV and
XLSX) and the audit trails' CSV, text starting with =, +, -, @, tab or carriage return is written
behind a single quote, as text; numbers stay numbers."""

import csv
import decimal
import io

import openpyxl
import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from import_export.formats.base_formats import CSV, XLSX

from assets.models import Asset
from cases.models import Case
from mla_requests.services import request_update
from recovery.admin_io import FormulaSafeResource
from recovery.exports import neutralise_formula
from recovery.models import AuditEvent, CrimeCategory
from tests.factories import CrimeCategoryFactory, make_case
from tests.security.conftest import client_for

TRIGGERS = ["=", "+", "-", "@", "\t", "\r"]
PAYLOAD = 'HYPERLINK("http://x","click")'


def _export(client, path, fmt):
    url = f"{path}export/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: field.initial for name, field in form.fields.items() if field.initial not in (None, False)}
    data = {k: ("on" if v is True else v) for k, v in data.items()}
    formats = [str(choice[1]).lower() for choice in form.fields["format"].choices]
    data["format"] = str(formats.index(fmt) - (1 if formats[0].startswith("-") else 0))
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:2000]
    return response


def _csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _xlsx_cells(response):
    """[{column: cell}] of the first sheet, the cells themselves (value and data_type)."""
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows())
    header = [cell.value for cell in rows[0]]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def _exported(client, path, fmt, key, key_value, column):
    """The exported value of `column` in the row whose `key` is `key_value`; for XLSX, also checks
    that the cell is a string cell, never a formula."""
    response = _export(client, path, fmt)
    if fmt == "csv":
        [row] = [row for row in _csv_rows(response) if row[key] == key_value]
        return row[column]
    [row] = [row for row in _xlsx_cells(response) if row[key].value == key_value]
    cell = row[column]
    assert cell.data_type == "s", (cell.data_type, cell.value)
    return cell.value


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("trigger", TRIGGERS)
def test_a_case_title_that_looks_like_a_formula_is_exported_as_text(investigator_a, trigger, fmt):
    title = trigger + PAYLOAD
    case = make_case(lead=investigator_a, title=title)
    assert Case.objects.get(pk=case.pk).title == title  # stored as typed; only the export changes it
    value = _exported(
        client_for(investigator_a), "/admin/cases/case/", fmt, "register_number", case.register_number, "title"
    )
    expected = "'" + title
    # The XML inside an XLSX may read a carriage return back as a line feed (the standard library's
    # parser does, lxml's keeps it); either way it stays behind the quote.
    if fmt == "xlsx":
        value, expected = value.replace("\r", "\n"), expected.replace("\r", "\n")
    assert value == expected


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_kind_of_export_resource_neutralises_text(records_a, investigator_a, administrator, fmt):
    """The import-export resources of the project (a request's, an asset's) and the resource made
    for an admin that names none (crime categories)."""
    request_update(request=records_a["request"], actor=investigator_a, foreign_reference="=1+2")
    asset = Asset.objects.get(pk=records_a["asset"].pk)
    Asset.objects.filter(pk=asset.pk).update(description="@SUM(A1:A9)")  # as imported long ago
    CrimeCategoryFactory(code="formula", name_en="-2+3+cmd|' /C calc'!A0", order=7)
    investigator = client_for(investigator_a)

    reference = records_a["request"].reference
    assert _exported(investigator, "/admin/requests/request/", fmt, "reference", reference, "foreign_reference") == (
        "'=1+2"
    )
    description = _exported(investigator, "/admin/assets/asset/", fmt, "identifier", asset.identifier, "description")
    assert description == "'@SUM(A1:A9)"
    name = _exported(client_for(administrator), "/admin/recovery/crimecategory/", fmt, "code", "formula", "name_en")
    assert name == "'-2+3+cmd|' /C calc'!A0"


def test_numbers_stay_numbers_in_the_admin_export(records_a, investigator_a):
    # The asset's value and the category's order are numbers in the XLSX, not text behind a quote.
    CrimeCategoryFactory(code="numbers", name_en="Numbers", order=7)
    rows = _xlsx_cells(_export(client_for(investigator_a), "/admin/recovery/crimecategory/", "xlsx"))
    [row] = [row for row in rows if row["code"].value == "numbers"]
    assert (row["order"].value, row["order"].data_type) == (7, "n")


@pytest.mark.parametrize("file_format", [CSV, XLSX])
def test_negative_numbers_are_not_mangled(records_a, investigator_a, file_format):
    """No stored column holds a negative number (check constraints), so the resources export
    unsaved rows: a value of -5 stays -5 in every kind of numeric column (a declared field
    without a numeric widget, a model field with one), while text starting with - is neutralised."""
    from assets.admin import AssetAdmin
    from recovery.admin import CrimeCategoryAdmin

    def export(admin_class, instances):
        model_admin = admin_class(instances[0].__class__, admin.site)
        [resource_class] = model_admin.get_export_resource_classes(None)
        resource = resource_class(**({"exporting_user": investigator_a} if "Asset" in admin_class.__name__ else {}))
        binary = file_format is XLSX
        dataset = resource.export(queryset=instances, force_native_type=binary)
        data = file_format().export_data(dataset)
        if binary:
            sheet = openpyxl.load_workbook(io.BytesIO(data)).active
            values = list(sheet.values)
        else:
            values = list(csv.reader(io.StringIO(data)))
        return [dict(zip(values[0], row, strict=True)) for row in values[1:]]

    asset = Asset.objects.get(pk=records_a["asset"].pk)
    asset.estimated_value = decimal.Decimal("-5.00")
    asset.description = "-5 is not a number here"
    [row] = export(AssetAdmin, [asset])
    assert row["description"] == "'-5 is not a number here"
    assert row["estimated_value"] == "-5.00"  # rendered as text by its widget, as any value of it

    category = CrimeCategory(code="c", name_en="-minus", order=-5)
    [row] = export(CrimeCategoryAdmin, [category])
    assert row["name_en"] == "'-minus"
    assert row["order"] == (-5 if file_format is XLSX else "-5")


def test_every_admin_export_goes_through_a_formula_safe_resource(rf, administrator):
    request = rf.get("/")
    request.user = administrator
    exporting = [m for m in admin.site._registry.values() if hasattr(m, "get_export_resource_classes")]
    assert len(exporting) >= 10
    for model_admin in exporting:
        for resource_class in model_admin.get_export_resource_classes(request):
            assert issubclass(resource_class, FormulaSafeResource), (model_admin, resource_class)


def test_a_failed_login_named_like_a_formula_reaches_the_auditors_csv_as_text(auditor):
    username = '=HYPERLINK("http://x")'
    response = Client().post(reverse("admin:login"), {"username": username, "password": "x"})
    assert response.status_code == 200  # the form again, with its error
    event = AuditEvent.objects.get(action="login_failure")
    assert event.username == username

    response = client_for(auditor).post(
        reverse("admin:recovery_auditevent_changelist"), {"action": "export_csv", "_selected_action": [event.pk]}
    )
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["username"] for row in rows] == ["'" + username]
    assert rows[0]["action"] == "login_failure"


def test_a_record_named_like_a_formula_reaches_the_change_log_csv_as_text(investigator_a, auditor):
    from auditlog.models import LogEntry

    from cases.services import subject_create

    subject = subject_create(actor=investigator_a, kind="company", name_latin="+cmd|' /C calc'!A0")
    entry = LogEntry.objects.get_for_object(subject).first()
    response = client_for(auditor).post(
        reverse("admin:auditlog_logentry_changelist"), {"action": "export_csv", "_selected_action": [entry.pk]}
    )
    assert response.status_code == 200
    [row] = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert row["object_repr"] == "'" + entry.object_repr and entry.object_repr.startswith("+cmd")


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_the_one_neutraliser(trigger):
    assert neutralise_formula(trigger + "x") == "'" + trigger + "x"
    assert neutralise_formula("x" + trigger) == "x" + trigger
    for value in (-5, -5.5, decimal.Decimal("-5"), None, True, ""):
        assert neutralise_formula(value) is value
    # Any other object is judged by the text it is written as.
    assert neutralise_formula({"a": 1}) == {"a": 1}


def test_the_statistics_report_uses_the_one_neutraliser():
    from recovery.dashboards import export

    assert export.neutralise_row.__module__ == "recovery.exports"
