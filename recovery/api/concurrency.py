"""No lost updates, no duplicate creations.

- ETag / If-Match: every record has a `version` bumped by each save. GET returns it as the ETag;
  PUT and PATCH must send it back in If-Match (428 without it, 412 when it is stale). The service
  re-checks the version under its row lock, so two writers racing on the same ETag cannot both win.
- Idempotency-Key: a POST sent with this header is recorded with a fingerprint of its method,
  path and body (a multipart body's files by their content hash). A retry with the same key and
  body replays the first response and creates nothing; the same key with another body is 422. The
  key row is inserted first, in the same transaction as the write: a concurrent duplicate waits on
  the unique index and then replays.
"""

from __future__ import annotations

import functools
import hashlib
import json

from django.core.files.uploadedfile import UploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.response import Response

from recovery.api.exceptions import (
    IdempotencyKeyInProgress,
    IdempotencyKeyReused,
    PreconditionFailed,
    PreconditionRequired,
)
from recovery.models import IdempotencyKey

REPLAYED_HEADERS = ("Location", "ETag")


def etag_for(obj) -> str:
    return f'"v{obj.version}"'


def parse_if_match(header: str) -> list[str]:
    tags = []
    for item in header.split(","):
        item = item.strip()
        if item.startswith("W/"):
            item = item[2:]
        if item:
            tags.append(item)
    return tags


def version_from_if_match(request, obj, *, required: bool) -> int | None:
    """The version the client last read, from If-Match. 428 without it (when required), 412 stale."""
    header = request.headers.get("If-Match")
    if not header:
        if required:
            raise PreconditionRequired()
        return None
    tags = parse_if_match(header)
    if "*" in tags:
        raise PreconditionRequired(_("If-Match: * is not accepted: send the record's ETag."))
    if etag_for(obj) not in tags:
        raise PreconditionFailed()
    return obj.version


def with_etag(response: Response, obj) -> Response:
    response["ETag"] = etag_for(obj)
    return response


def _file_digest(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _form_body(data) -> dict:
    """A multipart body: every value of every field, and each file by its name, size and content
    hash, so a retry with another file under the same name is a different request."""
    return {
        key: [
            {"file": value.name, "size": value.size, "sha256": _file_digest(value)}
            if isinstance(value, UploadedFile)
            else value
            for value in values
        ]
        for key, values in data.lists()
    }


def _fingerprint(request) -> str:
    data = request.data
    if isinstance(data, QueryDict):
        data = _form_body(data)
    try:
        body = json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder, default=str)
    except (TypeError, ValueError):
        body = repr(data)
    raw = f"{request.method}\n{request.path}\n{body}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _replay(record: IdempotencyKey) -> Response:
    response = Response(record.response_body, status=record.response_status)
    for name, value in (record.response_headers or {}).items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(view_method):
    """Make a POST handler honour the Idempotency-Key header (see module docstring)."""

    @functools.wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return view_method(self, request, *args, **kwargs)
        key = key.strip()
        if not key or len(key) > 255:
            raise exceptions.ValidationError({"Idempotency-Key": [_("An Idempotency-Key has 1 to 255 characters.")]})
        fingerprint = _fingerprint(request)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyKey.objects.create(
                        user=request.user,
                        key=key,
                        method=request.method,
                        path=request.path[:500],
                        fingerprint=fingerprint,
                    )
            except IntegrityError:
                record = IdempotencyKey.objects.get(user=request.user, key=key)
                if record.fingerprint != fingerprint:
                    raise IdempotencyKeyReused() from None
                if record.response_status is None:
                    raise IdempotencyKeyInProgress() from None
                return _replay(record)
            response = view_method(self, request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                record.response_status = response.status_code
                record.response_body = json.loads(json.dumps(response.data, cls=DjangoJSONEncoder))
                record.response_headers = {h: response[h] for h in REPLAYED_HEADERS if response.has_header(h)}
                record.save(update_fields=["response_status", "response_body", "response_headers"])
            else:
                # Not a success: forget the key, so a corrected retry may use it.
                transaction.set_rollback(True)
            return response

    return wrapper
