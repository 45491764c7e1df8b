"""Statistics selectors behind the supervisors' dashboards, the statistics report and /api/v1/stats/.

Every figure starts from a scoped queryset (`visible_to(user)`), narrowed by one StatsFilter, and is
aggregated in the database (GROUP BY with conditional counts and sums): a page costs the same
number of queries whatever the number of rows. The one exception is a percentile on SQLite, which has
no percentile aggregate: there the per-request durations (one integer per answered request, computed
by the database) are read and interpolated in Python exactly as PostgreSQL's percentile_cont does.

Every figure carries `url`: the admin changelist of exactly the records behind it, built from
field lookups (docs/dashboards.md lists the ones the admin's list_filter must allow). A figure that
counts by a read rule (pending, overdue, due, answered on time, late; an asset's stage) counts with
the rule's Q and links with the parameter of the admin's list filter that applies the same rule
(`_request_rule`, `_asset_rule`: both from the app's FilterSet RULES), never a copy of it.
Money is totalled per currency; `money_block` adds a converted total in settings.REPORTING_CURRENCY
where ExchangeRate rows exist, with the date of each rate used.
"""

from __future__ import annotations

import bisect
import datetime
import functools
import hashlib
import math
from dataclasses import dataclass, field, replace
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.db import NotSupportedError, connection
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    Sum,
)
from django.db.models.functions import ExtractYear, TruncMonth
from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from recovery.access import NOTHING, readable, unit_and_descendant_ids
from recovery.access import case_read_scope as case_scope
from recovery.dashboards.rows import encode_rows

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


# --- Database expressions -----------------------------------------------------------------------
# What a requested state that retained an asset keeps: the amount recorded with the retention
# (by default what could still come home), less what an agreement later brought home (on the
# asset, and through a timeline row's asset).
RETAINED_VALUE = F("retained_amount")
RETAINED_VALUE_OF_THE_ASSET = F("asset__retained_amount")


class DaysBetween(Func):
    """Whole days from `start` to `end` (two DateFields); NULL when either is NULL."""

    output_field = IntegerField()

    def __init__(self, end, start):
        super().__init__(end, start)

    def as_sql(self, compiler, connection, **extra_context):
        end_sql, end_params = compiler.compile(self.source_expressions[0])
        start_sql, start_params = compiler.compile(self.source_expressions[1])
        params = (*end_params, *start_params)
        if connection.vendor == "postgresql":
            # date - date is an integer number of days in PostgreSQL.
            return f"({end_sql} - {start_sql})", params
        if connection.vendor == "sqlite":
            return f"CAST(julianday({end_sql}) - julianday({start_sql}) AS INTEGER)", params
        raise NotSupportedError("DaysBetween supports PostgreSQL and SQLite.")


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate percentile_cont(fraction) WITHIN GROUP (ORDER BY expr)."""

    function = "percentile_cont"
    name = "PercentileCont"
    output_field = FloatField()
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        # A literal, validated here, because it is interpolated into the SQL.
        fraction = float(fraction)
        if not 0.0 <= fraction <= 1.0:
            raise ValueError("fraction must be between 0 and 1")
        super().__init__(expression, fraction=repr(fraction), **extra)


def percentile_cont(values, fraction: float) -> float | None:
    """Linear interpolation between the closest ranks, as PostgreSQL's percentile_cont."""
    ordered = sorted(values)
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _rounded(value) -> float | None:
    return None if value is None else round(float(value), 1)


def _durations_by(rows) -> dict:
    """{key: [days, ...]} from (key, days) pairs, days that are None left out."""
    out: dict = {}
    for key, days in rows:
        if days is not None:
            out.setdefault(key, []).append(days)
    return out


# --- Links to the admin ---------------------------------------------------------------------------
_ADMIN_ROOTS: dict = {}


def _admin_root() -> str:
    """reverse("admin:index"), once per URL configuration and script prefix: a page links a
    thousand figures, and reversing each time was most of the cost of a page served from a snapshot."""
    key = (get_script_prefix(), get_resolver(get_urlconf()))
    root = _ADMIN_ROOTS.get(key)
    if root is None:
        root = _ADMIN_ROOTS[key] = reverse("admin:index")
    return root


def admin_changelist_url(app_label: str, model_name: str, lookups: dict) -> str:
    """The admin changelist of a model, narrowed by field lookups. Built from the admin's root URL
    so it works even before the model is registered in the admin."""
    base = f"{_admin_root()}{app_label}/{model_name}/"
    if not lookups:
        return base
    return f"{base}?{'&'.join(_query_pair(k, str(v)) for k, v in sorted(lookups.items()))}"


@functools.lru_cache(maxsize=4096)
def _query_pair(key: str, value: str) -> str:
    """One `key=value` of a query string, as urlencode writes it. The same few lookups recur in
    hundreds of links on a page (the filter's, a status, a currency, a year), so each is quoted once."""
    return urlencode([(key, value)])


def _ids(values) -> str:
    return ",".join(str(v) for v in sorted(values))


def request_url(lookups: dict) -> str:
    return admin_changelist_url("requests", "request", lookups)


def asset_url(lookups: dict) -> str:
    return admin_changelist_url("assets", "asset", lookups)


def case_url(lookups: dict) -> str:
    return admin_changelist_url("cases", "case", lookups)


def decision_url(lookups: dict) -> str:
    return admin_changelist_url("assets", "courtdecision", lookups)


_INCOMING_BASES: dict = {}


def _incoming_base() -> str:
    """The incoming requests' admin changelist: reversed where the admin registers it, else the path
    it will have (so the figures link the same way before and after); once per URL configuration."""
    key = (get_script_prefix(), get_resolver(get_urlconf()))
    base = _INCOMING_BASES.get(key)
    if base is None:
        try:
            base = reverse("admin:incoming_incomingrequest_changelist")
        except NoReverseMatch:
            base = f"{_admin_root()}incoming/incomingrequest/"
        _INCOMING_BASES[key] = base
    return base


def incoming_url(lookups: dict) -> str:
    base = _incoming_base()
    if not lookups:
        return base
    return f"{base}?{'&'.join(_query_pair(k, str(v)) for k, v in sorted(lookups.items()))}"


# --- Names ----------------------------------------------------------------------------------------
def country_name(code: str) -> str:
    return str(countries.name(code)) or code


def _trilingual(row: dict, prefix: str) -> str:
    lang = (get_language() or "en")[:2]
    return row.get(f"{prefix}name_{lang}") or row.get(f"{prefix}name_en") or ""


def _label(choices, value) -> str:
    return str(dict(choices).get(value, value))


# --- Money ----------------------------------------------------------------------------------------
class RateBook:
    """The exchange-rate table, read once per page (it is a small, admin-edited table), answering
    'the latest rate of a currency on or before a date'."""

    def __init__(self):
        self._by_currency: dict[str, tuple[list[datetime.date], list[Decimal]]] | None = None

    def _load(self):
        from recovery.models import ExchangeRate

        table: dict[str, tuple[list, list]] = {}
        for currency, date, rate in ExchangeRate.objects.order_by("currency", "date").values_list(
            "currency", "date", "rate"
        ):
            dates, rates = table.setdefault(currency, ([], []))
            dates.append(date)
            rates.append(rate)
        self._by_currency = table

    def fingerprint(self) -> str:
        """A digest of the whole table (reading it if not read yet): it changes with any rate
        added, edited or deleted, so it can key what was made with these rates (the cached figures
        of a page, recovery/dashboards/fragments.py) without a version column or a signal, which
        other processes would not see."""
        if self._by_currency is None:
            self._load()
        digest = hashlib.sha256()
        for currency, (dates, rates) in sorted(self._by_currency.items()):
            for date, rate in zip(dates, rates, strict=True):
                digest.update(f"{currency}|{date.isoformat()}|{rate}\n".encode())
        return digest.hexdigest()

    def rate(self, currency: str, as_of: datetime.date) -> tuple[Decimal, datetime.date | None] | None:
        if currency == settings.REPORTING_CURRENCY:
            return Decimal(1), None
        if self._by_currency is None:
            self._load()
        dates, rates = self._by_currency.get(currency, ([], []))
        index = bisect.bisect_right(dates, as_of) - 1
        if index < 0:
            return None
        return rates[index], dates[index]


def _plain_rate(rate: Decimal) -> Decimal:
    """1.20000000 -> 1.2 (without the exponent form normalize() gives to whole numbers)."""
    return rate.quantize(Decimal(1)) if rate == rate.to_integral_value() else rate.normalize()


