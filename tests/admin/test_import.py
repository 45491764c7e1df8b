"""Import of cases, subjects and assets from CSV/XLSX: a preview with row-by-row errors, records
created through the services, and all-or-nothing."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assets.models import Asset
from cases.models import Case, Subject

CASE_HEADER = (
    "register_number,title,unit,lead_investigator,primary_crime_category,opened_on,"
    "estimated_damage,estimated_damage_currency\n"
)


def upload(client, path, name, content, fmt):
    page = client.get(f"{path}import/")
    assert page.status_code == 200
    form = page.context["form"]
    formats = [str(choice[1]).lower() for choice in form.fields["format"].choices]
    offset = 1 if formats[0].startswith("-") else 0
    data = {"format": str(formats.index(fmt) - offset), "import_file": SimpleUploadedFile(name, content)}
    if "resource" in form.fields:
        data["resource"] = "0"
    return client.post(f"{path}import/", data)


def confirm(client, path, preview):
    confirm_form = preview.context["confirm_form"]
    data = {name: confirm_form.initial.get(name, "") for name in confirm_form.fields}
    return client.post(f"{path}process_import/", data)


@pytest.mark.django_db
def test_a_file_with_one_bad_row_writes_nothing_and_names_the_row(desk, login, investigator_a, unit_b):
    client = login(investigator_a)
    content = (
        CASE_HEADER
        + "241500031000201,Good case,unit-a,inv_a,corruption,2024-02-01,1000.00,KZT\n"
        + "241500031000202,Bad date,unit-a,inv_a,corruption,2099-01-01,,\n"
        + "241500031000203,Other unit,unit-b,inv_a,corruption,2024-02-01,,\n"
    )
    preview = upload(client, "/admin/cases/case/", "cases.csv", content.encode(), "csv")
    assert preview.status_code == 200
    result = preview.context["result"]
    assert result.has_validation_errors()
    invalid = {row.number for row in result.invalid_rows}
    assert invalid == {2, 3}
    page = preview.content.decode()
    assert "The date cannot be in the future." in page
    assert "confirm_form" not in preview.context or preview.context["confirm_form"] is None
    assert not Case.objects.filter(register_number__startswith="2415000310002").exists()


@pytest.mark.django_db
def test_a_clean_case_file_is_previewed_then_imported_through_the_service(desk, login, investigator_a):
    client = login(investigator_a)
    content = CASE_HEADER + "241500031000301,Imported case,unit-a,inv_a,corruption,2024-02-01,2500000.00,KZT\n"
    preview = upload(client, "/admin/cases/case/", "cases.csv", content.encode(), "csv")
    assert preview.status_code == 200
    assert not preview.context["result"].has_errors()
    assert not Case.objects.filter(register_number="241500031000301").exists()  # the preview wrote nothing
    response = confirm(client, "/admin/cases/case/", preview)
    assert response.status_code == 302
    case = Case.objects.get(register_number="241500031000301")
    assert case.timeline.get().to_status == "open"
    assert case.estimated_damage.amount == 2500000


@pytest.mark.django_db
def test_subjects_import_links_them_to_a_visible_case(desk, login, investigator_a):
    client = login(investigator_a)
    content = (
        "kind,name_latin,name_cyrillic,iin_bin,nationality,is_pep,case,role\n"
        f"person,Sidorov Sidor,Сидоров Сидор,900303500789,KZ,1,{desk.case_a.register_number},beneficial_owner\n"
        f"company,Offshore Ltd,,,CY,0,{desk.case_b.register_number},nominee\n"
    )
    preview = upload(client, "/admin/cases/subject/", "subjects.csv", content.encode(), "csv")
    assert {row.number for row in preview.context["result"].invalid_rows} == {2}
    assert not Subject.objects.filter(iin_bin="900303500789").exists()
    content = content.splitlines(keepends=True)
    preview = upload(client, "/admin/cases/subject/", "subjects.csv", "".join(content[:2]).encode(), "csv")
    assert confirm(client, "/admin/cases/subject/", preview).status_code == 302
    subject = Subject.objects.get(iin_bin="900303500789")
    assert subject.is_pep and subject.case_roles.get().case == desk.case_a


@pytest.mark.django_db
def test_assets_import_from_xlsx(desk, login, investigator_a):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "case",
            "kind",
            "description",
            "identifier",
            "location_country",
            "currency",
            "estimated_value",
            "identified_on",
        ]
    )
    sheet.append(
        [desk.case_a.register_number, "real_estate", "Villa", "CAD-77-1", "AE", "AED", "3500000", "2024-04-01"]
    )
    sheet.append([desk.case_a.register_number, "yacht", "Unknown kind", "X-1", "AE", "AED", "1", "2024-04-01"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = login(investigator_a)
    preview = upload(client, "/admin/assets/asset/", "assets.xlsx", buffer.getvalue(), "xlsx")
    result = preview.context["result"]
    assert result.has_validation_errors() and {row.number for row in result.invalid_rows} == {2}
    assert not Asset.objects.filter(identifier="CAD-77-1").exists()
    sheet.delete_rows(3)
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = upload(client, "/admin/assets/asset/", "assets.xlsx", buffer.getvalue(), "xlsx")
    assert confirm(client, "/admin/assets/asset/", preview).status_code == 302
    asset = Asset.objects.get(identifier="CAD-77-1")
    assert (asset.currency, asset.estimated_value, asset.status) == ("AED", 3500000, "identified")
    assert asset.timeline.count() == 1
