"""The request letter generator: from a request and its case, the letter its legal basis requires,
in English, Russian or Kazakh, as a DOCX for the investigator to finish and as a PDF, stored in the
case file as new versions of the request's letter documents.

- `letter_gaps` names what the letter would lack (a mandatory content of the instrument not marked
  as provided, a subject without identifiers, an asset without an identifier or a location, no
  measures, no facts...), as the UNODC MLA Request Writer Tool does, instead of writing an
  incomplete letter silently. `generate_letter` refuses with LetterIncomplete listing them, unless
  forced: then the letter is a draft marked incomplete at its top, and its versions are flagged.
- `letter_context` gathers what a template may print (docs/documents.md, "Request letters").
- The template: the active LetterTemplate row administrators edit for the legal basis's kind, the
  purpose and the language, else the default shipped in documents/letter_templates/. Django's
  template language with autoescape on, producing the HTML subset of documents/letter_render.py.
"""

from __future__ import annotations

import contextlib
import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template import Context, Engine, TemplateSyntaxError
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from mla_requests.case_file import accepted_codes
from recovery import access
from recovery.errors import InvalidInput, LetterIncomplete
from recovery.models import CountryProfile, LegalInstrument
from recovery.selectors import addressee as letter_addressee
from recovery.selectors import profile_of
from recovery.translation import country_name

from . import letter_render
from .models import Document, DocumentVersion, LetterTemplate
from .services import document_add, document_add_version

LANGUAGES = ("en", "ru", "kk")
PURPOSES = (LetterTemplate.Purpose.REQUEST, LetterTemplate.Purpose.SUPPLEMENTARY)
TEMPLATE_DIR = Path(__file__).resolve().parent / "letter_templates"

K = LegalInstrument.Kind
# The four kinds of letter: each kind of legal basis is written as one of them.
LETTER_KINDS = ("bilateral_treaty", "convention", "reciprocity", "informal_network")
LETTER_KIND_OF = {
    K.BILATERAL_TREATY: "bilateral_treaty",
    K.MULTILATERAL_CONVENTION: "convention",
    K.AGREEMENT: "convention",
    K.RECIPROCITY: "reciprocity",
    K.INFORMAL_NETWORK: "informal_network",
}
# The LetterTemplate.instrument_kind under which each kind of letter is kept (the default rows).
ROW_KIND_OF_LETTER = {
    "bilateral_treaty": K.BILATERAL_TREATY,
    "convention": K.MULTILATERAL_CONVENTION,
    "reciprocity": K.RECIPROCITY,
    "informal_network": K.INFORMAL_NETWORK,
}

DOCUMENT_KIND = {
    LetterTemplate.Purpose.REQUEST: Document.Kind.REQUEST_LETTER_DRAFT,
    LetterTemplate.Purpose.SUPPLEMENTARY: Document.Kind.SUPPLEMENTARY_LETTER,
}
LETTER_DOCUMENT_KINDS = (
    Document.Kind.REQUEST_LETTER_DRAFT,
    Document.Kind.REQUEST_LETTER,
    Document.Kind.SUPPLEMENTARY_LETTER,
)
FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}

# Printed on a draft generated despite gaps, in the letter's language (letter text, not UI text).
MARKED_DRAFT = {
    "en": ("DRAFT — INCOMPLETE: missing", "DRAFT — INCOMPLETE", "Not to be sent until the above is provided."),
    "ru": (
        "ПРОЕКТ — НЕ ЗАВЕРШЁН: не хватает",
        "ПРОЕКТ — НЕ ЗАВЕРШЁН",
        "Не подлежит направлению, пока указанное не восполнено.",
    ),
    "kk": (
        "ЖОБА — АЯҚТАЛМАҒАН: жетіспейді",
        "ЖОБА — АЯҚТАЛМАҒАН",
        "Көрсетілгендер толықтырылмайынша жіберуге жатпайды.",
    ),
}

MONTHS = {
    "en": [
        *("January", "February", "March", "April", "May", "June"),
        *("July", "August", "September", "October", "November", "December"),
    ],
    "ru": [
        *("января", "февраля", "марта", "апреля", "мая", "июня"),
        *("июля", "августа", "сентября", "октября", "ноября", "декабря"),
    ],
    "kk": [
        *("қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым"),
        *("шілде", "тамыз", "қыркүйек", "қазан", "қараша", "желтоқсан"),
    ],
}

# Assets that sit with a bank or registry: without it, the requested state cannot find them.
HELD_WITH_INSTITUTION = ("bank_account", "securities", "company_shares")


