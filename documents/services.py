"""Every write to the case file (adding a document, a new version, its description and links, the
checklist item it provides) and the one way a file is read back (with the access check and the
audit row). Generated letters are stored through `document_add` too (documents/letters.py)."""

from __future__ import annotations

import contextlib
import datetime

from django.db import transaction
from django.db.models import F
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _

from recovery import access
from recovery.audit import audit_actor
from recovery.cleaning import check_not_future, check_version
from recovery.errors import AccessDenied, InvalidInput, StoredFileMissing
from recovery.security.events import record_event

from .models import Document, DocumentVersion
from .uploads import check_upload

LINK_FIELDS = ("request", "asset", "court_decision", "checklist_item", "case_event", "request_event", "asset_event")
DESCRIPTION_FIELDS = ("kind", "language", "title", "dated_on")


def _case_of_link(field: str, obj):
    """The case a linked record belongs to (every link must stay within the document's case)."""
    if field in ("request", "asset"):
        return obj.case_id
    if field == "court_decision":
        return obj.asset.case_id
    if field == "checklist_item":
        return obj.request.case_id
    if field == "case_event":
        return obj.case_id
    if field == "request_event":
        return obj.request.case_id
    if field == "asset_event":
        return obj.asset.case_id
    raise KeyError(field)


# What a document of an incoming request may be linked to: the assets of that request.
INCOMING_LINK_FIELDS = ("asset",)


def _check_links(case_id: int | None, links: dict, *, incoming_id: int | None = None) -> None:
    if incoming_id is not None:
        for field, obj in links.items():
            if obj is None:
                continue
            if field not in INCOMING_LINK_FIELDS or obj.incoming_request_id != incoming_id:
                raise InvalidInput(
                    _("A document of an incoming request can be linked only to the assets of that request."),
                    field_errors={field: [_("Not of this incoming request.")]},
                )
        return
    for field, obj in links.items():
        if obj is not None and _case_of_link(field, obj) != case_id:
            raise InvalidInput(
                _("A document can be linked only to records of its own case."),
                field_errors={field: [_("Belongs to another case.")]},
            )
    events = [name for name in ("case_event", "request_event", "asset_event") if links.get(name) is not None]
    if len(events) > 1:
        raise InvalidInput(
            _("A document records at most one status change."), field_errors={events[1]: [_("Only one.")]}
        )
    item = links.get("checklist_item")
    request = links.get("request")
    if item is not None and request is not None and item.request_id != request.pk:
        raise InvalidInput(
            _("The checklist item belongs to another request."),
            field_errors={"checklist_item": [_("Not of this request.")]},
        )


def _clean_description(changes: dict) -> dict:
    cleaned = {}
    if "title" in changes:
        title = " ".join(str(changes["title"] or "").split())
        if not title:
            raise InvalidInput(_("A document needs a title."), field_errors={"title": [_("This field is required.")]})
        if len(title) > 255:
            raise InvalidInput(_("The title is too long."), field_errors={"title": [_("At most 255 characters.")]})
        cleaned["title"] = title
    if "kind" in changes:
        if changes["kind"] not in Document.Kind.values:
            raise InvalidInput(_("Unknown kind of document."), field_errors={"kind": [_("Not a valid choice.")]})
        cleaned["kind"] = changes["kind"]
    if "language" in changes:
        if changes["language"] not in Document.Language.values:
            raise InvalidInput(_("Unknown language."), field_errors={"language": [_("Not a valid choice.")]})
        cleaned["language"] = changes["language"]
    if "dated_on" in changes:
        day = changes["dated_on"]
        if day is not None:
            if not isinstance(day, datetime.date):
                raise InvalidInput(_("Not a date."), field_errors={"dated_on": [_("Not a date.")]})
            if day.year < 1991:
                raise InvalidInput(_("The document date is before 1991."), field_errors={"dated_on": [_("Too early.")]})
            check_not_future(day, field="dated_on")
        cleaned["dated_on"] = day
    return cleaned


