"""Reads of the reference data beyond a one-line filter: a foreign state's page (its authorities,
the channels and language it takes requests in, dual criminality, the legal instruments that can
apply to it, and the viewer's own requests to it), the summary the request form shows, and the
authority a letter is addressed to.

Requests are counted through their scoped queryset (`visible_to`, recovery.access): another unit's
requests are never counted. Models are read through the app registry, so no app imports another
through this module.
"""

from __future__ import annotations

import datetime

from django.apps import apps
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from recovery.models import AuthorityKind, CountryAuthority, CountryProfile, LegalInstrument, RequestChannel

# The authority a request through a channel goes to, when the profile records one of that kind; any
# other channel (the central authority's, the diplomatic one: a note that carries the request to
# it) and a channel whose kind is not recorded go to the central authority.
CHANNEL_AUTHORITY_KIND = {
    RequestChannel.FIU: AuthorityKind.FIU,
    RequestChannel.INFORMAL_NETWORK: AuthorityKind.CONTACT_POINT,
    RequestChannel.POLICE: AuthorityKind.CONTACT_POINT,
}

# The order the page lists the legal instruments in, by kind.
INSTRUMENT_GROUPS = (
    LegalInstrument.Kind.BILATERAL_TREATY,
    LegalInstrument.Kind.MULTILATERAL_CONVENTION,
    LegalInstrument.Kind.AGREEMENT,
    LegalInstrument.Kind.RECIPROCITY,
    LegalInstrument.Kind.INFORMAL_NETWORK,
)


def profile_of(code) -> CountryProfile | None:
    """The country profile of an ISO 3166-1 alpha-2 code (any case) with its authorities, or None."""
    code = str(code or "").strip().upper()
    if len(code) != 2 or not code.isalpha():
        return None
    return (
        CountryProfile.objects.filter(country=code)
        .prefetch_related(Prefetch("authorities", queryset=CountryAuthority.objects.order_by("order", "kind", "pk")))
        .first()
    )


def _authorities(profile: CountryProfile) -> list[CountryAuthority]:
    return sorted(profile.authorities.all(), key=lambda a: (a.order, a.kind, a.pk))


def addressee(profile: CountryProfile | None, channel: str) -> dict:
    """Whom a request through `channel` is addressed to: the authority of the kind the channel goes
    to (CHANNEL_AUTHORITY_KIND) when the profile records one, else its recorded central authority,
    else the central authority's name alone. `known` is False when not even a name is recorded;
    `matches_channel`, whether it is of the kind the channel goes to (an informal inquiry's letter is
    not addressed to the central authority)."""
    authorities = _authorities(profile) if profile is not None else []
    wanted = CHANNEL_AUTHORITY_KIND.get(channel)
    chosen = None
    for kind in (wanted, AuthorityKind.CENTRAL_AUTHORITY):
        chosen = next((a for a in authorities if kind and a.kind == kind), None)
        if chosen is not None:
            break
    if chosen is not None:
        return {
            "name": chosen.name,
            "matches_channel": chosen.kind == (wanted or AuthorityKind.CENTRAL_AUTHORITY),
            "kind": chosen.kind,
            "kind_label": str(chosen.get_kind_display()),
            "address": chosen.address,
            "email": chosen.email,
            "phone": chosen.phone,
            "website": chosen.website,
            "contact_person": chosen.contact_person,
            "known": True,
        }
    name = (profile.central_authority if profile is not None else "").strip()
    return {
        "name": name,
        "matches_channel": bool(name) and wanted is None,
        "kind_label": str(AuthorityKind.CENTRAL_AUTHORITY.label),
        "kind": AuthorityKind.CENTRAL_AUTHORITY.value,
        "address": "",
        "email": "",
        "phone": "",
        "website": "",
        "contact_person": "",
        "known": bool(name),
    }


def profile_summary(profile: CountryProfile | None, channel: str | None = None) -> dict | None:
    """What the request form shows of the requested state: its central authority, the channels it
    accepts (and whether the request's channel is one), the language required, dual criminality."""
    if profile is None:
        return None
    central = addressee(profile, RequestChannel.CENTRAL_AUTHORITY)
    return {
        "profile": profile,
        "central_authority": central["name"],
        "channels": profile.channels_accepted_labels(),
        "channel_accepted": channel is None or profile.accepts_channel(channel),
        "languages": profile.languages,
        "dual_criminality": str(profile.get_dual_criminality_display()),
        "dual_criminality_notes": profile.dual_criminality_notes,
    }


def instruments_for(profile: CountryProfile) -> list[tuple[str, list[LegalInstrument]]]:
    """(kind label, instruments) for each kind of legal instrument that can apply to the state: those
    naming it among their parties (its bilateral treaties, the conventions and agreements it is party
    to) and those open to every state (reciprocity, networks, conventions recorded as open)."""
    instruments = (
        LegalInstrument.objects.filter(Q(counterpart_countries=profile) | Q(open_to_all_states=True))
        .distinct()
        .order_by("kind", "code")
    )
    by_kind: dict[str, list[LegalInstrument]] = {}
    for instrument in instruments:
        by_kind.setdefault(instrument.kind, []).append(instrument)
    labels = dict(LegalInstrument.Kind.choices)
    return [(str(labels[kind]), by_kind[kind]) for kind in INSTRUMENT_GROUPS if kind in by_kind]


def own_requests_to(user, code: str, today: datetime.date | None = None) -> dict:
    """The viewer's own (scoped) requests to the state still waiting for its answer, and those of
    them overdue, each with the link to the request list showing exactly them."""
    from recovery.stats import _request_rule, request_url

    Request = apps.get_model("requests", "Request")
    today = today or timezone.localdate()
    rules = {"pending": _request_rule(today, ("pending", "true")), "overdue": _request_rule(today, ("due", "overdue"))}
    counts = (
        Request.objects.visible_to(user)
        .filter(country=code)
        .aggregate(**{name: Count("pk", filter=q) for name, (q, _lookups) in rules.items()})
    )
    return {
        name: {"count": counts[name] or 0, "url": request_url({"country__exact": code, **lookups})}
        for name, (_q, lookups) in rules.items()
    }


def country_page(user, code, today: datetime.date | None = None) -> dict | None:
    """Everything the state's page shows, or None for a code without a country profile."""
    profile = profile_of(code)
    if profile is None:
        return None
    code = profile.country.code
    return {
        "profile": profile,
        "code": code,
        "name": profile.country.name,
        "authorities": _authorities(profile),
        "central_authority": addressee(profile, RequestChannel.CENTRAL_AUTHORITY),
        "channels": profile.channels_accepted_labels(),
        "instruments": instruments_for(profile),
        "requests": own_requests_to(user, code, today),
    }


def instruments_applicable_to(code, queryset=None):
    """The legal instruments that can be a request's legal basis to the state `code`: those open
    to every state (conventions, reciprocity, networks) and those it is a party to (its bilateral
    treaty). The same rule as LegalInstrument.applies_to, as a queryset; none for the home state,
    which is never a requested state."""
    from django.conf import settings
    from django_countries import countries

    queryset = LegalInstrument.objects.all() if queryset is None else queryset
    code = str(getattr(code, "code", code) or "").strip().upper()
    if code not in dict(countries) or code == settings.HOME_COUNTRY:
        return queryset.none()
    parties = LegalInstrument.counterpart_countries.through.objects.filter(countryprofile__country=code)
    return queryset.filter(Q(open_to_all_states=True) | Q(pk__in=parties.values("legalinstrument_id")))
