"""Audit: every create/update/delete of a domain model goes to django-auditlog's LogEntry.

Web requests get their actor from AuditlogMiddleware. Services, Celery tasks and management
commands are not web requests, so they set the actor themselves with `audit_actor`.
"""

import contextlib
from contextvars import ContextVar

from auditlog.context import auditlog_value, set_actor

# The actor of the innermost audit_actor block (its pk), so a nested block for the same actor is a no-op.
_current_actor_pk: ContextVar = ContextVar("recovery_audit_actor_pk", default=None)


@contextlib.contextmanager
def audit_actor(actor):
    """Attribute the changes made inside the block to `actor` (a user, or None for the system).

    Blocks nest (a command or a web request around a service that opens its own block). auditlog's
    set_actor does not: on exit it leaves its own data in the context, so the enclosing block stops
    attributing changes and its signal receiver is never disconnected. So a nested block for the same
    actor does nothing, and one for another actor puts the enclosing block's data back on exit.
    """
    if actor is None or not getattr(actor, "pk", None):
        yield
        return
    if _current_actor_pk.get() == actor.pk:
        yield
        return
    enclosing = auditlog_value.get(None)
    token = _current_actor_pk.set(actor.pk)
    try:
        with set_actor(actor):
            yield
    finally:
        _current_actor_pk.reset(token)
        if enclosing is not None:
            auditlog_value.set(enclosing)


def register_models(*models_with_options):
    """Register domain models with auditlog; each item is a model or (model, options)."""
    from auditlog.registry import auditlog

    for item in models_with_options:
        model, options = item if isinstance(item, tuple) else (item, {})
        if not auditlog.contains(model):
            auditlog.register(model, **options)
