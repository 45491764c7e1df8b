"""manage.py import_exchange_rates: the National Bank of Kazakhstan's XML and the ECB's CSV become
ExchangeRate rows in the reporting currency (a cross rate through the file's base), idempotently,
all or nothing, and the dashboards' converted totals use them."""

import datetime
import io
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from recovery.errors import AccessDenied
from recovery.exchange_rates import exchange_rates_import
from recovery.models import ExchangeRate

RATES = Path(__file__).parent / "rates"
NBK_FILE = RATES / "nbk_2026-12-04.xml"
ECB_FILE = RATES / "eurofxref.csv"
ECB_HIST = RATES / "eurofxref-hist.csv"
DEC4 = datetime.date(2026, 12, 4)

pytestmark = pytest.mark.django_db


def eight_places(value: Fraction) -> Decimal:
    """The exact fraction rounded half-even to 8 places, without the code under test."""
    scaled = value * 10**8
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest > scaled.denominator or (2 * rest == scaled.denominator and whole % 2):
        whole += 1
    return Decimal(whole).scaleb(-8).quantize(Decimal("0.00000001"), rounding=ROUND_HALF_EVEN)


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_exchange_rates", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def table() -> dict:
    return {(c, d): r for c, d, r in ExchangeRate.objects.values_list("currency", "date", "rate")}


def test_nbk_rates_become_usd_per_unit_through_the_tenge(settings):
    settings.REPORTING_CURRENCY = "USD"
    out, _err = run(NBK_FILE)
    usd = Fraction("470.25")
    rates = table()
    # KZT per quant units, divided by KZT per dollar.
    assert rates[("EUR", DEC4)] == eight_places(Fraction("494.31") / usd)
    assert rates[("RUB", DEC4)] == eight_places(Fraction("5.21") / usd)
    assert rates[("UZS", DEC4)] == eight_places(Fraction("3.73") / 100 / usd)
    assert rates[("JPY", DEC4)] == eight_places(Fraction("30.52") / 10 / usd)
    assert rates[("KZT", DEC4)] == eight_places(1 / usd)
    # The reporting currency is not stored: it is 1 by definition.
    assert ("USD", DEC4) not in rates
    assert set(rates) == {(c, DEC4) for c in ("EUR", "RUB", "UZS", "CNY", "JPY", "KZT")}
    assert "6 rate(s) created, 0 updated, 0 unchanged" in out


def test_nbk_rates_with_the_tenge_as_reporting_currency_are_the_published_ones(settings):
    settings.REPORTING_CURRENCY = "KZT"
    run(NBK_FILE, "--source", "nbk")
    rates = table()
    assert rates[("USD", DEC4)] == Decimal("470.25")
    assert rates[("UZS", DEC4)] == Decimal("0.0373")
    assert ("KZT", DEC4) not in rates


def test_ecb_daily_rates_become_usd_per_unit_through_the_euro(settings):
    settings.REPORTING_CURRENCY = "USD"
    run(ECB_FILE)
    usd_per_eur = Fraction("1.0512")
    rates = table()
    assert rates[("EUR", DEC4)] == Decimal("1.0512")
    assert rates[("GBP", DEC4)] == eight_places(usd_per_eur / Fraction("0.83415"))
    assert rates[("KRW", DEC4)] == eight_places(usd_per_eur / Fraction("1498.22"))
    assert rates[("JPY", DEC4)] == eight_places(usd_per_eur / Fraction("162.47"))
    assert len(rates) == 10  # 10 currencies, less USD, plus EUR


def test_ecb_history_skips_missing_values_and_keeps_each_day(settings):
    settings.REPORTING_CURRENCY = "USD"
    out, _err = run(ECB_HIST, "--source", "ecb")
    rates = table()
    assert rates[("GBP", datetime.date(2007, 12, 31))] == eight_places(Fraction("1.4721") / Fraction("0.73335"))
    assert rates[("CYP", datetime.date(2007, 12, 31))] == eight_places(Fraction("1.4721") / Fraction("0.5842"))
    # N/A: no JPY on 2 December, and no CYP after the euro replaced it.
    assert ("JPY", datetime.date(2026, 12, 2)) not in rates
    assert not ExchangeRate.objects.filter(currency="CYP", date__year=2026).exists()
    assert ExchangeRate.objects.filter(currency="EUR").count() == 4
    assert "4 day(s)" in out


def test_a_reimport_changes_nothing_and_a_corrected_file_updates(settings, tmp_path):
    settings.REPORTING_CURRENCY = "USD"
    run(NBK_FILE)
    before = table()
    out, _err = run(NBK_FILE)
    assert table() == before
    assert "0 rate(s) created, 0 updated, 6 unchanged" in out
    corrected = tmp_path / "nbk.xml"
    corrected.write_bytes(NBK_FILE.read_bytes().replace(b"<description>5.21<", b"<description>5.25<"))
    out, _err = run(corrected)
    assert "0 rate(s) created, 1 updated, 5 unchanged" in out
    assert ExchangeRate.objects.count() == len(before)
    assert table()[("RUB", DEC4)] == eight_places(Fraction("5.25") / Fraction("470.25"))


def test_an_unknown_currency_code_is_skipped_with_a_warning(settings, tmp_path):
    settings.REPORTING_CURRENCY = "USD"
    odd = tmp_path / "eurofxref.csv"
    odd.write_text("Date, USD, ZZZ, GBP, \n04 December 2026, 1.0512, 3.5, 0.83415, \n")
    out, err = run(odd)
    assert "ZZZ" in err
    assert set(table()) == {("EUR", DEC4), ("GBP", DEC4)}