def _store_version(document: Document, checked, *, actor, stored: list, note: str = "", marked_draft: bool = False):
    number = (document.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = DocumentVersion(
        document=document,
        number=number,
        filename=checked.filename,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        added_by=actor,
        note=(note or "").strip()[:255],
        marked_draft=marked_draft,
    )
    version.file.save(checked.filename, checked.file, save=False)
    stored.append((version.file.storage, version.file.name))
    version.save()
    Document.objects.filter(pk=document.pk).update(current_version=version, version=F("version") + 1)
    document.refresh_from_db(fields=["current_version", "version", "updated_at"])
    return version


def _delete_stored(stored: list) -> None:
    """Files written by a write that then failed: remove them, so a refusal leaves nothing behind."""
    for storage, name in stored:
        # An orphan file is harmless; the refusal must still reach the user.
        with contextlib.suppress(Exception):
            storage.delete(name)


def document_add(
    *,
    actor,
    case=None,
    incoming_request=None,
    kind: str,
    title: str,
    file,
    filename: str = "",
    language: str = Document.Language.EN,
    dated_on: datetime.date | None = None,
    note: str = "",
    marked_draft: bool = False,
    **links,
) -> Document:
    """Add a document to `case` (or to `incoming_request`: exactly one) with its first version.
    Refused (InvalidInput, nothing stored) for a file of a type not accepted, too big or empty, a
    link to another case's record, a bad date."""
    if (case is None) == (incoming_request is None):
        raise InvalidInput(
            _("A document belongs to one case or to one incoming request."),
            field_errors={"case": [_("Give the case or the incoming request, not both.")]},
        )
    owner = case if case is not None else incoming_request
    access.require_write(actor, owner)
    unknown = set(links) - set(LINK_FIELDS)
    if unknown:
        raise TypeError(f"unknown links: {sorted(unknown)}")
    description = _clean_description({"kind": kind, "title": title, "language": language, "dated_on": dated_on})
    if case is not None:
        _check_links(case.pk, links)
    else:
        _check_links(None, links, incoming_id=incoming_request.pk)
    checked = check_upload(file, filename)
    stored = []
    try:
        with transaction.atomic(), audit_actor(actor):
            document = Document.objects.create(
                case=case, incoming_request=incoming_request, added_by=actor, version=0, **description, **links
            )
            version = _store_version(
                document, checked, actor=actor, stored=stored, note=note, marked_draft=marked_draft
            )
            if links.get("checklist_item") is not None:
                _satisfy_checklist_item(links["checklist_item"], document, actor)
            record_event(
                "document_uploaded",
                user=actor,
                obj=document,
                extra={**_owner_extra(document), "version": version.number, "sha256": version.sha256},
            )
    except BaseException:
        _delete_stored(stored)
        raise
    return document


def document_add_version(
    *,
    actor,
    document: Document,
    file,
    filename: str = "",
    note: str = "",
    expected_version: int | None = None,
    marked_draft: bool = False,
) -> DocumentVersion:
    """Add a new version of `document`; the earlier ones stay, unchanged and listed."""
    access.require_write(actor, document)
    checked = check_upload(file, filename)
    stored = []
    try:
        with transaction.atomic(), audit_actor(actor):
            locked = Document.objects.select_for_update().get(pk=document.pk)
            check_version(locked, expected_version)
            version = _store_version(locked, checked, actor=actor, stored=stored, note=note, marked_draft=marked_draft)
            record_event(
                "document_uploaded",
                user=actor,
                obj=locked,
                extra={**_owner_extra(locked), "version": version.number, "sha256": version.sha256},
            )
    except BaseException:
        _delete_stored(stored)
        raise
    document.refresh_from_db()
    return version


@transaction.atomic
def document_update(*, actor, document: Document, expected_version: int | None = None, **changes) -> Document:
    """Change a document's description (kind, language, title, date) or links. Its files never change."""
    access.require_write(actor, document)
    unknown = set(changes) - set(DESCRIPTION_FIELDS) - set(LINK_FIELDS)
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
            field_errors={name: [_("Read-only.")] for name in unknown},
        )
    locked = Document.objects.select_for_update().get(pk=document.pk)
    check_version(locked, expected_version)
    description = _clean_description({k: v for k, v in changes.items() if k in DESCRIPTION_FIELDS})
    links = {k: v for k, v in changes.items() if k in LINK_FIELDS}
    merged = {name: getattr(locked, name) for name in LINK_FIELDS}
    merged.update(links)
    _check_links(locked.case_id, merged, incoming_id=locked.incoming_request_id)
    with audit_actor(actor):
        for name, value in {**description, **links}.items():
            setattr(locked, name, value)
        locked.version = F("version") + 1
        locked.save()
        if links.get("checklist_item") is not None:
            _satisfy_checklist_item(links["checklist_item"], locked, actor)
    locked.refresh_from_db()
    return locked


