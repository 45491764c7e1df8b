"""What every spreadsheet export (CSV, XLSX) shares: text that a spreadsheet program would run as a
formula is written as text.

Exported values come from anyone who can write a record or even just try to sign in: a failed
login's username reaches the auditor's CSV. Excel, LibreOffice and Google Sheets read a cell that
starts with `=`, `+`, `-` or `@` (or a tab or carriage return before one) as a formula, which can
fetch URLs, leak the neighbouring cells or start programs (OWASP "CSV injection"). Every export
of the project (the admin's CSV/XLSX exports through django-import-export, the audit trails' CSV,
the statistics report) writes its cells through `neutralise_formula`.
"""

from __future__ import annotations

import datetime
import decimal

# The first characters that make a cell a formula (or, for tab and carriage return, that some
# programs skip before looking for one).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# Values a spreadsheet reads by their type, not as text to parse: left as they are, so -5 stays
# the number -5 and a date stays a date.
_TYPED = (bool, int, float, decimal.Decimal, datetime.date, datetime.time, datetime.timedelta)


def neutralise_formula(value):
    """`value`, or, when it is text starting with a formula trigger, that text behind a single
    quote (`'=HYPERLINK(...)`), which every spreadsheet program shows as text and never runs.
    Numbers, dates and None pass unchanged. Any other object (a dict, a content type) is judged
    by the text it will be written as, and kept as it is when that text is harmless."""
    if value is None or isinstance(value, _TYPED):
        return value
    text = value if isinstance(value, str) else str(value)
    if text[:1] in FORMULA_TRIGGERS:
        return "'" + text
    return value


def neutralise_row(row) -> list:
    return [neutralise_formula(value) for value in row]
