"""`record_event`: the one way to append a security audit event (logins, refusals, exports,
tokens, views of personal data). Changes of records are django-auditlog's job, not this one."""

from __future__ import annotations

import getpass
import logging

from django.contrib.contenttypes.models import ContentType

from recovery.security.requestinfo import client_ip, current_request, user_agent

logger = logging.getLogger("recovery.security.audit")


def record_event(
    action: str,
    *,
    request=None,
    user=None,
    username: str = "",
    obj=None,
    outcome: str = "success",
    extra: dict | None = None,
    path: str | None = None,
):
    """Append one AuditEvent and return it.

    `request` defaults to the web request being served, if any (see `current_request`); `user`
    defaults to the request's signed-in user; `username` keeps the name as typed when
    there is no user (a failed login). `obj` is the record concerned (any model instance).
    `path` replaces the request's path and query string, for a request whose query string must not
    be kept (a refused lookup's values may be guessed secrets).
    The row is written in the caller's transaction and shares its fate, so a caller that rolls
    back its work on purpose records the refusal after the rollback, not inside it.
    """
    from recovery.models import AuditEvent

    if request is None:
        request = current_request.get()
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and getattr(candidate, "is_authenticated", False):
            user = candidate
    if user is not None and not getattr(user, "pk", None):
        user = None
    event = AuditEvent(
        action=action,
        outcome=outcome,
        user=user,
        username=(user.get_username() if user is not None else username or "")[:150],
        ip_address=client_ip(request),
        user_agent=user_agent(request),
        path=(path[:255] if path is not None else recorded_path(request)),
        extra=extra or {},
    )
    if obj is not None:
        event.content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
        event.object_id = str(obj.pk)
        event.object_repr = str(obj)[:255]
    event.save()
    logger.info("audit %s %s user=%s object=%s", action, outcome, event.username or "-", event.object_repr or "-")
    return event


def recorded_path(request) -> str:
    """The path asked, with its query string's identifiers masked (a search for a number is kept
    as a search for a number ending in its last digits, not the number)."""
    if request is None:
        return ""
    path = request.path
    if request.META.get("QUERY_STRING"):
        from recovery.security.masking import masked_query_string

        path = f"{path}?{masked_query_string(request.GET)}"
    return path[:255]


def command_operator(command: str) -> str:
    """Who ran a management command, for an event that has no user: "manage.py <command> (<OS
    login name>)", kept in the event's `username` (export_case, api_token)."""
    try:
        login = getpass.getuser()
    except Exception:  # no login name in some containers
        login = "unknown"
    return f"manage.py {command} ({login})"[:150]


def record_personal_data_view(request, subject):
    """Record that the signed-in user opened `subject`'s personal data (admin page, API detail)."""
    return record_event("personal_data_viewed", request=request, obj=subject)
