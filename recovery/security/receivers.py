"""Signal receivers: logins, logouts, failed logins and lockouts become audit events; a user
deactivated loses every open session and every API token at once. The Auditor group's
permissions: grant_audit_permissions."""

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


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="recovery_security_user_pre_save")
def remember_active_flag(sender, instance, **kwargs):
    if instance.pk is None:
        instance._security_was_active = None
        return
    instance._security_was_active = sender.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()


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
    return len(tokens)


def _current_actor():
    from auditlog.context import auditlog_value

    try:
        actor = auditlog_value.get().get("actor")
    except LookupError:
        return None
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return actor


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