def money_block(totals: dict[str, Decimal], book: RateBook, as_of: datetime.date, link=None) -> dict:
    """Totals per currency (each linked by `link(currency)` to its records), and their sum in the
    reporting currency when another currency is involved. Where a rate is missing the converted
    total covers the currencies with a rate and names the others."""
    items = [
        {"currency": cur, "amount": amt.quantize(CENT), "url": link(cur) if link else ""}
        for cur, amt in sorted(totals.items())
        if amt
    ]
    converted = ZERO
    rates, missing = [], []
    for item in items:
        found = book.rate(item["currency"], as_of)
        if found is None:
            missing.append(item["currency"])
            continue
        rate, rate_date = found
        converted += item["amount"] * rate
        if rate_date is not None:
            rates.append({"currency": item["currency"], "rate": _plain_rate(rate), "date": rate_date})
    foreign = any(item["currency"] != settings.REPORTING_CURRENCY for item in items)
    has_conversion = foreign and len(missing) < len(items)
    return {
        "totals": items,
        "converted": {
            "currency": settings.REPORTING_CURRENCY,
            "amount": converted.quantize(CENT),
            "rates": rates,
            "missing": missing,
            "complete": not missing,
        }
        if has_conversion
        else None,
    }


def _sum_by_currency(rows, currency_key: str, amount_key: str) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for row in rows:
        if row[currency_key] and row[amount_key]:
            totals[row[currency_key]] = totals.get(row[currency_key], ZERO) + row[amount_key]
    return totals


def _month_range(months: set) -> list[datetime.date]:
    """Every month from the first to the last given, so a chart shows quiet months as zero."""
    if not months:
        return []
    firsts = sorted(months)
    out, current = [], firsts[0]
    while current <= firsts[-1]:
        out.append(current)
        current = datetime.date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return out


# --- Stored rows ---------------------------------------------------------------------------------
class SnapshotMiss(LookupError):
    """A snapshot lacks a read the figures need (written by an older version of the code)."""


# --- The filter -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class StatsFilter:
    """What the filter form chose. `unit_ids` holds the chosen unit and all its sub-units."""

    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    unit_ids: frozenset[int] = field(default_factory=frozenset)
    country: str = ""
    crime_category_id: int | None = None
    channel: str = ""
    legal_basis_kind: str = ""

    @classmethod
    def from_form(cls, data: dict) -> StatsFilter:
        unit = data.get("unit")
        category = data.get("crime_category")
        return cls(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            unit_ids=frozenset(unit_and_descendant_ids(unit.pk)) if unit else frozenset(),
            country=data.get("country") or "",
            crime_category_id=category.pk if category else None,
            channel=data.get("channel") or "",
            legal_basis_kind=data.get("legal_basis_kind") or "",
        )

    def for_year(self, year: int) -> StatsFilter:
        return replace(self, date_from=datetime.date(year, 1, 1), date_to=datetime.date(year, 12, 31))


# Lookups across a to-many relation (an asset's requests or timeline, a case's requests) are written
# so that no admin list filter consumes them (`__in`, `__gt`, `__lte`, `__year` rather than `__exact`
# or `__gte`): the admin applies each list filter in its own filter() call, which over a to-many
# relation may match different related rows, while the remaining lookups go into one filter() and
# so must hold for the same related row, as they do in the figures.
def _period(field_name: str, flt: StatsFilter, *, to_many: bool = False) -> tuple[Q, dict]:
    q, lookups = Q(), {}
    if flt.date_from:
        q &= Q(**{f"{field_name}__gte": flt.date_from})
        if to_many:
            lookups[f"{field_name}__gt"] = (flt.date_from - datetime.timedelta(days=1)).isoformat()
        else:
            lookups[f"{field_name}__gte"] = flt.date_from.isoformat()
    if flt.date_to:
        q &= Q(**{f"{field_name}__lte": flt.date_to})
        lookups[f"{field_name}__lte"] = flt.date_to.isoformat()
    return q, lookups


def _request_rule(today: datetime.date, *pairs: tuple[str, str]) -> tuple[Q, dict]:
    """Requests by read rules (mla_requests.filters.RULES): the Q of all the given (parameter,
    value) rules, and the admin list parameters that apply the same rules."""
    from mla_requests.filters import RULES

    q = Q()
    for param, value in pairs:
        q &= RULES.q(param, value, today)
    return q, RULES.params(*pairs)


def _asset_rule(param: str, value: str) -> tuple[Q, dict]:
    """Assets by a read rule (assets.filters.RULES: the stage reached), as `_request_rule`."""
    from assets.filters import RULES

    return RULES.q(param, value), RULES.params((param, value))


def _formality(prefix: str = "") -> tuple[tuple[Q, dict], tuple[Q, dict]]:
    """Formal requests (under a treaty, convention, agreement or reciprocity) and informal inquiries
    (through a network), each as a Q and the admin lookups selecting the same requests."""
    from recovery.models import LegalInstrument

    kinds = [str(k) for k in LegalInstrument.FORMAL_KINDS]
    informal = str(LegalInstrument.Kind.INFORMAL_NETWORK)
    return (
        (Q(**{f"{prefix}legal_basis__kind__in": kinds}), {f"{prefix}legal_basis__kind__in": ",".join(kinds)}),
        # `__in`, not `__exact`: the filter's own legal basis kind (`__exact`) stays in the link beside it.
        (Q(**{f"{prefix}legal_basis__kind": informal}), {f"{prefix}legal_basis__kind__in": informal}),
    )


def _incoming_rule(today: datetime.date, *pairs: tuple[str, str]) -> tuple[Q, dict]:
    """Incoming requests by read rules (incoming.filters.RULES), as `_request_rule`."""
    from incoming.filters import RULES

    q = Q()
    for param, value in pairs:
        q &= RULES.q(param, value, today)
    return q, RULES.params(*pairs)


# The seed article's figure 2 ranks the states Kazakhstan most often sent MLA requests to: Russia,
# Uzbekistan, Turkey, China, UAE, Germany, Ukraine, UK, US. States with as many requests are ranked in
# that order (then the others by code), so the ranking does not change with the scale of the data
# (at a twentieth of the seed China and the UAE both have 4: China stays before the UAE).
SEED_FIGURE_2_ORDER = ("RU", "UZ", "TR", "CN", "AE", "DE", "UA", "GB", "US")
_SEED_RANK = {code: rank for rank, code in enumerate(SEED_FIGURE_2_ORDER)}


def seed_rank(code: str) -> tuple[int, str]:
    """A tie-breaker between states with equal counts: the seed's order, then the code."""
    return _SEED_RANK.get(code, len(_SEED_RANK)), code


# The filter form of the outgoing pages offers the outgoing channels; where incoming requests call
# the same channel by another name, the figures of both directions use its counterpart. An outgoing
# channel with no incoming counterpart (police cooperation) selects no incoming request.
OUTGOING_TO_INCOMING_CHANNEL = {"informal_network": "network"}


def incoming_channel(value: str) -> str:
    from incoming.models import IncomingRequest

    if value in IncomingRequest.Channel.values:
        return value
    return OUTGOING_TO_INCOMING_CHANNEL.get(value, value)