# --- formatting -------------------------------------------------------------------------------------


def format_date(day: datetime.date | None, language: str) -> str:
    if day is None:
        return ""
    month = MONTHS[language][day.month - 1]
    if language == "ru":
        return f"{day.day} {month} {day.year} г."
    if language == "kk":
        return f"{day.year} жылғы {day.day} {month}"
    return f"{day.day} {month} {day.year}"


def format_amount(amount, currency: str, language: str) -> str:
    """An amount as the letter prints it: exact (Decimal, never float), two decimals, grouped, with
    its ISO 4217 code: 1,300,000.00 USD in English, 1 300 000,00 USD in Russian and Kazakh (the
    groups joined by no-break spaces, so a line never splits a number)."""
    if amount is None:
        return ""
    value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    text = format(value.quantize(Decimal("0.01")), ",.2f")
    if language in ("ru", "kk"):
        text = text.replace(",", "\u00a0").replace(".", ",")
    return f"{text}\u00a0{currency}" if currency else text


def _subject_name(subject) -> str:
    return subject.name_latin or subject.name_cyrillic


# --- what is missing --------------------------------------------------------------------------------


def letter_gaps(request, purpose: str = "request", *, answer: str = "", urgency_reason: str = "") -> list[str]:
    """What the letter would lack, one sentence each, in the active language. Empty: complete."""
    from mla_requests.services import missing_requirements

    gaps: list[str] = []
    instrument = request.legal_basis
    for requirement in missing_requirements(request):
        citation = requirement.citation or instrument.short_name or instrument.name
        gaps.append(
            _("The legal basis requires “%(item)s” (%(citation)s), and the checklist does not mark it as provided.")
            % {"item": requirement.name, "citation": citation}
        )
    if not (request.summary or "").strip():
        gaps.append(_("The summary of the facts is empty."))
    if not (request.case.criminal_code_articles or "").strip():
        gaps.append(_("The case names no article of the criminal code."))
    measures = list(request.measures.all())
    if not measures:
        gaps.append(_("No measure of assistance is requested."))
    subjects = list(request.subjects.all())
    assets = list(request.assets.all())
    if not subjects and not assets:
        gaps.append(_("The request names no person, company or asset concerned."))
    for subject in subjects:
        if not (subject.iin_bin or subject.passport_number or subject.foreign_registration_number):
            gaps.append(
                _("%(name)s has no identifier (IIN/BIN, passport or registration number).")
                % {"name": _subject_name(subject)}
            )
    for asset in assets:
        if not asset.identifier.strip():
            gaps.append(
                _("The asset “%(asset)s” has no identifier (account number, cadastral number, VIN...).")
                % {"asset": asset.description}
            )
        if not asset.location_country:
            gaps.append(_("The asset “%(asset)s” has no location.") % {"asset": asset.description})
        elif asset.kind in HELD_WITH_INSTITUTION and not asset.institution.strip():
            gaps.append(
                _("The asset “%(asset)s” names no bank or registry where it is held.") % {"asset": asset.description}
            )
    if not assets:
        for measure in measures:
            if measure.concerns_assets:
                gaps.append(
                    _("“%(measure)s” is requested, but the request names no asset.") % {"measure": measure.name}
                )
    if request.urgency == request.Urgency.URGENT and not (urgency_reason or "").strip():
        gaps.append(_("The request is marked urgent, but no reason for the urgency is given."))
    if instrument.is_formal and not letter_addressee(profile_of(request.country), request.channel)["known"]:
        gaps.append(
            _("The central authority of %(country)s is not known: record it in the country profile.")
            % {"country": country_name(request.country.code)}
        )
    if purpose == LetterTemplate.Purpose.SUPPLEMENTARY:
        asked = _info_request_entry(request)
        if asked is None or not asked.note.strip():
            gaps.append(_("The request's timeline does not record what the requested state asked for."))
        if not (answer or "").strip():
            gaps.append(_("The answer to the information asked for is empty."))
    return gaps


def _info_request_entry(request):
    return request.timeline.filter(to_status=request.Status.INFO_REQUESTED).order_by("-recorded_at", "-pk").first()


# --- what a template may print ----------------------------------------------------------------------


def _office(language: str) -> dict:
    names, addresses = settings.RECOVERY_OFFICE_NAME, settings.RECOVERY_OFFICE_ADDRESS
    return {
        "name": names.get(language) or names.get("en", ""),
        "address": addresses.get(language) or addresses.get("en", ""),
        "phone": settings.RECOVERY_OFFICE_PHONE,
        "email": settings.RECOVERY_OFFICE_EMAIL,
    }


