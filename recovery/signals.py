"""Keep the role groups' permissions in step with the models after every migrate."""

from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate)
def grant_role_permissions(sender, **kwargs):
    # Runs after every app's migrate, not only recovery's: post_migrate reaches the apps in
    # INSTALLED_APPS order, and the permissions of cases/requests/assets (listed after recovery)
    # only exist once their own post_migrate has run. The last run sees them all.
    from recovery.permissions import sync_role_permissions

    sync_role_permissions(using=kwargs.get("using", "default"))