class Stats:
    """The figures one user may see, narrowed by one filter. Each method is one page's figures.

    Every read of the figures' data goes through `_rows(name, read)`. Live (the default), it runs
    the read and keeps its result, encoded, in `recorded` (what a DashboardSnapshot stores). Built
    with `replay` (a snapshot's decoded rows: DashboardSnapshot.rows, or rows.decode_rows(recorded)),
    it returns the stored result instead and reads nothing: the
    figures are then made from the snapshot exactly as from the database, in the active language.
    """

    def __init__(
        self,
        user,
        flt: StatsFilter | None = None,
        *,
        today: datetime.date | None = None,
        replay: dict | None = None,
        rates: RateBook | None = None,
    ):
        self.user = user
        self.flt = flt or StatsFilter()
        self.today = today or timezone.localdate()
        # A page that has read the rate table already (to key its cached figures) passes it on.
        self.rates = rates or RateBook()
        self._scopes: dict[str, Q] = {}
        self.replay = replay
        self.recorded: dict[str, object] = {}

    def _rows(self, name: str, read):
        """The result of `read()` (a list of rows, a count or an aggregate), or its stored copy."""
        if self.replay is not None:
            if name not in self.replay:
                raise SnapshotMiss(name)
            return self.replay[name]
        value = read()
        # Encoded now: callers may annotate the rows they get back.
        self.recorded[name] = encode_rows(value)
        return value

    def _scope(self, prefix: str) -> Q:
        if self.replay is not None:
            # Replaying reads nothing; should a query escape `_rows`, it finds nothing rather than
            # rows outside the user's scope.
            return NOTHING
        # case_scope reads the unit tree; do it once per page and relation path.
        if prefix not in self._scopes:
            self._scopes[prefix] = case_scope(self.user, prefix=prefix)
        return self._scopes[prefix]

    # Querysets, each with the admin lookups that select the same rows ---------------------------
    def _request_filter(self, prefix: str = "", period_field: str | None = "sent_on") -> tuple[Q, dict]:
        f = self.flt
        q, lookups = Q(), {}
        if period_field:
            pq, lookups = _period(f"{prefix}{period_field}", f)
            q &= pq
        if f.unit_ids:
            q &= Q(**{f"{prefix}case__unit_id__in": f.unit_ids})
            lookups[f"{prefix}case__unit__id__in"] = _ids(f.unit_ids)
        if f.country:
            q &= Q(**{f"{prefix}country": f.country})
            lookups[f"{prefix}country__exact"] = f.country
        if f.crime_category_id:
            q &= Q(**{f"{prefix}crime_category_id": f.crime_category_id})
            lookups[f"{prefix}crime_category__id__exact"] = f.crime_category_id
        if f.channel:
            q &= Q(**{f"{prefix}channel": f.channel})
            lookups[f"{prefix}channel__exact"] = f.channel
        if f.legal_basis_kind:
            q &= Q(**{f"{prefix}legal_basis__kind": f.legal_basis_kind})
            lookups[f"{prefix}legal_basis__kind__exact"] = f.legal_basis_kind
        return q, lookups

    def requests(self, period_field: str | None = "sent_on"):
        from mla_requests.models import Request

        q, lookups = self._request_filter(period_field=period_field)
        return Request.objects.filter(self._scope("case__")).filter(q), lookups

    def _asset_filter(self, prefix: str = "", period: bool = True) -> tuple[Q, dict]:
        """Assets: unit and crime category through their case; country is where the asset is;
        channel and legal basis kind through the requests that name the asset."""
        from mla_requests.models import Request

        f = self.flt
        q, lookups = Q(), {}
        if period:
            q, lookups = _period(f"{prefix}identified_on", f)
        if f.unit_ids:
            q &= Q(**{f"{prefix}case__unit_id__in": f.unit_ids})
            lookups[f"{prefix}case__unit__id__in"] = _ids(f.unit_ids)
        if f.country:
            q &= Q(**{f"{prefix}location_country": f.country})
            lookups[f"{prefix}location_country__exact"] = f.country
        if f.crime_category_id:
            q &= Q(**{f"{prefix}case__primary_crime_category_id": f.crime_category_id})
            lookups[f"{prefix}case__primary_crime_category__id__exact"] = f.crime_category_id
        if f.channel or f.legal_basis_kind:
            # A subquery, not a join: an asset named in two requests is still counted once.
            named = Request.assets.through.objects.all()
            if f.channel:
                named = named.filter(request__channel=f.channel)
                lookups[f"{prefix}requests__channel__in"] = f.channel
            if f.legal_basis_kind:
                named = named.filter(request__legal_basis__kind=f.legal_basis_kind)
                lookups[f"{prefix}requests__legal_basis__kind__in"] = f.legal_basis_kind
            q &= Q(**{f"{prefix}pk__in": named.values("asset_id")})
        return q, lookups

    def assets(self, period: bool = True):
        from assets.models import Asset

        q, lookups = self._asset_filter(period=period)
        return Asset.objects.filter(self._scope("case__")).filter(q), lookups

    def asset_changes(self):
        """Timeline rows of visible assets, the period applying to the date each step took effect."""
        from assets.models import AssetStatusChange

        q, lookups = self._asset_filter(prefix="asset__", period=False)
        pq, plookups = _period("effective_on", self.flt, to_many=True)
        rows = AssetStatusChange.objects.filter(self._scope("asset__case__")).filter(q & pq)
        # For the asset changelist the lookups go through the asset's timeline.
        asset_lookups = {k.removeprefix("asset__"): v for k, v in lookups.items()}
        asset_lookups.update({f"timeline__{k}": v for k, v in plookups.items()})
        return rows, asset_lookups

    def decisions(self):
        from assets.models import CourtDecision

        q, lookups = self._asset_filter(prefix="asset__", period=False)
        pq, plookups = _period("decided_on", self.flt)
        rows = CourtDecision.objects.filter(self._scope("asset__case__")).filter(q & pq)
        return rows, {**lookups, **plookups}

    def cases(self):
        """Cases: the unit and primary crime category are the case's own; country, channel and legal
        basis kind select cases with at least one request matching them. No period: a state now."""
        from cases.models import Case
        from mla_requests.models import Request

        f = self.flt
        q, lookups = Q(), {}
        if f.unit_ids:
            q &= Q(unit_id__in=f.unit_ids)
            lookups["unit__id__in"] = _ids(f.unit_ids)
        if f.crime_category_id:
            q &= Q(primary_crime_category_id=f.crime_category_id)
            lookups["primary_crime_category__id__exact"] = f.crime_category_id
        if f.country or f.channel or f.legal_basis_kind:
            matching = Request.objects.all()
            if f.country:
                matching = matching.filter(country=f.country)
                lookups["requests__country__in"] = f.country
            if f.channel:
                matching = matching.filter(channel=f.channel)
                lookups["requests__channel__in"] = f.channel
            if f.legal_basis_kind:
                matching = matching.filter(legal_basis__kind=f.legal_basis_kind)
                lookups["requests__legal_basis__kind__in"] = f.legal_basis_kind
            q &= Q(pk__in=matching.values("case_id"))
        return Case.objects.filter(self._scope("")).filter(q), lookups

    def _incoming_filter(self, prefix: str = "", period_field: str | None = "received_on") -> tuple[Q, dict]:
        """Incoming requests: the period is the day received; the unit is the executing unit; the
        country is the requesting state."""
        f = self.flt
        q, lookups = Q(), {}
        if period_field:
            q, lookups = _period(f"{prefix}{period_field}", f)
        if f.unit_ids:
            q &= Q(**{f"{prefix}unit_id__in": f.unit_ids})
            lookups[f"{prefix}unit__id__in"] = _ids(f.unit_ids)
        if f.country:
            q &= Q(**{f"{prefix}requesting_country": f.country})
            lookups[f"{prefix}requesting_country__exact"] = f.country
        if f.crime_category_id:
            q &= Q(**{f"{prefix}crime_category_id": f.crime_category_id})
            lookups[f"{prefix}crime_category__id__exact"] = f.crime_category_id
        if f.channel:
            channel = incoming_channel(f.channel)
            q &= Q(**{f"{prefix}channel": channel})
            lookups[f"{prefix}channel__exact"] = channel
        if f.legal_basis_kind:
            q &= Q(**{f"{prefix}legal_basis__kind": f.legal_basis_kind})
            lookups[f"{prefix}legal_basis__kind__exact"] = f.legal_basis_kind
        return q, lookups

    def incoming(self, period_field: str | None = "received_on"):
        """The incoming requests the user reads (recovery.access, through visible_to), filtered."""
        from incoming.models import IncomingRequest

        q, lookups = self._incoming_filter(period_field=period_field)
        if self.replay is not None:
            return IncomingRequest.objects.filter(NOTHING), lookups
        # visible_to reads the unit tree: once per page.
        if "incoming" not in self._scopes:
            self._scopes["incoming"] = IncomingRequest.objects.visible_to(self.user)
        return self._scopes["incoming"].filter(q), lookups

    def _days_summary(self, name: str, qs, days) -> dict:
        """Count, average, median and 90th percentile of `days` (an expression, NULL where there is
        nothing to count) over `qs`, in one query: aggregated by PostgreSQL, or on SQLite read as one
        integer per row and interpolated here exactly as percentile_cont does."""
        if connection.vendor == "postgresql":
            row = self._rows(
                name,
                lambda: qs.aggregate(
                    n=Count(days), average=Avg(days), p50=PercentileCont(days, 0.5), p90=PercentileCont(days, 0.9)
                ),
            )
            return {
                "count": row["n"],
                "average": _rounded(row["average"]),
                "median": _rounded(row["p50"]),
                "p90": _rounded(row["p90"]),
            }
        values = [
            d
            for d in self._rows(name, lambda: list(qs.annotate(days=days).values_list("days", flat=True)))
            if d is not None
        ]
        return {
            "count": len(values),
            "average": _rounded(sum(values) / len(values)) if values else None,
            "median": _rounded(percentile_cont(values, 0.5)),
            "p90": _rounded(percentile_cont(values, 0.9)),
        }

    @staticmethod
    def _incoming_outcomes(today: datetime.date):
        """Every incoming request falls in exactly one: its outcome, or still open, or waiting
        (postponed, or for information from the requesting state)."""
        from incoming.models import IncomingRequest

        S = IncomingRequest.Status

        def status(value):
            return Q(status=value), {"status__exact": value}

        waiting = (S.POSTPONED, S.INFO_REQUESTED)
        return (
            ("executed", _("Executed"), *status(S.EXECUTED)),
            ("partly", _("Partially executed"), *status(S.PARTIALLY_EXECUTED)),
            ("refused", _("Refused"), *status(S.REFUSED)),
            ("returned", _("Returned without execution"), *status(S.RETURNED)),
            ("withdrawn", _("Withdrawn by the requesting state"), *status(S.WITHDRAWN)),
            (
                "waiting",
                _("Postponed, or waiting for information from the requesting state"),
                Q(status__in=waiting),
                {"status__in": ",".join(waiting)},
            ),
            ("open", _("Still open (ours to act on)"), *_incoming_rule(today, ("open", "true"))),
        )

    def _incoming_figures(self, name: str) -> dict:
        """Incoming requests received in the period: by requesting state, by outcome (refusals by
        ground), the days from receipt to the answer, and what is overdue now."""
        from incoming.models import IncomingRequest

        requests, lookups = self.incoming()
        today = self.today
        outcomes = self._incoming_outcomes(today)
        rules = {
            "overdue": _incoming_rule(today, ("due", "overdue")),
            "due_this_week": _incoming_rule(today, ("due", "week")),
            "answered": _incoming_rule(today, ("answered", "true")),
        }
        counts = self._rows(
            f"{name}_counts",
            lambda: requests.aggregate(
                total=Count("pk"),
                **{f"outcome_{k}": Count("pk", filter=q) for k, _l, q, _lk in outcomes},
                **{k: Count("pk", filter=q) for k, (q, _lk) in rules.items()},
            ),
        )
        days = DaysBetween(F("answered_on"), F("received_on"))
        on_postgres = connection.vendor == "postgresql"
        per_country = {
            "total": Count("pk"),
            "open": Count("pk", filter=outcomes[-1][2]),
            "overdue": Count("pk", filter=rules["overdue"][0]),
            "answered": Count("pk", filter=rules["answered"][0]),
            "refused": Count("pk", filter=Q(status=IncomingRequest.Status.REFUSED)),
        }
        if on_postgres:
            per_country.update(p50=PercentileCont(days, 0.5), p90=PercentileCont(days, 0.9))
        rows = self._rows(
            f"{name}_by_country",
            lambda: list(
                requests.values("requesting_country").annotate(**per_country).order_by("-total", "requesting_country")
            ),
        )
        if on_postgres:
            overall = self._days_summary(f"{name}_days", requests, days)
        else:
            # One read of the durations gives the overall and the per-country percentiles.
            pairs = self._rows(
                f"{name}_days",
                lambda: list(
                    requests.filter(answered_on__isnull=False)
                    .annotate(days=days)
                    .values_list("requesting_country", "days")
                ),
            )
            by_country = _durations_by(pairs)
            values = [d for _c, d in pairs if d is not None]
            overall = {
                "count": len(values),
                "average": _rounded(sum(values) / len(values)) if values else None,
                "median": _rounded(percentile_cont(values, 0.5)),
                "p90": _rounded(percentile_cont(values, 0.9)),
            }
            for row in rows:
                here = by_country.get(row["requesting_country"], [])
                row.update(p50=percentile_cont(here, 0.5), p90=percentile_cont(here, 0.9))
        grounds = self._rows(
            f"{name}_refusal_grounds",
            lambda: list(
                requests.filter(status=IncomingRequest.Status.REFUSED)
                .values("refusal_ground")
                .annotate(n=Count("pk"))
                .order_by("-n", "refusal_ground")
            ),
        )
        refused = {"status__exact": IncomingRequest.Status.REFUSED}
        countries_out = []
        for row in rows:
            code = row["requesting_country"]
            here = {**lookups, "requesting_country__exact": code}
            countries_out.append(
                {
                    "key": code,
                    "country": code,
                    "name": country_name(code),
                    "count": row["total"],
                    "url": incoming_url(here),
                    "open": {"count": row["open"], "url": incoming_url({**here, **outcomes[-1][3]})},
                    "overdue": {"count": row["overdue"], "url": incoming_url({**here, **rules["overdue"][1]})},
                    "answered": {"count": row["answered"], "url": incoming_url({**here, **rules["answered"][1]})},
                    "refused": {"count": row["refused"], "url": incoming_url({**here, **refused})},
                    "days_to_answer": {"median": _rounded(row["p50"]), "p90": _rounded(row["p90"])},
                }
            )
        return {
            "received": {"count": counts["total"], "url": incoming_url(lookups)},
            "by_country": countries_out,
            "outcomes": [
                {
                    "key": k,
                    "label": str(label),
                    "count": counts[f"outcome_{k}"],
                    "url": incoming_url({**lookups, **lk}),
                }
                for k, label, _q, lk in outcomes
            ],
            "refusal_grounds": [
                {
                    "key": g["refusal_ground"],
                    "label": _label(IncomingRequest.RefusalGround.choices, g["refusal_ground"]),
                    "count": g["n"],
                    "url": incoming_url({**lookups, **refused, "refusal_ground__exact": g["refusal_ground"]}),
                }
                for g in grounds
            ],
            "days_to_answer": {**overall, "url": incoming_url({**lookups, **rules["answered"][1]})},
            **{
                key: {"count": counts[key], "url": incoming_url({**lookups, **lk})}
                for key, (_q, lk) in rules.items()
                if key != "answered"
            },
            "answered": {"count": counts["answered"], "url": incoming_url({**lookups, **rules["answered"][1]})},
        }

    def incoming_dashboard(self) -> dict:
        return self._incoming_figures("incoming")

    def _assets_at_foreign_request(self) -> list[dict]:
        """Assets frozen, confiscated, returned and shared at a foreign state's request, per year the step
        took effect (as `_values_by_year`): assets linked to an incoming request that the filter
        selects, seen as the access module says (by the incoming request, or by a case of ours)."""
        from assets.models import AssetStatusChange

        q, lookups = self._incoming_filter(prefix="asset__incoming_request__", period_field=None)
        pq, plookups = _period("effective_on", self.flt, to_many=True)
        if self.replay is not None:
            rows = AssetStatusChange.objects.filter(NOTHING)
        else:
            rows = readable(self.user, AssetStatusChange.objects.all()).filter(
                Q(asset__incoming_request__isnull=False) & q & pq
            )
        asset_lookups = {k.removeprefix("asset__"): v for k, v in lookups.items()}
        asset_lookups["incoming_request__isnull"] = "False"
        asset_lookups.update({f"timeline__{k}": v for k, v in plookups.items()})
        return self._steps_by_year("foreign_request_values_and_shares_by_year", rows, asset_lookups)

    RECIPROCITY_OUTCOMES = ("executed", "partly", "refused")

    def _reciprocity(self, outgoing_rows: list[dict], out_lookups: dict) -> dict:
        """Per state: what we asked of it and how it answered (the country page's own rows: sent
        in the period, their outcome, median days from sending to the answer), next to what it
        asked of us and how we answered (received in the period, median days from receipt to the
        answer): one more query, and on SQLite one more for the durations."""
        from incoming.models import IncomingRequest
        from mla_requests.models import Request

        incoming, in_lookups = self.incoming()
        IS = IncomingRequest.Status
        days = DaysBetween(F("answered_on"), F("received_on"))
        annotations = {
            "requests": Count("pk"),
            "executed": Count("pk", filter=Q(status=IS.EXECUTED)),
            "partly": Count("pk", filter=Q(status=IS.PARTIALLY_EXECUTED)),
            "refused": Count("pk", filter=Q(status=IS.REFUSED)),
        }
        on_postgres = connection.vendor == "postgresql"
        if on_postgres:
            annotations["p50"] = PercentileCont(days, 0.5)
        incoming_rows = self._rows(
            "reciprocity_incoming",
            lambda: list(incoming.values("requesting_country").annotate(**annotations).order_by("requesting_country")),
        )
        if not on_postgres:
            durations = _durations_by(
                self._rows(
                    "reciprocity_incoming_days",
                    lambda: list(
                        incoming.filter(answered_on__isnull=False)
                        .annotate(days=days)
                        .values_list("requesting_country", "days")
                    ),
                )
            )
            for row in incoming_rows:
                row["p50"] = percentile_cont(durations.get(row["requesting_country"], []), 0.5)

        statuses = {
            "we_asked": dict(
                zip(
                    self.RECIPROCITY_OUTCOMES,
                    (Request.Status.EXECUTED, Request.Status.PARTIALLY_EXECUTED, Request.Status.REFUSED),
                    strict=True,
                )
            ),
            "they_asked": dict(
                zip(self.RECIPROCITY_OUTCOMES, (IS.EXECUTED, IS.PARTIALLY_EXECUTED, IS.REFUSED), strict=True)
            ),
        }

        def side(name, row, url, here):
            return {
                "requests": {"count": row["requests"] if row else 0, "url": url(here)},
                **{
                    key: {"count": row[key] if row else 0, "url": url({**here, "status__exact": status})}
                    for key, status in statuses[name].items()
                },
                "median_days": _rounded(row["p50"]) if row else None,
            }

        ours = {}
        for row in outgoing_rows:
            if "executed" not in row:
                # A snapshot stored before the country page counted outcomes: read it live.
                raise SnapshotMiss("countries")
            ours[row["country"]] = {**row, "requests": row["total"], "p50": row["answer_p50"]}
        theirs = {row["requesting_country"]: row for row in incoming_rows}
        countries_out = []
        for code in set(ours) | set(theirs):
            countries_out.append(
                {
                    "country": code,
                    "name": country_name(code),
                    "we_asked": side(
                        "we_asked",
                        ours.get(code),
                        request_url,
                        {**out_lookups, "country__exact": code, "sent_on__isnull": "False"},
                    ),
                    "they_asked": side(
                        "they_asked", theirs.get(code), incoming_url, {**in_lookups, "requesting_country__exact": code}
                    ),
                }
            )
        countries_out.sort(
            key=lambda c: (-(c["we_asked"]["requests"]["count"] + c["they_asked"]["requests"]["count"]), c["country"])
        )
        return {"countries": countries_out}

    # Shared pieces -----------------------------------------------------------------------------
    def _pending_counts(self):
        """Q objects for pending, overdue and due within a week (from today), with their admin
        lookups. The admin applies a rule on the day it is asked, so a link followed on the day
        the figures were made for lists exactly the records counted."""
        today = self.today
        return {
            "pending": _request_rule(today, ("pending", "true")),
            "overdue": _request_rule(today, ("due", "overdue")),
            "due_this_week": _request_rule(today, ("due", "week")),
        }

    def _money(self, totals: dict, as_of: datetime.date | None = None, link=None) -> dict:
        return money_block(totals, self.rates, as_of or self.today, link)

    def _asset_value_rows(self, name: str, qs, group: tuple[str, ...] = ()):
        """Funnel counts and values per currency (and per `group`), in one GROUP BY query."""
        rows = self._rows(name, lambda: self._read_asset_values(qs, group))
        if rows and "shared_count" not in rows[0]:
            # Stored before the share received was counted: read the figures live instead.
            raise SnapshotMiss(name)
        return rows

    def _read_asset_values(self, qs, group: tuple[str, ...]):
        from assets.models import AssetQuerySet as AQ

        return list(
            qs.values(*group, "currency")
            .annotate(
                identified_count=Count("pk"),
                identified_value=Sum("estimated_value"),
                frozen_count=Count("pk", filter=AQ.frozen_q()),
                frozen_value=Sum("frozen_amount"),
                confiscated_count=Count("pk", filter=AQ.confiscated_q()),
                confiscated_value=Sum("confiscated_amount"),
                returned_count=Count("pk", filter=AQ.returned_q()),
                returned_value=Sum("returned_amount"),
                shared_count=Count("pk", filter=AQ.shared_q()),
                shared_value=Sum("shared_amount"),
                released_count=Count("pk", filter=AQ.released_q()),
                released_value=Sum("frozen_amount", filter=AQ.released_q()),
                retained_count=Count("pk", filter=AQ.retained_abroad_q()),
                retained_value=Sum(RETAINED_VALUE, filter=AQ.retained_abroad_q()),
            )
            .order_by(*group, "currency")
        )

    # Each stage but the first is the asset rule of the same name (assets.filters.RULES "stage"),
    # counted in _read_asset_values and linked with its parameter.
    FUNNEL_STAGES = (
        ("identified", _("Identified")),
        ("frozen", _("Frozen / seized")),
        ("confiscated", _("Confiscated")),
        ("returned", _("Returned")),
        ("shared", _("Shared (our share received)")),
        ("released", _("Released")),
        ("retained", _("Retained by the requested state")),
    )

    def _funnel(self, rows, base_lookups: dict) -> list[dict]:
        stages = []
        for key, label in self.FUNNEL_STAGES:
            lookups = {} if key == "identified" else _asset_rule("stage", key)[1]
            stages.append(
                {
                    "stage": key,
                    "label": str(label),
                    "count": sum(r[f"{key}_count"] for r in rows),
                    "money": self._money(
                        _sum_by_currency(rows, "currency", f"{key}_value"),
                        link=lambda cur, lk=lookups: asset_url({**base_lookups, **lk, "currency__exact": cur}),
                    ),
                    "url": asset_url({**base_lookups, **lookups}),
                }
            )
        return stages

    # Pages -------------------------------------------------------------------------------------
    def overview(self) -> dict:
        from cases.models import Case
        from mla_requests.models import Request

        cases, case_lookups = self.cases()
        open_cases = self._rows("open_cases", lambda: cases.filter(status=Case.Status.OPEN).count())

        requests, req_lookups = self.requests()
        by_status = {
            r["status"]: r["n"]
            for r in self._rows(
                "requests_by_status",
                lambda: list(requests.values("status").annotate(n=Count("pk")).order_by("status")),
            )
        }
        counters = self._pending_counts()
        counts = self._rows(
            "pending_counts",
            lambda: requests.aggregate(**{key: Count("pk", filter=q) for key, (q, _lk) in counters.items()}),
        )

        assets, asset_lookups = self.assets()
        rows = self._asset_value_rows("asset_values", assets)
        return {
            "open_cases": {
                "count": open_cases,
                "url": case_url({**case_lookups, "status__exact": Case.Status.OPEN}),
            },
            "requests_total": {"count": sum(by_status.values()), "url": request_url(req_lookups)},
            "requests_by_status": [
                {
                    "status": value,
                    "label": str(label),
                    "count": by_status.get(value, 0),
                    "url": request_url({**req_lookups, "status__exact": value}),
                }
                for value, label in Request.Status.choices
            ],
            **{
                key: {"count": counts[key], "url": request_url({**req_lookups, **lk})}
                for key, (_q, lk) in counters.items()
            },
            "assets": self._funnel(rows, asset_lookups),
        }

    def by_country(self) -> dict:
        requests, lookups = self.requests()
        requests = requests.filter(sent_on__isnull=False)
        counters = self._pending_counts()
        ack_days = DaysBetween(F("acknowledged_on"), F("sent_on"))
        answer_days = DaysBetween(F("answered_on"), F("sent_on"))
        today = self.today
        answered = _request_rule(today, ("answer", "answered"))
        on_time = _request_rule(today, ("answer", "on_time"))[0]
        # Due for an answer: answered by the deadline, or late (answered after it, or no answer
        # and overdue); the share on time is the first out of both.
        due = on_time | _request_rule(today, ("answer", "late"))[0]
        formal, informal = _formality()
        annotations = {
            "total": Count("pk"),
            "pending": Count("pk", filter=counters["pending"][0]),
            "overdue": Count("pk", filter=counters["overdue"][0]),
            "answered": Count("pk", filter=answered[0]),
            "on_time": Count("pk", filter=on_time),
            "due": Count("pk", filter=due),
            # The seed's figure 2 counts formal requests (mutual legal assistance); inquiries
            # through informal networks are counted apart.
            "formal": Count("pk", filter=formal[0]),
            "informal": Count("pk", filter=informal[0]),
            # For the reciprocity table (how each state answered us).
            "executed": Count("pk", filter=Q(status="executed")),
            "partly": Count("pk", filter=Q(status="partially_executed")),
            "refused": Count("pk", filter=Q(status="refused")),
        }
        # Disjoint parts of each country's bar: every sent request falls in exactly one. Without
        # an answer yet (answer=unanswered: sent, not answered, not withdrawn) it is overdue or
        # not (information requested from us, or no deadline, is not overdue).
        segments = (
            ("answered", _("Answered"), *answered),
            (
                "waiting",
                _("No answer yet, not overdue"),
                *_request_rule(today, ("answer", "unanswered"), ("overdue", "false")),
            ),
            (
                "late",
                _("No answer yet, deadline passed"),
                *_request_rule(today, ("answer", "unanswered"), ("due", "overdue")),
            ),
            (
                "withdrawn",
                _("Withdrawn without an answer"),
                Q(sent_on__isnull=False, answered_on__isnull=True, status="withdrawn"),
                {"sent_on__isnull": "False", "answered_on__isnull": "True", "status__exact": "withdrawn"},
            ),
        )
        annotations.update({f"segment_{key}": Count("pk", filter=q) for key, _l, q, _lk in segments})
        on_postgres = connection.vendor == "postgresql"
        if on_postgres:
            annotations.update(
                ack_p50=PercentileCont(ack_days, 0.5),
                ack_p90=PercentileCont(ack_days, 0.9),
                answer_p50=PercentileCont(answer_days, 0.5),
                answer_p90=PercentileCont(answer_days, 0.9),
            )
        rows = self._rows(
            "countries",
            lambda: list(requests.values("country").annotate(**annotations).order_by("-total", "country")),
        )
        if rows and "formal" not in rows[0]:
            # A snapshot stored before formal and informal requests were counted apart: read live.
            raise SnapshotMiss("countries")
        if not on_postgres:
            durations: dict[str, tuple[list, list]] = {}
            for country, ack, answer in self._rows(
                "durations",
                lambda: list(
                    # Answered without an acknowledgement counts for the days to answer, as it
                    # does in PostgreSQL's percentile over the same rows.
                    requests.filter(Q(acknowledged_on__isnull=False) | Q(answered_on__isnull=False))
                    .annotate(ack=ack_days, answer=answer_days)
                    .values_list("country", "ack", "answer")
                ),
            ):
                acks, answers = durations.setdefault(country, ([], []))
                if ack is not None:
                    acks.append(ack)
                if answer is not None:
                    answers.append(answer)
            for row in rows:
                acks, answers = durations.get(row["country"], ([], []))
                row.update(
                    ack_p50=percentile_cont(acks, 0.5),
                    ack_p90=percentile_cont(acks, 0.9),
                    answer_p50=percentile_cont(answers, 0.5),
                    answer_p90=percentile_cont(answers, 0.9),
                )
        countries_out = []
        for row in rows:
            code = row["country"]
            here = {**lookups, "country__exact": code}
            countries_out.append(
                {
                    "country": code,
                    "name": country_name(code),
                    "total": {"count": row["total"], "url": request_url({**here, "sent_on__isnull": "False"})},
                    "formal": {
                        "count": row["formal"],
                        "url": request_url({**here, "sent_on__isnull": "False", **formal[1]}),
                    },
                    "informal": {
                        "count": row["informal"],
                        "url": request_url({**here, "sent_on__isnull": "False", **informal[1]}),
                    },
                    "pending": {"count": row["pending"], "url": request_url({**here, **counters["pending"][1]})},
                    "overdue": {"count": row["overdue"], "url": request_url({**here, **counters["overdue"][1]})},
                    "answered": {"count": row["answered"], "url": request_url({**here, **answered[1]})},
                    "answered_on_time": row["on_time"],
                    "due": row["due"],
                    "share_on_time": round(row["on_time"] / row["due"], 3) if row["due"] else None,
                    "days_to_acknowledgement": {"median": _rounded(row["ack_p50"]), "p90": _rounded(row["ack_p90"])},
                    "days_to_answer": {"median": _rounded(row["answer_p50"]), "p90": _rounded(row["answer_p90"])},
                    "segments": [
                        {
                            "key": key,
                            "label": str(label),
                            "count": row[f"segment_{key}"],
                            "url": request_url({**here, **lk}),
                        }
                        for key, label, _q, lk in segments
                    ],
                }
            )
        # Figure 2's ranking: formal requests, ties in the seed's order of states (not the alphabet).
        countries_out.sort(key=lambda c: (-c["formal"]["count"], *seed_rank(c["country"])))
        return {
            "countries": countries_out,
            "total": sum(r["total"] for r in rows),
            "formal": sum(r["formal"] for r in rows),
            "informal": sum(r["informal"] for r in rows),
            "segment_labels": [str(label) for _k, label, _q, _lk in segments],
            "reciprocity": self._reciprocity(rows, lookups),
        }

    def by_category(self) -> dict:
        requests, lookups = self.requests()
        requests = requests.filter(sent_on__isnull=False)
        formal, informal = _formality()
        rows = self._rows(
            "categories",
            lambda: list(
                requests.values(
                    "crime_category",
                    "crime_category__code",
                    "crime_category__name_en",
                    "crime_category__name_ru",
                    "crime_category__name_kk",
                )
                .annotate(n=Count("pk"), formal=Count("pk", filter=formal[0]), informal=Count("pk", filter=informal[0]))
                .order_by("-n", "crime_category__code")
            ),
        )
        if rows and "formal" not in rows[0]:
            raise SnapshotMiss("categories")  # stored before formal and informal were counted apart
        total = sum(r["n"] for r in rows)
        formal_total = sum(r["formal"] for r in rows)

        def url(r, extra=None):
            return request_url(
                {
                    **lookups,
                    "crime_category__id__exact": r["crime_category"],
                    "sent_on__isnull": "False",
                    **(extra or {}),
                }
            )

        return {
            "total": total,
            "formal": formal_total,
            "informal": sum(r["informal"] for r in rows),
            "categories": [
                {
                    "code": r["crime_category__code"],
                    "name": _trilingual(r, "crime_category__"),
                    "count": r["n"],
                    "share": round(r["n"] / total, 3) if total else None,
                    "url": url(r),
                    # The seed's figure 1 is the share of each category in formal requests.
                    "formal": {"count": r["formal"], "url": url(r, formal[1])},
                    "formal_share": round(r["formal"] / formal_total, 3) if formal_total else None,
                    "informal": {"count": r["informal"], "url": url(r, informal[1])},
                }
                for r in rows
            ],
        }

    OVERDUE_LIST_LIMIT = 100

    def overdue(self) -> dict:
        """Always live (an actionable list, not a statistic): the OVERDUE_LIST_LIMIT most overdue
        requests, and the number of all of them. Both read the partial index of pending deadlines
        (request_pending_due_idx) in deadline order, and the listed requests' reminders are read by
        their ids, so the page costs the same at any volume."""
        requests, lookups = self.requests()
        q, lk = self._pending_counts()["overdue"]
        from mla_requests.models import ReminderDelivery
        from mla_requests.reminders import ESCALATED

        overdue = requests.filter(q)
        rows = list(
            overdue.select_related("case", "responsible_investigator").order_by("response_due", "sent_on", "pk")[
                : self.OVERDUE_LIST_LIMIT
            ]
        )
        # The reminders of the listed requests in a second query, not as subqueries of the first:
        # with them the planner priced the list as if it read every overdue request, and at volume
        # PostgreSQL spent a second compiling it (JIT) before reading 200 rows.
        reminders = {
            r["request_id"]: r
            for r in ReminderDelivery.objects.filter(
                request_id__in=[r.pk for r in rows], status=ReminderDelivery.Status.SENT
            )
            .values("request_id")
            .annotate(n=Count("pk"), escalated=Count("pk", filter=Q(stage=ESCALATED)))
            .order_by()
        }
        for r in rows:
            sent = reminders.get(r.pk, {"n": 0, "escalated": 0})
            r.reminders_sent, r.escalated = sent["n"], sent["escalated"] > 0
        items = [
            {
                "id": r.pk,
                "reference": r.reference,
                "url": admin_changelist_url("requests", "request", {}) + f"{r.pk}/change/",
                "country": r.country.code,
                "country_name": country_name(r.country.code),
                "case": r.case.register_number,
                "case_title": r.case.title,
                "case_url": admin_changelist_url("cases", "case", {}) + f"{r.case_id}/change/",
                "responsible_investigator": str(r.responsible_investigator),
                "sent_on": r.sent_on,
                "response_due": r.response_due,
                "days_overdue": (self.today - r.response_due).days,
                "reminders_sent": r.reminders_sent,
                "escalated": r.escalated,
            }
            for r in rows
        ]
        count = len(items) if len(items) < self.OVERDUE_LIST_LIMIT else overdue.count()
        return {"count": count, "shown": len(items), "url": request_url({**lookups, **lk}), "requests": items}

    def asset_recovery(self) -> dict:
        from assets.models import Asset

        assets, lookups = self.assets()
        all_rows = self._asset_value_rows("asset_values", assets)
        by_country_rows = self._asset_value_rows("asset_values_by_country", assets, ("location_country",))
        by_kind_rows = self._asset_value_rows("asset_values_by_kind", assets, ("kind",))

        confiscated, returned = _asset_rule("stage", "confiscated")[1], _asset_rule("stage", "returned")[1]
        shared = _asset_rule("stage", "shared")[1]

        def grouped(rows, key, lookup, name):
            out: dict[str, list] = {}
            for row in rows:
                out.setdefault(row[key], []).append(row)
            return [
                {"key": k, "name": name(k), "stages": self._funnel(group, {**lookups, lookup: k})}
                for k, group in out.items()
            ]

        return {
            "funnel": self._funnel(all_rows, lookups),
            "ordered": self._money(
                _sum_by_currency(all_rows, "currency", "confiscated_value"),
                link=lambda cur: asset_url({**lookups, **confiscated, "currency__exact": cur}),
            ),
            "realised": self._money(
                _sum_by_currency(all_rows, "currency", "returned_value"),
                link=lambda cur: asset_url({**lookups, **returned, "currency__exact": cur}),
            ),
            # Our share received under sharing agreements: realised too, beside what was returned.
            "shared": self._money(
                _sum_by_currency(all_rows, "currency", "shared_value"),
                link=lambda cur: asset_url({**lookups, **shared, "currency__exact": cur}),
            ),
            "by_country": grouped(by_country_rows, "location_country", "location_country__exact", country_name),
            "by_kind": grouped(by_kind_rows, "kind", "kind__exact", lambda k: _label(Asset.Kind.choices, k)),
            "recovery": self.recovery_abroad(),
        }

    def _per_month(self, name: str, qs, date_field: str) -> dict[datetime.date, int]:
        """How many of `qs` fall in each month of `date_field` (first of the month -> count)."""
        rows = self._rows(
            name,
            lambda: list(
                qs.filter(**{f"{date_field}__isnull": False})
                .annotate(month=TruncMonth(date_field))
                .values("month")
                .annotate(n=Count("pk"))
                .order_by("month")
            ),
        )
        return {datetime.date(r["month"].year, r["month"].month, 1): r["n"] for r in rows}

    def trends(self) -> dict:
        sent_qs, sent_lookups = self.requests(period_field="sent_on")
        answered_qs, answered_lookups = self.requests(period_field="answered_on")
        sent = self._per_month("sent_per_month", sent_qs, "sent_on")
        answered = self._per_month("answered_per_month", answered_qs, "answered_on")
        months = []
        for month in _month_range(set(sent) | set(answered)):
            months.append(
                {
                    "month": month.strftime("%Y-%m"),
                    "sent": {
                        "count": sent.get(month, 0),
                        "url": request_url(
                            {**sent_lookups, "sent_on__year": month.year, "sent_on__month": month.month}
                        ),
                    },
                    "answered": {
                        "count": answered.get(month, 0),
                        "url": request_url(
                            {**answered_lookups, "answered_on__year": month.year, "answered_on__month": month.month}
                        ),
                    },
                }
            )
        return {"months": months, "years": self._values_by_year()}

    # The reads of these steps (and of RECOVERY_STEPS) were renamed when the share received joined
    # them: a snapshot stored before lacks them and its page is computed live (SnapshotMiss).
    VALUE_STEPS = ("frozen", "confiscated", "returned", "shared")

    def _values_by_year(self) -> list[dict]:
        changes, lookups = self.asset_changes()
        return self._steps_by_year("values_and_shares_by_year", changes, lookups)

    def _steps_by_year(self, name: str, changes, lookups: dict) -> list[dict]:
        """Per year, the assets frozen, confiscated, returned and shared (our share received; timeline
        rows `changes` with an amount), and their amounts per currency, each linked to the asset list
        by `lookups`."""
        rows = self._rows(
            name,
            lambda: list(
                changes.filter(to_status__in=self.VALUE_STEPS, amount__isnull=False)
                .annotate(year=ExtractYear("effective_on"))
                .values("year", "to_status", "amount_currency")
                # Assets, not timeline rows: two returns of one asset in a year are one asset.
                .annotate(n=Count("asset_id", distinct=True), total=Sum("amount"))
                .order_by("year", "to_status", "amount_currency")
            ),
        )
        years = []
        for year in sorted({r["year"] for r in rows}):
            entry = {"year": year}
            as_of = min(datetime.date(year, 12, 31), self.today)
            for step in self.VALUE_STEPS:
                here = [r for r in rows if r["year"] == year and r["to_status"] == step]
                step_lookups = {**lookups, "timeline__to_status__in": step, "timeline__effective_on__year": year}
                entry[step] = {
                    "count": sum(r["n"] for r in here),
                    # An amount on an asset's timeline is always in the asset's currency.
                    "money": self._money(
                        _sum_by_currency(here, "amount_currency", "total"),
                        as_of,
                        link=lambda cur, lk=step_lookups: asset_url({**lk, "currency__exact": cur}),
                    ),
                    "url": asset_url(step_lookups),
                }
            years.append(entry)
        return years

    # Assets abroad, step by step: (key, timeline status, label). Ordered is what the foreign court
    # confiscated, realised what came back (returned, and our share received under a sharing
    # agreement); retained is what the requested state keeps (RETAINED_VALUE of the assets it
    # retained: the funnel's value), in the year it retained them.
    RECOVERY_STEPS = (
        ("frozen", "frozen", _("Frozen / seized")),
        ("confiscated", "confiscated", _("Confiscated (value ordered)")),
        ("returned", "returned", _("Returned (value realised)")),
        ("shared", "shared", _("Shared (our share received)")),
        ("retained", "retained_abroad", _("Retained by the requested state")),
    )
    # The steps whose value is the amount on the timeline row (retained has none of its own).
    RECOVERY_AMOUNT_STEPS = ("frozen", "confiscated", "returned", "shared")

    def _recovery_rows(self, name: str, changes, group: str):
        """Per `group` (the year the step took effect, or the country where the asset is), step and
        currency: the assets (counted once however many returns) and their value, in one query."""
        with_value = Q(to_status__in=self.RECOVERY_AMOUNT_STEPS, amount__isnull=False) | Q(to_status="retained_abroad")
        if group == "year":
            changes = changes.annotate(year=ExtractYear("effective_on"))
        return self._rows(
            name,
            lambda: list(
                changes.filter(with_value)
                .values(group, "to_status", "asset__currency")
                .annotate(
                    n=Count("asset_id", distinct=True),
                    total=Sum("amount"),
                    kept=Sum(RETAINED_VALUE_OF_THE_ASSET, filter=Q(to_status="retained_abroad")),
                )
                .order_by(group, "to_status", "asset__currency")
            ),
        )

    def _recovery_entry(self, rows, as_of: datetime.date, lookups: dict) -> dict:
        entry = {}
        for key, status, label in self.RECOVERY_STEPS:
            here = [r for r in rows if r["to_status"] == status]
            step_lookups = {**lookups, "timeline__to_status__in": status}
            # An amount on an asset's timeline is always in the asset's currency.
            entry[key] = {
                "label": str(label),
                "count": sum(r["n"] for r in here),
                "money": self._money(
                    _sum_by_currency(here, "asset__currency", "kept" if key == "retained" else "total"),
                    as_of,
                    link=lambda cur, lk=step_lookups: asset_url({**lk, "currency__exact": cur}),
                ),
                "url": asset_url(step_lookups),
            }
        return entry

    def recovery_abroad(self, as_of: datetime.date | None = None) -> dict:
        """Assets abroad frozen, confiscated (ordered), returned (realised), shared (our share
        received) and retained by the requested state: per year the step took effect (converted at
        that year's end) and per country where the assets are (converted on `as_of`), per currency
        with the converted total."""
        changes, lookups = self.asset_changes()
        as_of = as_of or self.today
        by_year_rows = self._recovery_rows("recovery_and_shares_by_year", changes, "year")
        by_country_rows = self._recovery_rows("recovery_and_shares_by_country", changes, "asset__location_country")
        years = []
        for year in sorted({r["year"] for r in by_year_rows}):
            years.append(
                {
                    "year": year,
                    **self._recovery_entry(
                        [r for r in by_year_rows if r["year"] == year],
                        min(datetime.date(year, 12, 31), self.today),
                        {**lookups, "timeline__effective_on__year": year},
                    ),
                }
            )
        countries = []
        for code in {r["asset__location_country"] for r in by_country_rows}:
            countries.append(
                {
                    "country": code,
                    "name": country_name(code),
                    **self._recovery_entry(
                        [r for r in by_country_rows if r["asset__location_country"] == code],
                        as_of,
                        {**lookups, "location_country__exact": code},
                    ),
                }
            )
        countries.sort(key=lambda c: (-c["confiscated"]["count"], -c["frozen"]["count"], *seed_rank(c["country"])))
        return {
            "steps": [{"key": key, "label": str(label)} for key, _s, label in self.RECOVERY_STEPS],
            "by_year": years,
            "by_country": countries,
        }

    def report(self, year: int) -> dict:
        """The yearly statistics (FATF Recommendation 33): requests sent in the year, their outcome
        and timeliness, and the freezing, confiscation and return orders decided in the year."""
        from assets.models import CourtDecision
        from mla_requests.models import Request
        from recovery.models import LegalInstrument

        yearly = Stats(self.user, self.flt.for_year(year), today=self.today, replay=self.replay)
        # One page: the same rate table, scopes and stored reads (their names do not collide).
        yearly.rates, yearly._scopes, yearly.recorded = self.rates, self._scopes, self.recorded
        as_of = min(datetime.date(year, 12, 31), self.today)
        requests, lookups = yearly.requests()
        requests = requests.filter(sent_on__isnull=False)

        def grouped(field_name, lookup, name):
            rows = self._rows(
                f"report_by_{field_name}",
                lambda: list(requests.values(field_name).annotate(n=Count("pk")).order_by("-n", field_name)),
            )
            return [
                {
                    "key": r[field_name],
                    "name": name(r[field_name]),
                    "count": r["n"],
                    "url": request_url({**lookups, lookup: r[field_name]}),
                }
                for r in rows
            ]

        # Figure 2's states with as many requests in the seed's order, not the alphabet.
        by_country = sorted(
            grouped("country", "country__exact", country_name), key=lambda r: (-r["count"], *seed_rank(r["key"]))
        )
        categories = yearly.by_category()["categories"]
        by_kind = grouped(
            "legal_basis__kind", "legal_basis__kind__exact", lambda k: _label(LegalInstrument.Kind.choices, k)
        )
        by_channel = grouped("channel", "channel__exact", lambda c: _label(Request.Channel.choices, c))
        informal = LegalInstrument.Kind.INFORMAL_NETWORK
        formality = [
            {
                "key": "formal",
                "name": str(_("Formal (treaty, convention, agreement, reciprocity)")),
                "count": sum(r["count"] for r in by_kind if r["key"] != informal),
                "url": request_url(
                    {**lookups, "legal_basis__kind__in": ",".join(str(k) for k in LegalInstrument.FORMAL_KINDS)}
                ),
            },
            {
                "key": "informal",
                "name": str(_("Informal (networks)")),
                "count": sum(r["count"] for r in by_kind if r["key"] == informal),
                "url": request_url({**lookups, "legal_basis__kind__exact": informal}),
            },
        ]

        S = Request.Status
        outcomes = (
            ("executed", _("Executed"), Q(status=S.EXECUTED), {"status__exact": S.EXECUTED}),
            ("partly", _("Partly executed"), Q(status=S.PARTIALLY_EXECUTED), {"status__exact": S.PARTIALLY_EXECUTED}),
            ("refused", _("Refused"), Q(status=S.REFUSED), {"status__exact": S.REFUSED}),
            ("withdrawn", _("Withdrawn"), Q(status=S.WITHDRAWN), {"status__exact": S.WITHDRAWN}),
            # By status, so that the outcomes add up: a partly executed request is "partly", not
            # also pending (which, a foreign response awaited, it is).
            (
                "pending",
                _("No outcome yet"),
                Q(status__in=(S.SENT, S.ACKNOWLEDGED, S.INFO_REQUESTED)),
                {"status__in": ",".join((S.SENT, S.ACKNOWLEDGED, S.INFO_REQUESTED))},
            ),
        )
        today = self.today
        # Each sent request by its first answer: on time, after the deadline, or none yet (then
        # not yet due or overdue, while pending); a partly executed request answered in time is
        # on time even while it is still pending past the deadline.
        timeliness = (
            ("on_time", _("Answered by the deadline"), *_request_rule(today, ("answer", "on_time"))),
            ("late", _("Answered after the deadline"), *_request_rule(today, ("answer", "after_deadline"))),
            (
                "not_yet_due",
                _("Pending, deadline not passed"),
                *_request_rule(today, ("answer", "unanswered"), ("due", "upcoming")),
            ),
            (
                "overdue",
                _("Pending, overdue"),
                *_request_rule(today, ("answer", "unanswered"), ("due", "overdue")),
            ),
        )
        counts = self._rows(
            "report_counts",
            lambda: requests.aggregate(
                total=Count("pk"),
                **{f"outcome_{k}": Count("pk", filter=q) for k, _l, q, _lk in outcomes},
                **{f"time_{k}": Count("pk", filter=q) for k, _l, q, _lk in timeliness},
            ),
        )
        grounds = self._rows(
            "report_refusal_grounds",
            lambda: list(
                requests.filter(status=S.REFUSED)
                .values("refusal_grounds")
                .annotate(n=Count("pk"))
                .order_by("-n", "refusal_grounds")
            ),
        )

        decisions, dec_lookups = yearly.decisions()
        K = CourtDecision.Kind
        order_kinds = (
            (K.RESTRAINT, _("Freezing orders")),
            (K.CONFISCATION, _("Confiscation orders")),
            (K.RETURN, _("Return orders")),
        )
        dec_rows = self._rows(
            "report_orders",
            lambda: list(
                decisions.filter(kind__in=[k for k, _l in order_kinds])
                .values("kind", "conviction_based", "amount_currency")
                .annotate(n=Count("pk"), total=Sum("amount"))
                .order_by("kind", "conviction_based", "amount_currency")
            ),
        )
        bases = (
            ("conviction_based", _("Conviction-based"), True, {"conviction_based__exact": "1"}),
            ("non_conviction_based", _("Non-conviction-based"), False, {"conviction_based__exact": "0"}),
            ("not_recorded", _("Not recorded"), None, {"conviction_based__isnull": "True"}),
        )
        orders = []
        for kind, label in order_kinds:
            of_kind = [r for r in dec_rows if r["kind"] == kind]
            here = {**dec_lookups, "kind__exact": kind}
            orders.append(
                {
                    "kind": kind,
                    "label": str(label),
                    "count": sum(r["n"] for r in of_kind),
                    "money": yearly._money(
                        _sum_by_currency(of_kind, "amount_currency", "total"),
                        as_of,
                        link=lambda cur, lk=here: decision_url({**lk, "amount_currency__exact": cur}),
                    ),
                    "url": decision_url(here),
                    "by_basis": [
                        {
                            "basis": key,
                            "label": str(blabel),
                            "count": sum(r["n"] for r in of_kind if r["conviction_based"] is value),
                            "money": yearly._money(
                                _sum_by_currency(
                                    [r for r in of_kind if r["conviction_based"] is value], "amount_currency", "total"
                                ),
                                as_of,
                                link=lambda cur, lk={**here, **blookups}: decision_url(
                                    {**lk, "amount_currency__exact": cur}
                                ),
                            ),
                            "url": decision_url({**here, **blookups}),
                        }
                        for key, blabel, value, blookups in bases
                    ],
                }
            )

        # The other direction: requests received in the year, and assets acted on at their request.
        incoming = yearly._incoming_figures("report_incoming")
        foreign_values = yearly._assets_at_foreign_request()
        answer_days = yearly._days_summary(
            "report_answer_days",
            requests.filter(answered_on__isnull=False),
            DaysBetween(F("answered_on"), F("sent_on")),
        )
        outgoing_outcome = {
            k: {"count": counts[f"outcome_{k}"], "url": request_url({**lookups, **lk})}
            for k, _label, _q, lk in outcomes
        }
        incoming_outcome = {o["key"]: {"count": o["count"], "url": o["url"]} for o in incoming["outcomes"]}
        answered = _request_rule(today, ("answer", "answered"))[1]
        both_directions = {
            "outgoing": {
                "requests": {"count": counts["total"], "url": request_url(lookups)},
                "executed": outgoing_outcome["executed"],
                "partly": outgoing_outcome["partly"],
                "refused": outgoing_outcome["refused"],
                "days_to_answer": {**answer_days, "url": request_url({**lookups, **answered})},
            },
            "incoming": {
                "requests": incoming["received"],
                "executed": incoming_outcome["executed"],
                "partly": incoming_outcome["partly"],
                "refused": incoming_outcome["refused"],
                "days_to_answer": incoming["days_to_answer"],
            },
        }

        return {
            "year": year,
            "as_of": as_of,
            "reporting_currency": settings.REPORTING_CURRENCY,
            "both_directions": both_directions,
            "incoming": incoming,
            # None: assets are not linked to incoming requests in this version (not recorded).
            "foreign_request_values": foreign_values,
            "requests_sent": {"count": counts["total"], "url": request_url(lookups)},
            "by_country": by_country,
            "by_offence": categories,
            "by_legal_basis_kind": by_kind,
            "by_formality": formality,
            "by_channel": by_channel,
            "outcomes": [
                {"key": k, "label": str(label), "count": counts[f"outcome_{k}"], "url": request_url({**lookups, **lk})}
                for k, label, _q, lk in outcomes
            ],
            "refusal_grounds": [
                {
                    "grounds": g["refusal_grounds"],
                    "count": g["n"],
                    "url": request_url(
                        {**lookups, "status__exact": S.REFUSED, "refusal_grounds__exact": g["refusal_grounds"]}
                    ),
                }
                for g in grounds
            ],
            "timeliness": [
                {
                    "key": k,
                    "label": str(label),
                    "count": counts[f"time_{k}"],
                    "url": request_url({**lookups, **lk}),
                }
                for k, label, _q, lk in timeliness
            ],
            "orders": orders,
            "values": yearly._values_by_year(),
            "recovery": yearly.recovery_abroad(as_of),
        }


# --- Access and serialisation shared by pages, exports and the JSON API -----------------------------
def may_view_dashboards(user) -> bool:
    """Whoever works with case records (each sees the figures of what they read); not auditors."""
    from recovery.access import is_case_reader

    return is_case_reader(user)


def jsonable(value):
    """Figures as JSON: Decimals as strings (money is never a float), dates in ISO 8601."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)  # lazy translations
