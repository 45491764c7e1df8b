"""Scoped reads of the case file: every list and record a user sees goes through access."""

from django.db.models import Prefetch

from documents.models import Document, DocumentVersion


def documents_visible_to(user):
    """Documents of the cases `user` reads, with what a list shows in no extra query per row."""
    return (
        Document.objects.visible_to(user)
        .select_related("case", "incoming_request", "added_by", "current_version", "request", "asset")
        .prefetch_related(Prefetch("versions", queryset=DocumentVersion.objects.select_related("added_by")))
    )


def version_visible_to(user, version_id):
    """The version `version_id` if `user` reads its case, else None (no difference to a missing one)."""
    return (
        DocumentVersion.objects.filter(pk=version_id, document__in=Document.objects.visible_to(user))
        .select_related("document__case", "document__incoming_request")
        .first()
    )
