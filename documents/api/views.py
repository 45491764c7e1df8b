"""The case file over the API: thin viewsets calling documents.services.

Files are uploaded as multipart and read back only through the download actions, which ask the
service (access check and audit row) before streaming the stored file.
"""

from django.db import transaction
from django.http import Http404, HttpResponseNotModified
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser

from documents import services
from documents.api.serializers import (
    DocumentCreateSerializer,
    DocumentSerializer,
    DocumentUpdateSerializer,
    DocumentVersionCreateSerializer,
)
from documents.filters import DocumentFilterSet
from documents.models import Document
from documents.selectors import documents_visible_to
from recovery.api.concurrency import idempotent, parse_if_match, version_from_if_match
from recovery.api.exceptions import PreconditionFailed
from recovery.api.fields import valid_id
from recovery.api.schema import IDEMPOTENCY_KEY, IF_MATCH_OPTIONAL, Doc, domain_schema
from recovery.api.viewsets import DomainViewSet
from recovery.errors import VersionConflict

DOCUMENT_EXAMPLE = OpenApiExample(
    "A certified court decision",
    request_only=True,
    media_type="multipart/form-data",
    value={
        "case": 1,
        "kind": "certified_court_decision",
        "title": "Confiscation order, certified copy",
        "language": "ru",
        "dated_on": "2025-01-10",
        "asset": 3,
        "file": "(binary: decision.pdf)",
    },
)
VERSION_EXAMPLE = OpenApiExample(
    "The signed letter",
    request_only=True,
    media_type="multipart/form-data",
    value={"file": "(binary: letter-signed.pdf)", "note": "Signed by the deputy prosecutor general"},
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="The file's ETag (its SHA-256 in quotes) from an earlier download: 304 when it is the same file.",
)
DOWNLOAD_RESPONSES = {
    (200, "*/*"): OpenApiResponse(
        OpenApiTypes.BINARY,
        description="The file, streamed, with its checked type; ETag and Digest carry its SHA-256.",
    ),
    304: OpenApiResponse(description="Not modified: the client's copy (If-None-Match) is this file."),
}
DOWNLOAD_DESCRIPTION = (
    "Streams the stored file as an attachment. Every download is audited. Roles that see identifiers "
    "masked (analysts) are refused (403) unless the office allows it; another unit's document is 404."
)
MULTIPART_ACTIONS = {"create", "versions"}
DOWNLOAD_ACTIONS = {"download", "version_download"}


