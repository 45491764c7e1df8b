"""The volume generator behind `manage.py generate_volume`: a decade-scale office in minutes.

Why it bypasses the services: request_send, asset_transition and friends take a row lock, write
one timeline row and an audit entry per call; a million requests through them would take hours.
The generator writes the same rows the services would have written (a creation row then one
timeline row per transition, dates increasing, fields set exactly as each transition sets them:
sent_on and response_due on sending, acknowledged_on, answered_on, closed_on, refusal grounds,
frozen/confiscated/returned amounts), straight into the tables with PostgreSQL COPY, in batches
that each commit (so deferred foreign-key checks stay small). Every database constraint still
applies: COPY runs the CHECK constraints and the foreign-key triggers like any INSERT. On another
database (SQLite in the test suite) the same rows go in with executemany.

Deterministic: the same seed, the same starting ids and the same day give the same rows. Dates
are anchored on today so that pending requests have realistic deadlines, and `due_share` of all
requests (1% by default) have a reminder coming today: what the reminder scan finds.

The reminder schedule (one ReminderSchedule row per pending request) is written as the daily scans
up to yesterday would have left it: each row at its next firing day after yesterday, so the
requests with a stage today are due today; the requests whose deadline has passed (the due
share, whose reminders the volume holds no deliveries for) are due today too.
`write_reminder_schedules` rewrites it for a volume generated before the table existed
(`manage.py generate_volume --schedules-only`).
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import random
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command, get_commands
from django.db import connection, transaction
from django.utils import timezone

from assets.models import Asset, AssetStatusChange
from cases.models import Case, CaseStatusChange
from incoming.models import IncomingRequest, IncomingRequestStatusChange
from mla_requests.models import ChecklistAnswer, ReminderSchedule, Request, RequestStatusChange
from recovery.models import (
    AssistanceMeasure,
    CountryProfile,
    CrimeCategory,
    LegalInstrument,
    ReferenceSequence,
    Unit,
    User,
)

# The seed's figure 2: the states Kazakhstan most often sent MLA requests to, in that order.
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
# A tail of other states, each below the last of figure 2 (illustrative, not from the seed).
TAIL = [
    ("KG", 45),
    ("BY", 38),
    ("TJ", 32),
    ("AZ", 27),
    ("GE", 23),
    ("CH", 20),
    ("CY", 17),
    ("NL", 15),
    ("LV", 13),
    ("KR", 11),
    ("IN", 10),
    ("FR", 9),
    ("IT", 8),
    ("AT", 7),
    ("LT", 6),
    ("AM", 5),
    ("MN", 5),
    ("IL", 4),
    ("SG", 4),
    ("PL", 3),
]
COUNTRY_WEIGHTS = FIGURE_2 + TAIL

RS = Request.Status
# Share of requests by status. Pending (sent, acknowledged, partially executed) is 17%.
REQUEST_STATUS_WEIGHTS = [
    (RS.DRAFT, 2),
    (RS.SENT, 5),
    (RS.ACKNOWLEDGED, 8),
    (RS.INFO_REQUESTED, 2),
    (RS.PARTIALLY_EXECUTED, 4),
    (RS.EXECUTED, 58),
    (RS.REFUSED, 13),
    (RS.WITHDRAWN, 8),
]
CS = Case.Status
CASE_STATUS_WEIGHTS = [(CS.OPEN, 45), (CS.SUSPENDED, 10), (CS.IN_COURT, 15), (CS.CLOSED, 30)]
AS = Asset.Status
ASSET_STATUS_WEIGHTS = [
    (AS.IDENTIFIED, 40),
    (AS.FROZEN, 25),
    (AS.CONFISCATED, 12),
    (AS.RETURNED, 8),
    (AS.RELEASED, 10),
    (AS.RETAINED_ABROAD, 5),
]
CURRENCY_BY_COUNTRY = {"RU": "RUB", "TR": "TRY", "CN": "CNY", "AE": "AED", "GB": "GBP", "CH": "CHF", "UA": "UAH"}
EURO = {"DE", "CY", "NL", "LV", "FR", "IT", "AT", "LT"}
REFUSAL_GROUNDS = [
    "Dual criminality not established.",
    "The request lacks the link between the property and the offence.",
    "Essential interests of the requested state.",
    "Proceedings for the same acts are pending in the requested state.",
]
# Incoming requests: about a fifth as many as outgoing ones, mostly from the neighbours and the CIS
# (illustrative proportions, not from the seed); every state here is one of COUNTRY_WEIGHTS.
INCOMING_SHARE = 0.2
INCOMING_COUNTRY_WEIGHTS = [
    ("RU", 40),
    ("UZ", 14),
    ("KG", 12),
    ("CN", 8),
    ("TR", 6),
    ("BY", 5),
    ("UA", 5),
    ("TJ", 4),
    ("AZ", 3),
    ("GE", 3),
    ("DE", 3),
    ("US", 2),
    ("GB", 2),
    ("AE", 2),
    ("KR", 1),
    ("LV", 1),
    ("IN", 1),
]
IS = IncomingRequest.Status
# Open (received, registered, assigned, in execution) is 21%; waiting (postponed, information asked) 5%.
INCOMING_STATUS_WEIGHTS = [
    (IS.RECEIVED, 3),
    (IS.REGISTERED, 4),
    (IS.ASSIGNED, 4),
    (IS.IN_EXECUTION, 10),
    (IS.POSTPONED, 2),
    (IS.INFO_REQUESTED, 3),
    (IS.EXECUTED, 50),
    (IS.PARTIALLY_EXECUTED, 5),
    (IS.REFUSED, 9),
    (IS.RETURNED, 5),
    (IS.WITHDRAWN, 5),
]
RG = IncomingRequest.RefusalGround
INCOMING_REFUSAL_WEIGHTS = [
    (RG.DUAL_CRIMINALITY, 30),
    (RG.INSUFFICIENT_INFORMATION, 30),
    (RG.ESSENTIAL_INTERESTS, 10),
    (RG.NE_BIS_IN_IDEM, 10),
    (RG.POLITICAL_OR_MILITARY, 5),
    (RG.OTHER, 15),
]
INCOMING_AUTHORITIES = {
    "RU": "Prosecutor General's Office of the Russian Federation",
    "UZ": "General Prosecutor's Office of the Republic of Uzbekistan",
    "KG": "General Prosecutor's Office of the Kyrgyz Republic",
    "CN": "Ministry of Justice of the People's Republic of China",
    "TR": "Ministry of Justice of the Republic of Turkey",
    "BY": "Prosecutor General's Office of the Republic of Belarus",
    "UA": "Office of the Prosecutor General of Ukraine",
    "US": "U.S. Department of Justice, Office of International Affairs",
    "GB": "UK Central Authority, Home Office",
}
INCOMING_NOTES = {
    IS.POSTPONED: "Postponed: execution would prejudice a domestic investigation.",
    IS.INFO_REQUESTED: "Asked the requesting state for the facts linking the persons to the offence.",
    IS.RETURNED: "Returned: not addressed to the competent authority.",
}
# Minimal reference data, used only when load_reference_data is not available on this branch.
MIN_CRIME_CATEGORIES = [
    ("corruption", "Corruption"),
    ("money_laundering", "Money laundering"),
    ("embezzlement", "Embezzlement"),
    ("fraud", "Fraud"),
    ("tax_evasion", "Tax evasion"),
    ("organised_crime", "Organised crime"),
    ("drug_trafficking", "Drug trafficking"),
]
MIN_MEASURES = [
    ("testimony", "Taking testimony", False),
    ("documents", "Providing documents and records", False),
    ("search_seizure", "Searches and seizures", False),
    ("locate_persons", "Locating persons", False),
    ("identify_assets", "Identifying and tracing assets", True),
    ("freeze_assets", "Freezing or seizing assets", True),
    ("confiscate_assets", "Confiscating assets", True),
]

BATCH = 20_000  # records per committed batch


def _allocate(total: int, weights: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Split `total` in proportion to the weights (largest remainder), so the order holds at any scale."""
    wsum = sum(w for _, w in weights)
    exact = [(key, total * w / wsum) for key, w in weights]
    counts = {key: int(x) for key, x in exact}
    rest = total - sum(counts.values())
    for key, _x in sorted(exact, key=lambda kx: kx[1] - int(kx[1]), reverse=True)[:rest]:
        counts[key] += 1
    return [(key, counts[key]) for key, _ in weights]


