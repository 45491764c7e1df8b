"""Who may do what through the API.

Which rows: `visible_to(user)` in each viewset's queryset (another unit's record is 404).
Which actions: reads need the token's read scope for the resource family; writes need its write
scope, a role that may write (analysts are read-only), and a role that writes (investigator,
supervisor, administrator).
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from recovery.models import ApiToken
from recovery.roles import ADMINISTRATOR, INVESTIGATOR, SUPERVISOR, is_read_only, role_names

WRITER_ROLES = {INVESTIGATOR, SUPERVISOR, ADMINISTRATOR}


class ApiAccess(permissions.BasePermission):
    message = _("Your role or token scope does not allow this.")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        method = request.method.lower()
        if method not in view.http_method_names or not hasattr(view, method):
            return True  # the view answers 405 Method Not Allowed, which says more than 403
        write = request.method not in permissions.SAFE_METHODS
        family = getattr(view, "scope_family", None)
        if isinstance(request.auth, ApiToken) and (family is None or not request.auth.allows(family, write)):
            return False
        if not write:
            return True
        if is_read_only(user):
            return False
        if getattr(view, "permission_model", None) is None:
            return False
        # The roles that change cases, requests and assets (recovery.permissions grants them add and
        # change on the domain apps); scoping then limits which records.
        return user.is_superuser or bool(role_names(user) & WRITER_ROLES)
