"""Who may do what through the API.

Which rows: `visible_to(user)` in each viewset's queryset (another unit's record is 404).
Which actions: reads need the token's read scope for the resource family; writes need its write
scope, a role that may write (analysts are read-only), and the model permission the admin uses.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from recovery.models import ApiToken
from recovery.roles import is_read_only


class ApiAccess(permissions.BasePermission):
    message = _("Your role or token scope does not allow this.")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        write = request.method not in permissions.SAFE_METHODS
        family = getattr(view, "scope_family", None)
        if isinstance(request.auth, ApiToken) and (family is None or not request.auth.allows(family, write)):
            return False
        if not write:
            return True
        if is_read_only(user):
            return False
        model = getattr(view, "permission_model", None)
        if model is None:
            return False
        action = "add" if getattr(view, "action", None) == "create" else "change"
        return user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}")