def _deal(rng: random.Random, total: int, weights: list[tuple[str, int]]) -> list[str]:
    """`total` keys in exact proportions, shuffled deterministically."""
    keys = [key for key, n in _allocate(total, weights) for _ in range(n)]
    rng.shuffle(keys)
    return keys


class _Picker:
    """Weighted choice with one random() call (random.choices is slower per call)."""

    def __init__(self, rng: random.Random, items: list, weights: list[float]):
        self.items = items
        self.cum = list(itertools.accumulate(weights))
        self.total = self.cum[-1]
        self.rng = rng

    def __call__(self):
        return self.items[bisect.bisect_right(self.cum, self.rng.random() * self.total)]


@dataclass
class VolumeReport:
    cases: int = 0
    requests: int = 0
    assets: int = 0
    case_timeline: int = 0
    request_timeline: int = 0
    asset_timeline: int = 0
    incoming: int = 0
    incoming_timeline: int = 0
    measures: int = 0
    incoming_measures: int = 0
    checklist: int = 0
    schedules: int = 0
    seconds: dict = field(default_factory=dict)

    @property
    def timeline(self) -> int:
        return self.case_timeline + self.request_timeline + self.asset_timeline + self.incoming_timeline


class _Progress:
    """Plain progress lines on stderr: what, how many, elapsed, estimate to finish."""

    def __init__(self, label: str, total: int, stream=None, quiet: bool = False):
        self.label, self.total, self.stream, self.quiet = label, total, stream or sys.stderr, quiet
        self.start = time.monotonic()
        self.last = 0.0

    def update(self, done: int, final: bool = False):
        if self.quiet:
            return
        now = time.monotonic()
        if not final and now - self.last < 2:
            return
        self.last = now
        elapsed = now - self.start
        eta = elapsed / done * (self.total - done) if done else 0
        pct = 100 * done / self.total if self.total else 100
        bar = "#" * int(pct / 5)
        self.stream.write(
            f"{self.label:>9} [{bar:<20}] {done:>9,}/{self.total:,} {pct:5.1f}%  {elapsed:6.1f}s  eta {eta:5.0f}s\n"
        )
        self.stream.flush()


