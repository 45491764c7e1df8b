"""Case bundle: one case with its subjects, requests, assets, status timelines, audit trail and
case file (the documents, every version's file with its SHA-256), as JSON (and a printable HTML
summary), for transfer to a court or another agency.

Identifiers of persons are masked unless the exporting user may see them (masking.py); an export
run by an operator without a named user (the management command's default) is complete. The files
are packed only for whoever may download them (access.may_download_documents); each file's SHA-256
is computed again from the stored bytes while it is packed, and a file that is missing or whose
bytes no longer match the hash recorded at upload is reported in the manifest, never packed.
Every export is itself recorded as an audit event on the case, and each packed file as a download.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone

from recovery import access
from recovery.security.events import record_event
from recovery.security.masking import PERSONAL_FIELDS, is_account, mask_account, mask_field

BUNDLE_FORMAT = "asset-recovery.case-bundle/1"
# Files kept in memory below this size while they are checked, on disk above it.
SPOOL_BYTES = 4 * 1024 * 1024
HASH_CHUNK = 64 * 1024


class BundleEncoder(DjangoJSONEncoder):
    def default(self, o):
        from djmoney.money import Money

        if isinstance(o, Money):
            return {"amount": str(o.amount), "currency": str(o.currency)}
        if isinstance(o, decimal.Decimal):
            return str(o)
        return super().default(o)


def _plain(value):
    """A JSON-friendly value (countries as ISO codes, money as amount + currency)."""
    from django_countries.fields import Country
    from djmoney.money import Money

    if isinstance(value, Country):
        return value.code or ""
    if isinstance(value, Money):
        return {"amount": str(value.amount), "currency": str(value.currency)}
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def record_fields(obj, *, exclude=()) -> dict:
    """Every concrete field of `obj`: foreign keys as id plus a readable name, choices with their label."""
    data = {"id": obj.pk}
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.name in exclude or field.name.endswith("_currency"):
            continue
        if isinstance(field, models.ForeignKey):
            related_id = getattr(obj, field.attname)
            data[field.name] = related_id
            if related_id is not None:
                data[f"{field.name}_name"] = str(getattr(obj, field.name))
            continue
        value = getattr(obj, field.name)
        data[field.name] = _plain(value)
        if field.choices and value not in (None, ""):
            data[f"{field.name}_label"] = str(getattr(obj, f"get_{field.name}_display")())
    for field in obj._meta.many_to_many:
        data[field.name] = [{"id": item.pk, "name": str(item)} for item in getattr(obj, field.name).all()]
    return data


def _timeline(obj) -> list[dict]:
    return [record_fields(row, exclude=(obj.timeline_subject_field,)) for row in obj.timeline.all()]


def _mask_subject(data: dict) -> dict:
    for name in PERSONAL_FIELDS:
        if data.get(name):
            data[name] = mask_field(name, data[name])
    return data


def _change_log(objects, *, mask_subject_ids: set[int]) -> list[dict]:
    from auditlog.models import LogEntry

    by_type: dict[int, list[str]] = {}
    for obj in objects:
        ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
        by_type.setdefault(ct.pk, []).append(str(obj.pk))
    if not by_type:
        return []
    query = models.Q()
    for ct_id, pks in by_type.items():
        query |= models.Q(content_type_id=ct_id, object_pk__in=pks)
    subject_ct = ContentType.objects.get(app_label="cases", model="subject").pk
    entries = []
    for entry in LogEntry.objects.filter(query).select_related("actor", "content_type").order_by("timestamp", "pk"):
        changes = entry.changes if isinstance(entry.changes, dict) else (entry.changes_dict or {})
        if entry.content_type_id == subject_ct and entry.object_pk in {str(i) for i in mask_subject_ids}:
            changes = {
                key: ([mask_field(key, v) for v in values] if key in PERSONAL_FIELDS else values)
                for key, values in changes.items()
            }
        entries.append(
            {
                "timestamp": _plain(entry.timestamp),
                "action": entry.get_action_display(),
                "record_type": entry.content_type.model,
                "record_id": entry.object_pk,
                "record": entry.object_repr,
                "actor": entry.actor.get_username() if entry.actor else "",
                "remote_addr": entry.remote_addr,
                "changes": changes,
            }
        )
    return entries


def _security_events(objects) -> list[dict]:
    from recovery.models import AuditEvent

    query = models.Q(pk__in=[])
    for obj in objects:
        ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
        query |= models.Q(content_type=ct, object_id=str(obj.pk))
    return [
        {
            "occurred_at": _plain(event.occurred_at),
            "action": event.action,
            "outcome": event.outcome,
            "user": event.username,
            "ip_address": event.ip_address,
            "record": event.object_repr,
            "extra": event.extra,
        }
        for event in AuditEvent.objects.filter(query).order_by("occurred_at", "pk")
    ]


@dataclass
class PackedFile:
    """A document file checked for the bundle: its path in the bundle and a copy of its bytes."""

    path: str
    sha256: str
    data: tempfile.SpooledTemporaryFile


@dataclass
class BundleFiles:
    """What the case file adds to a bundle besides the JSON: the files that passed the check, and
    the problems found (missing files, changed bytes). Close it when the files are written."""

    folder: str
    packed: list[PackedFile] = dataclass_field(default_factory=list)
    problems: list[dict] = dataclass_field(default_factory=list)
    manifest: dict | None = None

    def close(self) -> None:
        for item in self.packed:
            item.data.close()
        self.packed = []

    def entries(self):
        """(path in the bundle, readable binary file) of the manifest, the checksums and each file."""
        import io

        if self.manifest is None:
            return
        text = json.dumps(self.manifest, cls=BundleEncoder, ensure_ascii=False, indent=2)
        yield f"{self.folder}/manifest.json", io.BytesIO(text.encode("utf-8"))
        # `sha256sum -c SHA256SUMS`, run inside the folder, checks every packed file.
        sums = "".join(f"{item.sha256}  {item.path}\n" for item in self.packed)
        yield f"{self.folder}/SHA256SUMS", io.BytesIO(sums.encode("utf-8"))
        for item in self.packed:
            item.data.seek(0)
            yield f"{self.folder}/{item.path}", item.data


def _copy_and_hash(version) -> tuple[tempfile.SpooledTemporaryFile | None, str, int]:
    """A copy of the stored file with the SHA-256 and size of the bytes read (None if it is missing).

    The bytes packed are the bytes hashed: one read of the storage, so a file cannot change between
    the check and the copy."""
    storage = version.file.storage
    copy = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - handed to the caller, who closes it
    digest = hashlib.sha256()
    size = 0
    try:
        with storage.open(version.file.name, "rb") as stored:
            while chunk := stored.read(HASH_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                copy.write(chunk)
    except Exception:
        copy.close()
        # Missing: FileNotFoundError on the filesystem, the backend's own error on S3; anything else
        # (the store unreachable) stops the export rather than reporting files missing.
        if not version.file.name or not storage.exists(version.file.name):
            return None, "", 0
        raise
    copy.seek(0)
    return copy, digest.hexdigest(), size


def _documents(case, *, user, files_included: bool, collect: BundleFiles | None, request, operator) -> list[dict]:
    documents = []
    for document in case.documents.order_by("pk").prefetch_related("versions"):
        data = record_fields(document, exclude=("case",))
        versions = []
        for version in sorted(document.versions.all(), key=lambda v: v.number):
            row = record_fields(version, exclude=("document", "file"))
            path = f"{document.pk}/v{version.number}-{version.filename}"
            row["bundle_path"] = ""
            if not files_included:
                row["check"] = "not_included"
                versions.append(row)
                continue
            copy, sha256, size = _copy_and_hash(version)
            if copy is None:
                row["check"] = "missing"
            elif sha256 != version.sha256 or size != version.size:
                copy.close()
                row["check"] = "hash_mismatch"
                row["sha256_found"] = sha256
                row["size_found"] = size
            else:
                row["check"] = "verified"
                row["bundle_path"] = path
                if collect is not None:
                    collect.packed.append(PackedFile(path=path, sha256=sha256, data=copy))
                else:
                    copy.close()
                record_event(
                    "document_downloaded",
                    request=request,
                    user=user,
                    username=operator,
                    obj=document,
                    extra={"case": case.pk, "version": version.number, "sha256": sha256, "via": "case_bundle"},
                )
            if row["check"] != "verified" and collect is not None:
                collect.problems.append(
                    {
                        "document": document.pk,
                        "title": document.title,
                        "version": version.number,
                        "filename": version.filename,
                        "problem": row["check"],
                        "sha256_recorded": version.sha256,
                        "sha256_found": row.get("sha256_found", ""),
                    }
                )
            versions.append(row)
        data["versions"] = versions
        documents.append(data)
    return documents


def build_case_bundle(case, *, user=None, files: BundleFiles | None = None, request=None, operator: str = "") -> dict:
    """The bundle as a dict. `user` is who exports (None: an operator on the server, complete).

    Every document file the exporter may download is read and its SHA-256 checked; with `files`
    given, the files that pass are kept there for packing, with the problems and the manifest."""
    full_identifiers = user is None or access.sees_full_identifiers(user, case=case)
    subjects = []
    masked_subject_ids = set()
    for role in case.subject_roles.select_related("subject").order_by("subject__name_latin", "pk"):
        data = record_fields(role.subject)
        if not full_identifiers:
            _mask_subject(data)
            masked_subject_ids.add(role.subject_id)
        subjects.append({"role": role.role, "role_label": role.get_role_display(), "note": role.note, **data})

    requests = []
    for request in case.requests.order_by("created_at", "pk"):
        data = record_fields(request, exclude=("case",))
        data["timeline"] = _timeline(request)
        data["checklist"] = [record_fields(answer, exclude=("request",)) for answer in request.checklist.all()]
        requests.append(data)

    assets = []
    for asset in case.assets.order_by("identified_on", "pk"):
        data = record_fields(asset, exclude=("case",))
        if not full_identifiers and is_account(asset):
            data["identifier"] = mask_account(asset.identifier)
        data["timeline"] = _timeline(asset)
        data["court_decisions"] = [record_fields(d, exclude=("asset",)) for d in asset.court_decisions.all()]
        data["third_party_claims"] = [record_fields(c, exclude=("asset",)) for c in asset.claims.all()]
        assets.append(data)

    audited = [case, *case.subject_roles.all(), *[r.subject for r in case.subject_roles.select_related("subject")]]
    audited += [*case.timeline.all(), *case.requests.all(), *case.assets.all()]
    for request in case.requests.all():
        audited += [*request.timeline.all(), *request.checklist.all()]
    for asset in case.assets.all():
        audited += [*asset.timeline.all(), *asset.court_decisions.all(), *asset.claims.all()]

    files_included = user is None or access.may_download_documents(user, case)
    documents = _documents(
        case, user=user, files_included=files_included, collect=files, request=request, operator=operator
    )
    case_documents = list(case.documents.all())
    audited += case_documents
    for document in case.documents.prefetch_related("versions"):
        audited += list(document.versions.all())

    case_data = record_fields(case)
    case_data["timeline"] = _timeline(case)
    bundle = {
        "format": BUNDLE_FORMAT,
        "exported_at": _plain(timezone.now()),
        "exported_by": user.get_username() if user is not None else "",
        "identifiers_masked": not full_identifiers,
        "case": case_data,
        "subjects": subjects,
        "requests": requests,
        "assets": assets,
        "documents": documents,
        "document_files": {
            "included": files_included,
            "folder": files.folder if files is not None and files_included and documents else "",
            "problems": sum(1 for d in documents for v in d["versions"] if v["check"] in ("missing", "hash_mismatch")),
        },
        "audit_trail": {
            "changes": _change_log(audited, mask_subject_ids=masked_subject_ids),
            "security_events": _security_events(
                [case, *[r.subject for r in case.subject_roles.all()], *case_documents]
            ),
        },
    }
    if files is not None and documents:
        files.manifest = {
            "format": BUNDLE_FORMAT,
            "case": case.register_number,
            "exported_at": bundle["exported_at"],
            "files_included": files_included,
            "files": [
                {
                    "document": d["id"],
                    "title": d["title"],
                    "kind": d["kind"],
                    "version": v["number"],
                    "filename": v["filename"],
                    "content_type": v["content_type"],
                    "size": v["size"],
                    "sha256": v["sha256"],
                    "path": v["bundle_path"],
                    "check": v["check"],
                    **({"sha256_found": v["sha256_found"]} if "sha256_found" in v else {}),
                }
                for d in documents
                for v in d["versions"]
            ],
            "problems": files.problems,
        }
    return bundle


def bundle_file_stem(case) -> str:
    return "case-" + "".join(ch if ch.isalnum() or ch in "-." else "_" for ch in case.register_number)


def documents_folder(case) -> str:
    return f"{bundle_file_stem(case)}-documents"


def prepare_bundle(case, *, user=None, request=None, operator: str = "") -> tuple[str, str, BundleFiles]:
    """Audit the export, then build the bundle: (JSON text, HTML text, the document files).

    The export event is recorded before the bundle is built, so the bundle's own audit trail
    shows this export too. The caller writes the files out and closes them."""
    stem = bundle_file_stem(case)
    folder = documents_folder(case)
    names = [f"{stem}.json", f"{stem}.html"]
    if case.documents.exists():
        names.append(f"{folder}/")
    record_event(
        "export",
        request=request,
        user=user,
        username=operator,
        obj=case,
        extra={"format": BUNDLE_FORMAT, "files": names},
    )
    files = BundleFiles(folder=folder)
    try:
        bundle = build_case_bundle(case, user=user, files=files, request=request, operator=operator)
        json_text = json.dumps(bundle, cls=BundleEncoder, ensure_ascii=False, indent=2)
        html_text = render_to_string("security/case_bundle.html", {"bundle": bundle})
    except BaseException:
        files.close()
        raise
    return json_text, html_text, files


def render_bundle(case, *, user=None, request=None, operator: str = "") -> tuple[str, str]:
    """Audit the export, then build the bundle: (JSON text, HTML text), without the files."""
    json_text, html_text, files = prepare_bundle(case, user=user, request=request, operator=operator)
    files.close()
    return json_text, html_text


def write_bundle_to_zip(archive, case, *, user=None, request=None, operator: str = "") -> BundleFiles:
    """Add one case's bundle (JSON, HTML, the documents folder) to an open ZipFile; returns what the
    documents check found (its `problems`)."""
    json_text, html_text, files = prepare_bundle(case, user=user, request=request, operator=operator)
    try:
        stem = bundle_file_stem(case)
        archive.writestr(f"{stem}.json", json_text)
        archive.writestr(f"{stem}.html", html_text)
        for name, data in files.entries():
            with archive.open(name, "w") as target:
                shutil.copyfileobj(data, target)
    finally:
        files.close()
    return files


def export_case(
    case, *, out_dir: Path, user=None, request=None, operator: str = "", problems: list | None = None
) -> tuple[Path, Path]:
    """Write case-<register number>.json and .html into `out_dir`, and the case's documents into the
    folder case-<register number>-documents (manifest.json, SHA256SUMS, <document id>/v<n>-<name>);
    the export is audited. Files found missing or changed are appended to `problems`."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = bundle_file_stem(case)
    json_text, html_text, files = prepare_bundle(case, user=user, request=request, operator=operator)
    try:
        json_path, html_path = out_dir / f"{stem}.json", out_dir / f"{stem}.html"
        json_path.write_text(json_text, encoding="utf-8")
        html_path.write_text(html_text, encoding="utf-8")
        folder = out_dir / files.folder
        if folder.exists():
            shutil.rmtree(folder)  # an earlier export of the case: never a mix of two exports' files
        for name, data in files.entries():
            target = out_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("wb") as handle:
                shutil.copyfileobj(data, handle)
    finally:
        files.close()
    if problems is not None:
        problems.extend(files.problems)
    return json_path, html_path
