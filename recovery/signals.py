"""Keep the role groups' permissions in step with the models after every migrate."""

from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate)
def grant_role_permissions(sender, **kwargs):
    # Run after every app's migrate, not only recovery's: each app's permissions are created by
    # its own post_migrate (cases, requests and assets come after recovery), and the sync is
    # idempotent, so the last run sees them all.
    from recovery.permissions import sync_role_permissions

    sync_role_permissions(using=kwargs.get("using", "default"))