@domain_schema(
    "document",
    list_description="Documents of the cases the caller may see, each with its versions. `sha256` finds the "
    "documents holding a file with that hash (among those visible only); `updated_after` (or `sync=1`) "
    "switches to a cursor ordered by update time.",
    retrieve_description="With every version (newest first), each with its download link, and its version as ETag.",
    create=Doc(
        "Add a document to a case",
        "multipart/form-data with the file and its description. The type is judged by the content (PDF, "
        "Word, OpenDocument, images, text), the size limited, the SHA-256 computed; a refused file leaves "
        "nothing stored. Links (request, asset, court decision, checklist item, status change) must be "
        "records of the same case.",
        examples=(DOCUMENT_EXAMPLE,),
    ),
    update_description="Description and links only: a file never changes (a new file is a new version). "
    "Needs If-Match with the document's ETag.",
    versions=extend_schema(
        summary="Upload a new version of a document",
        description="multipart/form-data. The earlier versions stay, listed and downloadable. If-Match, "
        "when sent, must be the document's current ETag (412 otherwise).",
        request={"multipart/form-data": DocumentVersionCreateSerializer},
        responses={201: DocumentSerializer},
        parameters=[IF_MATCH_OPTIONAL, IDEMPOTENCY_KEY],
        examples=[VERSION_EXAMPLE],
    ),
    download=extend_schema(
        summary="Download a document's current version",
        description=DOWNLOAD_DESCRIPTION,
        parameters=[IF_NONE_MATCH],
        responses=DOWNLOAD_RESPONSES,
    ),
    version_download=extend_schema(
        summary="Download one version of a document",
        description=DOWNLOAD_DESCRIPTION,
        parameters=[
            IF_NONE_MATCH,
            OpenApiParameter("number", OpenApiTypes.INT, OpenApiParameter.PATH, description="The version number."),
        ],
        responses=DOWNLOAD_RESPONSES,
    ),
)
class DocumentViewSet(DomainViewSet):
    serializer_class = DocumentSerializer
    create_serializer_class = DocumentCreateSerializer
    update_serializer_class = DocumentUpdateSerializer
    filterset_class = DocumentFilterSet
    ordering_fields = ["created_at", "updated_at", "dated_on", "title", "kind", "id"]
    ordering = ["-created_at", "-id"]
    # Documents are part of the case file: a token reads them with cases:read, adds them with cases:write.
    scope_family = "cases"
    permission_model = Document
    queryset = Document.objects.none()

    def get_parsers(self):
        # Asked before DRF sets self.action: read it off the route's method map.
        action = getattr(self, "action", None)
        request = getattr(self, "request", None)
        if action is None and request is not None:
            action = (getattr(self, "action_map", None) or {}).get(request.method.lower())
        if action in MULTIPART_ACTIONS:
            return [MultiPartParser()]
        return super().get_parsers()

    def perform_content_negotiation(self, request, force=False):
        # A file is sent whatever type the client asks for; a refusal is then problem+json.
        return super().perform_content_negotiation(request, force=force or self.action in DOWNLOAD_ACTIONS)

    def optimise(self, queryset):
        return (
            queryset.select_related("case", "incoming_request", "added_by", "current_version")
            .prefetch_related("versions__added_by")
            .order_by(*self.ordering)
        )

    def scoped_queryset(self):
        if self.action in DOWNLOAD_ACTIONS or self.action == "versions":
            # One record and its case: the service checks access again before anything is streamed.
            return Document.objects.visible_to(self.request.user).select_related(
                "case", "incoming_request", "current_version"
            )
        return documents_visible_to(self.request.user)

    def service_create(self, data):
        data = dict(data)
        upload = data.pop("file")
        return services.document_add(actor=self.request.user, file=upload, filename=upload.name, **data)

    def service_update(self, obj, data, expected_version):
        return services.document_update(
            actor=self.request.user, document=obj, expected_version=expected_version, **data
        )

    # --- a new file ------------------------------------------------------------------------
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def versions(self, request, *args, **kwargs):
        return self._add_version(request, *args, **kwargs)

    @idempotent
    def _add_version(self, request, *args, **kwargs):
        document = self.get_object_to_write()
        expected = version_from_if_match(request, document, required=False)
        data = self.input_serializer(DocumentVersionCreateSerializer, request.data)
        upload = data["file"]
        try:
            with transaction.atomic():
                services.document_add_version(
                    actor=request.user,
                    document=document,
                    file=upload,
                    filename=upload.name,
                    note=data.get("note", ""),
                    expected_version=expected,
                )
        except VersionConflict:
            if expected is not None:
                raise PreconditionFailed() from None
            raise
        return self.respond(document, status.HTTP_201_CREATED, location=True)

    # --- reading a file back -------------------------------------------------------------------
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def download(self, request, *args, **kwargs):
        document = self.get_object()
        if document.current_version is None:
            raise Http404
        return self._stream(request, document.current_version, document)

    @action(
        detail=True,
        methods=["get"],
        url_path=r"versions/(?P<number>[^/.]+)/download",
        url_name="version-download",
        pagination_class=None,
        filter_backends=[],
    )
    def version_download(self, request, *args, number=None, **kwargs):
        document = self.get_object()
        if not valid_id(number):
            raise Http404
        version = document.versions.filter(number=int(number)).first()
        if version is None:
            raise Http404
        return self._stream(request, version, document)

    def _stream(self, request, version, document):
        version.document = document  # already read, with its case
        # The access check and the audit row come first: a 304 confirms the file as much as a 200.
        services.version_to_download(actor=request.user, version=version)
        etag = f'"{version.sha256}"'
        if etag in parse_if_match(request.headers.get("If-None-Match", "")):
            response = HttpResponseNotModified()
            response["ETag"] = etag
            response["Cache-Control"] = "private, no-store"
            return response
        return services.file_response(version)
