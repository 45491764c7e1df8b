"""What a request's case file must hold before the request goes: the translation the requested state
needs, and the signed letter. Read rules, one definition each.

- The letter language of a request: the language of its newest request letter (draft or signed) in
  the case file; English while there is none.
- A translation is needed when that language is not among those the requested state accepts as they
  are (its country profile's `letter_languages`); a state without a profile needs one. The language
  named is what to translate into: the office languages the state accepts, else the state's own.
- Before sending, a draft lacks a translation (a document of kind "translation" linked to the
  request) when its legal basis requires one and one is needed, and the signed letter (a document of
  kind "request_letter" linked to the request) when its legal basis requires it.
- A draft asking for confiscation (the measure AssistanceMeasure.CONFISCATION) under a legal basis
  that requires a court decision (`court_decision_required`: the UK treaty, UNCAC art. 55(1)(b),
  UNTOC art. 13(1)(b)...) lacks the certified copy of the court decision until a document of kind
  "certified_court_decision" is linked to the request or to one of its checklist items.

`translation_needed` and `documents_missing_before_sending` judge one request (request_send on its
locked row, the admin's change page, the API's declared fields); `sending_documents` judges a page
of API rows in a fixed number of queries. All three read the facts the same way and decide through
the same two predicates (`_translation_into`, `_missing`), so they cannot disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents.models import Document
from mla_requests.models import Request
from recovery.models import AssistanceMeasure, CountryProfile

LETTER_KINDS = (Document.Kind.REQUEST_LETTER_DRAFT, Document.Kind.REQUEST_LETTER)
SIGNED_LETTER_KIND = Document.Kind.REQUEST_LETTER
TRANSLATION_KIND = Document.Kind.TRANSLATION
COURT_DECISION_KIND = Document.Kind.CERTIFIED_COURT_DECISION
DEFAULT_LETTER_LANGUAGE = Document.Language.EN
_KINDS_READ = (*LETTER_KINDS, TRANSLATION_KIND, COURT_DECISION_KIND)
_LANGUAGE_NAMES = dict(Document.Language.choices)
UNKNOWN_LANGUAGE = gettext_lazy("the requested state's language")

TRANSLATION = "translation"
SIGNED_LETTER = "signed_letter"
COURT_DECISION = "court_decision"


@dataclass(frozen=True)
class _Facts:
    """What the rules read of one request."""

    pk: int
    country: str
    is_draft: bool
    translation_required: bool  # by the legal basis
    signed_letter_required: bool  # by the legal basis
    court_decision_required: bool = False  # by the legal basis, for a request asking for confiscation


def accepted_codes(profile: CountryProfile | None) -> list[str]:
    """The office letter languages the state takes as they are (codes, in the profile's order)."""
    if profile is None:
        return []
    # Administrators type the list by hand: "en, ru", "en;ru" and "EN RU" all mean the same.
    return [code.lower() for code in re.split(r"[,;\s]+", profile.letter_languages or "") if code]


def _translation_into(profile: CountryProfile | None, language: str) -> str | None:
    """The language a letter in `language` must be translated into for this state, or None."""
    accepted = accepted_codes(profile)
    if language in accepted:
        return None
    names = [str(_LANGUAGE_NAMES[code]) for code in accepted if code in _LANGUAGE_NAMES]
    if names:
        return " / ".join(names)
    if profile is not None and profile.languages.strip():
        return profile.languages.strip()
    return str(UNKNOWN_LANGUAGE)


def _letter_language(documents: list[tuple[str, str]]) -> str:
    """`documents`: (kind, language) of the request's documents, newest first."""
    for kind, language in documents:
        if kind in LETTER_KINDS:
            return language
    return DEFAULT_LETTER_LANGUAGE


def _missing(facts: _Facts, translation: str | None, documents: list[tuple[str, str]]) -> list[tuple[str, str]]:
    if not facts.is_draft:
        return []
    kinds = {kind for kind, _language in documents}
    missing = []
    if facts.translation_required and translation is not None and TRANSLATION_KIND not in kinds:
        missing.append((TRANSLATION, _("A translation into %(language)s") % {"language": translation}))
    if facts.signed_letter_required and SIGNED_LETTER_KIND not in kinds:
        missing.append((SIGNED_LETTER, _("The signed request letter")))
    if facts.court_decision_required and COURT_DECISION_KIND not in kinds:
        missing.append((COURT_DECISION, _("A certified copy of the court decision on confiscation")))
    return missing


# --- reading the facts -------------------------------------------------------------------------------


def _profiles(countries) -> dict[str, CountryProfile]:
    codes = {str(code) for code in countries}
    return {str(p.country): p for p in CountryProfile.objects.filter(country__in=codes)}


def _documents(request_ids) -> dict[int, list[tuple[str, str]]]:
    """(kind, language) of the letters, translations and certified court decisions linked to each
    request (or to one of its checklist items), newest first."""
    by_request: dict[int, list[tuple[str, str]]] = {pk: [] for pk in request_ids}
    ids = list(request_ids)
    rows = (
        Document.objects.filter(Q(request_id__in=ids) | Q(checklist_item__request_id__in=ids), kind__in=_KINDS_READ)
        .annotate(of_request=Coalesce("request_id", "checklist_item__request_id"))
        .order_by("of_request", "-created_at", "-pk")
        .values_list("of_request", "kind", "language")
    )
    for request_id, kind, language in rows:
        by_request[request_id].append((kind, language))
    return by_request


def _asks_confiscation(request_ids) -> set[int]:
    """The requests among `request_ids` that ask for confiscation."""
    return set(
        Request.measures.through.objects.filter(
            request_id__in=list(request_ids), assistancemeasure__code=AssistanceMeasure.CONFISCATION
        ).values_list("request_id", flat=True)
    )


def _facts_of(request) -> _Facts:
    instrument = request.legal_basis
    is_draft = request.status == Request.Status.DRAFT
    return _Facts(
        pk=request.pk,
        country=str(request.country),
        is_draft=is_draft,
        translation_required=instrument.translation_required_before_sending,
        signed_letter_required=instrument.signed_letter_required_before_sending,
        court_decision_required=bool(
            is_draft and instrument.court_decision_required and request.pk in _asks_confiscation([request.pk])
        ),
    )


# --- one request -------------------------------------------------------------------------------------


def letter_language(request) -> str:
    """The language of the request's newest letter (draft or signed); English while there is none."""
    return _letter_language(_documents([request.pk])[request.pk])


def translation_needed(request, language: str) -> str | None:
    """The language the requested state needs a letter in `language` translated into, or None when it
    takes the letter as it is. A state without a country profile needs a translation."""
    return _translation_into(_profiles([request.country]).get(str(request.country)), language)


def translation_required(request) -> str | None:
    """translation_needed for the request's own letter language."""
    return sending_documents_of(request)["translation_required"]


def documents_missing_before_sending(request) -> list[tuple[str, str]]:
    """(code, message) of each document the legal basis requires in the case file before this draft
    is sent and that is not there: "translation", "signed_letter". Nothing once it is sent."""
    facts = _facts_of(request)
    documents = _documents([facts.pk])[facts.pk]
    translation = translation_needed(request, _letter_language(documents))
    return _missing(facts, translation, documents)


def sending_documents_of(request) -> dict:
    """{"translation_required": language or None, "documents_missing_before_sending": [messages]}."""
    facts = _facts_of(request)
    return _judge([facts], _profiles([facts.country]), _documents([facts.pk]))[facts.pk]


# --- a page of API rows ------------------------------------------------------------------------------

# The columns `sending_documents` reads from a request value row (mla_requests/api/serializers.py).
ROW_COLUMNS = (
    "id",
    "country",
    "status",
    "legal_basis__translation_required_before_sending",
    "legal_basis__signed_letter_required_before_sending",
    "legal_basis__court_decision_required",
)


def sending_documents(rows: list[dict]) -> dict[int, dict]:
    """The same as sending_documents_of, for value rows with ROW_COLUMNS: two queries for any number."""
    if not rows:
        return {}
    # Only drafts under a basis requiring a court decision can lack one: no query otherwise.
    candidates = [
        row["id"]
        for row in rows
        if row["status"] == Request.Status.DRAFT and row["legal_basis__court_decision_required"]
    ]
    confiscating = _asks_confiscation(candidates) if candidates else set()
    facts = [
        _Facts(
            pk=row["id"],
            country=str(row["country"]),
            is_draft=row["status"] == Request.Status.DRAFT,
            translation_required=row["legal_basis__translation_required_before_sending"],
            signed_letter_required=row["legal_basis__signed_letter_required_before_sending"],
            court_decision_required=row["id"] in confiscating,
        )
        for row in rows
    ]
    return _judge(facts, _profiles({f.country for f in facts}), _documents([f.pk for f in facts]))


def _judge(facts: list[_Facts], profiles: dict, documents: dict) -> dict[int, dict]:
    out = {}
    for item in facts:
        docs = documents[item.pk]
        translation = _translation_into(profiles.get(item.country), _letter_language(docs))
        out[item.pk] = {
            "translation_required": translation,
            "documents_missing_before_sending": [message for _code, message in _missing(item, translation, docs)],
        }
    return out