MALFORMED_XML = [
    (b"<rates><date>04.12.2026</date><item><title>USD</title>", "line"),
    (b"<rss><date>04.12.2026</date></rss>", "<rss>"),
    (b"<rates><date>2026-12-04</date></rates>", "<date>"),
    (
        b"<rates><date>04.12.2026</date><item><title>USD</title><description>470,25</description>"
        b"<quant>1</quant></item></rates>",
        "<item> 1 (USD) <description>",
    ),
    (
        b"<rates><date>04.12.2026</date><item><title>USD</title><description>470.25</description>"
        b"<quant>1</quant></item><item><title>EUR</title><description>494.31</description>"
        b"<quant>0</quant></item></rates>",
        "<item> 2 (EUR) <quant>",
    ),
    (
        b'<!DOCTYPE rates [<!ENTITY x SYSTEM "file:///etc/passwd">]><rates><date>&x;</date></rates>',
        "entities",
    ),
    # Absurd dates: before the tenge existed, and far in the future.
    (b"<rates><date>01.01.1990</date></rates>", "1990-01-01"),
    (b"<rates><date>04.12.2206</date></rates>", "2206-12-04"),
]


@pytest.mark.parametrize(("content", "named"), MALFORMED_XML)
def test_a_malformed_nbk_file_is_refused_naming_the_place_and_changes_nothing(settings, tmp_path, content, named):
    settings.REPORTING_CURRENCY = "USD"
    run(ECB_FILE)
    before = table()
    bad = tmp_path / "rates.xml"
    bad.write_bytes(content)
    with pytest.raises(CommandError) as refused:
        run(bad)
    assert named in str(refused.value)
    assert "Nothing was imported" in str(refused.value)
    assert table() == before


MALFORMED_CSV = [
    ("When, USD, \n04 December 2026, 1.05, \n", "Line 1"),
    ("Date, USD, GBP, \n04 December 2026, 1.05, 0.8, \n03 December 2026, 1.04, \n", "Line 3"),
    ("Date, USD, GBP, \n04 December 2026, 1.05, 0.8, \n03 Decembre 2026, 1.04, 0.8, \n", "Line 3"),
    ("Date,USD,GBP,\n2026-12-04,1.05,0.8,\n2026-12-03,1.04,-0.8,\n", "Line 3, GBP"),
    ("Date,USD,GBP,\n2026-12-04,1.05,0.8,\n2026-12-03,1.04,1e3,\n", "Line 3, GBP"),
    ("Date,USD,GBP,\n2026-12-04,1.05,0.8,\n2026-12-04,1.04,0.8,\n", "appears twice"),
    ("Date,USD,GBP,\n1998-12-31,1.05,0.8,\n", "1998-12-31"),
    ("Date,GBP,\n2026-12-04,0.8,\n", "reporting currency USD"),
]


@pytest.mark.parametrize(("content", "named"), MALFORMED_CSV)
def test_a_malformed_ecb_file_is_refused_naming_the_line_and_changes_nothing(settings, tmp_path, content, named):
    settings.REPORTING_CURRENCY = "USD"
    run(NBK_FILE)
    before = table()
    bad = tmp_path / "eurofxref.csv"
    bad.write_text(content)
    with pytest.raises(CommandError) as refused:
        run(bad)
    assert named in str(refused.value)
    assert table() == before


def test_a_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run(tmp_path / "missing.csv")


def test_only_administrators_import_through_the_service(settings, investigator_a, analyst, administrator):
    settings.REPORTING_CURRENCY = "USD"
    for user in (investigator_a, analyst):
        with pytest.raises(AccessDenied):
            exchange_rates_import(actor=user, content=ECB_FILE.read_bytes())
    assert not ExchangeRate.objects.exists()
    result = exchange_rates_import(actor=administrator, content=ECB_FILE.read_bytes())
    assert result.created == 10 and ExchangeRate.objects.count() == 10


def test_the_dashboards_converted_totals_use_the_imported_rates(settings, supervisor_a, investigator_a):
    from assets.services import asset_transition
    from recovery.stats import Stats
    from tests.factories import make_asset, make_case

    settings.REPORTING_CURRENCY = "USD"
    case = make_case(actor=investigator_a, unit=investigator_a.unit)
    gbp = make_asset(case=case, actor=investigator_a, currency="GBP", estimated_value=Decimal("1000000.00"))
    eur = make_asset(case=case, actor=investigator_a, currency="EUR", estimated_value=Decimal("500000.00"))
    for asset, amount in ((gbp, Decimal("250000.00")), (eur, Decimal("100000.00"))):
        asset = asset_transition(
            asset=asset, to_status="frozen", actor=investigator_a, effective_on=DEC4, amount=amount
        )
        asset_transition(asset=asset, to_status="confiscated", actor=investigator_a, effective_on=DEC4, amount=amount)
    run(ECB_FILE)

    figures = Stats(supervisor_a, today=DEC4).asset_recovery()
    converted = figures["ordered"]["converted"]
    expected = Decimal("250000.00") * table()[("GBP", DEC4)] + Decimal("100000.00") * Decimal("1.0512")
    assert converted["currency"] == "USD" and converted["complete"]
    assert converted["amount"] == expected.quantize(Decimal("0.01"))
    assert {r["currency"]: (r["rate"], r["date"]) for r in converted["rates"]} == {
        "EUR": (Decimal("1.0512"), DEC4),
        "GBP": (table()[("GBP", DEC4)].normalize(), DEC4),
    }
