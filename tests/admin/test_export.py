"""CSV and XLSX export of a filtered changelist holds exactly the rows the user sees."""

import csv
import io

import openpyxl
import pytest

from tests.factories import make_request


def export(client, path, fmt, **filters):
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    url = f"{path}export/" + (f"?{query}" if query else "")
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


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.django_db
def test_csv_export_of_requests_is_limited_to_the_visible_scope(desk, login, investigator_a):
    response = export(login(investigator_a), "/admin/requests/request/", "csv")
    assert response["Content-Type"].startswith("text/csv")
    references = {row["reference"] for row in csv_rows(response)}
    assert references == {desk.request_a.reference}


@pytest.mark.django_db
def test_export_follows_the_changelist_filters(desk, login, investigator_a, administrator):
    make_request(case=desk.case_a, actor=investigator_a, country="DE", legal_basis=desk.uncac, measures=[desk.freezing])
    rows = csv_rows(export(login(administrator), "/admin/requests/request/", "csv", country="DE"))
    assert [row["country"] for row in rows] == ["DE"]


@pytest.mark.django_db
def test_xlsx_export_of_assets_and_cases(desk, login, investigator_a):
    client = login(investigator_a)
    response = export(client, "/admin/assets/asset/", "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    header, body = values[0], values[1:]
    identifiers = {row[header.index("identifier")] for row in body}
    assert identifiers == {desk.asset_a.identifier}
    response = export(client, "/admin/cases/case/", "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    numbers = {row[0] for row in list(sheet.values)[1:]}
    assert numbers == {desk.case_a.register_number}


@pytest.mark.django_db
def test_timelines_and_reference_data_export_too(desk, login, investigator_a):
    client = login(investigator_a)
    rows = csv_rows(export(client, "/admin/requests/requeststatuschange/", "csv"))
    assert {row["request"] for row in rows} == {str(desk.request_a.pk)}
    rows = csv_rows(export(client, "/admin/recovery/legalinstrument/", "csv"))
    assert {row["code"] for row in rows} >= {"kz-ch-mla", "uncac"}
