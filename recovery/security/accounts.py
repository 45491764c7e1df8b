"""Accounts are deactivated, never deleted (the audit trails name them)."""

from __future__ import annotations

from recovery.audit import audit_actor


def user_deactivate(*, actor, user):
    """Deactivate `user` on behalf of `actor` (a command, a task, any code outside the admin's
    form). The save is what the admin's "active" box does: the post_save receiver
    (recovery.security.receivers) ends the user's sessions and revokes their API tokens at once,
    recorded as `user_deactivated` and `token_revoked` events of `actor`."""
    if not user.is_active:
        return user
    with audit_actor(actor):
        user.is_active = False
        user.save(update_fields=["is_active"])
    return user
