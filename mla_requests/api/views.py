"""Outgoing requests over the API: thin viewsets calling mla_requests.services."""

from django.db import transaction
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from documents.api.serializers import DocumentSerializer
from mla_requests import services
from mla_requests.api.serializers import (
    REQUEST_COLUMNS,
    ChecklistInputSerializer,
    FollowUpInputSerializer,
    FollowUpSerializer,
    LetterInputSerializer,
    RequestCreateSerializer,
    RequestSerializer,
    RequestTransitionSerializer,
    RequestUpdateSerializer,
    SupplementaryInputSerializer,
)
from mla_requests.filters import RequestFilterSet
from mla_requests.models import Request
from recovery.api.concurrency import idempotent, version_from_if_match
from recovery.api.exceptions import PreconditionFailed
from recovery.api.schema import IDEMPOTENCY_KEY, IF_MATCH_OPTIONAL, Doc, domain_schema
from recovery.api.viewsets import DomainViewSet, TimelineMixin
from recovery.errors import VersionConflict

REQUEST_EXAMPLE = OpenApiExample(
    "Freeze an account in Switzerland",
    request_only=True,
    value={
        "case": 1,
        "country": "CH",
        "legal_basis": 3,
        "crime_category": 1,
        "measures": [5, 6],
        "urgency": "urgent",
        "summary": "Proceeds of embezzlement transferred to an account at a Geneva bank.",
    },
)
SEND_EXAMPLE = OpenApiExample(
    "Send",
    request_only=True,
    value={"to_status": "sent", "effective_on": "2025-01-10", "document_reference": "2-17/123"},
)
REFUSE_EXAMPLE = OpenApiExample(
    "Refusal",
    request_only=True,
    value={"to_status": "refused", "effective_on": "2025-04-02", "refusal_grounds": "Dual criminality not met"},
)


