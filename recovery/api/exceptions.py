"""One error shape for every 4xx: problem details (RFC 9457), as application/problem+json.

{"type", "title", "status", "detail", "instance", "code", "errors": {field: [messages]}}.
Domain errors raised by services map to 400/409/422 with the service's own (translated) message,
so the API says exactly what the admin says.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from recovery import errors as domain

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "urn:asset-recovery:problem:"

DOMAIN_STATUS = {
    domain.InvalidInput: status.HTTP_400_BAD_REQUEST,
    domain.TransitionNotAllowed: status.HTTP_409_CONFLICT,
    domain.VersionConflict: status.HTTP_409_CONFLICT,
    domain.RequirementsMissing: status.HTTP_422_UNPROCESSABLE_ENTITY,
    domain.LetterIncomplete: status.HTTP_422_UNPROCESSABLE_ENTITY,
    domain.MeasureOutsideScope: status.HTTP_422_UNPROCESSABLE_ENTITY,
    domain.ChannelNotAccepted: status.HTTP_422_UNPROCESSABLE_ENTITY,
    domain.InvalidAmount: status.HTTP_422_UNPROCESSABLE_ENTITY,
    domain.StoredFileMissing: status.HTTP_404_NOT_FOUND,
}

TITLES = {
    400: _("The request is not valid."),
    401: _("Authentication is required."),
    403: _("You are not allowed to do this."),
    404: _("Not found."),
    405: _("Method not allowed."),
    406: _("Not acceptable."),
    409: _("Conflict with the current state of the record."),
    412: _("The record has changed since you read it."),
    415: _("Unsupported media type."),
    422: _("The request cannot be processed."),
    428: _("A precondition is required."),
    429: _("Too many requests."),
}


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = _("Send the record's ETag in an If-Match header to change it.")
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = _("The record was changed by someone else since you read it. Read it again and retry.")
    default_code = "precondition_failed"


class IdempotencyKeyReused(exceptions.APIException):
    status_code = 422
    default_detail = _("This Idempotency-Key was already used with a different request.")
    default_code = "idempotency_key_reused"


class IdempotencyKeyInProgress(exceptions.APIException):
    status_code = 409
    default_detail = _("A request with this Idempotency-Key is still being processed. Retry later.")
    default_code = "idempotency_key_in_progress"


def _flatten(errors, prefix=""):
    """DRF's nested error structure -> {"field" or "field.sub" or "field.0": [messages]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for k, v in _flatten(value, name).items():
                flat.setdefault(k, []).extend(v)
    elif isinstance(errors, list):
        if all(not isinstance(e, dict | list) for e in errors):
            flat[prefix or "non_field_errors"] = [force_str(e) for e in errors]
        else:
            for index, value in enumerate(errors):
                if value:
                    for k, v in _flatten(value, f"{prefix}.{index}" if prefix else str(index)).items():
                        flat.setdefault(k, []).extend(v)
    else:
        flat[prefix or "non_field_errors"] = [force_str(errors)]
    return flat


def problem(status_code: int, *, code: str, detail, errors=None, request=None, headers=None) -> Response:
    body = {
        "type": f"{TYPE_BASE}{code}",
        "title": force_str(TITLES.get(status_code, _("Error."))),
        "status": status_code,
        "detail": force_str(detail),
        "code": code,
    }
    if request is not None:
        body["instance"] = request.get_full_path()
    if errors:
        body["errors"] = {k: [force_str(m) for m in v] for k, v in errors.items()}
    response = Response(body, status=status_code, headers=headers)
    renderer = getattr(request, "accepted_renderer", None)
    # The browsable API renders errors as HTML for people; every other client gets problem+json.
    if renderer is None or getattr(renderer, "format", "json") == "json":
        response.content_type = PROBLEM_CONTENT_TYPE
    return response


def problem_details_handler(exc, context):
    request = context.get("request")
    set_rollback()
    if isinstance(exc, domain.AccessDenied):
        # Not even readable: the same answer as a record that does not exist.
        exc = exceptions.NotFound() if exc.code == "not_found" else exceptions.PermissionDenied(exc.message)
    elif isinstance(exc, domain.DomainError):
        status_code = DOMAIN_STATUS.get(type(exc), status.HTTP_400_BAD_REQUEST)
        errors = {k: list(v) if isinstance(v, list | tuple) else [v] for k, v in exc.field_errors.items()}
        return problem(status_code, code=exc.code, detail=exc.message, errors=errors, request=request)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, IntegrityError):
        # A safety net: services check what they can, the database refuses the rest (a race on a
        # unique value). Never a 500 for the caller's input.
        logger.warning("Integrity error turned into 409: %s", exc)
        return problem(
            status.HTTP_409_CONFLICT,
            code="conflict",
            detail=_("The change conflicts with data recorded meanwhile. Read the record again and retry."),
            request=request,
        )
    if not isinstance(exc, exceptions.APIException):
        return None  # a real bug: let Django report the 500
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        detail = _("Correct the fields listed in “errors”.")
        if set(errors) == {"non_field_errors"}:
            detail = errors["non_field_errors"][0]
        return problem(exc.status_code, code="invalid", detail=detail, errors=errors, request=request, headers=headers)
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else getattr(exc, "default_code", "error")
    detail = exc.detail if not isinstance(exc.detail, dict | list) else exc.default_detail
    return problem(exc.status_code, code=code, detail=detail, request=request, headers=headers)


def not_found_handler(request, exception=None):
    """Django's 404 for URLs no view matches: problem+json under /api/, the usual page elsewhere."""
    from django.http import JsonResponse
    from django.views import defaults

    if not request.path.startswith("/api/"):
        return defaults.page_not_found(request, exception)
    body = {
        "type": f"{TYPE_BASE}not_found",
        "title": force_str(TITLES[404]),
        "status": 404,
        "detail": force_str(_("Not found.")),
        "code": "not_found",
        "instance": request.get_full_path(),
    }
    return JsonResponse(body, status=404, content_type=PROBLEM_CONTENT_TYPE)
