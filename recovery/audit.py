"""Audit: every create/update/delete of a domain model goes to django-auditlog's LogEntry.

Web requests get their actor from AuditlogMiddleware. Services, Celery tasks and management
commands are not web requests, so they set the actor themselves with `audit_actor`.
"""

import contextlib

from auditlog.context import auditlog_value, set_actor


@contextlib.contextmanager
def audit_actor(actor):
    """Attribute the changes made inside the block to `actor` (a user, or None for the system)."""
    if actor is None or not getattr(actor, "pk", None):
        yield
        return
    # auditlog's set_actor does not put back an enclosing context when it ends (the middleware's,
    # or a calling service's), so later changes in that context would lose their actor.
    outer = auditlog_value.get(None)
    try:
        with set_actor(actor):
            yield
    finally:
        if outer is not None:
            auditlog_value.set(outer)


def register_models(*models_with_options):
    """Register domain models with auditlog; each item is a model or (model, options)."""
    from auditlog.registry import auditlog

    for item in models_with_options:
        model, options = item if isinstance(item, tuple) else (item, {})
        if not auditlog.contains(model):
            auditlog.register(model, **options)
