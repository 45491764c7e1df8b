"""The record change log (django-auditlog's LogEntry) is append-only in the ORM too, as
AppendOnlyModel makes the security events: saving an existing entry, deleting one (alone, through
a queryset or by a cascade) and QuerySet.update() raise. LogEntry is auditlog's model, so instead
of a base class it gets signal receivers and, at app start, a manager whose querysets refuse bulk
rewrites. auditlog itself only ever inserts (LogEntry.objects.log_create -> create()), which stays
allowed. On PostgreSQL triggers refuse the same from any client (migrations recovery 0006, 0008).

A user who appears in the log as an actor cannot be deleted either: LogEntry.actor is SET_NULL, so
the deletion would rewrite the actor of those entries. Accounts are deactivated instead.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models.signals import pre_delete, pre_save

CHANGE_LOG_ROWS = "Change log entries"


def _refuse(what: str):
    raise TypeError(f"{CHANGE_LOG_ROWS} are append-only: {what}.")


def refuse_changing_an_entry(sender, instance, raw=False, **kwargs):
    if not instance._state.adding:
        _refuse("they cannot be changed")
    # A new instance given the pk of an existing row would be saved as an UPDATE of that row.
    if instance.pk is not None and sender._base_manager.filter(pk=instance.pk).exists():
        _refuse("they cannot be changed")


def refuse_deleting_an_entry(sender, instance, **kwargs):
    # Sent for Model.delete(), and for each row of a cascade (a deleted content type): with a
    # receiver connected, Django's collector fetches the rows instead of deleting them in bulk.
    _refuse("they cannot be deleted")


def refuse_deleting_an_actor(sender, instance, **kwargs):
    from auditlog.models import LogEntry
    from django.db.models import ProtectedError

    entries = LogEntry._base_manager.filter(actor_id=instance.pk)
    if instance.pk is not None and entries.exists():
        raise ProtectedError(
            f"User {instance.get_username()!r} is the actor of change log entries, which are append-only: "
            "deactivate the account (untick 'active') instead of deleting it.",
            set(entries[:10]),
        )


def protect_change_log():
    """Called once from RecoveryConfig.ready(): the receivers, and LogEntry's manager swapped for
    one whose querysets refuse update() and delete() (auditlog's log_create and other helpers kept)."""
    from auditlog.models import LogEntry

    pre_save.connect(refuse_changing_an_entry, sender=LogEntry, dispatch_uid="recovery_change_log_no_change")
    pre_delete.connect(refuse_deleting_an_entry, sender=LogEntry, dispatch_uid="recovery_change_log_no_delete")
    pre_delete.connect(
        refuse_deleting_an_actor, sender=settings.AUTH_USER_MODEL, dispatch_uid="recovery_change_log_actor_kept"
    )
    from recovery.models import AppendOnlyQuerySet

    current = type(LogEntry._default_manager)
    if issubclass(current._queryset_class, AppendOnlyQuerySet):
        return
    # The same refusals as the security events' (AppendOnlyQuerySet), which name the rows by the
    # model's append_only_rows.
    LogEntry.append_only_rows = CHANGE_LOG_ROWS
    manager_class = current.from_queryset(AppendOnlyQuerySet, f"AppendOnly{current.__name__}")
    manager = manager_class()
    # Replace (not add beside) the inherited `objects`: Options.managers keeps the first manager
    # of a name it meets, so the old one must leave LogEntry's own list.
    LogEntry._meta.local_managers = [m for m in LogEntry._meta.local_managers if m.name != "objects"]
    manager.contribute_to_class(LogEntry, "objects")
