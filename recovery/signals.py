"""Keep the role groups' permissions in step with the models after every migrate."""

from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate)
def grant_role_permissions(sender, **kwargs):
    if getattr(sender, "label", None) != "recovery":
        return
    from recovery.permissions import sync_role_permissions

    sync_role_permissions(using=kwargs.get("using", "default"))
