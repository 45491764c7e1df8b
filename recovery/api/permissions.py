"""Who may do what through the API.

Which rows: `visible_to(user)` in each viewset's queryset (another unit's record is 404).
Which actions, for the resource families (views with a `scope_family`: cases, requests, assets,
incoming, reference): reads need the token's read scope; writes need its write scope and a role
that writes (investigator, supervisor, administrator; analysts are read-only).
Other API views (notifications, statistics) decide their own rules: this default only requires an
active, signed-in account, and tokens, which carry no scope for them, are refused.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from recovery import access
from recovery.models import ApiToken

CASE_FAMILIES = {"cases", "requests", "assets", "incoming", "reference"}


class ApiAccess(permissions.BasePermission):
    message = _("Your role or token scope does not allow this.")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        family = getattr(view, "scope_family", None)
        # Case and reference records are for the roles that work with them; an auditor (or one with no
        # role) reads the audit trail, not the cases: 403, not an empty list.
        if family in CASE_FAMILIES and not access.is_case_reader(user):
            return False
        method = request.method.lower()
        if method not in view.http_method_names or not hasattr(view, method):
            return True  # the view answers 405 Method Not Allowed, which says more than 403
        if family is None:
            return not isinstance(request.auth, ApiToken)
        write = request.method not in permissions.SAFE_METHODS
        if isinstance(request.auth, ApiToken) and not request.auth.allows(family, write):
            return False
        if not write:
            return True
        if getattr(view, "permission_model", None) is None:
            return False
        # The roles that change cases, requests and assets; which records, the services ask
        # recovery.access themselves.
        return access.is_writer(user)