def _subject_row(subject, roles: list[str], language: str) -> dict:
    is_company = subject.kind == subject.Kind.COMPANY
    if language == "en":
        name = subject.name_latin or subject.name_cyrillic
    else:
        name = subject.name_cyrillic or subject.name_latin
    return {
        "name": name,
        "name_latin": subject.name_latin,
        "name_cyrillic": subject.name_cyrillic,
        "kind": str(subject.get_kind_display()),
        "is_company": is_company,
        "birth_date": format_date(subject.birth_date, language),
        "iin_bin": subject.iin_bin,
        "passport_number": subject.passport_number,
        "foreign_registration_number": subject.foreign_registration_number,
        "nationality": country_name(subject.nationality.code) if subject.nationality else "",
        "is_pep": subject.is_pep,
        "roles": ", ".join(roles),
        "has_identifiers": bool(subject.iin_bin or subject.passport_number or subject.foreign_registration_number),
    }


def _asset_row(asset, language: str) -> dict:
    holder = ""
    if asset.holder_id:
        holder = _subject_name(asset.holder)
    if asset.holder_name and asset.holder_name != holder:
        holder = f"{holder} ({asset.holder_name})" if holder else asset.holder_name
    return {
        "kind": str(asset.get_kind_display()),
        "description": asset.description,
        "identifier": asset.identifier,
        "location": country_name(asset.location_country.code) if asset.location_country else "",
        "institution": asset.institution,
        "holder": holder,
        "estimated_value": asset.estimated_value,
        "currency": str(asset.currency),
        "value": format_amount(asset.estimated_value, str(asset.currency), language),
        "status": str(asset.get_status_display()),
    }


def _enclosures(request, language: str) -> list[dict]:
    from django.db.models import Q

    asset_ids = list(request.assets.values_list("pk", flat=True))
    documents = (
        Document.objects.filter(case_id=request.case_id)
        .filter(
            Q(request=request)
            | Q(checklist_item__request=request)
            | Q(asset_id__in=asset_ids)
            | Q(court_decision__asset_id__in=asset_ids)
        )
        .exclude(kind__in=LETTER_DOCUMENT_KINDS)
        .distinct()
        .order_by("dated_on", "created_at", "pk")
    )
    return [
        {
            "title": document.title,
            "kind": str(document.get_kind_display()),
            "date": format_date(document.dated_on, language),
            "language": str(document.get_language_display()),
        }
        for document in documents
    ]


