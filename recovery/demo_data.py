"""Demo data: units, users of every role, cases, requests, assets and the seed article's Swiss case,
with documents in its case file, and incoming requests (foreign states asking Kazakhstan) in every
status of their workflow.

Deterministic: everything comes from fixed seeds and from dates counted from a fixed anchor date in
the past (never "today"), so two runs in fresh databases give the same rows. Idempotent: a case whose
register number exists is skipped, so a second run changes nothing. Every write goes through the
services (cases, requests, assets), so statuses move along their workflows and every record has its
timeline, exactly as if an investigator had typed it in. Incoming requests are skipped by the
requesting state's own reference, so a second run adds none of them either.

The plan (what to create) is computed first, without the database; `seed_demo_data` then executes
it, one transaction per case.
"""

from __future__ import annotations

import datetime
import random
import zlib
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from recovery import reference_data as ref
from recovery.audit import audit_actor
from recovery.roles import ADMINISTRATOR, ANALYST, AUDITOR, INVESTIGATOR, SUPERVISOR

ANCHOR = datetime.date(2026, 6, 30)  # the demo's "now": every effective date is on or before it
SEED = 20250205
DEFAULT_SCALE = 0.1
DEMO_PASSWORD = "demo-password-2026"
BATCH_SIZE = 25  # cases per transaction
EARLIEST_OPENING = datetime.date(2017, 1, 9)
LATEST_OPENING = datetime.date(2025, 12, 15)

# Seed article, figure 2: the states Kazakhstan most often sent MLA requests to.
FIGURE_2 = [
    ("RU", 961),
    ("UZ", 156),
    ("TR", 135),
    ("CN", 99),
    ("AE", 97),
    ("DE", 77),
    ("UA", 74),
    ("GB", 65),
    ("US", 57),
]
# Other destinations, each below the last of figure 2 (the figure lists the most frequent ones).
OTHER_DESTINATIONS = [
    ("KG", 48),
    ("BY", 36),
    ("GE", 22),
    ("KR", 18),
    ("LT", 15),
    ("CY", 14),
    ("CH", 12),
    ("LV", 11),
    ("IN", 9),
    ("FR", 8),
    ("CZ", 7),
    ("ES", 6),
    ("IT", 6),
    ("BG", 5),
    ("MN", 5),
    ("PK", 4),
    ("VN", 4),
]

