"""Exchange rates from the central banks' published files into recovery.models.ExchangeRate.

Two sources, each quoting every currency against its own base:

- the National Bank of Kazakhstan's daily rates (XML, as https://nationalbank.kz/rss/get_rates.cfm
  serves it): one `<date>` (DD.MM.YYYY) and an `<item>` per currency with `<title>` (the ISO code),
  `<description>` (tenge) and `<quant>` (for how many units): 1 unit = description / quant KZT;
- the European Central Bank's euro reference rates (eurofxref.csv, one row dated "04 December 2026";
  eurofxref-hist.csv, a row per day dated 2026-12-04, "N/A" where a currency had no rate): units of
  the currency per 1 EUR, so 1 unit = 1 / value EUR.

ExchangeRate.rate is how many units of settings.REPORTING_CURRENCY one unit of the currency is worth
(what recovery.stats.RateBook multiplies by). A file rarely quotes in the reporting currency, so each
rate is a cross rate through the file's base, taken from the same file and the same day:

    rate(X) = value of 1 X in the base / value of 1 reporting-currency unit in the base

e.g. with USD reporting, NBK: rate(EUR) = (EUR tenge / EUR quant) / (USD tenge / USD quant), and
rate(KZT) = USD quant / USD tenge; ECB: rate(JPY) = USD per EUR / JPY per EUR, rate(EUR) = USD per EUR.
The figures are read as decimals (never floats), the division is done with 34 significant digits,
and the result is rounded half-even once, to the 8 decimal places the column keeps. The reporting
currency itself is not stored (RateBook counts it as 1). A day whose file lacks the reporting
currency cannot be converted and is skipped with a warning.

An import is all or nothing: the whole file is read and checked before anything is written, and the
write is one transaction. It is idempotent: a (currency, date) already holding the same rate is left
alone, one holding another rate is updated, so a re-import adds no duplicates. Currency codes that
are not ISO 4217 (withdrawn ones in the ECB's history, such as CYP) are skipped with a warning.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recovery import access
from recovery.cleaning import clean_currency
from recovery.errors import AccessDenied, DomainError, InvalidInput

NBK, ECB = "nbk", "ecb"
SOURCES = (NBK, ECB)
BASE_CURRENCY = {NBK: "KZT", ECB: "EUR"}
# Nothing before a source existed is a real rate: the tenge was introduced on 15 November 1993 and
# the ECB's reference rates start on 4 January 1999. Later than tomorrow is a typo (the NBK publishes
# the next day's rates the evening before).
EARLIEST = {NBK: datetime.date(1993, 11, 15), ECB: datetime.date(1999, 1, 4)}

RATE_PLACES = Decimal("0.00000001")  # ExchangeRate.rate: decimal_places=8
RATE_LIMIT = Decimal(10) ** 12  # max_digits=20 minus the 8 decimal places
_DECIMAL = re.compile(r"^\d+(\.\d+)?$")
_MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}


class RatesFileError(InvalidInput):
    """The file is not what its source publishes; the message says where (element or line)."""

    code = "rates_file_invalid"


@dataclass
class Quote:
    """The value of one unit of a currency in the file's base currency, as an exact fraction."""

    numerator: Decimal
    denominator: Decimal