def letter_context(
    request,
    *,
    language: str,
    purpose: str = "request",
    answer: str = "",
    urgency_reason: str = "",
    missing=(),
    today: datetime.date | None = None,
) -> dict:
    """Everything a letter template may print, as plain values in `language` (names, country names,
    labels, dates and amounts already written in it). Never model instances: a template edited in
    the admin reaches only what is listed here."""
    from mla_requests.deadlines import compute_response_due
    from mla_requests.services import applicable_requirements, measures_outside_scope

    today = today or timezone.localdate()
    case = request.case
    instrument = request.legal_basis
    with translation.override(language):
        profile = profile_of(request.country)
        # Whom the letter goes to: the authority recorded for the request's channel (an FIU, a
        # network contact point), else the central authority.
        addressee = letter_addressee(profile, request.channel)
        roles: dict[int, list[str]] = {}
        for role in case.subject_roles.all().order_by("pk"):
            roles.setdefault(role.subject_id, []).append(str(role.get_role_display()))
        subjects = [
            _subject_row(subject, roles.get(subject.pk, []), language)
            for subject in request.subjects.all().order_by("name_latin", "name_cyrillic", "pk")
        ]
        assets = [
            _asset_row(asset, language)
            for asset in request.assets.select_related("holder").order_by("identified_on", "pk")
        ]
        totals: dict[str, Decimal] = {}
        for asset in assets:
            if asset["estimated_value"] is not None:
                totals[asset["currency"]] = totals.get(asset["currency"], Decimal("0")) + asset["estimated_value"]
        measures = [
            {"code": m.code, "name": m.name, "concerns_assets": m.concerns_assets}
            for m in request.measures.all().order_by("order", "code")
        ]
        answers = {row.requirement_id: row for row in request.checklist.all()}
        checklist = []
        for requirement in applicable_requirements(instrument, request.measures.all()):
            row = answers.get(requirement.pk)
            checklist.append(
                {
                    "code": requirement.code,
                    "name": requirement.name,
                    "citation": requirement.citation,
                    "mandatory": requirement.mandatory,
                    "met": bool(row and row.satisfied),
                    "note": row.note if row else "",
                }
            )
        if request.response_due is not None:
            deadline = request.response_due
        else:
            deadline = compute_response_due(
                today,
                instrument_days=instrument.expected_response_days,
                country_days=profile.expected_response_days if profile else None,
                default_days=settings.DEFAULT_RESPONSE_DAYS,
            )
        investigator = request.responsible_investigator
        unit = investigator.unit
        info = None
        if purpose == LetterTemplate.Purpose.SUPPLEMENTARY:
            entry = _info_request_entry(request)
            if entry is not None:
                info = {
                    "date": format_date(entry.effective_on, language),
                    "note": entry.note,
                    "document_reference": entry.document_reference,
                }
        name = instrument.name
        citation = f"{name}, {instrument.scope_citation}" if instrument.scope_citation else name
        # Measures beyond the instrument's list, asked for under its 'any other assistance' clause:
        # the letter states the clause and the note citing it.
        beyond = (
            measures_outside_scope(instrument, list(request.measures.all())) if instrument.any_other_assistance else []
        )
        catch_all = None
        if beyond and request.catch_all_note.strip():
            catch_all = {
                "citation": instrument.any_other_assistance_citation or instrument.scope_citation,
                "measures": [m.name for m in beyond],
                "note": request.catch_all_note,
            }
        damage = case.estimated_damage
        context = {
            "lang": language,
            "purpose": purpose,
            "today": today,
            "today_text": format_date(today, language),
            "office": _office(language),
            "addressee": addressee,
            "requested_authority": {"name": addressee["name"], "known": addressee["known"]},
            "country": {"code": request.country.code, "name": country_name(request.country.code)},
            "request": {
                "reference": request.reference,
                "foreign_reference": request.foreign_reference,
                "summary": request.summary,
                "is_urgent": request.urgency == request.Urgency.URGENT,
                "urgency": str(request.get_urgency_display()),
                "channel": str(request.get_channel_display()),
                "status": str(request.get_status_display()),
                "crime_category": request.crime_category.name,
                "sent_on": format_date(request.sent_on, language),
                "response_due": format_date(request.response_due, language),
                "catch_all_note": request.catch_all_note,
            },
            "catch_all": catch_all,
            "case": {
                "register_number": case.register_number,
                "title": case.title,
                "description": case.description,
                "articles": case.criminal_code_articles,
                "crime_categories": [case.primary_crime_category.name]
                + [c.name for c in case.other_crime_categories.all().order_by("order", "code")],
                "opened_on": format_date(case.opened_on, language),
                "unit": case.unit.name,
                "estimated_damage": format_amount(damage.amount, str(damage.currency), language) if damage else "",
            },
            "instrument": {
                "code": instrument.code,
                "kind": instrument.kind,
                "kind_label": str(instrument.get_kind_display()),
                "name": name,
                "short_name": instrument.short_name or name,
                "scope_citation": instrument.scope_citation,
                "citation": citation,
                "confiscation_citation": instrument.confiscation_citation,
                "ratification_reference": instrument.ratification_reference,
                "in_force_on": format_date(instrument.in_force_on, language),
                "is_formal": instrument.is_formal,
            },
            "subjects": subjects,
            "assets": assets,
            "asset_totals": [format_amount(total, currency, language) for currency, total in sorted(totals.items())],
            "measures": measures,
            "measures_concern_assets": any(m["concerns_assets"] for m in measures),
            "checklist": checklist,
            "checklist_complete": all(item["met"] for item in checklist if item["mandatory"]),
            "enclosures": _enclosures(request, language),
            "urgency_reason": (urgency_reason or "").strip(),
            "deadline": deadline,
            "deadline_text": format_date(deadline, language),
            "investigator": {
                "name": str(investigator),
                "position": investigator.position,
                "email": investigator.email,
                "unit": unit.name if unit else "",
            },
            "info_request": info,
            "answer": (answer or "").strip(),
            "missing": list(missing),
            "marked_draft": bool(missing),
        }
    return context


# --- templates --------------------------------------------------------------------------------------

_ENGINE = Engine(debug=False, autoescape=True, loaders=[], string_if_invalid="")


def default_template_path(letter_kind: str, purpose: str, language: str) -> Path:
    return TEMPLATE_DIR / f"{letter_kind}_{purpose}_{language}.html"


