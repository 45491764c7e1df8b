"""Outgoing requests over the API: thin viewsets calling mla_requests.services."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.decorators import action

from mla_requests import services
from mla_requests.api.serializers import (
    REQUEST_COLUMNS,
    ChecklistInputSerializer,
    RequestCreateSerializer,
    RequestSerializer,
    RequestTransitionSerializer,
    RequestUpdateSerializer,
)
from mla_requests.filters import RequestFilterSet
from mla_requests.models import Request
from recovery.api.concurrency import version_from_if_match
from recovery.api.schema import IF_MATCH_OPTIONAL, Doc, domain_schema
from recovery.api.viewsets import DomainViewSet, TimelineMixin

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