@dataclass
class ParsedRates:
    source: str
    # day -> currency -> value of one unit in the base currency
    days: dict[datetime.date, dict[str, Quote]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    source: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    days: int = 0
    warnings: list[str] = field(default_factory=list)


def _decimal(text: str | None, where: str) -> Decimal:
    value = (text or "").strip()
    if not _DECIMAL.match(value):
        raise RatesFileError(
            _("%(where)s: “%(value)s” is not a decimal number.") % {"where": where, "value": value},
            field_errors={"file": [_("Not a decimal number.")]},
        )
    number = Decimal(value)
    if number <= 0:
        raise RatesFileError(
            _("%(where)s: the rate must be greater than zero.") % {"where": where},
            field_errors={"file": [_("Not a positive rate.")]},
        )
    return number


def _check_date(day: datetime.date, source: str, where: str) -> datetime.date:
    latest = timezone.localdate() + datetime.timedelta(days=1)
    if not EARLIEST[source] <= day <= latest:
        raise RatesFileError(
            _("%(where)s: the date %(date)s is outside the source's range (%(first)s to %(last)s).")
            % {"where": where, "date": day.isoformat(), "first": EARLIEST[source].isoformat(), "last": latest},
            field_errors={"file": [_("Date out of range.")]},
        )
    return day


def _known_currency(code: str, unknown: set, warnings: list) -> str | None:
    """The code if it is ISO 4217; else None, with one warning per code however often it occurs."""
    try:
        # A rate file names withdrawn currencies too (their rates convert old amounts).
        return clean_currency(code, current_only=False)
    except DomainError:
        if code not in unknown:
            unknown.add(code)
            warnings.append(str(_("Unknown currency code “%(code)s” skipped.") % {"code": code}))
        return None


# --- The National Bank of Kazakhstan ------------------------------------------------------------------
def parse_nbk(content: bytes) -> ParsedRates:
    # defusedxml refuses entity declarations and external references (billion laughs, XXE).
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        root = fromstring(content)
    except ParseError as exc:
        line, column = getattr(exc, "position", (None, None))
        raise RatesFileError(
            _("Not well-formed XML at line %(line)s, column %(column)s.") % {"line": line, "column": column},
            field_errors={"file": [_("Not well-formed XML.")]},
        ) from None
    except DefusedXmlException:
        raise RatesFileError(
            _("The XML declares entities or a DTD, which a rates file never does; refused."),
            field_errors={"file": [_("Forbidden XML construct.")]},
        ) from None
    if root.tag != "rates":
        raise RatesFileError(
            _("The root element is <%(tag)s>, not <rates>: not a National Bank rates file.") % {"tag": root.tag},
            field_errors={"file": [_("Not a National Bank rates file.")]},
        )
    date_text = (root.findtext("date") or "").strip()
    try:
        day = datetime.datetime.strptime(date_text, "%d.%m.%Y").date()
    except ValueError:
        raise RatesFileError(
            _("<date>: “%(value)s” is not a date in the form DD.MM.YYYY.") % {"value": date_text},
            field_errors={"file": [_("Not a date.")]},
        ) from None
    parsed = ParsedRates(NBK)
    _check_date(day, NBK, "<date>")
    quotes: dict[str, Quote] = {}
    unknown: set = set()
    items = root.findall("item")
    if not items:
        raise RatesFileError(
            _("The file has no <item> elements: no rates."), field_errors={"file": [_("No rates in the file.")]}
        )
    for number, item in enumerate(items, start=1):
        code = (item.findtext("title") or "").strip().upper()
        where = f"<item> {number} ({code or '?'})"
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise RatesFileError(
                _("%(where)s: <title> “%(value)s” is not a three-letter currency code.")
                % {"where": where, "value": code},
                field_errors={"file": [_("Not a currency code.")]},
            )
        tenge = _decimal(item.findtext("description"), f"{where} <description>")
        quant_text = (item.findtext("quant") or "").strip()
        if not quant_text.isdigit() or int(quant_text) == 0:
            raise RatesFileError(
                _("%(where)s <quant>: “%(value)s” is not a positive whole number.")
                % {"where": where, "value": quant_text},
                field_errors={"file": [_("Not a positive whole number.")]},
            )
        if code in quotes:
            raise RatesFileError(
                _("%(where)s: %(code)s appears twice in the file.") % {"where": where, "code": code},
                field_errors={"file": [_("A currency appears twice.")]},
            )
        if _known_currency(code, unknown, parsed.warnings):
            quotes[code] = Quote(tenge, Decimal(int(quant_text)))
    quotes["KZT"] = Quote(Decimal(1), Decimal(1))
    parsed.days[day] = quotes
    return parsed


# --- The European Central Bank ------------------------------------------------------------------------
def _ecb_date(text: str, where: str) -> datetime.date:
    value = text.strip()
    try:
        return datetime.date.fromisoformat(value)  # eurofxref-hist.csv: 2026-12-04
    except ValueError:
        pass
    # eurofxref.csv: "04 December 2026" (parsed by hand: strptime's %B follows the process locale).
    parts = value.split()
    if len(parts) == 3 and parts[0].isdigit() and parts[1].lower() in _MONTHS and parts[2].isdigit():
        try:
            return datetime.date(int(parts[2]), _MONTHS[parts[1].lower()], int(parts[0]))
        except ValueError:
            pass
    raise RatesFileError(
        _("%(where)s: “%(value)s” is not a date (YYYY-MM-DD or “4 December 2026”).") % {"where": where, "value": value},
        field_errors={"file": [_("Not a date.")]},
    )


def parse_ecb(content: bytes) -> ParsedRates:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RatesFileError(_("The file is not UTF-8 text."), field_errors={"file": [_("Not text.")]}) from None
    rows = list(csv.reader(io.StringIO(text)))
    # The ECB ends every line with a comma: an empty last column.
    rows = [[cell.strip() for cell in row] for row in rows]
    rows = [row[:-1] if row and row[-1] == "" else row for row in rows]
    if not rows or not rows[0] or rows[0][0] != "Date":
        raise RatesFileError(
            _("Line 1: the header must start with “Date”: not an ECB reference rates file."),
            field_errors={"file": [_("Not an ECB reference rates file.")]},
        )
    header = rows[0][1:]
    parsed = ParsedRates(ECB)
    unknown: set = set()
    codes = []
    for column, code in enumerate(header, start=2):
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise RatesFileError(
                _("Line 1, column %(column)s: “%(value)s” is not a three-letter currency code.")
                % {"column": column, "value": code},
                field_errors={"file": [_("Not a currency code.")]},
            )
        codes.append(_known_currency(code, unknown, parsed.warnings))
    if len(set(header)) != len(header):
        raise RatesFileError(
            _("Line 1: a currency appears twice in the header."),
            field_errors={"file": [_("A currency appears twice.")]},
        )
    for line, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        where = _("Line %(line)s") % {"line": line}
        if len(row) != len(header) + 1:
            raise RatesFileError(
                _("%(where)s: %(found)s fields where the header has %(expected)s.")
                % {"where": where, "found": len(row), "expected": len(header) + 1},
                field_errors={"file": [_("Wrong number of fields.")]},
            )
        day = _check_date(_ecb_date(row[0], str(where)), ECB, str(where))
        if day in parsed.days:
            raise RatesFileError(
                _("%(where)s: the date %(date)s appears twice.") % {"where": where, "date": day.isoformat()},
                field_errors={"file": [_("A date appears twice.")]},
            )
        quotes = {"EUR": Quote(Decimal(1), Decimal(1))}
        for code, header_code, cell in zip(codes, header, row[1:], strict=True):
            if cell in ("N/A", ""):
                continue
            per_euro = _decimal(cell, f"{where}, {header_code}")
            if code:
                quotes[code] = Quote(Decimal(1), per_euro)
        parsed.days[day] = quotes
    if not parsed.days:
        raise RatesFileError(
            _("The file has a header but no rates."), field_errors={"file": [_("No rates in the file.")]}
        )
    return parsed


def detect_source(content: bytes) -> str:
    """XML is the National Bank's file, anything else is taken for the ECB's CSV."""
    return NBK if content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") else ECB


def parse(content: bytes, source: str | None = None) -> ParsedRates:
    source = source or detect_source(content)
    if source not in SOURCES:
        raise InvalidInput(
            _("Unknown source “%(source)s” (nbk or ecb).") % {"source": source},
            field_errors={"source": [_("Unknown source.")]},
        )
    return parse_nbk(content) if source == NBK else parse_ecb(content)


# --- Conversion and the write -------------------------------------------------------------------------
def to_reporting_currency(parsed: ParsedRates, reporting: str) -> tuple[dict[tuple[str, datetime.date], Decimal], list]:
    """{(currency, day): units of `reporting` per unit of currency} by the cross rate described in
    the module's docstring; and the warnings (days without the reporting currency, rates the column
    cannot hold)."""
    rates: dict[tuple[str, datetime.date], Decimal] = {}
    warnings: list[str] = []
    for day, quotes in sorted(parsed.days.items()):
        target = quotes.get(reporting)
        if target is None:
            warnings.append(
                str(
                    _("%(date)s: no rate for the reporting currency %(currency)s in the file; the day is skipped.")
                    % {"date": day.isoformat(), "currency": reporting}
                )
            )
            continue
        for code, quote in sorted(quotes.items()):
            if code == reporting:
                continue
            with localcontext() as context:
                context.prec = 34
                exact = (quote.numerator * target.denominator) / (quote.denominator * target.numerator)
                rate = exact.quantize(RATE_PLACES, rounding=ROUND_HALF_EVEN)
            if not 0 < rate < RATE_LIMIT:
                warnings.append(
                    str(
                        _(
                            "%(date)s: the rate of %(code)s (%(rate)s) does not fit the table's 8 decimal places; "
                            "skipped."
                        )
                        % {"date": day.isoformat(), "code": code, "rate": exact}
                    )
                )
                continue
            rates[(code, day)] = rate
    return rates, warnings


def exchange_rates_import(*, actor, content: bytes, source: str | None = None) -> ImportResult:
    """Read a National Bank (XML) or ECB (CSV) rates file and store its rates in the reporting
    currency. Refuses, changing nothing, a malformed file (RatesFileError naming the element or
    line), a date before the source existed or after tomorrow, and an actor who is not an
    administrator (operators' commands pass actor=None). Re-importing the same file changes nothing."""
    from recovery.models import ExchangeRate

    if actor is not None and not access.writes_everything(actor):
        raise AccessDenied(_("Only administrators keep the exchange rates."))
    parsed = parse(content, source)
    reporting = settings.REPORTING_CURRENCY
    rates, conversion_warnings = to_reporting_currency(parsed, reporting)
    result = ImportResult(parsed.source, warnings=parsed.warnings + conversion_warnings)
    if not any(reporting in quotes for quotes in parsed.days.values()):
        raise RatesFileError(
            _("The file has no rate for the reporting currency %(currency)s, so nothing can be converted.")
            % {"currency": reporting},
            field_errors={"file": [_("No rate for the reporting currency.")]},
        )
    days = {day for _code, day in rates}
    result.days = len(days)
    with transaction.atomic():
        existing = {
            (currency, day): rate
            for currency, day, rate in ExchangeRate.objects.select_for_update()
            .filter(date__in=days)
            .values_list("currency", "date", "rate")
        }
        to_write = []
        for (currency, day), rate in sorted(rates.items(), key=lambda item: (item[0][1], item[0][0])):
            before = existing.get((currency, day))
            if before == rate:
                result.unchanged += 1
                continue
            if before is None:
                result.created += 1
            else:
                result.updated += 1
            to_write.append(ExchangeRate(currency=currency, date=day, rate=rate))
        # An upsert: a concurrent import of the same day updates rather than fails on the key.
        ExchangeRate.objects.bulk_create(
            to_write,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["currency", "date"],
            update_fields=["rate"],
        )
    return result