def default_template_body(letter_kind: str, purpose: str, language: str) -> str:
    return default_template_path(letter_kind, purpose, language).read_text(encoding="utf-8")


def letter_template(instrument_kind: str, purpose: str, language: str) -> tuple[str, str]:
    """(body, what it is) of the template for a legal basis of `instrument_kind`: the active row
    for that kind, else the active row of the kind its letters are written as (an agreement's is the
    convention's), else the shipped default."""
    letter_kind = LETTER_KIND_OF[instrument_kind]
    kinds = [instrument_kind, ROW_KIND_OF_LETTER[letter_kind]]
    for kind in dict.fromkeys(kinds):
        row = LetterTemplate.objects.filter(
            instrument_kind=kind, purpose=purpose, language=language, active=True
        ).first()
        if row is not None:
            return row.body, str(row)
    path = default_template_path(letter_kind, purpose, language)
    return path.read_text(encoding="utf-8"), path.name


def render_template(body: str, context: dict, *, source: str = "") -> str:
    """Render a letter template (autoescaped). A template an administrator broke is refused with
    InvalidInput saying what is wrong, never an error page."""
    try:
        template = _ENGINE.from_string(body)
        return template.render(Context(context, autoescape=True))
    except TemplateSyntaxError as error:
        problem = str(error)
    except Exception as error:  # anything a template can make a tag or filter raise
        problem = f"{type(error).__name__}: {error}"
    raise InvalidInput(
        _(
            "The letter template “%(template)s” cannot be used: %(error)s. An administrator can correct it under "
            "Letter templates."
        )
        % {"template": source, "error": problem},
        field_errors={"template": [problem]},
    )


def _marked_draft_html(gaps: list[str], language: str) -> str:
    heading, _header, note = MARKED_DRAFT[language]
    items = "".join(f"<li>{escape(gap)}</li>" for gap in gaps)
    return f"<p><b>{escape(heading)}:</b></p><ul>{items}</ul><p><i>{escape(note)}</i></p>"


# --- the service ------------------------------------------------------------------------------------


@dataclass
class LetterResult:
    """What one generation stored: per format ("docx", "pdf"), the document and its new version."""

    documents: dict[str, Document] = field(default_factory=dict)
    versions: dict[str, DocumentVersion] = field(default_factory=dict)
    gaps: list[str] = field(default_factory=list)
    marked_draft: bool = False


def _letter_title(reference: str, purpose: str, language: str, fmt: str) -> str:
    values = {"reference": reference, "language": language.upper(), "format": fmt.upper()}
    if purpose == LetterTemplate.Purpose.SUPPLEMENTARY:
        return _("Supplementary letter %(reference)s (%(language)s, %(format)s)") % values
    return _("Request letter %(reference)s (%(language)s, %(format)s)") % values


def _existing_letter(request, kind: str, language: str, fmt: str) -> Document | None:
    """The request's letter document of this kind, language and format (the format is its first
    version's: a document keeps the format it was created with)."""
    return (
        Document.objects.filter(
            request=request,
            kind=kind,
            language=language,
            versions__number=1,
            versions__content_type=FORMATS[fmt],
        )
        .order_by("pk")
        .first()
    )


