"""Representations of the case file's documents, and the (multipart) input they accept."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assets.api.serializers import IncomingRequestRefSerializer
from cases.api.serializers import CaseRefSerializer
from documents.models import Document, DocumentVersion
from recovery.api.fields import ScopedRelatedField
from recovery.api.serializers import StrictInputSerializer, UserRefSerializer

# The records a document may concern, each of the document's own case (documents.services checks).
LINK_MODELS = {
    "request": "requests.Request",
    "asset": "assets.Asset",
    "court_decision": "assets.CourtDecision",
    "checklist_item": "requests.ChecklistAnswer",
    "case_event": "cases.CaseStatusChange",
    "request_event": "requests.RequestStatusChange",
    "asset_event": "assets.AssetStatusChange",
}


def download_url(request, document_id: int, number: int) -> str:
    path = reverse("api:document-version-download", kwargs={"pk": document_id, "number": number})
    return request.build_absolute_uri(path) if request is not None else path


class DocumentVersionSerializer(serializers.ModelSerializer):
    added_by = UserRefSerializer(read_only=True, allow_null=True)
    download = serializers.SerializerMethodField(
        help_text=_("Where to download this version's file (roles that see identifiers masked: 403).")
    )

    class Meta:
        model = DocumentVersion
        fields = [
            "number",
            "filename",
            "content_type",
            "size",
            "sha256",
            "added_by",
            "added_at",
            "note",
            "marked_draft",
            "download",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_download(self, version) -> str:
        return download_url(self.context.get("request"), version.document_id, version.number)


class DocumentSerializer(serializers.ModelSerializer):
    case = CaseRefSerializer(read_only=True, allow_null=True)
    incoming_request = IncomingRequestRefSerializer(read_only=True, allow_null=True)
    added_by = UserRefSerializer(read_only=True, allow_null=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    current_version = serializers.SerializerMethodField()
    versions = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "case",
            "incoming_request",
            "kind",
            "kind_label",
            "language",
            "title",
            "dated_on",
            *LINK_MODELS,
            "added_by",
            "created_at",
            "updated_at",
            "version",
            "current_version",
            "versions",
        ]
        read_only_fields = fields

    def _versions(self, document):
        # Read from the prefetched versions (newest first), never a query per document.
        return list(document.versions.all())

    @extend_schema_field(DocumentVersionSerializer(allow_null=True))
    def get_current_version(self, document):
        versions = self._versions(document)
        current = next((v for v in versions if v.pk == document.current_version_id), None)
        if current is None:
            return None
        return DocumentVersionSerializer(current, context=self.context).data

    @extend_schema_field(DocumentVersionSerializer(many=True))
    def get_versions(self, document):
        return DocumentVersionSerializer(self._versions(document), many=True, context=self.context).data


DOCUMENT_READ_ONLY = tuple(DocumentSerializer.Meta.fields)


def _link_fields():
    return {
        name: ScopedRelatedField(model_path, writable=True, required=False, allow_null=True)
        for name, model_path in LINK_MODELS.items()
    }


class DocumentDescriptionFields(StrictInputSerializer):
    """A document's description and links."""

    read_only_names = DOCUMENT_READ_ONLY

    kind = serializers.ChoiceField(choices=Document.Kind.choices)
    title = serializers.CharField(max_length=255)
    language = serializers.ChoiceField(choices=Document.Language.choices, required=False)
    dated_on = serializers.DateField(required=False, allow_null=True)

    def get_fields(self):
        # The links of the document: records the writer may change, so another unit's id gets the
        # answer a missing one gets.
        return {**super().get_fields(), **_link_fields()}


class DocumentCreateSerializer(DocumentDescriptionFields):
    """A new document of a case, or of an incoming request (exactly one), with its first file
    (multipart/form-data)."""

    case = ScopedRelatedField("cases.Case", writable=True, required=False)
    incoming_request = ScopedRelatedField("incoming.IncomingRequest", writable=True, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=255)
    # Empty files reach the service, which refuses them with the reason the admin gives.
    file = serializers.FileField(allow_empty_file=True, use_url=False, help_text=_("The file (multipart)."))


class DocumentUpdateSerializer(DocumentDescriptionFields):
    """A document's description and links; its files never change."""


class DocumentVersionCreateSerializer(StrictInputSerializer):
    """A new file of a document (multipart/form-data); the earlier ones stay."""

    read_only_names = tuple(DocumentVersionSerializer.Meta.fields)

    file = serializers.FileField(allow_empty_file=True, use_url=False, help_text=_("The file (multipart)."))
    note = serializers.CharField(required=False, allow_blank=True, max_length=255)