UNITS = [
    # code, parent, English, Russian, Kazakh
    (
        "arc-hq",
        None,
        "Asset Recovery Committee (headquarters)",
        "Комитет по возврату активов (центральный аппарат)",
        "Активтерді қайтару комитеті (орталық аппарат)",
    ),
    (
        "arc-intl",
        "arc-hq",
        "International Cooperation Department",
        "Управление международного сотрудничества",
        "Халықаралық ынтымақтастық басқармасы",
    ),
    (
        "arc-fin",
        "arc-hq",
        "Financial Investigations Department",
        "Управление финансовых расследований",
        "Қаржылық тергеулер басқармасы",
    ),
    (
        "arc-almaty",
        "arc-hq",
        "Almaty Regional Office",
        "Региональное управление по городу Алматы",
        "Алматы қаласы бойынша өңірлік басқарма",
    ),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    unit: str | None
    roles: tuple[str, ...]
    position: str
    superuser: bool = False


USERS = [
    DemoUser("investigator1", "Aigerim", "Nurlanova", "arc-intl", (INVESTIGATOR,), "Senior investigator"),
    DemoUser("investigator2", "Daniyar", "Seitkali", "arc-intl", (INVESTIGATOR,), "Investigator"),
    DemoUser("investigator3", "Madina", "Abenova", "arc-almaty", (INVESTIGATOR,), "Investigator"),
    DemoUser("supervisor", "Yerlan", "Bekov", "arc-hq", (SUPERVISOR,), "Head of department"),
    DemoUser("analyst", "Saule", "Omarova", None, (ANALYST,), "Analyst"),
    DemoUser("administrator", "Timur", "Iskakov", None, (ADMINISTRATOR,), "System administrator"),
    # Reads the audit trail and the change log, no case record.
    DemoUser("auditor", "Gulnara", "Zhumabayeva", None, (AUDITOR,), "Internal auditor"),
    DemoUser("admin", "Demo", "Superuser", None, (ADMINISTRATOR,), "Superuser", superuser=True),
]

# --- The plan -----------------------------------------------------------------------------------------


@dataclass
class SubjectPlan:
    key: str
    role: str
    kind: str = "person"
    name_latin: str = ""
    name_cyrillic: str = ""
    iin_bin: str = ""
    passport_number: str = ""
    foreign_registration_number: str = ""
    nationality: str = ""
    birth_date: datetime.date | None = None
    is_pep: bool = False
    notes: str = ""


@dataclass
class AssetPlan:
    key: str
    kind: str
    description: str
    identifier: str
    location_country: str
    institution: str
    currency: str
    estimated_value: Decimal
    identified_on: datetime.date
    holder: str | None = None  # SubjectPlan.key
    holder_name: str = ""
    # (to_status, effective_on, amount or None, note)
    events: list[tuple] = field(default_factory=list)
    court_decisions: list[dict] = field(default_factory=list)
    claims: list[dict] = field(default_factory=list)


@dataclass
class RequestPlan:
    country: str
    legal_basis: str
    measures: list[str]
    crime_category: str
    drafted_on: datetime.date
    summary: str
    channel: str | None = None
    urgency: str = "normal"
    subjects: list[str] = field(default_factory=list)
    assets: list[str] = field(default_factory=list)
    # {requirement code: (provided, note)}, answered before sending
    checklist: dict = field(default_factory=dict)
    override_reason: str = ""
    # ("sent", date) or (to_status, date, {extra service kwargs})
    events: list[tuple] = field(default_factory=list)


@dataclass
class CasePlan:
    register_number: str
    title: str
    description: str
    unit: str
    lead: str
    team: list[str]
    primary_category: str
    other_categories: list[str]
    opened_on: datetime.date
    estimated_damage: Decimal | None
    criminal_code_articles: str = ""
    subjects: list[SubjectPlan] = field(default_factory=list)
    assets: list[AssetPlan] = field(default_factory=list)
    requests: list[RequestPlan] = field(default_factory=list)
    # (to_status, effective_on, note)
    events: list[tuple] = field(default_factory=list)


def scaled_counts(scale: float) -> dict[str, int]:
    """Requests per country: figure 2 (at least one each) and the other destinations, times `scale`.

    Rounding half up is monotone, so the figure's order survives any scale."""
    factor = Decimal(str(scale))
    counts = {}
    for country, base in FIGURE_2:
        counts[country] = max(1, int((base * factor).to_integral_value(rounding=ROUND_HALF_UP)))
    for country, base in OTHER_DESTINATIONS:
        n = int((base * factor).to_integral_value(rounding=ROUND_HALF_UP))
        if n:
            counts[country] = n
    return counts


# --- Names, identifiers and money ---------------------------------------------------------------------

MALE_FIRST = [
    ("Nurlan", "Нурлан"),
    ("Yerlan", "Ерлан"),
    ("Asset", "Асет"),
    ("Marat", "Марат"),
    ("Serik", "Серик"),
    ("Timur", "Тимур"),
    ("Bauyrzhan", "Бауыржан"),
    ("Arman", "Арман"),
    ("Kairat", "Кайрат"),
    ("Ruslan", "Руслан"),
]
FEMALE_FIRST = [
    ("Aigerim", "Айгерим"),
    ("Gulnara", "Гульнара"),
    ("Saule", "Сауле"),
    ("Dinara", "Динара"),
    ("Zhanna", "Жанна"),
    ("Aliya", "Алия"),
]
SURNAMES = [
    ("Akhmetov", "Ахметов"),
    ("Seitkaliyev", "Сейткалиев"),
    ("Zhaksylykov", "Жаксылыков"),
    ("Bekturov", "Бектуров"),
    ("Karimov", "Каримов"),
    ("Tulegenov", "Тулегенов"),
    ("Sarsenbayev", "Сарсенбаев"),
    ("Utepov", "Утепов"),
    ("Mukhamedzhanov", "Мухамеджанов"),
    ("Dzhaksybekov", "Джаксыбеков"),
    ("Kuanyshev", "Куанышев"),
    ("Nurpeisov", "Нурпеисов"),
]
FOREIGN_PERSONS = {
    "RU": [("Igor Sokolov", "Игорь Соколов"), ("Andrei Volkov", "Андрей Волков")],
    "UZ": [("Rustam Yusupov", "Рустам Юсупов"), ("Jamshid Karimov", "Джамшид Каримов")],
    "TR": [("Mehmet Yılmaz", ""), ("Emre Demir", "")],
    "CN": [("Wang Lei", "Ван Лэй"), ("Zhang Wei", "Чжан Вэй")],
    "AE": [("Rashid Al Mansouri", "")],
    "DE": [("Markus Weber", "")],
    "UA": [("Oleksandr Bondarenko", "Александр Бондаренко")],
    "GB": [("James Whitfield", "")],
    "US": [("Michael Carter", "")],
}
COMPANIES = {
    "KZ": ["Dala Trade Invest LLP", "Steppe Construction Group LLP", "Altyn Logistics LLP", "Zhetysu Agro Holding LLP"],
    "RU": ["Volga Invest LLC", "Northern Lights Trading LLC"],
    "UZ": ["Samarkand Textile Export LLC"],
    "TR": ["Bosphorus Tekstil Ltd. Şti."],
    "CN": ["Urumqi Eastern Star Trading Co., Ltd."],
    "AE": ["Golden Crescent General Trading FZE"],
    "DE": ["Rhein Handelsgesellschaft mbH"],
    "UA": ["Dnipro Metal Trade LLC"],
    "GB": ["Harbour Bridge Holdings Ltd"],
    "US": ["Lakeshore Capital Partners LLC"],
    "CY": ["Limassol Nominee Services Ltd"],
    "CH": ["Alpine Commodities AG"],
    "LV": ["Baltic Transit Holding SIA"],
}
CURRENCY = {
    "RU": "RUB",
    "UZ": "UZS",
    "TR": "TRY",
    "CN": "CNY",
    "AE": "AED",
    "DE": "EUR",
    "UA": "UAH",
    "GB": "GBP",
    "US": "USD",
    "KG": "KGS",
    "BY": "BYN",
    "GE": "GEL",
    "KR": "KRW",
    "LT": "EUR",
    "CY": "EUR",
    "CH": "CHF",
    "LV": "EUR",
    "IN": "INR",
    "FR": "EUR",
    "CZ": "CZK",
    "ES": "EUR",
    "IT": "EUR",
    "BG": "EUR",  # the lev gave way to the euro on 1 January 2026: no longer offered nor accepted
    "MN": "MNT",
    "PK": "PKR",
    "VN": "VND",
}
# Rough units per US dollar, only to make demo amounts plausible in each currency.
PER_USD = {
    "USD": 1,
    "EUR": Decimal("0.92"),
    "GBP": Decimal("0.79"),
    "CHF": Decimal("0.88"),
    "RUB": 90,
    "UZS": 12600,
    "TRY": 32,
    "CNY": Decimal("7.2"),
    "AED": Decimal("3.67"),
    "UAH": 41,
    "KGS": 87,
    "BYN": Decimal("3.27"),
    "GEL": Decimal("2.7"),
    "KRW": 1350,
    "INR": 83,
    "CZK": 23,
    "BGN": Decimal("1.8"),
    "MNT": 3400,
    "PKR": 280,
    "VND": 25000,
    "KZT": 480,
}
IBAN_LENGTH = {
    "DE": 22,
    "GB": 22,
    "CH": 21,
    "AE": 23,
    "TR": 26,
    "UA": 29,
    "CY": 28,
    "LT": 20,
    "LV": 21,
    "FR": 27,
    "CZ": 24,
    "ES": 24,
    "IT": 27,
    "BG": 22,
    "GE": 22,
    "BY": 28,
    "PK": 24,
}
BANKS = {
    "RU": "a commercial bank in Moscow",
    "UZ": "a commercial bank in Tashkent",
    "TR": "a private bank in Istanbul",
    "CN": "a commercial bank in Urumqi",
    "AE": "a bank in Dubai",
    "DE": "a private bank in Frankfurt am Main",
    "UA": "a commercial bank in Kyiv",
    "GB": "a private bank in London",
    "US": "a bank in New York",
    "CH": "a private bank in Geneva",
    "LV": "a bank in Riga",
    "CY": "a bank in Limassol",
}
CITIES = {
    "RU": "Moscow",
    "UZ": "Tashkent",
    "TR": "Istanbul",
    "CN": "Urumqi",
    "AE": "Dubai",
    "DE": "Berlin",
    "UA": "Kyiv",
    "GB": "London",
    "US": "Miami",
    "KG": "Bishkek",
    "BY": "Minsk",
    "GE": "Tbilisi",
    "KR": "Seoul",
    "LT": "Vilnius",
    "CY": "Limassol",
    "CH": "Geneva",
    "LV": "Riga",
    "IN": "Mumbai",
    "FR": "Nice",
    "CZ": "Prague",
    "ES": "Marbella",
    "IT": "Milan",
    "BG": "Varna",
    "MN": "Ulaanbaatar",
    "PK": "Karachi",
    "VN": "Ho Chi Minh City",
}

CASE_TITLES = {
    "corruption": [
        "Bribes taken by officials of a regional akimat for land allocation",
        "Kickbacks in public procurement of medical equipment",
        "Bribery of customs officers at a border post",
    ],
    "embezzlement": [
        "Embezzlement of budget funds allocated to road construction",
        "Misappropriation of a state company's funds through inflated contracts",
        "Embezzlement of funds of a national holding's subsidiary",
    ],
    "laundering": [
        "Laundering of criminal proceeds through foreign shell companies",
        "Legalisation of proceeds through purchases of real estate abroad",
    ],
    "fraud": [
        "Investment fraud against depositors of a financial pyramid",
        "Fraud in the construction of shared-equity housing",
    ],
    "tax": ["Tax evasion through fictitious export transactions", "VAT refund fraud through sham invoices"],
    "smuggling_customs": [
        "Smuggling of consumer goods across the customs border",
        "Evasion of customs duties on imported electronics",
    ],
    "drugs": ["Trafficking of synthetic drugs by an organised group"],
    "organised_crime": ["Criminal community controlling fuel trade", "Organised criminal group engaged in extortion"],
    "terrorist_financing": ["Financing of a foreign terrorist organisation through money transfer agents"],
    "cybercrime": ["Theft of bank customers' funds through phishing", "Illegal crypto-exchange laundering ransom"],
    "other": ["Illegal entrepreneurship causing major damage"],
}
CODE_ARTICLES = {
    "corruption": "Art. 366, 367 Criminal Code",
    "embezzlement": "Art. 189 Criminal Code",
    "laundering": "Art. 218 Criminal Code",
    "fraud": "Art. 190 Criminal Code",
    "tax": "Art. 245 Criminal Code",
    "smuggling_customs": "Art. 234, 236 Criminal Code",
    "drugs": "Art. 297 Criminal Code",
    "organised_crime": "Art. 262, 263 Criminal Code",
    "terrorist_financing": "Art. 258 Criminal Code",
    "cybercrime": "Art. 190, 213 Criminal Code",
    "other": "Art. 214 Criminal Code",
}
# Weights of crime categories for generated cases (the office's workload: corruption and embezzlement lead).
# Illustrative: the seed article's figure 1 (the categories of the requests sent) is published as a
# caption only, without its numbers, so these are not the seed's proportions.
CATEGORY_WEIGHTS = {
    "corruption": 24,
    "embezzlement": 22,
    "laundering": 14,
    "fraud": 14,
    "tax": 6,
    "smuggling_customs": 5,
    "drugs": 5,
    "organised_crime": 4,
    "terrorist_financing": 2,
    "cybercrime": 3,
    "other": 1,
}
REFUSAL_GROUNDS = [
    "Dual criminality not established: the act is not an offence in the requested state.",
    "Insufficient information linking the property to the offence.",
    "Prosecution is time-barred under the law of the requested state.",
    "Execution would prejudice a domestic investigation in the requested state.",
]
WITHDRAWAL_NOTES = [
    "Withdrawn: the evidence was obtained through another channel.",
    "Withdrawn: the suspect returned to Kazakhstan and was questioned.",
    "Withdrawn after the case was requalified.",
]
INFORMAL_NETWORK = {
    "CN": "arin-ap",
    "KR": "arin-ap",
    "VN": "arin-ap",
    "MN": "arin-ap",
    "IN": "arin-ap",
    "PK": "arin-ap",
    "UZ": "arin-wca",
    "KG": "arin-wca",
    "TR": "arin-wca",
    "GE": "arin-wca",
    "RU": "egmont",
    "BY": "egmont",
    "UA": "egmont",
    "AE": "egmont",
}  # everyone else: CARIN


def _money(rng: random.Random, currency: str, low_usd: int, high_usd: int) -> Decimal:
    """A plausible amount in `currency`, log-uniform between two dollar amounts."""
    usd = Decimal(str(round(low_usd * (high_usd / low_usd) ** rng.random(), 2)))
    return (usd * Decimal(str(PER_USD[currency]))).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def _iin(birth: datetime.date, male: bool, serial: int) -> str:
    """A well-formed Kazakhstan IIN: birth date, century/sex digit, serial, check digit."""
    century_digit = (3 if male else 4) if birth.year < 2000 else (5 if male else 6)
    while True:
        body = f"{birth:%y%m%d}{century_digit}{serial % 10000:04d}"
        digits = [int(c) for c in body]
        check = sum(d * w for d, w in zip(digits, range(1, 12), strict=True)) % 11
        if check == 10:
            check = sum(d * w for d, w in zip(digits, [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2], strict=True)) % 11
        if check != 10:
            return body + str(check)
        serial += 1


def _bin(registered: datetime.date, serial: int) -> str:
    """A BIN-shaped number (registration year and month, entity type digits, serial)."""
    return f"{registered:%y%m}40{serial % 1000000:06d}"


def _iban(rng: random.Random, country: str) -> str:
    length = IBAN_LENGTH[country]
    bban = "".join(rng.choice("0123456789") for _ in range(length - 4))
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(numeric) % 97
    return f"{country}{check:02d}{bban}"


def _identifier(rng: random.Random, kind: str, country: str) -> str:
    digits = lambda n: "".join(rng.choice("0123456789") for _ in range(n))  # noqa: E731
    if kind == "bank_account":
        return _iban(rng, country) if country in IBAN_LENGTH else digits(20)
    if kind == "real_estate":
        return f"{country}-CAD-{digits(4)}-{digits(6)}"
    if kind == "vehicle":
        return "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(17))
    if kind in ("securities", "company_shares"):
        return f"{country}{''.join(rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ0123456789') for _ in range(9))}{digits(1)}"
    if kind == "crypto":
        return "bc1q" + "".join(rng.choice("023456789acdefghjklmnpqrstuvwxyz") for _ in range(38))
    if kind == "vessel":
        return f"IMO {rng.randint(9100000, 9899999)}"
    if kind == "aircraft":
        return f"VP-B{''.join(rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ') for _ in range(2))}"
    return ""


ASSET_KINDS = {
    "bank_account": 40,
    "real_estate": 18,
    "vehicle": 8,
    "company_shares": 8,
    "securities": 6,
    "crypto": 6,
    "cash": 3,
    "valuables": 3,
    "vessel": 2,
    "aircraft": 1,
    "other": 3,
}
ASSET_DESCRIPTIONS = {
    "bank_account": "Current account at {bank}",
    "real_estate": "Apartment in {city}",
    "vehicle": "Passenger car registered in {city}",
    "company_shares": "Shares in a company registered in {city}",
    "securities": "Bonds held in a custody account in {city}",
    "crypto": "Crypto-assets in a wallet traced through an exchange",
    "cash": "Cash found in a safe-deposit box in {city}",
    "valuables": "Jewellery and watches kept in {city}",
    "vessel": "Motor yacht moored near {city}",
    "aircraft": "Business jet based in {city}",
    "other": "Receivables under a loan agreement",
}
ASSET_STATUSES = ["identified", "frozen", "confiscated", "returned", "released", "retained_abroad"]
ASSET_STATUS_WEIGHTS = [22, 24, 14, 16, 16, 8]
REQUEST_STATUSES = [
    "draft",
    "sent",
    "acknowledged",
    "info_requested",
    "partially_executed",
    "executed",
    "refused",
    "withdrawn",
]
REQUEST_STATUS_WEIGHTS = [4, 10, 12, 5, 8, 42, 10, 5]
PENDING = {"sent", "acknowledged", "partially_executed", "info_requested"}


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _day(start: datetime.date, end: datetime.date, rng: random.Random) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _chain(start: datetime.date, gaps: list[int]) -> list[datetime.date]:
    """Dates following `start` by the given gaps, squeezed (in proportion) so the last is <= ANCHOR."""
    available = (ANCHOR - start).days
    total = sum(gaps)
    if total > available:
        gaps = [int(g * available / total) for g in gaps]
    dates, day = [], start
    for gap in gaps:
        day = day + datetime.timedelta(days=gap)
        dates.append(day)
    return dates


def _instrument_scope() -> dict[str, tuple[set[str], bool, list[dict]]]:
    return {
        i["code"]: (set(i["measures"]), bool(i["any_other_assistance"]), i["requirements"])
        for i in ref.legal_instruments()
    }


SCOPE = _instrument_scope()


def _covers(instrument: str, measures) -> bool:
    allowed, any_other, _reqs = SCOPE[instrument]
    return any_other or set(measures) <= allowed


class Planner:
    """Builds the deterministic plan for a scale."""

    def __init__(self, scale: float):
        self.scale = scale
        self.rng = random.Random(SEED)
        self.generic_requests = 0  # the first eight generic requests take every status once
        self.assets_planned = 0  # the first six assets take every status once
        # IIN/BIN serials come from the case index, so a case's subjects do not depend on the scale.
        self.case_index = 0
        self.subject_position = 0

    def _serial(self) -> int:
        self.subject_position += 1
        return self.case_index * 4 + self.subject_position

    # Subjects -----------------------------------------------------------------------------------------
    def _person(self, rng, key, role, *, pep=False) -> SubjectPlan:
        male = rng.random() < 0.75
        first = rng.choice(MALE_FIRST if male else FEMALE_FIRST)
        last = rng.choice(SURNAMES)
        last_lat, last_cyr = last if male else (last[0] + "a", last[1] + "а")
        birth = _day(datetime.date(1958, 1, 1), datetime.date(1992, 12, 31), rng)
        return SubjectPlan(
            key=key,
            role=role,
            name_latin=f"{last_lat} {first[0]}",
            name_cyrillic=f"{last_cyr} {first[1]}",
            iin_bin=_iin(birth, male, self._serial()),
            passport_number=f"N{rng.randint(10000000, 19999999)}",
            nationality="KZ",
            birth_date=birth,
            is_pep=pep,
        )

    def _company(self, rng, key, role, country, opened) -> SubjectPlan:
        name = rng.choice(COMPANIES.get(country, COMPANIES["KZ"]))
        registered = _day(datetime.date(2005, 1, 1), opened, rng)
        if country == "KZ":
            return SubjectPlan(
                key=key,
                role=role,
                kind="company",
                name_latin=name,
                name_cyrillic=f"ТОО «{name.removesuffix(' LLP')}»",
                iin_bin=_bin(registered, self._serial()),
                nationality="KZ",
                birth_date=registered,
            )
        return SubjectPlan(
            key=key,
            role=role,
            kind="company",
            name_latin=name,
            foreign_registration_number=f"{country}-{rng.randint(100000, 999999)}",
            nationality=country,
            birth_date=registered,
        )

    def _foreign_person(self, rng, key, role, country) -> SubjectPlan:
        latin, cyrillic = rng.choice(FOREIGN_PERSONS[country])
        return SubjectPlan(
            key=key,
            role=role,
            name_latin=latin,
            name_cyrillic=cyrillic,
            passport_number=f"{country}{rng.randint(1000000, 9999999)}",
            nationality=country,
            birth_date=_day(datetime.date(1960, 1, 1), datetime.date(1990, 12, 31), rng),
        )

    # Cases --------------------------------------------------------------------------------------------
    def plan(self) -> list[CasePlan]:
        counts = scaled_counts(self.scale)
        slots = [country for country, n in counts.items() for _ in range(n)]
        self.rng.shuffle(slots)
        groups, i = [], 0
        while i < len(slots):
            size = self.rng.choices([1, 2, 3, 4], weights=[30, 30, 25, 15])[0]
            groups.append(slots[i : i + size])
            i += size
        return [swiss_case_plan()] + [self.case(index, countries) for index, countries in enumerate(groups, start=1)]

    def case(self, index: int, countries: list[str]) -> CasePlan:
        # The case's own generator depends on its index only, so its register number does not move.
        rng = random.Random(f"{SEED}-case-{index}")
        self.case_index, self.subject_position = index, 0
        opened = _day(EARLIEST_OPENING, LATEST_OPENING, rng)
        category = _pick(rng, CATEGORY_WEIGHTS)
        others = [c for c in ("laundering", "organised_crime", "tax") if c != category and rng.random() < 0.25]
        in_almaty = rng.random() < 0.3
        lead = "investigator3" if in_almaty else rng.choice(["investigator1", "investigator2"])
        team = [] if in_almaty else [u for u in ("investigator1", "investigator2") if u != lead]
        case = CasePlan(
            register_number=f"{opened:%y}7511{index:09d}",
            title=rng.choice(CASE_TITLES[category]),
            description="Demo case generated for illustration.",
            unit="arc-almaty" if in_almaty else rng.choice(["arc-intl", "arc-fin"]),
            lead=lead,
            team=team,
            primary_category=category,
            other_categories=others,
            opened_on=opened,
            estimated_damage=_money(rng, "KZT", 50_000, 20_000_000),
            criminal_code_articles=CODE_ARTICLES[category],
        )
        suspect = self._person(rng, "suspect", rng.choice(["suspect", "accused"]), pep=category == "corruption")
        case.subjects.append(suspect)
        if rng.random() < 0.6:
            case.subjects.append(self._company(rng, "company", "beneficial_owner", "KZ", opened))
        for n, country in enumerate(countries):
            self.request_for(rng, case, country, n)
        self.case_events(rng, case)
        return case

    def request_for(self, rng, case: CasePlan, country: str, n: int) -> None:
        """One request to `country`; with an asset abroad when the dice say so."""
        wants_asset = rng.random() < 0.35
        foreign_key = None
        if country in FOREIGN_PERSONS and rng.random() < 0.4:
            foreign_key = f"foreign-{n}"
            case.subjects.append(self._foreign_person(rng, foreign_key, "nominee", country))
        elif country in COMPANIES and rng.random() < 0.3:
            foreign_key = f"foreign-{n}"
            case.subjects.append(self._company(rng, foreign_key, "nominee", country, case.opened_on))
        subjects = ["suspect"] + ([foreign_key] if foreign_key else [])
        if wants_asset:
            self.asset_request(rng, case, country, n, subjects, holder=foreign_key or "suspect")
        else:
            self.generic_request(rng, case, country, subjects)

    def _legal_basis(self, rng, country: str, measures: list[str]) -> str:
        """The bilateral treaty when there is one and it covers the measures; else a convention or reciprocity."""
        treaty = ref.treaty_code(country) if country in ref.TREATY_STATE_CODES else None
        roll = rng.random()
        if treaty and roll < 0.85 and _covers(treaty, measures):
            return treaty
        if roll < 0.93 or not _covers("reciprocity", measures):
            return "uncac" if rng.random() < 0.8 else "untoc"
        return "reciprocity"

    def _checklist(self, rng, instrument: str) -> tuple[dict, str]:
        """Answers for the instrument's checklist: every mandatory item provided, optional ones sometimes.
        About one request in twenty is sent urgently with an item missing and a recorded reason."""
        requirements = SCOPE[instrument][2]
        answers = {}
        for item in requirements:
            if item["mandatory"] or rng.random() < 0.5:
                answers[item["code"]] = (True, "Provided in the request and its annexes.")
        mandatory = [item["code"] for item in requirements if item["mandatory"]]
        if mandatory and rng.random() < 0.05:
            answers.pop(mandatory[-1])
            return (
                answers,
                "Urgent: risk that the funds are moved; the missing item follows in a supplementary request.",
            )
        return answers, ""

    def generic_request(self, rng, case: CasePlan, country: str, subjects: list[str]) -> None:
        if self.generic_requests < len(REQUEST_STATUSES):
            target = REQUEST_STATUSES[self.generic_requests]
        else:
            target = rng.choices(REQUEST_STATUSES, weights=REQUEST_STATUS_WEIGHTS)[0]
        self.generic_requests += 1
        informal = rng.random() < 0.15
        if informal:
            instrument = INFORMAL_NETWORK.get(country, "carin")
            measures = sorted(rng.sample(ref.INFORMAL_SCOPE, rng.randint(1, 3)))
        else:
            pool = ["testimony", "documents", "documents", "locate_identify", "service_of_documents", "search_seizure"]
            measures = sorted(set(rng.sample(pool, rng.randint(1, 3))))
            if rng.random() < 0.05:
                measures.append("transfer_of_persons")
            if rng.random() < 0.3:
                measures.append("identify_trace_assets")
            instrument = self._legal_basis(rng, country, measures)
        # Pending requests are recent; answered ones may be years old.
        if target in PENDING:
            drafted = max(
                case.opened_on + datetime.timedelta(days=7), ANCHOR - datetime.timedelta(days=rng.randint(15, 400))
            )
        else:
            drafted = case.opened_on + datetime.timedelta(days=rng.randint(7, 540))
        drafted = min(drafted, ANCHOR)
        path = self._path(rng, target)
        dates = _chain(drafted, [gap for _status, gap in path])
        checklist, override = self._checklist(rng, instrument)
        request = RequestPlan(
            country=country,
            legal_basis=instrument,
            measures=sorted(set(measures)),
            crime_category=case.primary_category,
            drafted_on=drafted,
            summary=f"{case.title}: assistance requested from {country} ({', '.join(sorted(set(measures)))}).",
            channel="fiu" if instrument == "egmont" else None,
            urgency="urgent" if rng.random() < 0.1 else "normal",
            subjects=subjects,
            checklist=checklist,
            override_reason=override,
        )
        request.events = self._events(rng, country, path, dates)
        case.requests.append(request)

    def _path(self, rng, target: str) -> list[tuple[str, int]]:
        """Statuses from draft to `target`, each with the days since the previous step."""
        sent = ("sent", rng.randint(1, 20))
        ack = ("acknowledged", rng.randint(7, 45))
        info = ("info_requested", rng.randint(20, 90))
        back = ("acknowledged", rng.randint(15, 60))
        partial = ("partially_executed", rng.randint(30, 150))
        roll = rng.random()
        if target == "draft":
            return []
        if target == "sent":
            return [sent]
        if target == "acknowledged":
            return [sent, ack, info, back] if roll < 0.2 else [sent, ack]
        if target == "info_requested":
            return [sent, ack, info]
        if target == "partially_executed":
            return [sent, ack, info, back, partial] if roll < 0.2 else [sent, ack, partial]
        if target == "executed":
            done = ("executed", rng.randint(30, 200))
            if roll < 0.1:
                return [sent, done]
            if roll < 0.35:
                return [sent, ack, partial, done]
            if roll < 0.5:
                return [sent, ack, info, ("executed", rng.randint(30, 120))]
            return [sent, ack, done]
        if target == "refused":
            refused = ("refused", rng.randint(30, 180))
            return [sent, refused] if roll < 0.3 else [sent, ack, refused]
        if target == "withdrawn":
            withdrawn = ("withdrawn", rng.randint(10, 120))
            if roll < 0.4:
                return [withdrawn]
            return [sent, withdrawn] if roll < 0.7 else [sent, ack, withdrawn]
        raise ValueError(target)

    def _events(self, rng, country: str, path, dates) -> list[tuple]:
        events = []
        foreign_ref = f"{country}/{rng.randint(1000, 9999)}"
        for (status, _gap), day in zip(path, dates, strict=True):
            extra = {}
            if status == "acknowledged" and not any(e[0] == "acknowledged" for e in events):
                extra["foreign_reference"] = foreign_ref
                extra["note"] = "Receipt confirmed by the requested state's central authority."
            elif status == "info_requested":
                extra["note"] = "The requested state asked for a translation of the court's decision and more facts."
            elif status == "partially_executed":
                extra["note"] = "Part of the requested evidence received."
            elif status == "executed":
                extra["note"] = "Execution materials received."
            elif status == "refused":
                extra["refusal_grounds"] = rng.choice(REFUSAL_GROUNDS)
            elif status == "withdrawn":
                extra["note"] = rng.choice(WITHDRAWAL_NOTES)
            events.append((status, day, extra))
        return events

    def asset_request(self, rng, case: CasePlan, country: str, n: int, subjects, holder: str) -> None:
        if self.assets_planned < len(ASSET_STATUSES):
            target = ASSET_STATUSES[self.assets_planned]
        else:
            target = rng.choices(ASSET_STATUSES, weights=ASSET_STATUS_WEIGHTS)[0]
        self.assets_planned += 1
        kind = _pick(rng, ASSET_KINDS)
        currency = CURRENCY.get(country, "USD") if rng.random() < 0.5 else rng.choice(["USD", "USD", "EUR"])
        estimated = _money(rng, currency, 20_000, 3_000_000)
        measures = ["identify_trace_assets", "freeze_seize_assets"]
        if target in ("confiscated", "returned", "retained_abroad"):
            measures.append("confiscate_assets")
        if target in ("returned", "retained_abroad"):
            measures.append("return_assets")
        instrument = self._legal_basis(rng, country, measures)

        drafted = min(case.opened_on + datetime.timedelta(days=rng.randint(20, 300)), ANCHOR)
        identified = max(case.opened_on, drafted - datetime.timedelta(days=rng.randint(5, 60)))
        value_based = target == "confiscated" and rng.random() < 0.25
        # One chain of dates: the request's steps and the asset's steps interleave.
        steps = [("sent", rng.randint(3, 15)), ("acknowledged", rng.randint(10, 40))]
        if target == "identified":
            pass
        elif value_based:
            steps += [("asset:confiscated", rng.randint(200, 500)), ("executed", rng.randint(5, 40))]
        else:
            steps += [("asset:frozen", rng.randint(15, 90)), ("partially_executed", rng.randint(1, 10))]
            if target == "released":
                steps += [("executed", rng.randint(20, 60)), ("asset:released", rng.randint(60, 300))]
            elif target in ("confiscated", "returned", "retained_abroad"):
                steps += [("asset:confiscated", rng.randint(150, 600))]
                if target == "confiscated":
                    steps += [("executed", rng.randint(5, 40))]
                elif target == "returned":
                    returns = rng.choices([1, 2, 3], weights=[50, 30, 20])[0]
                    steps += [("asset:returned", rng.randint(60, 300)) for _ in range(returns)]
                    steps += [("executed", rng.randint(1, 20))]
                else:
                    if rng.random() < 0.4:
                        steps += [("asset:returned", rng.randint(60, 300))]
                    steps += [("asset:retained_abroad", rng.randint(60, 300)), ("executed", rng.randint(1, 20))]
        dates = _chain(drafted, [gap for _label, gap in steps])

        frozen = (estimated * Decimal(str(round(rng.uniform(0.5, 1.0), 3)))).quantize(Decimal("0.01"), ROUND_DOWN)
        if value_based:
            confiscated = (estimated * Decimal(str(round(rng.uniform(0.5, 1.0), 3)))).quantize(
                Decimal("0.01"), ROUND_DOWN
            )
        else:
            confiscated = (frozen * Decimal(str(round(rng.uniform(0.7, 1.0), 3)))).quantize(Decimal("0.01"), ROUND_DOWN)
        return_steps = [label for label, _gap in steps if label == "asset:returned"]
        to_return = (
            confiscated
            if target == "returned" and rng.random() < 0.6
            else (confiscated * Decimal(str(round(rng.uniform(0.3, 0.9), 3)))).quantize(Decimal("0.01"), ROUND_DOWN)
        )
        shares = _split(rng, to_return, len(return_steps)) if return_steps else []

        key = f"asset-{n}"
        city = CITIES.get(country, "the capital")
        asset = AssetPlan(
            key=key,
            kind=kind,
            description=ASSET_DESCRIPTIONS[kind].format(bank=BANKS.get(country, f"a bank in {city}"), city=city),
            identifier=_identifier(rng, kind, country),
            location_country=country,
            institution=BANKS.get(country, "") if kind == "bank_account" else "",
            currency=currency,
            estimated_value=estimated,
            identified_on=identified,
            holder=holder,
        )
        request = RequestPlan(
            country=country,
            legal_basis=instrument,
            measures=measures,
            crime_category=case.primary_category,
            drafted_on=drafted,
            summary=(
                f"{case.title}: request to trace and freeze {asset.description.lower()} held by the suspect's circle."
            ),
            urgency="urgent" if rng.random() < 0.3 else "normal",
            subjects=subjects,
            assets=[key],
        )
        request.checklist, request.override_reason = self._checklist(rng, instrument)
        foreign_ref = f"{country}/{rng.randint(1000, 9999)}"
        for (label, _gap), day in zip(steps, dates, strict=True):
            if label == "asset:frozen":
                asset.events.append(("frozen", day, frozen, "Freezing order executed by the requested state."))
                # The order the requested state executed, so the report's freezing orders are not
                # empty; dated without the random stream, which would move every later demo value.
                asset.court_decisions.append(
                    {
                        "kind": "restraint",
                        "court": f"Court of the requested state, {city}",
                        "country": country,
                        "decided_on": max(identified, day - datetime.timedelta(days=7)),
                        "reference": f"{country}-FO/{day:%Y}/{n}",
                        "conviction_based": True,
                        "amount": (frozen, currency),
                        "certified_copy_available": False,
                        "grounds": "Freezing of the proceeds of the offence at the request of Kazakhstan.",
                    }
                )
            elif label == "asset:confiscated":
                note = "Value-based confiscation." if value_based else "Confiscation order in force."
                asset.events.append(("confiscated", day, confiscated, note))
                asset.court_decisions.append(
                    {
                        "kind": "confiscation",
                        "court": "Specialised inter-district criminal court of Astana",
                        "country": "KZ",
                        "decided_on": max(identified, day - datetime.timedelta(days=rng.randint(20, 90))),
                        "reference": f"1-{rng.randint(100, 999)}/{day:%Y}",
                        "conviction_based": True,
                        "amount": (confiscated, currency),
                        "certified_copy_available": True,
                        "grounds": "Verdict with confiscation of the proceeds of the offence.",
                    }
                )
            elif label == "asset:returned":
                asset.events.append(("returned", day, shares.pop(0), "Funds received in the state budget."))
            elif label == "asset:retained_abroad":
                asset.events.append(
                    ("retained_abroad", day, None, "The requested state keeps the proceeds under its law.")
                )
            elif label == "asset:released":
                asset.events.append(("released", day, None, "The foreign court lifted the freeze."))
            else:
                extra = {}
                if label == "acknowledged":
                    extra = {"foreign_reference": foreign_ref}
                request.events.append((label, day, extra))
        if target in ("frozen", "confiscated") and rng.random() < 0.3:
            frozen_on = asset.events[0][1]
            filed = min(ANCHOR, frozen_on + datetime.timedelta(days=rng.randint(10, 90)))
            decided = filed + datetime.timedelta(days=rng.randint(60, 240))
            asset.claims.append(
                {
                    "claimant": "Spouse of the holder",
                    "basis": "Claims half of the property as joint marital property acquired in good faith.",
                    "filed_on": filed,
                    "amount": ((frozen / 2).quantize(Decimal("0.01"), ROUND_DOWN), currency),
                    "decision": ("dismissed", decided, False) if decided <= ANCHOR and rng.random() < 0.6 else None,
                }
            )
        case.assets.append(asset)
        case.requests.append(request)

    def case_events(self, rng, case: CasePlan) -> None:
        last = case.opened_on
        for request in case.requests:
            last = max([last, request.drafted_on, *(e[1] for e in request.events)])
        for asset in case.assets:
            last = max([last, asset.identified_on, *(e[1] for e in asset.events)])
        all_final = all(r.events and r.events[-1][0] in ("executed", "refused", "withdrawn") for r in case.requests)
        roll = rng.random()
        if all_final and roll < 0.45:
            dates = _chain(last, [rng.randint(10, 90), rng.randint(30, 240)])
            case.events = [("in_court", dates[0], "Indictment sent to court.")]
            if roll < 0.3:
                case.events.append(("closed", dates[1], "Verdict in force."))
        elif roll > 0.9:
            (day,) = _chain(last, [rng.randint(10, 60)])
            case.events = [("suspended", day, "Suspended: the accused is wanted abroad.")]


def _later_steps(plan, ap, asset, lead, asset_release_part):
    """The later steps practitioners record, on some of the assets whose road stops at a freeze or a
    confiscation: part of the freeze released, the sale by the requested state (while frozen, or
    once confiscated), restitution to victims. Chosen by a hash of the asset, not the random
    generator, so that every other row of the demo stays as it was. (A retained amount needs
    nothing here: the step records what could still be returned.)"""
    from assets.services import asset_record_sale, asset_transition

    if not ap.events:
        return asset
    last, day = ap.events[-1][0], ap.events[-1][1]
    pick = zlib.crc32(f"{plan.register_number}:{ap.key}:later".encode()) % 6
    later = min(ANCHOR, day + datetime.timedelta(days=30 + pick * 11))
    cents = Decimal("0.01")
    if last == "frozen" and pick in (0, 1):
        part = (asset.still_frozen_amount * Decimal("0.25")).quantize(cents, ROUND_DOWN)
        asset = asset_release_part(
            asset=asset,
            actor=lead,
            amount=part,
            effective_on=later,
            note="The foreign court lifted the freeze on the part not linked to the offence.",
        )
        if pick == 1:
            asset = asset_record_sale(
                asset=asset,
                actor=lead,
                amount=(asset.still_frozen_amount * Decimal("0.85")).quantize(cents, ROUND_DOWN),
                effective_on=min(ANCHOR, later + datetime.timedelta(days=20)),
                note="Interlocutory sale of depreciating property; the proceeds stay frozen.",
            )
    elif last == "confiscated" and pick == 2:
        asset = asset_record_sale(
            asset=asset,
            actor=lead,
            amount=(asset.confiscated_amount * Decimal("0.9")).quantize(cents, ROUND_DOWN),
            effective_on=later,
            note="Sold at auction by the requested state after the confiscation.",
        )
    elif last == "confiscated" and pick in (3, 4):
        asset = asset_transition(
            asset=asset,
            to_status="restituted",
            actor=lead,
            amount=(asset.confiscated_amount * Decimal("0.3")).quantize(cents, ROUND_DOWN),
            effective_on=later,
            note="Paid to the victims under the requested state's compensation order.",
        )
    return asset


def _split(rng: random.Random, total: Decimal, parts: int) -> list[Decimal]:
    """Split `total` into `parts` positive amounts that add up to it exactly."""
    if parts == 1:
        return [total]
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    amounts = [
        (total * Decimal(str(round(w / sum(weights), 4)))).quantize(Decimal("0.01"), ROUND_DOWN) for w in weights
    ]
    amounts[-1] = total - sum(amounts[:-1])
    return amounts


# --- The seed article's Swiss case ---------------------------------------------------------------------

SWISS_CASE_REGISTER_NUMBER = "097511000000000"  # the generated cases are numbered from 1
# USD 1.3 million returned by the Swiss federal authorities in 2017-2020 (seed article). The split into
# four returns and the days are illustrative; the years and the total are the seed's.
SWISS_RETURNS = [
    (datetime.date(2017, 6, 14), Decimal("420000.00")),
    (datetime.date(2018, 9, 27), Decimal("310000.00")),
    (datetime.date(2019, 11, 19), Decimal("285000.00")),
    (datetime.date(2020, 12, 8), Decimal("285000.00")),
]
SWISS_TOTAL = Decimal("1300000.00")
assert sum(amount for _day, amount in SWISS_RETURNS) == SWISS_TOTAL


def swiss_case_plan() -> CasePlan:
    """Seed article: in 2007-2009 K. and others formed a criminal community smuggling goods from China
    across Kazakhstan's customs border; the proceeds went to citizen A., who moved them to Switzerland
    under sham contracts. The Prosecutor General's Office asked Switzerland to seize the accounts and
    return the funds; in 2017-2020 the Swiss federal authorities returned USD 1.3 million. By the
    verdict of the Almaty court the members were sentenced with confiscation of property.
    Days within the years are illustrative."""
    case = CasePlan(
        register_number=SWISS_CASE_REGISTER_NUMBER,
        title="Criminal community of K. and others: smuggling of goods from China, 2007-2009",
        description=(
            "In 2007-2009 K. and others created a criminal community to move goods from China across the "
            "customs border of Kazakhstan illegally. The proceeds were handed to citizen A., who laundered "
            "them and transferred them to Switzerland under sham (imaginary) contracts. The Prosecutor "
            "General's Office asked Switzerland to seize the accounts and return the funds; the Swiss federal "
            "authorities returned USD 1.3 million in 2017-2020. Source: the seed article (EAG mutual evaluation "
            "report of Kazakhstan, 2023)."
        ),
        unit="arc-intl",
        lead="investigator1",
        team=["investigator2"],
        primary_category="smuggling_customs",
        other_categories=["organised_crime", "laundering"],
        opened_on=datetime.date(2009, 10, 12),
        estimated_damage=Decimal("2450000000.00"),
        criminal_code_articles="Smuggling; creation and leadership of a criminal community; legalisation of proceeds",
    )
    case.subjects = [
        SubjectPlan(
            key="K",
            role="convicted",
            name_latin="K.",
            name_cyrillic="К.",
            nationality="KZ",
            notes="Organiser of the criminal community (name abbreviated as in the source).",
        ),
        SubjectPlan(
            key="A",
            role="convicted",
            name_latin="A.",
            name_cyrillic="А.",
            nationality="KZ",
            notes="Received the proceeds and moved them to Switzerland under sham contracts.",
        ),
        SubjectPlan(
            key="member",
            role="convicted",
            name_latin="Other members of the criminal community",
            name_cyrillic="Другие участники преступного сообщества",
            nationality="KZ",
        ),
        SubjectPlan(
            key="counterparty",
            role="third_party",
            kind="company",
            name_latin="Alpine Commodities AG",
            foreign_registration_number="CHE-000.000.001",
            nationality="CH",
            notes="Counterparty to the sham contracts (illustrative).",
        ),
    ]
    account = AssetPlan(
        key="ch-account",
        kind="bank_account",
        description="Accounts of A. at a private bank in Geneva",
        identifier="CH5604835012345678009",
        location_country="CH",
        institution="a private bank in Geneva",
        currency="USD",
        estimated_value=SWISS_TOTAL,
        identified_on=datetime.date(2012, 6, 20),
        holder="A",
        events=[
            ("frozen", datetime.date(2012, 11, 5), SWISS_TOTAL, "Accounts seized by the Swiss federal authorities."),
            (
                "confiscated",
                datetime.date(2016, 9, 15),
                SWISS_TOTAL,
                "Confiscation by the verdict of the Almaty court.",
            ),
        ]
        + [
            (
                "returned",
                day,
                amount,
                f"Return {n} of {len(SWISS_RETURNS)} by the Swiss federal authorities.",
            )
            for n, (day, amount) in enumerate(SWISS_RETURNS, start=1)
        ],
        court_decisions=[
            {
                "kind": "confiscation",
                "court": "Almaty City Court (criminal verdict)",
                "country": "KZ",
                "decided_on": datetime.date(2016, 8, 30),
                "reference": "Verdict in the case of K. and others",
                "conviction_based": True,
                "amount": (SWISS_TOTAL, "USD"),
                "certified_copy_available": True,
                "grounds": "Members of the criminal community of K. and others sentenced with "
                "confiscation of property.",
            }
        ],
    )
    second = AssetPlan(
        key="ch-account-2",
        kind="bank_account",
        description="Account of a company under the sham contracts, Zurich",
        identifier="CH1809000000123456789",
        location_country="CH",
        institution="a bank in Zurich",
        currency="USD",
        estimated_value=Decimal("85000.00"),
        identified_on=datetime.date(2012, 6, 20),
        holder="counterparty",
        events=[
            ("frozen", datetime.date(2012, 11, 5), Decimal("85000.00"), "Seized with A.'s accounts."),
            ("released", datetime.date(2014, 3, 18), None, "Released: no link to the offence was shown."),
        ],
    )
    case.assets = [account, second]
    case.requests = [
        RequestPlan(
            country="CH",
            legal_basis="carin",
            measures=["identify_trace_assets", "information_exchange"],
            crime_category="laundering",
            drafted_on=datetime.date(2012, 3, 28),
            summary="Informal inquiry through CARIN to locate accounts of A. in Switzerland.",
            subjects=["A"],
            events=[
                ("sent", datetime.date(2012, 4, 2), {}),
                ("executed", datetime.date(2012, 6, 18), {"note": "Accounts of A. located in Geneva and Zurich."}),
            ],
        ),
        RequestPlan(
            country="CH",
            legal_basis="uncac",
            measures=["documents", "freeze_seize_assets", "confiscate_assets", "return_assets"],
            crime_category="smuggling_customs",
            drafted_on=datetime.date(2012, 7, 2),
            summary=(
                "Request to seize the accounts of A. and return the funds to Kazakhstan (customs smuggling from "
                "China by the criminal community of K. and others, proceeds laundered through sham contracts)."
            ),
            urgency="urgent",
            subjects=["K", "A", "counterparty"],
            assets=["ch-account", "ch-account-2"],
            checklist=dict.fromkeys(
                (
                    "requesting_authority",
                    "subject_of_investigation",
                    "summary_of_facts",
                    "assistance_sought",
                    "person_concerned",
                    "purpose",
                ),
                (True, "Given in the request."),
            ),
            events=[
                ("sent", datetime.date(2012, 7, 10), {"document_reference": "Outgoing letter of the PGO"}),
                ("acknowledged", datetime.date(2012, 8, 1), {"foreign_reference": "CH/FOJ/2012/0815"}),
                ("partially_executed", datetime.date(2012, 11, 9), {"note": "Accounts seized."}),
                ("executed", datetime.date(2020, 12, 8), {"note": "Last return received; execution complete."}),
            ],
        ),
    ]
    case.events = [
        ("in_court", datetime.date(2015, 11, 2), "Criminal case sent to the Almaty court."),
        ("closed", datetime.date(2016, 8, 30), "Verdict of the Almaty court: sentences with confiscation."),
    ]
    return case


# The Swiss case's file: small real files made here, byte for byte the same on every run (fixed dates
# inside the PDF and in the DOCX's zip entries), so their SHA-256 are the same in every database.
# The texts are in English: the PDF's core font has no Cyrillic, and the files only illustrate.
# Checklist items a certified court decision provides, where the request's legal basis has one.
COURT_DECISION_REQUIREMENTS = ("court_decision_copy", "certified_decision", "confiscation_order")


def _demo_pdf(title: str, lines: list[str], day: datetime.date) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_creation_date(datetime.datetime(day.year, day.month, day.day, 9, 0, tzinfo=datetime.UTC))
    pdf.set_title(title)
    pdf.set_author("Demo data")
    pdf.add_page()
    pdf.set_font("helvetica", style="B", size=14)
    pdf.multi_cell(0, 8, text=title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("helvetica", size=11)
    for line in lines:
        pdf.multi_cell(0, 6, text=line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    return bytes(pdf.output())


def _demo_docx(title: str, paragraphs: list[str], day: datetime.date) -> bytes:
    import io
    import zipfile

    import docx

    document = docx.Document()
    moment = datetime.datetime(day.year, day.month, day.day, 9, 0)
    document.core_properties.created = moment
    document.core_properties.modified = moment
    document.core_properties.author = "Demo data"
    document.core_properties.title = title
    document.add_heading(title, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    raw = io.BytesIO()
    document.save(raw)
    # python-docx stamps each zip entry with the current time: rewrite them with the letter's date.
    stable = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(stable, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(day.year, day.month, day.day, 9, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return stable.getvalue()


def swiss_documents_plan(request_reference: str) -> list[dict]:
    """The documents of the Swiss case's file: the certified verdict, the Swiss acknowledgement of the
    request, and the request letter (DOCX). `links` name records of the case, found when executed."""
    verdict_day = datetime.date(2016, 8, 30)
    letter_day = datetime.date(2012, 7, 10)
    acknowledged_day = datetime.date(2012, 8, 1)
    return [
        {
            "kind": "certified_court_decision",
            "title": "Verdict of the Almaty City Court in the case of K. and others (certified copy)",
            "language": "en",
            "dated_on": verdict_day,
            "filename": "verdict-almaty-city-court-2016-08-30.pdf",
            "content": _demo_pdf(
                "Almaty City Court - Verdict (certified copy, English translation)",
                [
                    f"Date: {verdict_day:%d %B %Y}. Criminal case {SWISS_CASE_REGISTER_NUMBER}.",
                    "The court found K. and other members of the criminal community guilty of smuggling goods "
                    "from China across the customs border of Kazakhstan in 2007-2009, and A. guilty of "
                    "laundering the proceeds through sham contracts with a Swiss counterparty.",
                    "The court sentenced the members of the community with confiscation of property, including "
                    "the funds held by A. on accounts at a private bank in Geneva (USD 1,300,000).",
                    "Certified true copy. Seal and signature of the court's registry.",
                    "(Demo document: illustrative text, no real names.)",
                ],
                verdict_day,
            ),
            "links": ("request", "asset", "court_decision", "checklist_item"),
        },
        {
            "kind": "foreign_acknowledgement",
            "title": "Acknowledgement of the request by the Swiss Federal Office of Justice",
            "language": "en",
            "dated_on": acknowledged_day,
            "filename": "acknowledgement-CH-FOJ-2012-0815.pdf",
            "content": _demo_pdf(
                "Federal Office of Justice, Bern - Acknowledgement of receipt",
                [
                    f"Date: {acknowledged_day:%d %B %Y}. Our reference: CH/FOJ/2012/0815.",
                    f"Your reference: {request_reference}.",
                    "We acknowledge receipt of the request for mutual legal assistance of the Prosecutor "
                    "General's Office of the Republic of Kazakhstan concerning the seizure and return of funds "
                    "held by A. The request has been forwarded to the competent cantonal authority.",
                    "(Demo document: illustrative text.)",
                ],
                acknowledged_day,
            ),
            "links": ("request", "request_event:acknowledged"),
        },
        {
            "kind": "request_letter",
            "title": "Request for mutual legal assistance to Switzerland (signed letter)",
            "language": "en",
            "dated_on": letter_day,
            "filename": "request-letter-switzerland-2012-07-10.docx",
            "content": _demo_docx(
                "Request for mutual legal assistance",
                [
                    "To: the Federal Office of Justice, Bern, Switzerland.",
                    "From: the Prosecutor General's Office of the Republic of Kazakhstan.",
                    f"Reference: {request_reference}. Legal basis: United Nations Convention against Corruption, "
                    "article 46 and chapter V.",
                    "Summary of facts: in 2007-2009 a criminal community led by K. smuggled goods from China "
                    "across the customs border of Kazakhstan; the proceeds were laundered by A. and transferred "
                    "to accounts in Geneva and Zurich under sham contracts.",
                    "Assistance sought: documents of the accounts, their seizure, and after a final decision the "
                    "confiscation of the funds and their return to Kazakhstan.",
                    "(Demo document: illustrative text.)",
                ],
                letter_day,
            ),
            "links": ("request", "request_event:sent"),
        },
    ]


# Approximate year-end rates for the demo's currencies, 2017 to the anchor, in the National Bank of
# Kazakhstan's XML format (not its published figures): loaded through the import service, so the
# dashboards' converted totals of every demo year use a rate of that year. BGN, MNT, PKR and VND
# are not among the National Bank's currencies: the dashboards name them as without a rate.
DEMO_RATES_DIR = Path(__file__).resolve().parent / "demo_rates"


def ensure_exchange_rates(stdout=None) -> int:
    """Import the demo's rate files (idempotent: a second run creates none). Returns the rates created."""
    from recovery.errors import DomainError
    from recovery.exchange_rates import NBK, exchange_rates_import

    created = 0
    with transaction.atomic():
        for path in sorted(DEMO_RATES_DIR.glob("nbk_*.xml")):
            try:
                created += exchange_rates_import(actor=None, content=path.read_bytes(), source=NBK).created
            except DomainError as exc:
                # A reporting currency the files do not quote: the demo goes on without rates.
                if stdout is not None:
                    stdout.write(f"Demo exchange rates not loaded ({path.name}): {exc}")
                return 0
    return created


def ensure_swiss_documents(users: dict) -> int:
    """Add the Swiss case's documents that are not in its file yet (by title), through the documents
    service, as its lead investigator; returns how many were added. A database seeded before the case
    file existed gets them on the next run, and a second run adds nothing."""
    from django.core.files.base import ContentFile

    from assets.models import CourtDecision
    from cases.models import Case
    from documents.services import document_add

    case = Case.objects.filter(register_number=SWISS_CASE_REGISTER_NUMBER).first()
    if case is None:
        return 0
    request = case.requests.filter(legal_basis__code="uncac").first()
    if request is None:
        return 0
    asset = case.assets.filter(identifier="CH5604835012345678009").first()
    decision = CourtDecision.objects.filter(asset=asset, kind="confiscation").first() if asset else None
    present = set(case.documents.values_list("title", flat=True))
    actor = users.get(case.lead_investigator.username) if case.lead_investigator_id else None
    added = 0
    for spec in swiss_documents_plan(request.reference):
        if spec["title"] in present:
            continue
        links = {}
        for name in spec["links"]:
            if name == "request":
                links["request"] = request
            elif name == "asset" and asset is not None:
                links["asset"] = asset
            elif name == "court_decision" and decision is not None:
                links["court_decision"] = decision
            elif name == "checklist_item" and request.status == request.Status.DRAFT:
                # Only a draft's checklist can still be answered; the Swiss request (UNCAC) was sent
                # long ago and its basis lists no court decision among a request's contents anyway.
                item = request.checklist.filter(requirement__code__in=COURT_DECISION_REQUIREMENTS).first()
                if item is not None:
                    links["checklist_item"] = item
            elif name.startswith("request_event:"):
                row = request.timeline.filter(to_status=name.split(":", 1)[1]).order_by("pk").first()
                if row is not None:
                    links["request_event"] = row
        with transaction.atomic(), audit_actor(actor):
            document_add(
                actor=actor,
                case=case,
                kind=spec["kind"],
                title=spec["title"],
                file=ContentFile(spec["content"], name=spec["filename"]),
                filename=spec["filename"],
                language=spec["language"],
                dated_on=spec["dated_on"],
                **links,
            )
        added += 1
    return added


# --- Incoming requests ---------------------------------------------------------------------------------
# Requests foreign states address to Kazakhstan, in every status of their workflow: from treaty states
# of the seed's table 1 under their bilateral treaty, and from others under UNCAC, UNTOC, reciprocity
# or an informal network. The persons concerned are partly people of the demo's own cases (one person,
# one record) and partly new. Received, registered and executed by investigators of the executing
# unit, assigned by the head of department. Fixed, not scaled: the figures of the seed are about
# outgoing requests; these only show every step of the other direction.


@dataclass
class IncomingPlan:
    foreign_reference: str  # with the requesting state, the natural key that makes a rerun skip it
    country: str
    authority: str
    legal_basis: str
    measures: list[str]
    crime_category: str
    unit: str
    registrar: str
    received_on: datetime.date
    summary: str
    foreign_dated_on: datetime.date | None = None
    channel: str = "central_authority"
    urgency: str = "normal"
    requested_due: datetime.date | None = None
    subjects: list[SubjectPlan] = field(default_factory=list)  # new persons, recorded with the request
    # Subjects of the demo's cases: (case register number, identifying field, its value)
    known_subjects: list[tuple[str, str, str]] = field(default_factory=list)
    # (to_status, effective_on, {service kwargs}); "assigned" names the executor: {"executor": username}
    events: list[tuple] = field(default_factory=list)


def _known_subject(cases: list[CasePlan], *, nationality: str, kind: str = "person") -> tuple[str, str, str] | None:
    """A subject of the demo's generated cases with this nationality, by an identifier that names one
    record: the IIN/BIN, else the passport, else the foreign registration number."""
    for case in cases[1:]:
        for sp in case.subjects:
            if sp.nationality != nationality or sp.kind != kind:
                continue
            for name in ("iin_bin", "passport_number", "foreign_registration_number"):
                if getattr(sp, name):
                    return (case.register_number, name, getattr(sp, name))
    return None


def _foreign(name_latin, name_cyrillic, passport, nationality, birth, notes="") -> SubjectPlan:
    return SubjectPlan(
        key=passport,
        role="",
        name_latin=name_latin,
        name_cyrillic=name_cyrillic,
        passport_number=passport,
        nationality=nationality,
        birth_date=birth,
        notes=notes,
    )


def _steps(received: datetime.date, steps: list[tuple]) -> list[tuple]:
    """(status, days after the previous step[, extra]) -> (status, date, extra), never after ANCHOR."""
    dates = _chain(received, [step[1] for step in steps])
    return [(step[0], day, dict(step[2]) if len(step) > 2 else {}) for step, day in zip(steps, dates, strict=True)]


def _ago(days: int) -> datetime.date:
    return ANCHOR - datetime.timedelta(days=days)


# Statuses' paths, as gaps in days from the previous step.
def _to_execution(executor: str, reg: int = 3, assign: int = 4, start: int = 6) -> list[tuple]:
    return [("registered", reg), ("assigned", assign, {"executor": executor}), ("in_execution", start)]


def incoming_plan(cases: list[CasePlan]) -> list[IncomingPlan]:
    """The demo's incoming requests, in the order they are recorded. `cases` is the plan of the demo's
    cases: some persons concerned are found among their subjects."""
    swiss = ("097511000000000", "name_latin", "A.")
    uz_person = _known_subject(cases, nationality="KZ")
    ru_person = _known_subject(cases, nationality="RU")
    cn_person = _known_subject(cases, nationality="CN")
    tr_company = _known_subject(cases, nationality="TR", kind="company")
    known = lambda *items: [i for i in items if i is not None]  # noqa: E731

    plans = [
        # Open, overdue (received more than the 90 days of the office's default before ANCHOR).
        IncomingPlan(
            foreign_reference="MOJ-CN/2025/1187",
            country="CN",
            authority="Ministry of Justice of the People's Republic of China",
            legal_basis=ref.treaty_code("CN"),
            measures=["documents", "identify_trace_assets"],
            crime_category="corruption",
            unit="arc-intl",
            registrar="investigator2",
            received_on=_ago(190),
            foreign_dated_on=_ago(204),
            summary="Bribes paid to officials of a Xinjiang customs post; bank records of accounts in Almaty "
            "and the tracing of the funds are asked for.",
            subjects=[_foreign("Chen Jun", "Чэнь Цзюнь", "E51873302", "CN", datetime.date(1974, 5, 12))],
            known_subjects=known(cn_person),
            events=_steps(_ago(190), _to_execution("investigator1")),
        ),
        IncomingPlan(
            foreign_reference="MOJ-CN/2026/0214",
            country="CN",
            authority="Ministry of Justice of the People's Republic of China",
            legal_basis=ref.treaty_code("CN"),
            measures=["testimony"],
            crime_category="smuggling_customs",
            unit="arc-almaty",
            registrar="investigator3",
            received_on=_ago(128),
            foreign_dated_on=_ago(140),
            summary="Questioning of two Almaty traders as witnesses about consignments declared at Khorgos.",
            events=_steps(_ago(128), [("registered", 5)]),
        ),
        IncomingPlan(
            foreign_reference="GP-UZ/16-2145",
            country="UZ",
            authority="General Prosecutor's Office of the Republic of Uzbekistan",
            legal_basis=ref.treaty_code("UZ"),
            measures=["search_seizure", "freeze_seize_assets"],
            crime_category="fraud",
            unit="arc-almaty",
            registrar="investigator3",
            received_on=_ago(150),
            foreign_dated_on=_ago(158),
            urgency="urgent",
            summary="Seizure of an apartment in Almaty bought with the deposits of a Tashkent financial pyramid.",
            known_subjects=known(uz_person),
            events=_steps(_ago(150), [("registered", 2), ("assigned", 3, {"executor": "investigator3"})]),
        ),
        # Open, due soon (within 30 days of ANCHOR).
        IncomingPlan(
            foreign_reference="MOJ-CN/2026/0366",
            country="CN",
            authority="Ministry of Justice of the People's Republic of China",
            legal_basis=ref.treaty_code("CN"),
            measures=["documents"],
            crime_category="fraud",
            unit="arc-intl",
            registrar="investigator1",
            received_on=_ago(76),
            foreign_dated_on=_ago(85),
            summary="Registration documents of a Kazakh company used to invoice fictitious exports from Urumqi.",
            events=_steps(_ago(76), _to_execution("investigator2", 2, 3, 4)),
        ),
        IncomingPlan(
            foreign_reference="MOJ-AE/MLA/2026/77",
            country="AE",
            authority="Ministry of Justice of the United Arab Emirates",
            legal_basis=ref.treaty_code("AE"),
            measures=["documents", "locate_identify"],
            crime_category="laundering",
            unit="arc-intl",
            registrar="investigator2",
            received_on=_ago(70),
            foreign_dated_on=_ago(79),
            summary="Company records and the whereabouts of the director of an Astana company that sent "
            "funds to Dubai.",
            events=_steps(
                _ago(70),
                [
                    ("registered", 3),
                    ("assigned", 2, {"executor": "investigator2"}),
                    # The head of department hands it to the senior investigator, who speaks Arabic.
                    ("assigned", 9, {"executor": "investigator1"}),
                ],
            ),
        ),
        # Open, with a deadline asked by the requesting state long after ANCHOR (a trial date).
        IncomingPlan(
            foreign_reference="DOJ-OIA/182-44310",
            country="US",
            authority="U.S. Department of Justice, Office of International Affairs",
            legal_basis=ref.treaty_code("US"),
            measures=["testimony", "documents"],
            crime_category="laundering",
            unit="arc-intl",
            registrar="investigator1",
            received_on=_ago(40),
            foreign_dated_on=_ago(55),
            requested_due=datetime.date(2027, 3, 15),
            summary="Testimony and bank records for a trial in the Southern District of New York on funds "
            "laundered through Kazakh banks; the trial opens in spring 2027.",
            events=_steps(_ago(40), _to_execution("investigator1", 4, 5, 7)),
        ),
        IncomingPlan(
            foreign_reference="FOJ-CH/B-12.441",
            country="CH",
            authority="Federal Office of Justice, Switzerland",
            legal_basis="uncac",
            measures=["testimony"],
            crime_category="laundering",
            unit="arc-intl",
            registrar="investigator1",
            received_on=_ago(6),
            foreign_dated_on=_ago(20),
            requested_due=datetime.date(2027, 1, 29),
            summary="Questioning of A., convicted in Kazakhstan, for the Swiss proceedings against the "
            "bank's account managers.",
            known_subjects=[swiss],
        ),
        IncomingPlan(
            foreign_reference="StA-FFM/7130-Js-2231",
            country="DE",
            authority="Public Prosecutor's Office of Frankfurt am Main",
            legal_basis="uncac",
            measures=["documents", "identify_trace_assets"],
            crime_category="corruption",
            unit="arc-intl",
            registrar="investigator2",
            received_on=_ago(12),
            foreign_dated_on=_ago(33),
            channel="diplomatic",
            summary="Records of payments by a German engineering firm to a consultancy in Astana.",
            events=_steps(_ago(12), [("registered", 4)]),
        ),
        # Postponed, more information asked.
        IncomingPlan(
            foreign_reference="UKCA/2025/0931",
            country="GB",
            authority="UK Central Authority, Home Office",
            legal_basis=ref.treaty_code("GB"),
            measures=["identify_trace_assets", "freeze_seize_assets"],
            crime_category="embezzlement",
            unit="arc-intl",
            registrar="investigator1",
            received_on=_ago(230),
            foreign_dated_on=_ago(241),
            summary="Restraint of a flat in Almaty bought with funds embezzled from a UK pension scheme.",
            subjects=[_foreign("Oliver Grant", "", "GB548211903", "GB", datetime.date(1969, 2, 3))],
            events=_steps(
                _ago(230),
                _to_execution("investigator1")
                + [
                    (
                        "postponed",
                        40,
                        {
                            "note": "Execution would prejudice our own investigation into the same flat; "
                            "postponed until its seizure is decided here."
                        },
                    )
                ],
            ),
        ),
        IncomingPlan(
            foreign_reference="SPO-KR/2026-118",
            country="KR",
            authority="Supreme Prosecutors' Office of the Republic of Korea",
            legal_basis=ref.treaty_code("KR"),
            measures=["confiscate_assets"],
            crime_category="cybercrime",
            unit="arc-almaty",
            registrar="investigator3",
            received_on=_ago(95),
            foreign_dated_on=_ago(104),
            summary="Confiscation of crypto-assets converted at an Almaty exchange after a phishing scheme in Seoul.",
            events=_steps(
                _ago(95),
                _to_execution("investigator3")
                + [
                    (
                        "info_requested",
                        21,
                        {"note": "Asked for a certified copy of the Seoul court's confiscation order, translated."},
                    )
                ],
            ),
        ),
        # Executed, partially executed.
        IncomingPlan(
            foreign_reference="GP-RU/87-1422-24",
            country="RU",
            authority="Prosecutor General's Office of the Russian Federation",
            legal_basis="uncac",
            measures=["documents", "testimony"],
            crime_category="embezzlement",
            unit="arc-intl",
            registrar="investigator2",
            received_on=datetime.date(2024, 9, 16),
            foreign_dated_on=datetime.date(2024, 9, 2),
            summary="Documents and questioning about the nominee director of a company in our own "
            "embezzlement case, now accused in Moscow.",
            known_subjects=known(ru_person),
            events=_steps(
                datetime.date(2024, 9, 16),
                _to_execution("investigator2")
                + [
                    (
                        "executed",
                        74,
                        {
                            "note": "Minutes of questioning and certified copies sent.",
                            "document_reference": "Outgoing letter of the PGO",
                        },
                    )
                ],
            ),  # fmt: skip
        ),
        IncomingPlan(
            foreign_reference="FIU-RU/EX-2025-5531",
            country="RU",
            authority="Federal Financial Monitoring Service (Rosfinmonitoring)",
            legal_basis="egmont",
            measures=["information_exchange"],
            crime_category="laundering",
            unit="arc-intl",
            registrar="investigator1",
            received_on=datetime.date(2025, 11, 3),
            channel="fiu",
            summary="Whether accounts in Kazakhstan received transfers from a Moscow shell company.",
            events=_steps(
                datetime.date(2025, 11, 3),
                _to_execution("investigator1", 1, 1, 1) + [("executed", 18, {"note": "Answered through the FIU."})],
            ),
        ),
        IncomingPlan(
            foreign_reference="DOJ-OIA/182-39811",
            country="US",
            authority="U.S. Department of Justice, Office of International Affairs",
            legal_basis=ref.treaty_code("US"),
            measures=["documents", "search_seizure"],
            crime_category="fraud",
            unit="arc-intl",
            registrar="investigator1",
            received_on=datetime.date(2023, 4, 11),
            foreign_dated_on=datetime.date(2023, 3, 28),
            summary="Search of an Astana office and seizure of servers of an investment fraud sold to US investors.",
            events=_steps(
                datetime.date(2023, 4, 11),
                _to_execution("investigator1")
                + [
                    ("partially_executed", 55, {"note": "Servers seized and imaged; documents follow."}),
                    ("executed", 48, {"note": "The remaining documents sent."}),
                ],
            ),
        ),
        IncomingPlan(
            foreign_reference="PJN-FR/2025/41",
            country="FR",
            authority="National Financial Prosecutor's Office (PNF), France",
            legal_basis=ref.treaty_code("FR"),
            measures=["documents", "identify_trace_assets"],
            crime_category="corruption",
            unit="arc-intl",
            registrar="investigator2",
            received_on=datetime.date(2025, 3, 10),
            foreign_dated_on=datetime.date(2025, 2, 24),
            summary="Tracing of commissions paid on a helicopter contract through companies in Almaty.",
            events=_steps(
                datetime.date(2025, 3, 10),
                _to_execution("investigator2")
                + [
                    ("info_requested", 30, {"note": "Asked which accounts and which period the request concerns."}),
                    ("in_execution", 45, {"note": "The account numbers and the period came."}),
                    ("executed", 60, {"note": "Bank records and the tracing report sent."}),
                ],
            ),
        ),
        IncomingPlan(
            foreign_reference="GP-UZ/16-1904",
            country="UZ",
            authority="General Prosecutor's Office of the Republic of Uzbekistan",
            legal_basis=ref.treaty_code("UZ"),
            measures=["identify_trace_assets", "freeze_seize_assets"],
            crime_category="embezzlement",
            unit="arc-almaty",
            registrar="investigator3",
            received_on=datetime.date(2025, 8, 19),
            foreign_dated_on=datetime.date(2025, 8, 5),
            summary="Freezing of accounts in Almaty of a Tashkent cotton exporter's director.",
            subjects=[_foreign("Bakhodir Rakhimov", "Баходир Рахимов", "FA4471902", "UZ", datetime.date(1971, 10, 1))],
            events=_steps(
                datetime.date(2025, 8, 19),
                _to_execution("investigator3")
                + [("partially_executed", 40, {"note": "Two of the three accounts frozen; the third was closed."})],
            ),
        ),
        IncomingPlan(
            foreign_reference="ARIN-WCA/TR/2026/12",
            country="TR",
            authority="Financial Crimes Investigation Board (MASAK), Turkey",
            legal_basis="arin-wca",
            measures=["identify_trace_assets"],
            crime_category="laundering",
            unit="arc-intl",
            registrar="investigator2",
            received_on=datetime.date(2026, 2, 9),
            channel="network",
            summary="Informal inquiry: assets in Kazakhstan of an Istanbul textile company's owners.",
            known_subjects=known(tr_company),
            events=_steps(
                datetime.date(2026, 2, 9),
                _to_execution("investigator2", 1, 1, 1)
                + [("executed", 20, {"note": "Two vehicles and a bank account found."})],
            ),
        ),
        # Refused, each on a different ground.
        IncomingPlan(
            foreign_reference="MOJ-TR/2024/3382",
            country="TR",
            authority="Ministry of Justice of the Republic of Turkey",
            legal_basis=ref.treaty_code("TR"),
            measures=["testimony"],
            crime_category="other",
            unit="arc-intl",
            registrar="investigator1",
            received_on=datetime.date(2024, 5, 6),
            foreign_dated_on=datetime.date(2024, 4, 22),
            summary="Questioning of a Kazakh citizen about insulting public officials on social media.",
            events=_steps(
                datetime.date(2024, 5, 6),
                [
                    ("registered", 3),
                    (
                        "refused",
                        21,
                        {
                            "refusal_ground": "dual_criminality",
                            "refusal_article": "Art. 3(1)(b) of the treaty",
                            "note": "The conduct is not an offence under the Criminal Code of Kazakhstan.",
                        },
                    ),
                ],
            ),
        ),
        IncomingPlan(
            foreign_reference="PGO-GE/MLA-2025-212",
            country="GE",
            authority="Prosecutor's Office of Georgia",
            legal_basis=ref.treaty_code("GE"),
            measures=["locate_identify", "service_of_documents"],
            crime_category="other",
            unit="arc-almaty",
            registrar="investigator3",
            received_on=datetime.date(2025, 6, 2),
            foreign_dated_on=datetime.date(2025, 5, 20),
            summary="Locating a former official and serving a summons in proceedings about a protest.",
            events=_steps(
                datetime.date(2025, 6, 2),
                [
                    ("registered", 2),
                    (
                        "refused",
                        30,
                        {
                            "refusal_ground": "political_or_military",
                            "refusal_article": "Art. 3(1)(a) of the treaty",
                        },
                    ),
                ],
            ),
        ),
        IncomingPlan(
            foreign_reference="MHA-IN/11034/2025",
            country="IN",
            authority="Ministry of Home Affairs of India",
            legal_basis=ref.treaty_code("IN"),
            measures=["documents", "identify_trace_assets"],
            crime_category="terrorist_financing",
            unit="arc-intl",
            registrar="investigator1",
            received_on=datetime.date(2025, 1, 20),
            foreign_dated_on=datetime.date(2025, 1, 6),
            summary="Records of a state company's defence contracts, asked for in a financing inquiry.",
            events=_steps(
                datetime.date(2025, 1, 20),
                _to_execution("investigator1")
                + [
                    (
                        "refused",
                        50,
                        {
                            "refusal_ground": "essential_interests",
                            "refusal_article": "Art. 5(1)(b) of the treaty",
                            "note": "The records are classified as a state secret.",
                        },
                    )
                ],
            ),
        ),
        IncomingPlan(
            foreign_reference="PGO-LT/2024-0817",
            country="LT",
            authority="Prosecutor General's Office of the Republic of Lithuania",
            legal_basis=ref.treaty_code("LT"),
            measures=["freeze_seize_assets"],
            crime_category="smuggling_customs",
            unit="arc-intl",
            registrar="investigator2",
            received_on=datetime.date(2024, 10, 14),
            foreign_dated_on=datetime.date(2024, 10, 1),
            summary="Seizure of a haulage company's trucks for cigarette smuggling through Lithuania.",
            events=_steps(
                datetime.date(2024, 10, 14),
                [
                    ("registered", 2),
                    (
                        "info_requested",
                        12,
                        {
                            "note": "Asked which trucks, by registration number, and why they "
                            "are linked to the smuggling."
                        },
                    ),
                    (
                        "refused",
                        120,
                        {
                            "refusal_ground": "insufficient_information",
                            "refusal_article": "Art. 4(2) of the treaty",
                            "note": "No answer to our questions within four months.",
                        },
                    ),
                ],
            ),  # fmt: skip
        ),
        IncomingPlan(
            foreign_reference="AG-CY/MLA/2023/144",
            country="CY",
            authority="Law Office of the Republic of Cyprus",
            legal_basis=ref.treaty_code("CY"),
            measures=["documents"],
            crime_category="tax",
            unit="arc-intl",
            registrar="investigator1",
            received_on=datetime.date(2023, 6, 5),
            foreign_dated_on=datetime.date(2023, 5, 22),
            summary="Records of a Limassol nominee company's Kazakh shareholders, for a tax case.",
            events=_steps(
                datetime.date(2023, 6, 5),
                _to_execution("investigator1")
                + [
                    (
                        "refused",
                        35,
                        {
                            "refusal_ground": "other",
                            "refusal_article": "Art. 3(1)(d) of the treaty",
                            "refusal_explanation": "The proceedings the records are for are time-barred "
                            "under the law of Kazakhstan.",
                        },
                    )
                ],
            ),
        ),
        IncomingPlan(
            foreign_reference="GP-KG/2-18-774",
            country="KG",
            authority="General Prosecutor's Office of the Kyrgyz Republic",
            legal_basis=ref.treaty_code("KG"),
            measures=["testimony"],
            crime_category="corruption",
            unit="arc-almaty",
            registrar="investigator3",
            received_on=datetime.date(2025, 4, 7),
            foreign_dated_on=datetime.date(2025, 3, 27),
            summary="Questioning of a Kazakh businessman about bribes paid in Bishkek.",
            events=_steps(
                datetime.date(2025, 4, 7),
                _to_execution("investigator3")
                + [
                    (
                        "refused",
                        25,
                        {
                            "refusal_ground": "ne_bis_in_idem",
                            "refusal_article": "Art. 3(1)(c) of the treaty",
                            "note": "He was acquitted of the same acts by the Almaty court.",
                        },
                    )
                ],
            ),
        ),
        # Returned without execution, withdrawn.
        IncomingPlan(
            foreign_reference="MOJ-UA/2025/12-880",
            country="UA",
            authority="Ministry of Justice of Ukraine",
            legal_basis=ref.treaty_code("UA"),
            measures=["documents"],
            crime_category="fraud",
            unit="arc-intl",
            registrar="investigator2",
            received_on=datetime.date(2025, 9, 15),
            summary="Documents of a grain trade with a Kazakh company.",
            events=_steps(
                datetime.date(2025, 9, 15),
                [
                    (
                        "returned",
                        9,
                        {
                            "note": "Sent to the wrong authority and without a translation; returned with our "
                            "central authority's details."
                        },
                    )
                ],
            ),  # fmt: skip
        ),
        IncomingPlan(
            foreign_reference="MOJ-NL/2025/IRC-339",
            country="NL",
            authority="Ministry of Justice and Security of the Netherlands",
            legal_basis="reciprocity",
            measures=["locate_identify"],
            crime_category="drugs",
            unit="arc-intl",
            registrar="investigator1",
            received_on=datetime.date(2025, 7, 21),
            foreign_dated_on=datetime.date(2025, 7, 8),
            summary="Locating a courier of a synthetic drugs network believed to live in Astana.",
            events=_steps(
                datetime.date(2025, 7, 21),
                [
                    ("registered", 2),
                    (
                        "returned",
                        14,
                        {"note": "No assurance of reciprocity was given; returned to be sent again with it."},
                    ),
                ],
            ),  # fmt: skip
        ),
        IncomingPlan(
            foreign_reference="GP-KG/2-19-102",
            country="KG",
            authority="General Prosecutor's Office of the Kyrgyz Republic",
            legal_basis=ref.treaty_code("KG"),
            measures=["identify_trace_assets"],
            crime_category="organised_crime",
            unit="arc-almaty",
            registrar="investigator3",
            received_on=datetime.date(2026, 1, 12),
            foreign_dated_on=datetime.date(2026, 1, 5),
            summary="Tracing of assets in Almaty of a criminal group controlling fuel trade in Bishkek.",
            events=_steps(
                datetime.date(2026, 1, 12),
                _to_execution("investigator3")
                + [("withdrawn", 33, {"note": "Withdrawn: the suspects were extradited to Kyrgyzstan."})],
            ),
        ),
    ]
    return plans


def execute_incoming(plan: IncomingPlan, units: dict, users: dict) -> bool:
    """Record one planned incoming request and its steps through the services; False if it exists."""
    from cases.models import Subject
    from cases.services import subject_create
    from incoming.models import IncomingRequest
    from incoming.services import incoming_assign, incoming_receive, incoming_transition
    from recovery.models import AssistanceMeasure, CrimeCategory, LegalInstrument

    if IncomingRequest.objects.filter(
        requesting_country=plan.country, foreign_reference=plan.foreign_reference
    ).exists():
        return False
    registrar = users[plan.registrar]
    subjects = []
    for register_number, name, value in plan.known_subjects:
        subject = (
            Subject.objects.filter(case_roles__case__register_number=register_number, **{name: value})
            .order_by("pk")
            .first()
        )
        if subject is not None:
            subjects.append(subject)
    for sp in plan.subjects:
        subjects.append(
            subject_create(
                actor=registrar,
                kind=sp.kind,
                name_latin=sp.name_latin,
                name_cyrillic=sp.name_cyrillic,
                passport_number=sp.passport_number,
                nationality=sp.nationality,
                birth_date=sp.birth_date,
                notes=sp.notes,
            )
        )
    incoming = incoming_receive(
        actor=registrar,
        unit=units[plan.unit],
        requesting_country=plan.country,
        requesting_authority=plan.authority,
        legal_basis=LegalInstrument.objects.get(code=plan.legal_basis),
        crime_category=CrimeCategory.objects.get(code=plan.crime_category),
        measures=list(AssistanceMeasure.objects.filter(code__in=plan.measures)),
        received_on=plan.received_on,
        foreign_reference=plan.foreign_reference,
        foreign_dated_on=plan.foreign_dated_on,
        channel=plan.channel,
        urgency=plan.urgency,
        summary=plan.summary,
        subjects=subjects,
        requested_due=plan.requested_due,
    )
    for status, day, extra in plan.events:
        if status == "assigned":
            # The head of department names the executor, as only a supervisor of the unit may.
            incoming = incoming_assign(
                incoming=incoming, actor=users["supervisor"], executor=users[extra["executor"]], effective_on=day
            )
            continue
        # Registered by whoever received it; executed and answered by its executor once named.
        actor = incoming.executor or registrar
        incoming = incoming_transition(incoming=incoming, to_status=status, actor=actor, effective_on=day, **extra)
    return True


def ensure_incoming_requests(cases: list[CasePlan], units: dict, users: dict) -> int:
    """Record the planned incoming requests not recorded yet, one transaction each; how many were added."""
    added = 0
    for plan in incoming_plan(cases):
        with transaction.atomic():
            added += execute_incoming(plan, units, users)
    return added


def build_plan(scale: float = DEFAULT_SCALE) -> list[CasePlan]:
    if scale <= 0:
        raise ValueError("The scale must be positive.")
    return Planner(scale).plan()


# --- Execution ----------------------------------------------------------------------------------------


def ensure_reference_data(stdout=None) -> bool:
    """Load the reference data unless it is already there; True when it was loaded."""
    from recovery.models import LegalInstrument

    expected = {i["code"] for i in ref.legal_instruments()}
    present = set(LegalInstrument.objects.filter(code__in=expected).values_list("code", flat=True))
    if present == expected:
        return False
    call_command("load_reference_data", stdout=stdout)
    return True


# Demo contacts, so the country pages and the letters' addressee block show something: fictitious
# people at example.org addresses, each marked "demo" in its note. Never real contact data.
DEMO_CONTACT_NOTE = "Demo contact: fictitious, not the authority's real details."
DEMO_CONTACTS = [
    {
        "country": "CH",
        "kind": "central_authority",
        "name": "Federal Office of Justice (FOJ), International Legal Assistance Division",
        "address": "Demo address line 1\n3003 Demo city, Switzerland",
        "email": "mla.ch@demo.example.org",
        "phone": "+41 00 000 00 00",
        "contact_person": "Demo Contact (CH)",
    },
    {
        "country": "CH",
        "kind": "fiu",
        "name": "Financial intelligence unit of Switzerland (demo)",
        "email": "fiu.ch@demo.example.org",
    },
    {
        "country": "RU",
        "kind": "central_authority",
        "name": "Prosecutor General's Office (pre-trial stage)",
        "address": "Demo address line 1\nDemo city, Russian Federation",
        "email": "mla.ru@demo.example.org",
        "contact_person": "Demo Contact (RU)",
    },
    {
        "country": "TR",
        "kind": "contact_point",
        "name": "Asset recovery network contact point (demo)",
        "email": "network.tr@demo.example.org",
    },
]


def ensure_demo_contacts() -> int:
    """The demo contacts of the states that have a profile; returns how many were created."""
    from recovery.models import CountryAuthority, CountryProfile

    created = 0
    for order, row in enumerate(DEMO_CONTACTS, start=1):
        profile = CountryProfile.objects.filter(country=row["country"]).first()
        if profile is None:
            continue
        values = {k: v for k, v in row.items() if k not in ("country", "kind", "name")}
        _contact, made = CountryAuthority.objects.get_or_create(
            profile=profile,
            kind=row["kind"],
            name=row["name"],
            defaults={**values, "notes": DEMO_CONTACT_NOTE, "order": order},
        )
        created += made
    return created


def demo_logins() -> list[str]:
    """One line per demo account present in the database (username, roles, unit): what `make run`
    prints at every start, seeded on this run or an earlier one."""
    from recovery.models import User

    present = set(User.objects.filter(username__in=[u.username for u in USERS]).values_list("username", flat=True))
    lines = []
    for user in USERS:
        if user.username in present:
            roles = "superuser" if user.superuser else ", ".join(user.roles)
            unit = f", unit {user.unit}" if user.unit else ""
            lines.append(f"  {user.username:<15} {roles}{unit}")
    return lines


@transaction.atomic
def ensure_units_and_users() -> dict:
    from recovery.models import Unit, User

    units = {}
    for code, parent, en, ru, kk in UNITS:
        unit, _created = Unit.objects.get_or_create(
            code=code, defaults={"parent": units.get(parent), "name_en": en, "name_ru": ru, "name_kk": kk}
        )
        units[code] = unit
    users = {}
    password_hash = None  # hashed once: the demo password is public, and hashing it 7 times takes seconds
    for spec in USERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            user = User(
                username=spec.username,
                first_name=spec.first_name,
                last_name=spec.last_name,
                email=f"{spec.username}@demo.example.org",
                unit=units.get(spec.unit),
                position=spec.position,
                is_staff=True,
                is_superuser=spec.superuser,
            )
            user.password = password_hash
            user.save()
            user.groups.set(Group.objects.filter(name__in=spec.roles))
        users[spec.username] = user
    return {"units": units, "users": users}


def attach_sending_documents(request, *, actor, day: datetime.date) -> None:
    """Put in the case file what the legal basis requires before sending (mla_requests/case_file.py):
    the signed letter, the translation the requested state needs, and for a confiscation the certified
    court decision, as small PDFs dated `day`."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents.models import Document
    from documents.services import document_add
    from mla_requests import case_file
    from recovery.models import CountryProfile

    for code, _message in case_file.documents_missing_before_sending(request):
        if code == case_file.COURT_DECISION:
            kind, language = Document.Kind.CERTIFIED_COURT_DECISION, Document.Language.EN
            title = f"Confiscation decision of the court (certified copy), request {request.reference}"
        elif code == case_file.SIGNED_LETTER:
            kind, language = Document.Kind.REQUEST_LETTER, case_file.letter_language(request)
            title = f"Request letter {request.reference} (signed)"
        else:
            profile = CountryProfile.objects.filter(country=request.country).first()
            accepted = case_file.accepted_codes(profile)
            kind, language = Document.Kind.TRANSLATION, accepted[0] if accepted else Document.Language.OTHER
            title = f"Translation of request {request.reference}"
        name = f"{request.reference}-{code}.pdf"
        document_add(
            actor=actor,
            case=request.case,
            kind=kind,
            title=title,
            language=language,
            dated_on=day,
            request=request,
            file=SimpleUploadedFile(name, _demo_pdf(title, [], day), content_type="application/pdf"),
        )


def _terms_relied_on(instrument, rp, measures: dict, categories: dict) -> dict:
    """The note citing the basis's catch-all clause when a planned measure is beyond its list, and
    the reason for a convention whose offence scope does not name the case's category (the demo's
    UNTOC requests concern corruption by groups, as the office's practice has it)."""
    from mla_requests.services import measures_outside_scope, offence_outside_scope

    extra = {}
    if instrument.any_other_assistance and measures_outside_scope(instrument, [measures[m] for m in rp.measures]):
        clause = instrument.any_other_assistance_citation or instrument.scope_citation
        extra["catch_all_note"] = f"{clause}: not prohibited by the requested state's law."
    if offence_outside_scope(instrument, categories[rp.crime_category]):
        extra["override_reason"] = "Committed by an organised criminal group operating across borders."
    return extra


def freeze_expiry_plan(register_number: str, ap: AssetPlan) -> dict | None:
    """The term of a freeze still in force at the end of the asset's plan: about a quarter each
    expire within days, have lapsed, were renewed once, or have no term recorded. Relative to the
    day the demo is loaded (not ANCHOR), so that the admin's "Freeze expiry" filter and the
    reminders have something to show whenever it is loaded. None: no term."""
    if not ap.events or ap.events[-1][0] != "frozen":
        return None
    frozen_on = ap.events[-1][1]
    today = max(timezone.localdate(), ANCHOR)
    pick = zlib.crc32(f"{register_number}:{ap.key}:freeze".encode())
    kind = pick % 4
    if kind == 0:  # expires within days
        expires_on = today + datetime.timedelta(days=3 + pick // 4 % 5)
        return {"expires_on": expires_on} if expires_on > frozen_on else None
    if kind == 1:  # lapsed: nobody recorded a renewal
        expires_on = today - datetime.timedelta(days=5 + pick // 4 % 20)
        return {"expires_on": expires_on} if expires_on > frozen_on else None
    if kind == 2:  # a six-month term, renewed once for a year on our new request
        first = frozen_on + datetime.timedelta(days=182)
        renewed_on = min(frozen_on + datetime.timedelta(days=170), ANCHOR)
        return {
            "expires_on": first,
            "renewal": {
                "renewed_on": renewed_on,
                "expires_on": max(first, today) + datetime.timedelta(days=120 + pick // 4 % 60),
                "note": "Extended by the requested state's court on our request.",
                "document_reference": f"Renewal order {pick % 10000:04d}",
            },
        }
    return None


def execute_case(plan: CasePlan, units: dict, users: dict) -> bool:
    """Create one planned case with everything in it, in one transaction; False if it already exists."""
    from assets.services import (
        agreement_record,
        asset_create,
        asset_release_part,
        asset_renew_freeze,
        asset_transition,
        claim_create,
        claim_decide,
        court_decision_create,
        retaining_instrument,
    )
    from cases.models import Case
    from cases.services import case_add_subject, case_create, case_transition, subject_create
    from mla_requests.services import request_answer_checklist, request_create, request_send, request_transition
    from recovery.models import AssistanceMeasure, CrimeCategory, LegalInstrument

    if Case.objects.filter(register_number=plan.register_number).exists():
        return False
    lead = users[plan.lead]
    categories = {c.code: c for c in CrimeCategory.objects.all()}
    measures = {m.code: m for m in AssistanceMeasure.objects.all()}
    instruments = {i.code: i for i in LegalInstrument.objects.filter(code__in={r.legal_basis for r in plan.requests})}
    # The head of department opens the case and names its lead and team: an investigator opens
    # cases only in their own unit, and the demo's leads work across the department's units.
    opener = users["supervisor"]
    with transaction.atomic(), audit_actor(lead):
        case = case_create(
            actor=opener,
            register_number=plan.register_number,
            title=plan.title,
            description=plan.description,
            unit=units[plan.unit],
            lead_investigator=lead,
            team=[users[u] for u in plan.team],
            primary_crime_category=categories[plan.primary_category],
            other_crime_categories=[categories[c] for c in plan.other_categories],
            opened_on=plan.opened_on,
            estimated_damage=(plan.estimated_damage, "KZT") if plan.estimated_damage is not None else None,
            criminal_code_articles=plan.criminal_code_articles,
        )
        subjects = {}
        for sp in plan.subjects:
            subject = subject_create(
                actor=lead,
                kind=sp.kind,
                name_latin=sp.name_latin,
                name_cyrillic=sp.name_cyrillic,
                iin_bin=sp.iin_bin,
                passport_number=sp.passport_number,
                foreign_registration_number=sp.foreign_registration_number,
                nationality=sp.nationality,
                birth_date=sp.birth_date,
                is_pep=sp.is_pep,
                notes=sp.notes,
            )
            case_add_subject(case=case, subject=subject, role=sp.role, actor=lead)
            subjects[sp.key] = subject
        assets = {}
        for ap in plan.assets:
            assets[ap.key] = asset_create(
                actor=lead,
                case=case,
                kind=ap.kind,
                description=ap.description,
                identifier=ap.identifier,
                location_country=ap.location_country,
                institution=ap.institution,
                holder=subjects.get(ap.holder) if ap.holder else None,
                holder_name=ap.holder_name or (str(subjects[ap.holder]) if ap.holder else ""),
                currency=ap.currency,
                estimated_value=ap.estimated_value,
                identified_on=ap.identified_on,
            )
        for rp in plan.requests:
            kwargs = {"channel": rp.channel} if rp.channel else {}
            kwargs.update(_terms_relied_on(instruments[rp.legal_basis], rp, measures, categories))
            request = request_create(
                actor=lead,
                case=case,
                country=rp.country,
                legal_basis=instruments[rp.legal_basis],
                crime_category=categories[rp.crime_category],
                measures=[measures[m] for m in rp.measures],
                subjects=[subjects[s] for s in rp.subjects],
                assets=[assets[a] for a in rp.assets],
                summary=rp.summary,
                urgency=rp.urgency,
                drafted_on=rp.drafted_on,
                **kwargs,
            )
            # The plan answers the items of the basis; the request has those its measures call for. A
            # request planned complete (no override) provides every mandatory item that applies.
            applicable = dict(request.checklist.values_list("requirement__code", "requirement__mandatory"))
            answers = {code: answer for code, answer in rp.checklist.items() if code in applicable}
            if not rp.override_reason:
                for code, mandatory in applicable.items():
                    if mandatory and code not in answers:
                        answers[code] = (True, "Provided in the request and its annexes.")
            if answers:
                request_answer_checklist(request=request, actor=lead, answers=answers)
            for status, day, extra in rp.events:
                if status == "sent":
                    attach_sending_documents(request, actor=lead, day=day)
                    request = request_send(
                        request=request,
                        actor=lead,
                        sent_on=day,
                        override_reason=rp.override_reason,
                        document_reference=extra.get("document_reference", ""),
                    )
                else:
                    request = request_transition(
                        request=request, to_status=status, actor=lead, effective_on=day, **extra
                    )
        for ap in plan.assets:
            asset = assets[ap.key]
            for decision in ap.court_decisions:
                court_decision_create(actor=lead, asset=asset, **decision)
            expiry = freeze_expiry_plan(plan.register_number, ap)
            for status, day, amount, note in ap.events:
                if status == "returned" and retaining_instrument(asset):
                    # The requested state keeps confiscated proceeds unless agreed otherwise: it
                    # agreed to return them, or (about half of these assets) to share them.
                    sharing = zlib.crc32(f"{plan.register_number}:{ap.key}".encode()) % 2 == 0
                    if sharing:
                        status, note = "shared", "Our half received under the sharing agreement."
                    if not asset.agreements.exists():
                        agreement_record(
                            actor=lead,
                            asset=asset,
                            kind="sharing" if sharing else "return",
                            concluded_on=day,
                            home_share_percent="50" if sharing else "100",
                            note="Exchange of notes on the confiscated proceeds.",
                        )
                extra = {"freeze_expires_on": expiry["expires_on"]} if status == "frozen" and expiry else {}
                asset = asset_transition(
                    asset=asset, to_status=status, actor=lead, effective_on=day, amount=amount, note=note, **extra
                )
            asset = _later_steps(plan, ap, asset, lead, asset_release_part)
            if expiry and expiry.get("renewal"):
                asset = asset_renew_freeze(asset=asset, actor=lead, **expiry["renewal"])
            for claim_spec in ap.claims:
                spec = dict(claim_spec)
                decision = spec.pop("decision")
                claim = claim_create(actor=lead, asset=asset, **spec)
                if decision:
                    status, decided_on, bona_fide = decision
                    claim_decide(actor=lead, claim=claim, status=status, decided_on=decided_on, bona_fide=bona_fide)
        for status, day, note in plan.events:
            case = case_transition(case=case, to_status=status, actor=lead, effective_on=day, note=note)
    return True


def seed_demo_data(*, scale: float = DEFAULT_SCALE, stdout=None) -> dict:
    """Create the demo data (reference data first if missing). Returns counts of what was created."""
    plan = build_plan(scale)
    loaded = ensure_reference_data(stdout=stdout)
    contacts = ensure_demo_contacts()
    people = ensure_units_and_users()
    created = skipped = 0
    # One transaction per batch of cases: a failure leaves whole cases out (a rerun adds them), and
    # SQLite does not wait for the disk after every case.
    for start in range(0, len(plan), BATCH_SIZE):
        with transaction.atomic():
            for case_plan in plan[start : start + BATCH_SIZE]:
                if execute_case(case_plan, people["units"], people["users"]):
                    created += 1
                else:
                    skipped += 1
    documents = ensure_swiss_documents(people["users"])
    rates = ensure_exchange_rates(stdout=stdout)
    incoming = ensure_incoming_requests(plan, people["units"], people["users"])
    return {
        "reference_loaded": loaded,
        "demo_contacts_created": contacts,
        "cases_created": created,
        "cases_skipped": skipped,
        "documents_created": documents,
        "incoming_created": incoming,
        "rates_created": rates,
        "requests_planned": sum(len(c.requests) for c in plan),
        "assets_planned": sum(len(c.assets) for c in plan),
    }