def _owner_extra(document: Document) -> dict:
    if document.case_id:
        return {"case": document.case_id}
    return {"incoming_request": document.incoming_request_id}


def _satisfy_checklist_item(item, document: Document, actor) -> None:
    from mla_requests.services import request_answer_checklist

    if item.request.status != item.request.Status.DRAFT:
        raise InvalidInput(
            _("The checklist is fixed once the request is sent."),
            field_errors={"checklist_item": [_("The request is no longer a draft.")]},
        )
    note = str(_("Provided by document: %(title)s") % {"title": document.title})[:255]
    request_answer_checklist(request=item.request, actor=actor, answers={str(item.requirement_id): (True, note)})


def document_link_checklist(*, actor, document: Document, checklist_item) -> Document:
    """Let `document` provide a required content of its request's legal basis: the checklist item is
    marked provided, and shows which document provides it."""
    return document_update(actor=actor, document=document, checklist_item=checklist_item)


# --- reading a file back ------------------------------------------------------------------------------


def version_to_download(*, actor, version: DocumentVersion) -> DocumentVersion:
    """Check that `actor` may download `version`, that its file is still stored, and audit the
    download (or its refusal or failure) only then.

    Someone who cannot read the case gets the answer a missing record gets; a role that sees
    identifiers masked is refused unless settings.DOCUMENT_DOWNLOAD_FOR_MASKED_ROLES."""
    document = version.document
    if not access.may_read(actor, document):
        raise AccessDenied(_("No such record, or it is not visible to you."), code="not_found")
    extra = {**_owner_extra(document), "version": version.number}
    if not access.may_download_documents(actor, document.owner):
        record_event("document_downloaded", user=actor, obj=document, outcome="denied", extra=extra)
        raise AccessDenied(_("Your role sees this case's documents listed but may not open their files."))
    if not version.file.storage.exists(version.file.name):
        record_event("document_downloaded", user=actor, obj=document, outcome="failure", extra=extra)
        raise StoredFileMissing()
    record_event("document_downloaded", user=actor, obj=document, extra={**extra, "sha256": version.sha256})
    return version


def file_response(version: DocumentVersion, *, inline: bool = False) -> FileResponse:
    """Stream a stored file (never read whole into memory) with headers that keep a browser from
    running it: its checked type, nosniff, a sandbox, no shared caching; the ETag is its SHA-256."""
    try:
        handle = version.file.storage.open(version.file.name, "rb")
    except FileNotFoundError:
        # Removed between the check and the opening.
        raise StoredFileMissing() from None
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=version.filename,
        content_type=version.content_type,
    )
    response["Content-Length"] = str(version.size)
    response["ETag"] = f'"{version.sha256}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    response["Digest"] = f"sha-256={version.sha256}"
    return response