def generate_letter(
    *,
    actor,
    request,
    language: str = "en",
    purpose: str = "request",
    force: bool = False,
    answer: str = "",
    urgency_reason: str = "",
) -> LetterResult:
    """Write the letter of `request` in `language` as DOCX and PDF and store each as a new version of
    the request's letter document of that purpose, language and format (created the first time).

    Refused (nothing stored): a user who may not change the request (AccessDenied); a language other
    than en, ru, kk, or kk to a state whose country profile does not accept it; a supplementary
    letter for a request that is not waiting for information from us; a broken template
    (InvalidInput); and, unless `force`, a letter that would lack essentials (LetterIncomplete
    naming them). Forced, the letter says at its top what is missing and its versions are marked.

    `answer` is the supplementary letter's reply to what the requested state asked for;
    `urgency_reason` says why an urgent request is urgent (the letter must give the reason)."""
    from mla_requests.models import Request

    access.require_write(actor, request)
    language = (language or "").strip().lower()
    if language not in LANGUAGES:
        raise InvalidInput(
            _("A letter is written in English, Russian or Kazakh (en, ru, kk)."),
            field_errors={"language": [_("Not a letter language.")]},
        )
    if purpose not in PURPOSES:
        raise InvalidInput(
            _("Unknown kind of letter: %(purpose)s.") % {"purpose": purpose},
            field_errors={"purpose": [_("Not a valid choice.")]},
        )
    request = Request.objects.select_related(
        "case",
        "case__unit",
        "case__primary_crime_category",
        "legal_basis",
        "crime_category",
        "responsible_investigator",
        "responsible_investigator__unit",
    ).get(pk=request.pk)
    profile = CountryProfile.objects.filter(country=request.country).first()
    if language == "kk" and "kk" not in accepted_codes(profile):
        raise InvalidInput(
            _(
                "%(country)s does not accept letters in Kazakh (its country profile lists no “kk” among the letter "
                "languages it accepts). Write the letter in English or Russian."
            )
            % {"country": country_name(request.country.code)},
            field_errors={"language": [_("Not accepted by the requested state.")]},
        )
    if purpose == LetterTemplate.Purpose.SUPPLEMENTARY and request.status != Request.Status.INFO_REQUESTED:
        raise InvalidInput(
            _(
                "A supplementary letter answers a request for more information: this request is “%(status)s”, not "
                "“%(expected)s”."
            )
            % {"status": request.get_status_display(), "expected": Request.Status.INFO_REQUESTED.label},
            field_errors={"purpose": [_("Only while additional information is requested.")]},
        )
    answer = (answer or "").strip()
    urgency_reason = (urgency_reason or "").strip()

    gaps = letter_gaps(request, purpose, answer=answer, urgency_reason=urgency_reason)
    if gaps and not force:
        raise LetterIncomplete(
            _("The letter would lack: %(gaps)s Complete the request, or generate a draft marked incomplete.")
            % {"gaps": " ".join(gaps)},
            missing=gaps,
            field_errors={"missing": gaps},
        )

    with translation.override(language):
        letter_gaps_written = letter_gaps(request, purpose, answer=answer, urgency_reason=urgency_reason)
        context = letter_context(
            request,
            language=language,
            purpose=purpose,
            answer=answer,
            urgency_reason=urgency_reason,
            missing=letter_gaps_written,
        )
        body, source = letter_template(request.legal_basis.kind, purpose, language)
        html = render_template(body, context, source=source)
    marked = bool(gaps)
    if marked:
        html = _marked_draft_html(letter_gaps_written, language) + html
    items = letter_render.parse_letter(html)
    header = MARKED_DRAFT[language][1] if marked else ""
    files = {
        "docx": letter_render.to_docx(
            items, title=_letter_title(request.reference, purpose, language, "docx"), language=language, header=header
        ),
        "pdf": letter_render.to_pdf(
            items,
            title=_letter_title(request.reference, purpose, language, "pdf"),
            language=language,
            header=header,
            footer=request.reference,
        ),
    }

    kind = DOCUMENT_KIND[purpose]
    stem = f"{request.reference}-{'supplementary' if purpose == 'supplementary' else 'request'}-letter-{language}"
    note = _("Generated from %(template)s.") % {"template": source}
    if marked:
        note = _("Draft marked incomplete, missing: %(gaps)s") % {"gaps": " ".join(gaps)}
    result = LetterResult(gaps=gaps, marked_draft=marked)
    try:
        _store(result, request, files, actor=actor, kind=kind, purpose=purpose, language=language, stem=stem, note=note)
    except BaseException:
        # The DOCX stored, then the PDF refused: the transaction is undone, and so is its file.
        for version in result.versions.values():
            with contextlib.suppress(Exception):
                version.file.storage.delete(version.file.name)
        raise
    return result


def _store(result: LetterResult, request, files: dict, *, actor, kind, purpose, language, stem, note) -> None:
    from mla_requests.models import Request

    marked = result.marked_draft
    with transaction.atomic():
        # One generation at a time per request, so two never both create the first document.
        Request.objects.select_for_update().filter(pk=request.pk).first()
        for fmt, content in files.items():
            upload = ContentFile(content, name=f"{stem}.{fmt}")
            document = _existing_letter(request, kind, language, fmt)
            if document is None:
                document = document_add(
                    actor=actor,
                    case=request.case,
                    kind=kind,
                    title=_letter_title(request.reference, purpose, language, fmt),
                    file=upload,
                    language=language,
                    dated_on=timezone.localdate(),
                    note=note[:255],
                    marked_draft=marked,
                    request=request,
                )
                version = document.current_version
            else:
                version = document_add_version(
                    actor=actor, document=document, file=upload, note=note[:255], marked_draft=marked
                )
                document.refresh_from_db()
            result.documents[fmt] = document
            result.versions[fmt] = version
