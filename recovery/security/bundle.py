"""Case bundle: one case with its subjects, requests, assets, status timelines and audit trail,
as JSON (and a printable HTML summary), for transfer to a court or another agency.

Identifiers of persons are masked unless the exporting user may see them (masking.py); an export
run by an operator without a named user (the management command's default) is complete.
Every export is itself recorded as an audit event on the case.
"""

from __future__ import annotations

import datetime
import decimal
import json
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone

from recovery import access
from recovery.security.events import record_event
from recovery.security.masking import IDENTIFIER_FIELDS, mask_value

BUNDLE_FORMAT = "asset-recovery.case-bundle/1"


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
    for name in IDENTIFIER_FIELDS:
        if data.get(name):
            data[name] = mask_value(data[name])
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
                key: ([mask_value(v) for v in values] if key in IDENTIFIER_FIELDS else values)
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


def build_case_bundle(case, *, user=None) -> dict:
    """The bundle as a dict. `user` is who exports (None: an operator on the server, complete)."""
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

    case_data = record_fields(case)
    case_data["timeline"] = _timeline(case)
    return {
        "format": BUNDLE_FORMAT,
        "exported_at": _plain(timezone.now()),
        "exported_by": user.get_username() if user is not None else "",
        "identifiers_masked": not full_identifiers,
        "case": case_data,
        "subjects": subjects,
        "requests": requests,
        "assets": assets,
        "audit_trail": {
            "changes": _change_log(audited, mask_subject_ids=masked_subject_ids),
            "security_events": _security_events([case, *[r.subject for r in case.subject_roles.all()]]),
        },
    }


def bundle_file_stem(case) -> str:
    return "case-" + "".join(ch if ch.isalnum() or ch in "-." else "_" for ch in case.register_number)


def render_bundle(case, *, user=None, request=None, operator: str = "") -> tuple[str, str]:
    """Audit the export, then build the bundle: (JSON text, HTML text).

    The export event is recorded before the bundle is built, so the bundle's own audit trail
    shows this export too.
    """
    stem = bundle_file_stem(case)
    record_event(
        "export",
        request=request,
        user=user,
        username=operator,
        obj=case,
        extra={"format": BUNDLE_FORMAT, "files": [f"{stem}.json", f"{stem}.html"]},
    )
    bundle = build_case_bundle(case, user=user)
    json_text = json.dumps(bundle, cls=BundleEncoder, ensure_ascii=False, indent=2)
    html_text = render_to_string("security/case_bundle.html", {"bundle": bundle})
    return json_text, html_text


def export_case(case, *, out_dir: Path, user=None, request=None, operator: str = "") -> tuple[Path, Path]:
    """Write case-<register number>.json and .html into `out_dir`; the export is audited."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = bundle_file_stem(case)
    json_text, html_text = render_bundle(case, user=user, request=request, operator=operator)
    json_path, html_path = out_dir / f"{stem}.json", out_dir / f"{stem}.html"
    json_path.write_text(json_text, encoding="utf-8")
    html_path.write_text(html_text, encoding="utf-8")
    return json_path, html_path