@domain_schema(
    "request",
    list_description="Outgoing requests the caller may see. `overdue=true`: pending (sent, acknowledged or "
    "partially executed) and the response deadline before today; `due`, `answer`, `pending` and "
    "`awaiting_acknowledgement` apply the other read rules, as the admin's filters do. `updated_after` (or "
    "`sync=1`) switches to a cursor ordered by update time.",
    retrieve_description="With its checklist and its version as ETag.",
    create=Doc(
        "Draft a request",
        "Drafts a request to one state under a legal basis that binds it, for measures within "
        "its scope. The reference (MLA-YYYY-NNNNNN) is generated.",
        examples=(REQUEST_EXAMPLE,),
    ),
    update_description="Country, legal basis, channel and measures change only while it is a draft.",
    transitions=Doc(
        "Send a request or record the foreign response",
        "`to_status: sent` sends a draft (checklist, scope and the documents the legal basis requires "
        "before sending checked, 422 `requirements_missing` with `errors.checklist` / `errors.documents` "
        "unless `override_reason` is given; the response deadline computed). Other statuses record the "
        "foreign state's response or the withdrawal.",
        examples=(SEND_EXAMPLE, REFUSE_EXAMPLE),
    ),
    checklist=extend_schema(
        summary="Mark the legal basis's required contents as provided",
        description="Only while the request is a draft.",
        request=ChecklistInputSerializer,
        responses=RequestSerializer,
        parameters=[IF_MATCH_OPTIONAL],
    ),
    follow_ups=[
        extend_schema(
            methods=["GET"],
            summary="A request's chasers",
            description="The follow-up letters, notes and calls sent to the requested state about this request, "
            "newest first.",
            request=None,
            responses=FollowUpSerializer(many=True),
        ),
        extend_schema(
            methods=["POST"],
            summary="Record a chaser",
            description="Records a chaser sent to the requested state. Refused (400) for a draft, a date before the "
            "request was sent, in the future or after it was closed, and a document of another case or request. "
            "The next chaser proposal of the reminders runs from it.",
            request=FollowUpInputSerializer,
            responses={201: FollowUpSerializer},
            parameters=[IDEMPOTENCY_KEY],
        ),
    ],
    supplementary=extend_schema(
        summary="Record the additional information sent",
        description="While additional information is requested: records that it was sent (with the documents of "
        "the case file sent, which are linked to the request), clears `supplementary_due` and moves the request "
        "back to waiting for the foreign answer (acknowledged, or partially executed if it was).",
        request=SupplementaryInputSerializer,
        responses=RequestSerializer,
        parameters=[IF_MATCH_OPTIONAL, IDEMPOTENCY_KEY],
    ),
    letter=extend_schema(
        summary="Write the request letter (or the supplementary letter) from the record",
        description="Writes the letter the legal basis requires, as DOCX and PDF, and stores each as a new "
        "version of the request's letter document of that language (kind `request_letter_draft`, or "
        "`supplementary_letter` while more information is requested). Missing essentials (an unmet item of "
        "the instrument, a subject without identifiers, an asset without a location...) refuse it with 422 "
        "and `code: letter_incomplete`, naming each in `errors.missing`, unless `force` writes a draft marked "
        "incomplete.",
        request=LetterInputSerializer,
        responses={
            201: inline_serializer(
                "LetterResult",
                {
                    "documents": DocumentSerializer(many=True),
                    "gaps": serializers.ListField(child=serializers.CharField()),
                    "marked_draft": serializers.BooleanField(),
                },
            ),
            422: OpenApiResponse(description="Essentials missing (letter_incomplete)."),
        },
    ),
)
class RequestViewSet(TimelineMixin, DomainViewSet):
    serializer_class = RequestSerializer
    create_serializer_class = RequestCreateSerializer
    update_serializer_class = RequestUpdateSerializer
    transition_serializer_class = RequestTransitionSerializer
    filterset_class = RequestFilterSet
    ordering_fields = ["created_at", "updated_at", "sent_on", "response_due", "reference", "country", "status", "id"]
    ordering = ["-created_at", "-id"]
    scope_family = "requests"
    permission_model = Request
    queryset = Request.objects.none()

    # Lists read value rows; a single request is read again as a row by its representation.
    list_columns = REQUEST_COLUMNS

    def scoped_queryset(self):
        return Request.objects.visible_to(self.request.user)

    def service_create(self, data):
        return services.request_create(actor=self.request.user, **data)

    def service_update(self, obj, data, expected_version):
        return services.request_update(request=obj, actor=self.request.user, expected_version=expected_version, **data)

    def service_transition(self, obj, data, expected_version):
        data = dict(data)
        if data["to_status"] == Request.Status.SENT:
            data.pop("to_status")
            data.pop("refusal_grounds", None)
            data.pop("supplementary_due", None)
            return services.request_send(
                request=obj,
                actor=self.request.user,
                sent_on=data.pop("effective_on", None),
                expected_version=expected_version,
                **data,
            )
        data.pop("response_due", None)
        data.pop("override_reason", None)
        return services.request_transition(
            request=obj, actor=self.request.user, expected_version=expected_version, **data
        )

    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def checklist(self, request, *args, **kwargs):
        obj = self.get_object_to_write()
        version_from_if_match(request, obj, required=False)
        data = self.input_serializer(ChecklistInputSerializer, request.data)
        answers = {key: (item["provided"], item.get("note", "")) for key, item in data["answers"].items()}
        obj = services.request_answer_checklist(request=obj, actor=request.user, answers=answers)
        return self.respond(obj)

    @action(detail=True, methods=["get", "post"], url_path="follow-ups", pagination_class=None, filter_backends=[])
    def follow_ups(self, request, *args, **kwargs):
        if request.method == "POST":
            return self._record_follow_up(request, *args, **kwargs)
        obj = self.get_object()
        rows = obj.follow_ups.select_related("created_by").order_by("-sent_on", "-pk")
        return Response(FollowUpSerializer(rows, many=True).data)

    @idempotent
    def _record_follow_up(self, request, *args, **kwargs):
        obj = self.get_object_to_write()
        data = self.input_serializer(FollowUpInputSerializer, request.data)
        follow_up = services.follow_up_create(request=obj, actor=request.user, **data)
        return Response(FollowUpSerializer(follow_up).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def supplementary(self, request, *args, **kwargs):
        return self._send_supplementary(request, *args, **kwargs)

    @idempotent
    def _send_supplementary(self, request, *args, **kwargs):
        obj = self.get_object_to_write()
        expected = version_from_if_match(request, obj, required=False)
        data = self.input_serializer(SupplementaryInputSerializer, request.data)
        try:
            obj = services.request_send_supplementary(
                request=obj, actor=request.user, expected_version=expected, **data
            )
        except VersionConflict:
            if expected is not None:
                raise PreconditionFailed() from None
            raise
        return self.respond(obj)

    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def letter(self, request, *args, **kwargs):
        return self._write_letter(request, *args, **kwargs)

    @idempotent
    def _write_letter(self, request, *args, **kwargs):
        from documents.letters import generate_letter

        obj = self.get_object_to_write()
        data = self.input_serializer(LetterInputSerializer, request.data)
        with transaction.atomic():
            result = generate_letter(actor=request.user, request=obj, **data)
        context = self.get_serializer_context()
        body = {
            "documents": [DocumentSerializer(d, context=context).data for d in result.documents.values()],
            "gaps": [str(gap) for gap in result.gaps],
            "marked_draft": result.marked_draft,
        }
        return Response(body, status=status.HTTP_201_CREATED)
