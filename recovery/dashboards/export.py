"""The statistics report as CSV and XLSX: the same figures as the page, one table after another."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils.translation import gettext as _

from recovery.exports import neutralise_row


def _money_rows(money: dict) -> list[tuple[str, object]]:
    """(currency, amount) pairs, then the converted total when exchange rates exist."""
    rows = [(m["currency"], m["amount"]) for m in money["totals"]]
    converted = money.get("converted")
    if converted:
        dates = ", ".join(f"{r['currency']} {r['rate']} ({r['date'].isoformat()})" for r in converted["rates"])
        note = _("converted at %(rates)s") % {"rates": dates} if dates else ""
        if converted["missing"]:
            note += " " + _("(no rate for %(currencies)s)") % {"currencies": ", ".join(converted["missing"])}
        label = _("converted total")
        rows.append((f"{converted['currency']} ({label}; {note.strip()})", converted["amount"]))
    return rows


def report_sections(report: dict) -> list[tuple[str, list[str], list[list]]]:
    """[(title, header, rows)] in the order of the printed report."""
    count, name = _("Number"), _("Name")
    sections = [
        (
            _("Requests sent in %(year)s") % {"year": report["year"]},
            [_("Figure"), count],
            [[_("Requests sent"), report["requests_sent"]["count"]]],
        ),
        (
            _("By requested state"),
            [_("Code"), name, count],
            [[r["key"], r["name"], r["count"]] for r in report["by_country"]],
        ),
        (
            _("By offence"),
            [_("Code"), name, count, _("Share")],
            [[r["code"], r["name"], r["count"], r["share"]] for r in report["by_offence"]],
        ),
        (
            _("By legal basis kind"),
            [_("Code"), name, count],
            [[r["key"], r["name"], r["count"]] for r in report["by_legal_basis_kind"]],
        ),
        (
            _("Formal and informal cooperation"),
            [_("Code"), name, count],
            [[r["key"], r["name"], r["count"]] for r in report["by_formality"]],
        ),
        (
            _("By channel"),
            [_("Code"), name, count],
            [[r["key"], r["name"], r["count"]] for r in report["by_channel"]],
        ),
        (_("Outcome"), [_("Code"), name, count], [[r["key"], r["label"], r["count"]] for r in report["outcomes"]]),
        (_("Refusal grounds"), [_("Grounds"), count], [[r["grounds"], r["count"]] for r in report["refusal_grounds"]]),
        (_("Timeliness"), [_("Code"), name, count], [[r["key"], r["label"], r["count"]] for r in report["timeliness"]]),
    ]
    order_rows = []
    for order in report["orders"]:
        order_rows.append([order["label"], _("All"), order["count"], "", ""])
        for currency, amount in _money_rows(order["money"]):
            order_rows.append([order["label"], _("All"), "", currency, amount])
        for basis in order["by_basis"]:
            order_rows.append([order["label"], basis["label"], basis["count"], "", ""])
            for currency, amount in _money_rows(basis["money"]):
                order_rows.append([order["label"], basis["label"], "", currency, amount])
    sections.append(
        (
            _("Freezing, confiscation and return orders"),
            [_("Order"), _("Basis"), count, _("Currency"), _("Value")],
            order_rows,
        )
    )
    value_rows = []
    steps = (
        ("frozen", _("Frozen")),
        ("confiscated", _("Confiscated")),
        ("returned", _("Returned")),
        ("shared", _("Shared (our share received)")),
    )
    for year in report["values"]:
        for step, label in steps:
            entry = year[step]
            value_rows.append([year["year"], label, entry["count"], "", ""])
            for currency, amount in _money_rows(entry["money"]):
                value_rows.append([year["year"], label, "", currency, amount])
    sections.append(
        (
            _("Values frozen, confiscated, returned and shared"),
            [_("Year"), _("Step"), count, _("Currency"), _("Value")],
            value_rows,
        )
    )
    recovery = report["recovery"]
    recovery_rows = []
    for group, rows in (("country", recovery["by_country"]), ("year", recovery["by_year"])):
        for row in rows:
            where = row["country"] if group == "country" else row["year"]
            for step in recovery["steps"]:
                entry = row[step["key"]]
                recovery_rows.append([where, step["label"], entry["count"], "", ""])
                for currency, amount in _money_rows(entry["money"]):
                    recovery_rows.append([where, step["label"], "", currency, amount])
    sections.append(
        (
            _(
                "Assets abroad: frozen, confiscated (ordered), returned (realised), shared (our share "
                "received) and retained, by country"
            ),
            [_("Country or year"), _("Step"), count, _("Currency"), _("Value")],
            recovery_rows,
        )
    )
    both = report["both_directions"]
    out, inc = both["outgoing"], both["incoming"]
    sections.append(
        (
            _("Both directions in %(year)s") % {"year": report["year"]},
            [_("Figure"), _("Requests we made"), _("Requests we received")],
            [
                [_("Requests"), out["requests"]["count"], inc["requests"]["count"]],
                [_("Executed"), out["executed"]["count"], inc["executed"]["count"]],
                [_("Partially executed"), out["partly"]["count"], inc["partly"]["count"]],
                [_("Refused"), out["refused"]["count"], inc["refused"]["count"]],
                [_("Answered"), out["days_to_answer"]["count"], inc["days_to_answer"]["count"]],
                [_("Days to answer: average"), out["days_to_answer"]["average"], inc["days_to_answer"]["average"]],
                [_("Days to answer: 90th percentile"), out["days_to_answer"]["p90"], inc["days_to_answer"]["p90"]],
            ],
        )
    )
    incoming = report["incoming"]
    sections += [
        (
            _("Requests received: by requesting state"),
            [_("Code"), name, count],
            [[r["key"], r["name"], r["count"]] for r in incoming["by_country"]],
        ),
        (
            _("Requests received: outcome"),
            [_("Code"), name, count],
            [[r["key"], r["label"], r["count"]] for r in incoming["outcomes"]],
        ),
        (
            _("Requests received: refusals by ground"),
            [_("Code"), name, count],
            [[r["key"], r["label"], r["count"]] for r in incoming["refusal_grounds"]],
        ),
    ]
    foreign_rows = []
    for year in report["foreign_request_values"]:
        for step, label in steps:
            entry = year[step]
            foreign_rows.append([year["year"], label, entry["count"], "", ""])
            for currency, amount in _money_rows(entry["money"]):
                foreign_rows.append([year["year"], label, "", currency, amount])
    sections.append(
        (
            _("Assets frozen, confiscated, returned and shared at a foreign state's request"),
            [_("Year"), _("Step"), count, _("Currency"), _("Value")],
            foreign_rows,
        )
    )
    # Refusal grounds, names and notes are typed by users: text a spreadsheet would run as a
    # formula is written as text (recovery.exports).
    return [(title, header, [neutralise_row(row) for row in rows]) for title, header, rows in sections]


def record_report_export(request, report: dict, file_format: str):
    """Downloading the report is an audited `export`, as every other export is (docs/security.md):
    which report, in what format, for which year and with which filters."""
    from recovery.security.events import record_event

    filters = {key: values for key, values in request.GET.lists() if any(values)}
    record_event(
        "export",
        request=request,
        extra={"what": "statistics_report", "format": file_format, "year": report["year"], "filters": filters},
    )


def csv_response(report: dict) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="statistics-{report["year"]}.csv"'
    # A byte-order mark so spreadsheet programs read Cyrillic and Kazakh text as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    for title, header, rows in report_sections(report):
        writer.writerow([title])
        writer.writerow(header)
        writer.writerows(rows)
        writer.writerow([])
    return response


def xlsx_response(report: dict) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(report["year"])
    bold = Font(bold=True)
    for title, header, rows in report_sections(report):
        sheet.append([title])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        sheet.append(header)
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for row in rows:
            sheet.append(row)
        sheet.append([])
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 40
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="statistics-{report["year"]}.xlsx"'
    return response
