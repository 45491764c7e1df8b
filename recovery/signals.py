"""The role groups and their permissions, put in place after every migrate.

One receiver does it all, in order: create every role group (the four roles and the Auditor), then
give each its permissions (recovery.permissions, then the audit grants). Django's `flush` emits
post_migrate again, so a database emptied by a transaction=True test gets the groups back too; the
migrations that first created the groups (recovery 0002, 0006) are no longer the only source.
"""

from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate, dispatch_uid="recovery_role_groups")
def ensure_role_groups(sender, using="default", apps=None, **kwargs):
    # Run after every app's migrate, not only recovery's: each app's permissions are created by
    # its own post_migrate (cases, requests and assets come after recovery), and everything here
    # is idempotent, so the last run sees them all.
    if apps is not None:
        try:
            apps.get_model("auth", "Group")
        except LookupError:  # auth migrated back to zero: no table to put the groups in
            return
    from django.contrib.auth.models import Group

    from recovery.permissions import sync_role_permissions
    from recovery.roles import ALL_ROLES
    from recovery.security.receivers import AUDITOR, grant_audit_permissions

    for name in (*ALL_ROLES, AUDITOR):
        Group.objects.using(using).get_or_create(name=name)
    sync_role_permissions(using=using)
    grant_audit_permissions(using=using)
