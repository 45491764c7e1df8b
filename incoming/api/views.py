"""Incoming requests over the API: thin viewsets calling incoming.services, in the shape of the
outgoing requests' (DomainViewSet: scoped reads, strict input, ETag/If-Match, Idempotency-Key)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.decorators import action

from incoming import services
from incoming.api.serializers import (
    IncomingAssignSerializer,
    IncomingExecutionDueSerializer,
    IncomingRequestCreateSerializer,
    IncomingRequestSerializer,
    IncomingRequestUpdateSerializer,
    IncomingTransitionSerializer,
)
from incoming.filters import IncomingRequestFilterSet
from incoming.models import IncomingRequest
from recovery import access
from recovery.api.concurrency import idempotent, version_from_if_match
from recovery.api.exceptions import PreconditionFailed
from recovery.api.schema import IDEMPOTENCY_KEY, IF_MATCH_OPTIONAL, Doc, domain_schema
from recovery.api.viewsets import DomainViewSet, TimelineMixin
from recovery.errors import VersionConflict

RECEIVE_EXAMPLE = OpenApiExample(
    "Freezing asked by Switzerland",
    request_only=True,
    value={
        "requesting_country": "CH",
        "requesting_authority": "Office of the Attorney General of Switzerland",
        "foreign_reference": "RH.25.0123",
        "foreign_dated_on": "2025-01-20",
        "received_on": "2025-02-03",
        "channel": "central_authority",
        "legal_basis": 1,
        "measures": [1],
        "crime_category": 1,
        "urgency": "urgent",
        "summary": "Proceeds of a bribe paid in Geneva, said to be held at a bank in Almaty.",
        "unit": 1,
    },
)
REGISTER_EXAMPLE = OpenApiExample(
    "Register",
    request_only=True,
    value={"to_status": "registered", "effective_on": "2025-02-04", "document_reference": "3-11/87"},
)
REFUSE_EXAMPLE = OpenApiExample(
    "Refusal",
    request_only=True,
    value={
        "to_status": "refused",
        "effective_on": "2025-03-10",
        "refusal_ground": "dual_criminality",
        "refusal_article": "Art. 4(1)(b)",
        "refusal_explanation": "The conduct is not an offence under the law of Kazakhstan.",
    },
)


@domain_schema(
    "incoming request",
    list_description="Requests foreign states addressed to Kazakhstan, those the caller may see. "
    "`open=true`: received, registered, assigned or in execution; `overdue=true`: open and the execution "
    "deadline before today; `due` (`overdue`, `week`, `month`, `upcoming`) and `answered` apply the other "
    "read rules, as the admin's filters and the dashboards do. `updated_after` (or `sync=1`) switches to a "
    "cursor ordered by update time.",
    retrieve_description="With its version as ETag.",
    create=Doc(
        "Receive an incoming request",
        "Records a request a foreign state addressed to Kazakhstan, for an executing unit. The legal basis "
        "must bind the requesting state and allow the measures asked for. The registration number "
        "(INC-YYYY-NNNNNN) is generated; the execution deadline is the one the requesting state asked for, "
        "else the legal basis's time limit, else the office's default.",
        examples=(RECEIVE_EXAMPLE,),
    ),
    update_description="The requesting authority, legal basis, measures, channel and their date change only "
    "until the request is assigned; a closed request changes no more. Needs If-Match.",
    transitions=Doc(
        "Move an incoming request along its workflow",
        "Registration, execution, postponement, more information asked, the outcome (executed, partially "
        "executed, refused with its ground, returned) or the withdrawal. Postponing, asking for information "
        "and returning need a `note` saying why; a refusal its `refusal_ground` (and, for `other`, an "
        "explanation). The executor is named through …/assign/.",
        examples=(REGISTER_EXAMPLE, REFUSE_EXAMPLE),
    ),
    assign=extend_schema(
        summary="Name the executor of an incoming request",
        description="A registered request becomes assigned; a request being executed changes hands (the "
        "timeline says from whom to whom). Only a supervisor of the executing unit (or an administrator) "
        "assigns; the executor works in the executing unit or one of its sub-units.",
        request=IncomingAssignSerializer,
        responses=IncomingRequestSerializer,
        parameters=[IF_MATCH_OPTIONAL, IDEMPOTENCY_KEY],
        examples=[
            OpenApiExample("Assign", request_only=True, value={"executor": 2, "effective_on": "2025-02-05", "note": ""})
        ],
    ),
    execution_due=extend_schema(
        summary="Move the execution deadline of an incoming request",
        description="A deadline agreed with the requesting state, with the reason stated on the timeline; "
        "not before the receipt, at most ten years after it. A closed request has none to move.",
        request=IncomingExecutionDueSerializer,
        responses=IncomingRequestSerializer,
        parameters=[IF_MATCH_OPTIONAL, IDEMPOTENCY_KEY],
        examples=[
            OpenApiExample(
                "Agreed extension",
                request_only=True,
                value={"execution_due": "2025-06-30", "reason": "Extension agreed by letter of 2025-03-01"},
            )
        ],
    ),
)
class IncomingRequestViewSet(TimelineMixin, DomainViewSet):
    serializer_class = IncomingRequestSerializer
    create_serializer_class = IncomingRequestCreateSerializer
    update_serializer_class = IncomingRequestUpdateSerializer
    transition_serializer_class = IncomingTransitionSerializer
    filterset_class = IncomingRequestFilterSet
    ordering_fields = [
        "received_on",
        "execution_due",
        "created_at",
        "updated_at",
        "reference",
        "requesting_country",
        "status",
        "id",
    ]
    ordering = ["-received_on", "-id"]
    scope_family = "incoming"
    permission_model = IncomingRequest
    queryset = IncomingRequest.objects.none()

    def optimise(self, queryset):
        return queryset.select_related("legal_basis", "crime_category", "unit", "executor").prefetch_related(
            "measures", "subjects"
        )

    def scoped_queryset(self):
        return self.optimise(IncomingRequest.objects.visible_to(self.request.user))

    def service_create(self, data):
        return services.incoming_receive(actor=self.request.user, **data)

    def service_update(self, obj, data, expected_version):
        return services.incoming_update(
            incoming=obj, actor=self.request.user, expected_version=expected_version, **data
        )

    def service_transition(self, obj, data, expected_version):
        return services.incoming_transition(
            incoming=obj, actor=self.request.user, expected_version=expected_version, **data
        )

    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def assign(self, request, *args, **kwargs):
        return self._assign(request, *args, **kwargs)

    @idempotent
    def _assign(self, request, *args, **kwargs):
        obj = self.get_object()
        # Refused before the body is read: only a supervisor of the executing unit assigns.
        access.require_assign_incoming(request.user, obj)
        data = self.input_serializer(IncomingAssignSerializer, request.data)
        expected = version_from_if_match(request, obj, required=False)
        try:
            obj = services.incoming_assign(incoming=obj, actor=request.user, expected_version=expected, **data)
        except VersionConflict:
            if expected is not None:
                raise PreconditionFailed() from None
            raise
        return self.respond(obj)

    @action(detail=True, methods=["post"], url_path="execution-due", pagination_class=None, filter_backends=[])
    def execution_due(self, request, *args, **kwargs):
        return self._execution_due(request, *args, **kwargs)

    @idempotent
    def _execution_due(self, request, *args, **kwargs):
        obj = self.get_object_to_write()
        data = self.input_serializer(IncomingExecutionDueSerializer, request.data)
        expected = version_from_if_match(request, obj, required=False)
        try:
            obj = services.incoming_set_execution_due(
                incoming=obj, actor=request.user, expected_version=expected, **data
            )
        except VersionConflict:
            if expected is not None:
                raise PreconditionFailed() from None
            raise
        return self.respond(obj)
