"""Signal receivers: logins, logouts, failed logins and lockouts become audit events; so does
every change of a user's access (unit, staff/superuser/active flags, groups, permissions), with
who made it and the old and new values; a user deactivated loses every open session and every
API token at once. The Auditor group's permissions: grant_audit_permissions."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from recovery.roles import AUDITOR  # noqa: E402
from recovery.security.events import record_event
from recovery.security.sessions import SESSION_LAST_SEEN, SESSION_LOGIN_AT, end_sessions_of


@receiver(user_logged_in, dispatch_uid="recovery_security_login")
def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        # Start of the absolute session lifetime (SessionExpiryMiddleware).
        now = timezone.now().timestamp()
        request.session[SESSION_LOGIN_AT] = now
        request.session[SESSION_LAST_SEEN] = now
    record_event("login_success", request=request, user=user)


@receiver(user_logged_out, dispatch_uid="recovery_security_logout")
def on_logout(sender, request, user, **kwargs):
    if user is None:
        return
    expired = getattr(request, "_security_session_expired", None)
    if expired:
        record_event("session_expired", request=request, user=user, extra={"reason": expired})
    else:
        record_event("logout", request=request, user=user)


@receiver(user_login_failed, dispatch_uid="recovery_security_login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    # Credentials arrive cleansed by Django (the password is masked); only the username is kept.
    username = str(credentials.get("username", ""))[:150]
    record_event(
        "login_failure",
        request=request,
        username=username,
        outcome="failure",
        extra={"locked_out": bool(getattr(request, "axes_locked_out", False))},
    )


def _connect_axes_lockout():
    from axes.signals import user_locked_out

    @receiver(user_locked_out, dispatch_uid="recovery_security_locked_out")
    def on_locked_out(sender, request, username, ip_address, **kwargs):
        record_event("account_locked", request=request, username=str(username or "")[:150], outcome="denied")


_connect_axes_lockout()


# What decides a user's access, besides their groups and permissions (m2m, below): a change of
# any of them is a `user_access_changed` event naming who made it, with the old and new values.
ACCESS_FIELDS = ("unit_id", "is_staff", "is_superuser", "is_active")


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="recovery_security_user_pre_save")
def remember_access_fields(sender, instance, update_fields=None, **kwargs):
    instance._security_was_active = None
    instance._security_access_before = None
    if instance.pk is None:
        return
    if update_fields is not None and not {name.removesuffix("_id") for name in ACCESS_FIELDS} & {
        name.removesuffix("_id") for name in update_fields
    }:
        return  # e.g. the last login stamped at each sign-in: nothing of the access can change
    before = sender.objects.filter(pk=instance.pk).values(*ACCESS_FIELDS).first()
    if before is not None:
        instance._security_was_active = before["is_active"]
        instance._security_access_before = before


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="recovery_security_user_access_changed")
def record_access_change(sender, instance, created, **kwargs):
    if created:
        defaults = {"unit_id": None, "is_staff": False, "is_superuser": False, "is_active": True}
        before = defaults
        after = {name: getattr(instance, name) for name in ACCESS_FIELDS}
    else:
        before = getattr(instance, "_security_access_before", None)
        if before is None:
            return
        after = {name: getattr(instance, name) for name in ACCESS_FIELDS}
    changed = [name for name in ACCESS_FIELDS if before.get(name) != after[name]]
    if not changed:
        return
    changes = {}
    for name in changed:
        old, new = (None if created else before[name]), after[name]
        if name == "unit_id":
            changes["unit"] = {"old": _unit_code(old), "new": _unit_code(new)}
        else:
            changes[name] = {"old": old, "new": new}
    _record_access_change(instance, changes, created=created)


def _unit_code(unit_id):
    if unit_id is None:
        return None
    from recovery.models import Unit

    return Unit.objects.filter(pk=unit_id).values_list("code", flat=True).first() or str(unit_id)


def _record_access_change(user, changes: dict, *, created: bool = False):
    extra = {"username": user.get_username(), "changes": changes}
    if created:
        extra["created"] = True
    record_event("user_access_changed", user=_current_actor(), obj=user, extra=extra)


def _connect_membership_receivers():
    """Groups (the roles) and individual permissions of users, changed from either side (a
    user's groups, or a group's users): one event per user whose set changed, old and new."""
    from django.contrib.auth import get_user_model
    from django.db.models.signals import m2m_changed

    user_model = get_user_model()
    sides = {
        user_model.groups.through: ("groups", "group", lambda rows: rows.values_list("user_id", "group__name")),
        user_model.user_permissions.through: (
            "user_permissions",
            "permission",
            lambda rows: rows.values_list(
                "user_id",
                "permission__content_type__app_label",
                "permission__codename",
            ),
        ),
    }

    def memberships(through, user_ids) -> dict[int, list[str]]:
        _field, _target, columns = sides[through]
        found = {pk: set() for pk in user_ids}
        for user_id, *name in columns(through.objects.filter(user_id__in=user_ids)):
            found[user_id].add(".".join(name))
        return {pk: sorted(names) for pk, names in found.items()}

    def affected(instance, reverse, pk_set) -> list[int]:
        if not reverse:
            return [instance.pk]
        if pk_set is None:  # cleared from the group's (or permission's) side
            return list(instance.user_set.values_list("pk", flat=True))
        return list(pk_set)

    def on_change(sender, instance, action, reverse, pk_set, **kwargs):
        if action.startswith("pre_"):
            users = affected(instance, reverse, pk_set)
            instance._security_memberships_before = (sender, memberships(sender, users))
            return
        remembered = getattr(instance, "_security_memberships_before", None)
        if remembered is None or remembered[0] is not sender:
            return
        instance._security_memberships_before = None
        before = remembered[1]
        after = memberships(sender, list(before))
        field = sides[sender][0]
        changed = {pk for pk in before if before[pk] != after[pk]}
        if not changed:
            return
        users = {instance.pk: instance} if not reverse else user_model.objects.in_bulk(list(changed))
        for pk in sorted(changed):
            old, new = before[pk], after[pk]
            change = {
                "old": old,
                "new": new,
                "added": sorted(set(new) - set(old)),
                "removed": sorted(set(old) - set(new)),
            }
            _record_access_change(users[pk], {field: change})

    for through in sides:
        # weak=False: the receiver is a closure, kept alive by nothing else.
        m2m_changed.connect(
            on_change, sender=through, weak=False, dispatch_uid=f"recovery_security_access_{through._meta.model_name}"
        )


_connect_membership_receivers()


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="recovery_security_user_post_save")
def end_sessions_on_deactivation(sender, instance, created, **kwargs):
    """Deactivating a user ends their sessions now, not when they next expire, and revokes their
    API tokens: revoked, not merely refused while the account is inactive, so reactivating the
    account does not bring them back. Each revocation is a `token_revoked` event of the actor."""
    if created or instance.is_active or not getattr(instance, "_security_was_active", False):
        return
    ended = end_sessions_of(instance)
    actor = _current_actor()
    revoked = _revoke_tokens_of(instance, actor)
    record_event(
        "user_deactivated",
        user=actor,
        obj=instance,
        extra={"sessions_ended": ended, "tokens_revoked": revoked, "username": instance.get_username()},
    )


def _revoke_tokens_of(user, actor) -> int:
    from recovery.api.services import api_token_revoke
    from recovery.models import ApiToken

    tokens = list(ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("pk"))
    for token in tokens:
        api_token_revoke(actor=actor, token=token, reason="user_deactivated")
    from recovery.calendar_feed import calendar_feed_tokens_revoke_all

    return len(tokens) + calendar_feed_tokens_revoke_all(user=user, actor=actor, reason="user_deactivated")


def _current_actor():
    """Who is making the change: the signed-in user of the web request being served, else the
    actor of the enclosing `audit_actor` block (a service, task or command), else nobody.

    Not auditlog's own context value: auditlog leaves it set after its block ends, so outside a
    request it can name whoever acted last in the thread."""
    from recovery.audit import _current_actor_pk
    from recovery.security.requestinfo import current_request

    request = current_request.get()
    user = getattr(request, "user", None) if request is not None else None
    if user is not None and getattr(user, "is_authenticated", False):
        return user
    pk = _current_actor_pk.get()
    if pk is None:
        return None
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=pk).first()


def grant_audit_permissions(using="default"):
    """Auditors read the audit trail (security events and record changes) and nothing else;
    nobody, administrators included, holds a permission to add, change or delete audit rows."""
    # Called after every migrate by recovery.signals.ensure_role_groups, after the role sync
    # (which .set()s the Administrator's permissions, so the audit grants must come after it).
    from django.contrib.auth.models import Group, Permission

    audit_view = Permission.objects.using(using).filter(
        content_type__app_label__in=["recovery", "auditlog"],
        codename__in=["view_auditevent", "view_logentry"],
    )
    for group in Group.objects.using(using).filter(name__in=[AUDITOR, "Administrator"]):
        group.permissions.add(*audit_view)
    writes = Permission.objects.using(using).filter(
        content_type__app_label__in=["recovery", "auditlog"],
        codename__in=[
            f"{verb}_{model}" for verb in ("add", "change", "delete") for model in ("auditevent", "logentry")
        ],
    )
    for group in Group.objects.using(using).all():
        group.permissions.remove(*writes)
    # Administrators lift lockouts (delete the access attempt) and reset a lost two-factor
    # device (delete it; the user then sets up a new one); they never create a device for someone.
    lockout_admin = Permission.objects.using(using).filter(
        content_type__app_label__in=["axes", "otp_totp"],
        codename__in=[
            "view_accessattempt",
            "delete_accessattempt",
            "view_accesslog",
            "view_accessfailurelog",
            "view_totpdevice",
            "delete_totpdevice",
        ],
    )
    for group in Group.objects.using(using).filter(name="Administrator"):
        group.permissions.add(*lockout_admin)