class _Writer:
    """COPY on PostgreSQL, executemany elsewhere; the caller commits per batch."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"

    def write(self, table: str, columns: list[str], rows: Iterable[tuple]) -> int:
        n = 0
        with connection.cursor() as cursor:
            if self.postgres:
                sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
                        n += 1
            else:
                rows = list(rows)
                n = len(rows)
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
        return n


TIMELINE_COLUMNS = [
    "from_status",
    "to_status",
    "effective_on",
    "recorded_at",
    "actor_id",
    "actor_name",
    "note",
    "document_reference",
    "amount",
    "amount_currency",
    "override_reason",
]


class _IncomingPath:
    """The timeline of one generated incoming request, move by move: (from, to, day, actor, note),
    each day no earlier than the one before and none after today; the executor acts once named."""

    def __init__(self, today: int, received: int, registrar):
        self.today, self.registrar, self.executor = today, registrar, None
        self.steps = [("", IncomingRequest.Status.RECEIVED, received, registrar, "Request received")]

    def move(self, to_status: str, gap: int, actor=None, note: str = ""):
        day = min(self.today, self.steps[-1][2] + gap)
        self.steps.append((self.steps[-1][1], to_status, day, actor or self.executor or self.registrar, note))

    def assign(self, gap: int, supervisor, executor):
        self.move(IncomingRequest.Status.ASSIGNED, gap, supervisor, f"Assigned to {executor}")
        self.executor = executor


class VolumeGenerator:
    """Fills the database with cases, requests, assets and their timelines (see the module docstring)."""

    def __init__(
        self,
        *,
        cases: int,
        requests: int,
        assets: int,
        incoming: int | None = None,
        seed: int = 20250118,
        due_share: float = 0.01,
        today: datetime.date | None = None,
        quiet: bool = False,
        stream=None,
    ):
        self.n_cases, self.n_requests, self.n_assets = cases, requests, assets
        # Incoming requests need no case: by default a fifth of the outgoing ones.
        self.n_incoming = round(requests * INCOMING_SHARE) if incoming is None else incoming
        self.rng = random.Random(seed)
        self.due_share = due_share
        self.today = today or timezone.localdate()
        self.quiet, self.stream = quiet, stream or sys.stderr
        self.writer = _Writer()
        self.report = VolumeReport()
        self._dates: dict[int, str] = {}

    # --- small helpers ----------------------------------------------------------------------
    def _d(self, ordinal: int) -> str:
        s = self._dates.get(ordinal)
        if s is None:
            s = self._dates[ordinal] = datetime.date.fromordinal(ordinal).isoformat()
        return s

    def _ts(self, ordinal: int, minute: int) -> str:
        # 03:00-10:59 UTC is office hours in Almaty.
        return f"{self._d(ordinal)} {3 + minute // 60:02d}:{minute % 60:02d}:00+00:00"

    def _log(self, message: str):
        if not self.quiet:
            self.stream.write(message + "\n")
            self.stream.flush()

    # --- reference data, units and users -----------------------------------------------------
    def ensure_reference_data(self):
        """Use the loaded reference data; load it (or a minimal set) when there is none."""
        if not LegalInstrument.objects.exists() and "load_reference_data" in get_commands():
            call_command("load_reference_data", verbosity=0)
        if not CrimeCategory.objects.exists():
            for order, (code, name) in enumerate(MIN_CRIME_CATEGORIES):
                CrimeCategory.objects.get_or_create(code=code, defaults={"name_en": name, "order": order})
        if AssistanceMeasure.objects.count() < 2:
            for order, (code, name, concerns) in enumerate(MIN_MEASURES):
                AssistanceMeasure.objects.get_or_create(
                    code=code, defaults={"name_en": name, "order": order, "concerns_assets": concerns}
                )
        for code, _w in COUNTRY_WEIGHTS:
            CountryProfile.objects.get_or_create(country=code)
        if not LegalInstrument.objects.filter(open_to_all_states=True).exists():
            measures = list(AssistanceMeasure.objects.all())
            uncac, _ = LegalInstrument.objects.get_or_create(
                code="uncac",
                defaults={
                    "name_en": "United Nations Convention against Corruption",
                    "kind": LegalInstrument.Kind.MULTILATERAL_CONVENTION,
                    "short_name": "UNCAC",
                    "open_to_all_states": True,
                    "any_other_assistance": True,
                },
            )
            uncac.measures.set(measures)
            carin, _ = LegalInstrument.objects.get_or_create(
                code="carin",
                defaults={
                    "name_en": "CARIN network",
                    "kind": LegalInstrument.Kind.INFORMAL_NETWORK,
                    "short_name": "CARIN",
                    "open_to_all_states": True,
                    "expected_response_days": 30,
                },
            )
            carin.measures.set([m for m in measures if m.concerns_assets] or measures)
            uk, created = LegalInstrument.objects.get_or_create(
                code="kz-gb-mla",
                defaults={
                    "name_en": "Kazakhstan - United Kingdom MLA treaty",
                    "kind": LegalInstrument.Kind.BILATERAL_TREATY,
                    "short_name": "KZ-UK MLA",
                    "expected_response_days": 120,
                },
            )
            if created:
                uk.measures.set(measures)
                uk.counterpart_countries.set(CountryProfile.objects.filter(country="GB"))
                for order, (code, name, mandatory) in enumerate(
                    [
                        ("property_details", "Details of the property", True),
                        ("property_location", "Its location and relation to the request", True),
                        ("link_to_crime", "Its link to the crime", True),
                        ("court_decision_copy", "Certified copy of the restraint or confiscation decision", False),
                    ]
                ):
                    uk.requirements.get_or_create(
                        code=code, defaults={"name_en": name, "mandatory": mandatory, "order": order}
                    )

    def ensure_people(self):
        """Four units (a head office and three regional offices), investigators, supervisors, an admin."""
        from django.contrib.auth.models import Group

        hq, _ = Unit.objects.get_or_create(code="vol-hq", defaults={"name_en": "Asset Recovery Committee (volume)"})
        units = [hq]
        for code, name in [
            ("vol-almaty", "Almaty office"),
            ("vol-astana", "Astana office"),
            ("vol-shymkent", "Shymkent office"),
        ]:
            unit, _ = Unit.objects.get_or_create(code=code, defaults={"name_en": name, "parent": hq})
            units.append(unit)
        password = make_password(None)  # unusable; bench-admin gets a real one from bin/bench
        investigators = Group.objects.filter(name="Investigator").first()
        supervisors = Group.objects.filter(name="Supervisor").first()
        self.investigators: dict[int, list[User]] = {}
        self.supervisors: dict[int, User] = {}
        for unit in units:
            people = []
            for n in range(1, 6):
                user, created = User.objects.get_or_create(
                    username=f"{unit.code}-inv{n}",
                    defaults={
                        "unit": unit,
                        "first_name": f"Investigator {n}",
                        "last_name": unit.name_en,
                        "password": password,
                        "is_staff": True,
                    },
                )
                if created and investigators:
                    user.groups.add(investigators)
                people.append(user)
            self.investigators[unit.pk] = people
            sup, created = User.objects.get_or_create(
                username=f"{unit.code}-supervisor",
                defaults={
                    "unit": unit,
                    "first_name": "Supervisor",
                    "last_name": unit.name_en,
                    "password": password,
                    "is_staff": True,
                },
            )
            if created and supervisors:
                sup.groups.add(supervisors)
            self.supervisors[unit.pk] = sup
        self.units = units

    def _load_reference(self):
        self.categories = list(CrimeCategory.objects.values_list("pk", flat=True))
        all_measures = list(AssistanceMeasure.objects.values_list("pk", flat=True))
        instruments = list(
            LegalInstrument.objects.prefetch_related("measures", "counterpart_countries", "requirements")
        )
        profile_days = dict(CountryProfile.objects.values_list("country", "expected_response_days"))
        default_days = settings.DEFAULT_RESPONSE_DAYS
        self.by_country = {}
        for code, _w in COUNTRY_WEIGHTS:
            options = []
            for inst in instruments:
                countries = {str(p.country) for p in inst.counterpart_countries.all()}
                if not (inst.open_to_all_states or code in countries):
                    continue
                scope = [m.pk for m in inst.measures.all()] or (all_measures if inst.any_other_assistance else [])
                if not scope:
                    continue
                days = inst.expected_response_days or profile_days.get(code) or default_days
                informal = inst.kind == LegalInstrument.Kind.INFORMAL_NETWORK
                # A bilateral treaty with the state is the usual basis where one exists.
                weight = 6 if inst.kind == LegalInstrument.Kind.BILATERAL_TREATY else (2 if informal else 3)
                options.append(
                    (weight, (inst.pk, scope, [r.pk for r in inst.requirements.all()], days, informal, inst.code))
                )
            if not options:
                raise RuntimeError(f"No legal instrument applies to {code} with measures in scope.")
            self.by_country[code] = _Picker(self.rng, [o[1] for o in options], [o[0] for o in options])

    # --- the run ----------------------------------------------------------------------------
    def run(self) -> VolumeReport:
        started = time.monotonic()
        with transaction.atomic():
            self.ensure_reference_data()
            self.ensure_people()
        self._load_reference()
        self.skip_fk_triggers = self._can_skip_fk_triggers()
        self.case_ids, self.case_opened, self.case_unit = [], [], []
        dropped = self._drop_secondary_indexes()
        try:
            for label, step, n in [
                ("cases", self._cases, self.n_cases),
                ("requests", self._requests, self.n_requests),
                ("assets", self._assets, self.n_assets),
                ("incoming", self._incoming, self.n_incoming),
            ]:
                if not n:
                    continue  # e.g. only the incoming requests, for a volume loaded before they existed
                t0 = time.monotonic()
                step()
                self.report.seconds[label] = round(time.monotonic() - t0, 1)
        finally:
            t0 = time.monotonic()
            self._recreate_indexes(dropped)
            self.report.seconds["indexes"] = round(time.monotonic() - t0, 1)
        if self.n_requests:
            # Only new requests need schedule rows; rewriting those of a volume loaded on another day
            # (when only incoming requests are added) would move its reminders' days.
            t0 = time.monotonic()
            self.report.schedules = write_reminder_schedules(today=self.today)
            self.report.seconds["schedules"] = round(time.monotonic() - t0, 1)
        t0 = time.monotonic()
        self._finish()
        self.report.seconds["analyze"] = round(time.monotonic() - t0, 1)
        self.report.seconds["total"] = round(time.monotonic() - started, 1)
        return self.report

    @staticmethod
    def _next_id(model) -> int:
        from django.db.models import Max

        return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    def _batches(self, total: int, label: str, make_batch: Callable[[int, int], None]):
        progress = _Progress(label, total, self.stream, self.quiet)
        for start in range(0, total, BATCH):
            count = min(BATCH, total - start)
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    # A lost batch on a crash is re-generated, not lost data: no need to wait for the disk.
                    with connection.cursor() as cursor:
                        cursor.execute("SET LOCAL synchronous_commit = off")
                if self.skip_fk_triggers:
                    self._set_replica(True)
                make_batch(start, count)
                if self.skip_fk_triggers:
                    self._set_replica(False)
            progress.update(start + count, final=start + count == total)

    LOADED_TABLES = (
        "cases_case", "cases_casestatuschange", "requests_request", "requests_requeststatuschange",
        "requests_request_measures", "requests_checklistanswer", "assets_asset", "assets_assetstatuschange",
        "incoming_incomingrequest", "incoming_incomingrequeststatuschange", "incoming_incomingrequest_measures",
    )  # fmt: skip

    def _drop_secondary_indexes(self) -> list[tuple[str, str]]:
        """On PostgreSQL, when the load is larger than what the tables hold, drop their secondary
        indexes and build them again afterwards: one sorted build is several times faster than a
        million one-row insertions into each of a table's sixteen indexes. Indexes behind a
        constraint (primary keys, unique constraints) stay, so uniqueness is checked as rows arrive."""
        if connection.vendor != "postgresql":
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT t.relname, i.relname, pg_get_indexdef(i.oid), t.reltuples FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
                "WHERE t.relname = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)",
                [list(self.LOADED_TABLES)],
            )
            rows = cursor.fetchall()
            existing = max([r[3] for r in rows if r[0] == "requests_request"] or [0])
            if existing > self.n_requests:
                return []
            for _table, index, _definition, _tuples in rows:
                cursor.execute(f'DROP INDEX "{index}"')
        self._log(f"indexes: {len(rows)} secondary indexes dropped for the load, rebuilt after it")
        return [(index, definition) for _t, index, definition, _n in rows]

    def _recreate_indexes(self, dropped: list[tuple[str, str]]):
        if not dropped:
            return
        progress = _Progress("indexes", len(dropped), self.stream, self.quiet)
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for n, (_index, definition) in enumerate(dropped, 1):
                cursor.execute(definition)
                progress.update(n, final=n == len(dropped))
            cursor.execute("RESET maintenance_work_mem")

    @staticmethod
    def _set_replica(on: bool):
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL session_replication_role = {'replica' if on else 'origin'}")

    def _can_skip_fk_triggers(self) -> bool:
        """Deferred foreign-key triggers cost one locking look-up per row (and multixact churn on the
        few users and instruments every row points to): they triple the load time. A superuser
        skips them for the load with session_replication_role=replica; _check_foreign_keys then
        verifies every reference with one anti-join per foreign key. CHECK constraints and unique
        indexes are never skipped."""
        if connection.vendor != "postgresql":
            return False
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            row = cursor.fetchone()
        return bool(row and row[0])

    def _check_foreign_keys(self, models):
        """Every foreign key of the loaded tables points at an existing row (set-based check)."""
        broken = []
        with connection.cursor() as cursor:
            for model in models:
                for f in model._meta.concrete_fields:
                    if not f.is_relation:
                        continue
                    child, parent = model._meta.db_table, f.related_model._meta.db_table
                    target = f.target_field.column
                    cursor.execute(
                        f"SELECT count(*) FROM {child} c WHERE c.{f.column} IS NOT NULL AND NOT EXISTS "
                        f"(SELECT 1 FROM {parent} p WHERE p.{target} = c.{f.column})"
                    )
                    missing = cursor.fetchone()[0]
                    if missing:
                        broken.append(f"{child}.{f.column}: {missing} rows")
        if broken:
            raise RuntimeError("Foreign keys left dangling by the load: " + "; ".join(broken))

    def _timeline(self, table: str, subject_col: str, rows: list[tuple]) -> int:
        return self.writer.write(table, [subject_col, *TIMELINE_COLUMNS], rows)

    # --- cases ------------------------------------------------------------------------------
    def _cases(self):
        rng, today = self.rng, self.today.toordinal()
        first_id = self._next_id(Case)
        status_pick = _Picker(rng, [s for s, _ in CASE_STATUS_WEIGHTS], [w for _, w in CASE_STATUS_WEIGHTS])
        start_ord = datetime.date(2005, 1, 1).toordinal()
        # Every case is at least 450 days old, so the requests and assets dated after it fit before today.
        span = today - 450 - start_ord
        unit_pks = [u.pk for u in self.units]
        columns = [
            "id", "version", "created_at", "updated_at", "register_number", "title", "description",
            "criminal_code_articles", "estimated_damage_currency", "estimated_damage", "opened_on", "closed_on",
            "status", "lead_investigator_id", "primary_crime_category_id", "unit_id",
        ]  # fmt: skip
        currency = settings.DEFAULT_CURRENCY

        def batch(start, count):
            rows, timeline = [], []
            for i in range(start, start + count):
                pk = first_id + i
                unit = unit_pks[int(rng.random() * len(unit_pks))]
                lead = self.investigators[unit][int(rng.random() * 5)]
                opened = start_ord + int(rng.random() * span)
                status = status_pick()
                steps = [("", CS.OPEN, opened)]
                closed = None
                day = opened
                if status == CS.SUSPENDED:
                    day += 30 + int(rng.random() * 300)
                    steps.append((CS.OPEN, CS.SUSPENDED, day))
                elif status == CS.IN_COURT:
                    day += 60 + int(rng.random() * 360)
                    steps.append((CS.OPEN, CS.IN_COURT, day))
                elif status == CS.CLOSED:
                    day += 60 + int(rng.random() * 360)
                    steps.append((CS.OPEN, CS.IN_COURT, day))
                    day += 30 + int(rng.random() * 300)
                    day = min(day, today)
                    steps.append((CS.IN_COURT, CS.CLOSED, day))
                    closed = self._d(day)
                damage = f"{int(rng.random() * 5_000_000_000) / 100:.2f}"
                minute = int(rng.random() * 480)
                rows.append((
                    pk, len(steps), self._ts(opened, minute), self._ts(day, minute),
                    f"{datetime.date.fromordinal(opened).year % 100:02d}{unit % 10000:04d}{pk:09d}",
                    f"Criminal case {pk}: misappropriation and laundering of budget funds", "",
                    "Art. 189, 218 Criminal Code", currency, damage, self._d(opened), closed, status,
                    lead.pk, self.categories[int(rng.random() * len(self.categories))], unit,
                ))  # fmt: skip
                name = str(lead)
                for src, dst, d in steps:
                    timeline.append(
                        (pk, src, dst, self._d(d), self._ts(d, minute), lead.pk, name, "", "", None, None, "")
                    )
                self.case_ids.append(pk)
                self.case_opened.append(opened)
                self.case_unit.append(unit)
            self.report.cases += self.writer.write("cases_case", columns, rows)
            self.report.case_timeline += self._timeline("cases_casestatuschange", "case_id", timeline)

        self._batches(self.n_cases, "cases", batch)

    # --- requests ---------------------------------------------------------------------------
    def _requests(self):
        if not self.case_ids:
            raise RuntimeError("Requests need cases: give --cases > 0.")
        rng, today = self.rng, self.today.toordinal()
        first_id = self._next_id(Request)
        statuses = _deal(rng, self.n_requests, REQUEST_STATUS_WEIGHTS)
        countries = _deal(rng, self.n_requests, COUNTRY_WEIGHTS)
        # The due share: requests with a reminder coming today, as a daily scan finds them. They are
        # acknowledged (no acknowledgement chase pending), and their deadline is one the default
        # plan reminds of today: before-N, due, or overdue-N short of the escalation. The plan
        # delivers only the latest stage of each track, so each is one new reminder, as on any day
        # of a service whose scans ran every day (the volume holds no earlier delivery rows).
        due_pool = (RS.ACKNOWLEDGED, RS.PARTIALLY_EXECUTED)
        n_due_pool = sum(1 for s in statuses if s in due_pool)
        due_probability = min(1.0, self.due_share * self.n_requests / n_due_pool) if n_due_pool else 0
        every = settings.REMINDER_OVERDUE_EVERY_DAYS
        due_offsets = sorted(
            {*(int(d) for d in settings.REMINDER_DAYS_BEFORE), 0}
            | {-k for k in range(every, settings.REMINDER_ESCALATE_AFTER_DAYS, every)},
            reverse=True,
        )
        # References continue each year's sequence, as next_reference would.
        seq = dict(ReferenceSequence.objects.filter(prefix="MLA").values_list("year", "last_value"))
        self._ref_seq = seq
        columns = [
            "id", "version", "created_at", "updated_at", "reference", "foreign_reference", "country", "channel",
            "summary", "urgency", "sent_on", "acknowledged_on", "answered_on", "closed_on", "response_due",
            "response_due_set_manually", "status", "refusal_grounds", "case_id", "crime_category_id",
            "legal_basis_id", "responsible_investigator_id", "catch_all_note", "offence_scope_override",
        ]  # fmt: skip
        n_cases = len(self.case_ids)

        def batch(start, count):
            rows, timeline, measures, checklist = [], [], [], []
            for i in range(start, start + count):
                pk = first_id + i
                status, country = statuses[i], countries[i]
                c = int(rng.random() * n_cases)
                case_id, opened, unit = self.case_ids[c], self.case_opened[c], self.case_unit[c]
                person = self.investigators[unit][int(rng.random() * 5)]
                inst_pk, scope, requirements, days, informal, inst_code = self.by_country[country]()
                channel = (
                    ("fiu" if "egmont" in inst_code else "informal_network")
                    if informal
                    else ("central_authority" if rng.random() < 0.85 else "diplomatic")
                )
                sent = ack = answered = closed = due = None
                grounds = ""
                if status == RS.DRAFT:
                    created = today - int(rng.random() * 60)
                elif status in (RS.SENT, RS.ACKNOWLEDGED, RS.PARTIALLY_EXECUTED, RS.INFO_REQUESTED):
                    if status in due_pool and rng.random() < due_probability:
                        # A reminder of its plan comes today: the reminder scan's work.
                        offsets = [o for o in due_offsets if o < days] or [0]
                        due = today + offsets[int(rng.random() * len(offsets))]
                    else:
                        due = today + 1 + int(rng.random() * days)
                    sent = due - days
                    created = sent - int(rng.random() * 20)
                else:
                    created = opened + int(rng.random() * (today - 420 - opened))
                steps = [("", RS.DRAFT, created)]
                if status != RS.DRAFT and not (status == RS.WITHDRAWN and rng.random() < 0.5):
                    if sent is None:
                        sent = created + 1 + int(rng.random() * 30)
                        due = sent + days
                    steps.append((RS.DRAFT, RS.SENT, sent))
                    span = max(0, today - sent)
                    day = sent
                    if status in (RS.ACKNOWLEDGED, RS.INFO_REQUESTED, RS.PARTIALLY_EXECUTED, RS.EXECUTED):
                        ack = day = sent + min(span, 5 + int(rng.random() * 40))
                        steps.append((RS.SENT, RS.ACKNOWLEDGED, ack))
                        if status != RS.INFO_REQUESTED and rng.random() < 0.2:
                            # One round of "please send more information", then back to work.
                            asked = min(today, day + int(rng.random() * 10))
                            day = min(today, asked + int(rng.random() * 10))
                            steps += [
                                (RS.ACKNOWLEDGED, RS.INFO_REQUESTED, asked),
                                (RS.INFO_REQUESTED, RS.ACKNOWLEDGED, day),
                            ]
                    if status == RS.INFO_REQUESTED:
                        steps.append((RS.ACKNOWLEDGED, RS.INFO_REQUESTED, day + int(rng.random() * (today - day + 1))))
                    elif status == RS.PARTIALLY_EXECUTED:
                        answered = day + int(rng.random() * (today - day + 1))
                        steps.append((RS.ACKNOWLEDGED, RS.PARTIALLY_EXECUTED, answered))
                    elif status == RS.EXECUTED:
                        answered = closed = day + 20 + int(rng.random() * 250)
                        if rng.random() < 0.3:
                            # Executed in two instalments: a partial answer first.
                            steps.append((RS.ACKNOWLEDGED, RS.PARTIALLY_EXECUTED, answered))
                            closed = answered + int(rng.random() * 50)
                            steps.append((RS.PARTIALLY_EXECUTED, RS.EXECUTED, closed))
                        else:
                            steps.append((RS.ACKNOWLEDGED, RS.EXECUTED, answered))
                    elif status == RS.REFUSED:
                        answered = sent + 20 + int(rng.random() * 200)
                        ack = answered  # an answer implies receipt
                        steps.append((RS.SENT, RS.REFUSED, answered))
                        closed = answered
                        grounds = REFUSAL_GROUNDS[int(rng.random() * len(REFUSAL_GROUNDS))]
                    elif status == RS.WITHDRAWN:
                        closed = sent + int(rng.random() * min(span + 1, 200))
                        steps.append((RS.SENT, RS.WITHDRAWN, closed))
                elif status == RS.WITHDRAWN:
                    closed = created + int(rng.random() * 30)
                    steps.append((RS.DRAFT, RS.WITHDRAWN, closed))
                year = datetime.date.fromordinal(created).year
                number = seq.get(year, 0) + 1
                seq[year] = number
                minute = int(rng.random() * 480)
                last = steps[-1][2]
                rows.append((
                    pk, len(steps), self._ts(created, minute), self._ts(last, minute), f"MLA-{year}-{number:06d}",
                    f"{country}/{pk}" if ack else "", country, channel, "",
                    "urgent" if rng.random() < 0.1 else "normal",
                    sent and self._d(sent), ack and self._d(ack), answered and self._d(answered),
                    closed and self._d(closed), due and self._d(due), False, status, grounds, case_id,
                    self.categories[int(rng.random() * len(self.categories))], inst_pk, person.pk, "", "",
                ))  # fmt: skip
                name = str(person)
                for src, dst, d in steps:
                    timeline.append(
                        (pk, src, dst, self._d(d), self._ts(d, minute), person.pk, name, "", "", None, None, "")
                    )
                k = len(scope)
                first = int(rng.random() * k)
                measures.append((pk, scope[first]))
                if k > 1 and rng.random() < 0.5:
                    measures.append((pk, scope[(first + 1 + int(rng.random() * (k - 1))) % k]))
                if requirements:
                    # A sent request has its checklist answered (request_send refuses otherwise).
                    provided = sent is not None
                    ts = self._ts(sent or created, minute)
                    for req_pk in requirements:
                        checklist.append((pk, req_pk, provided, "", ts))
            w = self.writer
            self.report.requests += w.write("requests_request", columns, rows)
            self.report.request_timeline += self._timeline("requests_requeststatuschange", "request_id", timeline)
            self.report.measures += w.write(
                "requests_request_measures", ["request_id", "assistancemeasure_id"], measures
            )
            self.report.checklist += w.write(
                "requests_checklistanswer", ["request_id", "requirement_id", "satisfied", "note", "answered_at"],
                checklist,
            )  # fmt: skip

        self._batches(self.n_requests, "requests", batch)

    # --- assets -----------------------------------------------------------------------------
    def _assets(self):
        if not self.case_ids:
            raise RuntimeError("Assets need cases: give --cases > 0.")
        rng, today = self.rng, self.today.toordinal()
        first_id = self._next_id(Asset)
        statuses = _deal(rng, self.n_assets, ASSET_STATUS_WEIGHTS)
        country_pick = _Picker(rng, [c for c, _ in COUNTRY_WEIGHTS], [w for _, w in COUNTRY_WEIGHTS])
        kinds = list(Asset.Kind.values)
        kind_labels = {k: str(label) for k, label in Asset.Kind.choices}
        columns = [
            "id", "version", "created_at", "updated_at", "kind", "description", "identifier", "location_country",
            "institution", "holder_name", "currency", "estimated_value", "frozen_amount", "confiscated_amount",
            "returned_amount", "identified_on", "status", "case_id", "still_frozen_amount", "released_amount",
            "retained_amount",
        ]  # fmt: skip
        n_cases = len(self.case_ids)

        def cents(x: int) -> str:
            return f"{x // 100}.{x % 100:02d}"

        def batch(start, count):
            rows, timeline = [], []
            for i in range(start, start + count):
                pk = first_id + i
                status = statuses[i]
                c = int(rng.random() * n_cases)
                case_id, opened, unit = self.case_ids[c], self.case_opened[c], self.case_unit[c]
                person = self.investigators[unit][int(rng.random() * 5)]
                country = country_pick()
                currency = CURRENCY_BY_COUNTRY.get(country) or ("EUR" if country in EURO else "USD")
                kind = kinds[int(rng.random() * len(kinds))]
                value = 100_000 + int(rng.random() * 10_000_000_000)  # in cents
                identified = opened + int(rng.random() * max(1, today - 420 - opened))
                frozen = confiscated = returned = 0
                day = identified
                steps = [("", AS.IDENTIFIED, identified, None)]
                if status in (AS.FROZEN, AS.CONFISCATED, AS.RETURNED, AS.RETAINED_ABROAD) or (
                    status == AS.RELEASED and rng.random() < 0.6
                ):
                    day += 10 + int(rng.random() * 100)
                    frozen = value * (50 + int(rng.random() * 51)) // 100
                    steps.append((AS.IDENTIFIED, AS.FROZEN, day, frozen))
                if status in (AS.CONFISCATED, AS.RETURNED, AS.RETAINED_ABROAD):
                    day += 30 + int(rng.random() * 150)
                    confiscated = frozen * (60 + int(rng.random() * 41)) // 100
                    steps.append((AS.FROZEN, AS.CONFISCATED, day, confiscated))
                if status == AS.RETURNED:
                    day += 30 + int(rng.random() * 100)
                    returned = confiscated * (30 + int(rng.random() * 71)) // 100
                    steps.append((AS.CONFISCATED, AS.RETURNED, day, returned))
                elif status == AS.RETAINED_ABROAD:
                    day += 30 + int(rng.random() * 100)
                    # As assets.services: the requested state keeps what could still be returned.
                    steps.append((AS.CONFISCATED, AS.RETAINED_ABROAD, day, confiscated or None))
                elif status == AS.RELEASED:
                    day += 10 + int(rng.random() * 100)
                    # A release records all that was still frozen.
                    steps.append((steps[-1][1], AS.RELEASED, day, frozen or None))
                still_frozen = {AS.FROZEN: frozen, AS.RELEASED: 0, AS.IDENTIFIED: 0}.get(status, frozen - confiscated)
                released = frozen if status == AS.RELEASED else 0
                retained = confiscated if status == AS.RETAINED_ABROAD else 0
                minute = int(rng.random() * 480)
                rows.append((
                    pk, len(steps), self._ts(identified, minute), self._ts(day, minute), kind,
                    f"{kind_labels[kind]} in {country}", f"{country}{pk:012d}", country, "", "", currency,
                    cents(value), cents(frozen), cents(confiscated), cents(returned), self._d(identified), status,
                    case_id, cents(still_frozen), cents(released), cents(retained),
                ))  # fmt: skip
                name = str(person)
                for src, dst, d, amount in steps:
                    timeline.append((
                        pk, src, dst, self._d(d), self._ts(d, minute), person.pk, name, "", "",
                        None if amount is None else cents(amount), None if amount is None else currency, "",
                    ))  # fmt: skip
            self.report.assets += self.writer.write("assets_asset", columns, rows)
            self.report.asset_timeline += self._timeline("assets_assetstatuschange", "asset_id", timeline)

        self._batches(self.n_assets, "assets", batch)

    # --- incoming requests ------------------------------------------------------------------
    def _incoming(self):
        """Requests foreign states addressed to Kazakhstan, each with the rows its services would have
        written: a creation row, one row per move (the assignment by the unit's supervisor, the
        executor's steps), registered_on/assigned_on/answered_on/closed_on as each move sets them,
        the executor from the assignment on, a refusal's ground, article and note, and the execution
        deadline from the receipt (the one asked, else the legal basis's, else the office's)."""
        from django_countries import countries as country_names

        rng, today = self.rng, self.today.toordinal()
        first_id = self._next_id(IncomingRequest)
        statuses = _deal(rng, self.n_incoming, INCOMING_STATUS_WEIGHTS)
        states = _deal(rng, self.n_incoming, INCOMING_COUNTRY_WEIGHTS)
        grounds = _Picker(rng, [g for g, _ in INCOMING_REFUSAL_WEIGHTS], [w for _, w in INCOMING_REFUSAL_WEIGHTS])
        instrument_days = dict(LegalInstrument.objects.values_list("pk", "expected_response_days"))
        default_days = settings.INCOMING_EXECUTION_DAYS
        ground_labels = {g: str(label) for g, label in RG.choices}
        unit_pks = [u.pk for u in self.units]
        start_ord = datetime.date(2010, 1, 1).toordinal()
        open_or_waiting = (IS.RECEIVED, IS.REGISTERED, IS.ASSIGNED, IS.IN_EXECUTION, IS.POSTPONED, IS.INFO_REQUESTED)
        seq = dict(ReferenceSequence.objects.filter(prefix="INC").values_list("year", "last_value"))
        self._inc_seq = seq
        columns = [
            "id", "version", "created_at", "updated_at", "reference", "requesting_country", "requesting_authority",
            "foreign_reference", "foreign_dated_on", "received_on", "channel", "legal_basis_id", "crime_category_id",
            "urgency", "summary", "unit_id", "executor_id", "requested_due", "execution_due",
            "execution_due_source", "registered_on", "assigned_on", "answered_on", "closed_on", "status",
            "refusal_ground", "refusal_article", "refusal_explanation",
        ]  # fmt: skip

        def batch(start, count):
            rows, timeline, measures = [], [], []
            for i in range(start, start + count):
                pk = first_id + i
                status, country = statuses[i], states[i]
                unit = unit_pks[int(rng.random() * len(unit_pks))]
                people = self.investigators[unit]
                registrar = people[int(rng.random() * len(people))]
                executor = people[int(rng.random() * len(people))]
                supervisor = self.supervisors[unit]
                inst_pk, scope, _requirements, _days, informal, inst_code = self.by_country[country]()
                channel = (
                    ("fiu" if "egmont" in inst_code else "network")
                    if informal
                    else ("central_authority" if rng.random() < 0.85 else "diplomatic")
                )
                if status in open_or_waiting:
                    # Still with the office: received within the last half year, so some are overdue.
                    received = today - int(rng.random() * 180)
                else:
                    received = start_ord + int(rng.random() * (today - 60 - start_ord))
                dated = received - 3 - int(rng.random() * 28)
                requested_due = None
                if rng.random() < 0.2:
                    requested_due = received + 30 + int(rng.random() * 150)
                    due, source = requested_due, IncomingRequest.DeadlineSource.REQUESTED
                elif instrument_days.get(inst_pk):
                    due, source = received + instrument_days[inst_pk], IncomingRequest.DeadlineSource.INSTRUMENT
                else:
                    due, source = received + default_days, IncomingRequest.DeadlineSource.DEFAULT

                path = _IncomingPath(today, received, registrar)
                move = path.move

                def to_execution(path=path, supervisor=supervisor, executor=executor):
                    path.assign(1 + int(rng.random() * 10), supervisor, executor)
                    path.move(IS.IN_EXECUTION, 1 + int(rng.random() * 10))

                roll = rng.random()
                ground = article = explanation = ""
                if status == IS.RETURNED and roll < 0.5:
                    move(IS.RETURNED, 2 + int(rng.random() * 20), note=INCOMING_NOTES[IS.RETURNED])
                elif status != IS.RECEIVED:
                    move(IS.REGISTERED, int(rng.random() * 6))
                    if status == IS.ASSIGNED:
                        path.assign(1 + int(rng.random() * 10), supervisor, executor)
                    elif status == IS.RETURNED:
                        move(IS.RETURNED, 5 + int(rng.random() * 30), note=INCOMING_NOTES[IS.RETURNED])
                    elif status == IS.INFO_REQUESTED and roll < 0.4:
                        move(IS.INFO_REQUESTED, 5 + int(rng.random() * 20), note=INCOMING_NOTES[IS.INFO_REQUESTED])
                    elif status == IS.REFUSED and roll < 0.4:
                        pass  # refused on its face, before anyone executes it
                    elif status == IS.WITHDRAWN and roll < 0.3:
                        move(IS.WITHDRAWN, 5 + int(rng.random() * 40))
                    elif status != IS.REGISTERED:
                        to_execution()
                        if status in (IS.EXECUTED, IS.PARTIALLY_EXECUTED) and roll < 0.15:
                            # One round of "please send more information", then back to work.
                            move(IS.INFO_REQUESTED, 10 + int(rng.random() * 60), note=INCOMING_NOTES[IS.INFO_REQUESTED])
                            move(IS.IN_EXECUTION, 10 + int(rng.random() * 60))
                        if status == IS.POSTPONED:
                            move(IS.POSTPONED, 5 + int(rng.random() * 60), note=INCOMING_NOTES[IS.POSTPONED])
                        elif status == IS.INFO_REQUESTED:
                            move(IS.INFO_REQUESTED, 5 + int(rng.random() * 60), note=INCOMING_NOTES[IS.INFO_REQUESTED])
                        elif status == IS.PARTIALLY_EXECUTED:
                            move(IS.PARTIALLY_EXECUTED, 20 + int(rng.random() * 180))
                        elif status == IS.EXECUTED:
                            if roll > 0.75:
                                # Executed in two instalments: part of it first.
                                move(IS.PARTIALLY_EXECUTED, 20 + int(rng.random() * 120))
                            move(IS.EXECUTED, 20 + int(rng.random() * 180))
                        elif status == IS.WITHDRAWN:
                            move(IS.WITHDRAWN, 5 + int(rng.random() * 120))
                    if status == IS.REFUSED:
                        ground = grounds()
                        article = f"Art. {2 + int(rng.random() * 5)}(1)({'abcd'[int(rng.random() * 4)]})"
                        if ground == RG.OTHER:
                            explanation = "The proceedings are time-barred under the law of Kazakhstan."
                        note = f"Refused: {ground_labels[ground]} ({article})"
                        move(
                            IS.REFUSED,
                            10 + int(rng.random() * 90),
                            note=f"{note}. {explanation}" if explanation else note,
                        )
                steps, named = path.steps, path.executor
                days = {to: day for _src, to, day, _actor, _note in reversed(steps)}  # the first day of each
                answered = min((days[s] for s in IncomingRequest.ANSWERED_STATUSES if s in days), default=None)
                closed = steps[-1][2] if status in IncomingRequest.CLOSED_STATUSES else None
                year = datetime.date.fromordinal(received).year
                number = seq.get(year, 0) + 1
                seq[year] = number
                minute = int(rng.random() * 480)
                last = steps[-1][2]
                d = self._d
                rows.append((
                    pk, len(steps), self._ts(received, minute), self._ts(last, minute), f"INC-{year}-{number:06d}",
                    country, INCOMING_AUTHORITIES.get(country) or f"Central authority of {country_names.name(country)}",
                    f"{country}/{year}/{pk}", d(dated), d(received), channel, inst_pk,
                    self.categories[int(rng.random() * len(self.categories))],
                    "urgent" if rng.random() < 0.1 else "normal", "", unit, named and named.pk,
                    requested_due and d(requested_due), d(due), source,
                    IS.REGISTERED in days and d(days[IS.REGISTERED]) or None,
                    IS.ASSIGNED in days and d(days[IS.ASSIGNED]) or None,
                    answered and d(answered), closed and d(closed), status, ground, article, explanation,
                ))  # fmt: skip
                for src, dst, day, actor, note in steps:
                    timeline.append(
                        (pk, src, dst, d(day), self._ts(day, minute), actor.pk, str(actor), note, "", None, None, "")
                    )
                k = len(scope)
                first = int(rng.random() * k)
                measures.append((pk, scope[first]))
                if k > 1 and rng.random() < 0.5:
                    measures.append((pk, scope[(first + 1 + int(rng.random() * (k - 1))) % k]))
            w = self.writer
            self.report.incoming += w.write("incoming_incomingrequest", columns, rows)
            self.report.incoming_timeline += self._timeline(
                "incoming_incomingrequeststatuschange", "incoming_request_id", timeline
            )
            self.report.incoming_measures += w.write(
                "incoming_incomingrequest_measures", ["incomingrequest_id", "assistancemeasure_id"], measures
            )

        self._batches(self.n_incoming, "incoming", batch)

    # --- after loading ----------------------------------------------------------------------
    def _finish(self):
        """Reference counters and id sequences past the rows written; fresh planner statistics."""
        for year, last in sorted(getattr(self, "_ref_seq", {}).items()):
            ReferenceSequence.objects.update_or_create(prefix="MLA", year=year, defaults={"last_value": last})
        for year, last in sorted(getattr(self, "_inc_seq", {}).items()):
            ReferenceSequence.objects.update_or_create(prefix="INC", year=year, defaults={"last_value": last})
        from django.core.management.color import no_style

        models = [Case, CaseStatusChange, Request, RequestStatusChange, ChecklistAnswer, Asset, AssetStatusChange,
                  Request.measures.through, IncomingRequest, IncomingRequestStatusChange,
                  IncomingRequest.measures.through]  # fmt: skip
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
        if connection.vendor != "postgresql":
            return
        if self.skip_fk_triggers:
            self._log("check: every foreign key of the loaded rows")
            self._check_foreign_keys(models)
        tables = [m._meta.db_table for m in models]
        self._log("analyze: VACUUM ANALYZE of the loaded tables")
        with connection.cursor() as cursor:
            if connection.in_atomic_block:
                for table in tables:
                    cursor.execute(f"ANALYZE {table}")
            else:
                for table in tables:
                    # VACUUM also sets the visibility map, so index-only scans skip the heap.
                    cursor.execute(f"VACUUM (ANALYZE) {table}")


def write_reminder_schedules(*, today: datetime.date | None = None) -> int:
    """(Re)write the ReminderSchedule row of every pending request as the daily reminder scans up to
    yesterday would have left it: next_on = the next firing day after yesterday (the due share and
    some others fire today), today for a request whose deadline has passed. Returns the number of
    rows written.

    For the generator, and on its own for a volume loaded before the table existed. One read of
    the pending requests, the arithmetic of reminders.next_firing_day with the policies in force,
    then the table emptied and written again (COPY on PostgreSQL) in one transaction."""
    from mla_requests import reminders
    from mla_requests.reminder_services import PolicyBook

    today = today or timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    book = PolicyBook.load(today=today)
    policies: dict[tuple, reminders.Policy] = {}
    rows = []
    pending = (
        Request.objects.pending()
        .order_by()
        .values_list("pk", "status", "sent_on", "response_due", "acknowledged_on", "legal_basis_id", "country")
    )
    for pk, status, sent_on, response_due, acknowledged_on, legal_basis_id, country in pending.iterator(
        chunk_size=BATCH
    ):
        if response_due is not None and response_due <= today:
            rows.append((pk, today.isoformat(), 0))
            continue
        key = (legal_basis_id, str(country or ""))
        policy = policies.get(key)
        if policy is None:
            policy = policies[key] = book.resolve(legal_instrument_id=legal_basis_id, country=key[1])
        next_on = reminders.next_firing_day(
            sent_on=sent_on,
            response_due=response_due,
            acknowledged=acknowledged_on is not None or status != Request.Status.SENT,
            policy=policy,
            after=yesterday,
        )
        rows.append((pk, next_on and next_on.isoformat(), 0))
    table = ReminderSchedule._meta.db_table
    with transaction.atomic():
        ReminderSchedule.objects.all().delete()
        _Writer().write(table, ["request_id", "next_on", "revision"], rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Fresh statistics, so the scan's read is planned on the next_on index from the start.
            cursor.execute(f"{'ANALYZE' if connection.in_atomic_block else 'VACUUM (ANALYZE)'} {table}")
    return len(rows)
