"""Scoped reads of incoming requests: what each user may see, through the one access module."""

from incoming.models import IncomingRequest


def incoming_requests_visible_to(user):
    return (
        IncomingRequest.objects.visible_to(user)
        .select_related("legal_basis", "crime_category", "unit", "executor")
        .prefetch_related("measures")
    )


def incoming_request_visible_to(user, pk):
    return incoming_requests_visible_to(user).filter(pk=pk).first()
