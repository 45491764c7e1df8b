"""The statistics report exported as CSV and XLSX carries the page's figures."""

import csv
import io

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_csv_export(client, known):
    client.force_login(known.supervisor)
    response = client.get(reverse("dashboard:report-csv"), {"year": 2025})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "statistics-2025.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["Requests sent", "5"] in rows
    assert ["RU", "Russia", "5"] in rows
    assert ["executed", "Executed", "1"] in rows
    assert ["refused", "Refused", "1"] in rows
    assert ["on_time", "Answered by the deadline", "2"] in rows
    assert ["Political offence", "1"] in rows
    assert ["Confiscation orders", "Conviction-based", "", "USD", "500000.00"] in rows
    assert ["Confiscation orders", "Non-conviction-based", "", "EUR", "300000.00"] in rows
    converted = [r for r in rows if r[:2] == ["Confiscation orders", "All"] and r[3].startswith("USD (")]
    assert converted and converted[0][4] == "860000.00"
    assert "2025-12-31" in converted[0][3]
    assert "Uzbekistan" not in response.content.decode("utf-8-sig")


def test_xlsx_export(client, known):
    from openpyxl import load_workbook

    client.force_login(known.supervisor)
    response = client.get(reverse("dashboard:report-xlsx"), {"year": 2025})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert ["Requests sent", 5] in rows
    assert ["RU", "Russia", 5] in rows
    assert ["Confiscation orders", "Conviction-based", "USD", 500000] in rows
    assert ["Freezing orders", "Not recorded", "GBP", 1500000] in rows


def test_text_that_looks_like_a_formula_is_exported_as_text(client, known):
    from mla_requests.services import request_send, request_transition
    from tests.factories import make_request

    inv = known.case_a.lead_investigator
    import datetime

    req = request_send(
        request=make_request(case=known.case_a, country="RU"), actor=inv, sent_on=datetime.date(2025, 6, 1)
    )
    request_transition(
        request=req,
        to_status="refused",
        actor=inv,
        effective_on=datetime.date(2025, 7, 1),
        refusal_grounds="=HYPERLINK(1)",
    )
    client.force_login(known.supervisor)
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("dashboard:report-csv"), {"year": 2025}).content.decode("utf-8-sig")))
    )
    assert ["'=HYPERLINK(1)", "1"] in rows
