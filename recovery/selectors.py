"""Reads shared by every app: scoped querysets by model."""

from recovery.scoping import case_scope


def cases_visible_to(user):
    from cases.models import Case

    return Case.objects.filter(case_scope(user))


def requests_visible_to(user):
    from mla_requests.models import Request

    return Request.objects.filter(case_scope(user, prefix="case__"))


def assets_visible_to(user):
    from assets.models import Asset

    return Asset.objects.filter(case_scope(user, prefix="case__"))
