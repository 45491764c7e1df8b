"""Model permissions per role (which actions). Which rows, and which records one may write: recovery.access."""

from django.contrib.auth.models import Group, Permission

from recovery.roles import (
    ADMINISTRATOR,
    ANALYST,
    DOCUMENT_PERMISSIONS,
    DOCUMENTS_APP,
    DOMAIN_APPS,
    INVESTIGATOR,
    REFERENCE_APP,
    SUPERVISOR,
)


def _perms(using, app_labels, actions, models=None):
    qs = Permission.objects.using(using).filter(content_type__app_label__in=app_labels).select_related("content_type")
    if models is not None:
        qs = qs.filter(content_type__model__in=models)
    return [p for p in qs if p.codename.split("_", 1)[0] in actions]


# Reminder configuration and its delivery log live in the requests app but are not case records:
# administrators keep the policy and holidays, supervisors read them and the delivery log.
REMINDER_SETTINGS_MODELS = ("reminderpolicy", "holiday")
REMINDER_LOG_MODELS = ("reminderdelivery", "reminderdigest")
# The reminder schedule is the scan's bookkeeping, written by services only: no role edits it.
REMINDER_INTERNAL_MODELS = ("reminderschedule", "incomingreminderschedule")
REMINDER_MODELS = REMINDER_SETTINGS_MODELS + REMINDER_LOG_MODELS + REMINDER_INTERNAL_MODELS


def _domain(using, actions):
    return [p for p in _perms(using, DOMAIN_APPS, actions) if p.content_type.model not in REMINDER_MODELS]


NO_DELETE = "delete_user"


def _documents(using, role):
    return [
        p
        for model, actions in DOCUMENT_PERMISSIONS.get(role, {}).items()
        for p in _perms(using, [DOCUMENTS_APP], actions, [model])
    ]


def sync_role_permissions(using="default"):
    groups = {g.name: g for g in Group.objects.using(using).all()}
    if not groups:
        return
    from recovery.roles import REFERENCE_MODELS

    read = {"view"}
    # Cases, requests and assets have legal history: nobody deletes them, not even administrators.
    write = {"view", "add", "change"}
    plan = {
        INVESTIGATOR: _domain(using, write) + _perms(using, [REFERENCE_APP], read, REFERENCE_MODELS),
        SUPERVISOR: _domain(using, write)
        + _perms(using, [REFERENCE_APP], read, REFERENCE_MODELS)
        + _perms(using, ["requests"], read, REMINDER_MODELS),
        ANALYST: _domain(using, read) + _perms(using, [REFERENCE_APP], read, REFERENCE_MODELS),
        ADMINISTRATOR: _domain(using, write)
        + _perms(using, ["requests"], {"view", "add", "change", "delete"}, REMINDER_SETTINGS_MODELS)
        + _perms(using, ["requests"], read, REMINDER_LOG_MODELS)
        # Not delete_user: accounts are deactivated, never deleted (the audit trails name them).
        + [p for p in _perms(using, [REFERENCE_APP], {"view", "add", "change", "delete"}) if p.codename != NO_DELETE]
        + _perms(using, ["auth"], {"view", "add", "change"})
        + _perms(using, ["auditlog"], read),
    }
    for name, perms in plan.items():
        perms = perms + _documents(using, name)
        group = groups.get(name)
        if group is not None:
            group.permissions.set(perms)
