"""Cases and subjects over the API: thin viewsets calling cases.services."""

from django.db import transaction
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from cases import services
from cases.api.serializers import (
    CaseAddSubjectSerializer,
    CaseCreateSerializer,
    CaseSerializer,
    CaseSubjectSerializer,
    CaseTransitionSerializer,
    CaseUpdateSerializer,
    SubjectCreateSerializer,
    SubjectSerializer,
    SubjectWriteSerializer,
)
from cases.filters import CaseFilterSet, SubjectFilterSet
from cases.models import Case, CaseSubject, Subject
from recovery import access
from recovery.api.concurrency import idempotent, with_etag
from recovery.api.schema import IDEMPOTENCY_KEY, Doc, domain_schema
from recovery.api.viewsets import DomainViewSet, TimelineMixin
from recovery.security.events import record_personal_data_view
from recovery.security.reads import record_list_view

CASE_EXAMPLE = OpenApiExample(
    "New case",
    request_only=True,
    value={
        "register_number": "241500031000123",
        "title": "Embezzlement of budget funds by the former akim",
        "unit": 1,
        "lead_investigator": 2,
        "primary_crime_category": 1,
        "opened_on": "2024-01-15",
        "estimated_damage": {"amount": "1300000.00", "currency": "USD"},
    },
)
TRANSITION_EXAMPLE = OpenApiExample(
    "Refer to court",
    request_only=True,
    value={"to_status": "in_court", "effective_on": "2024-06-01", "note": "Indictment approved"},
)


@domain_schema(
    "case",
    list_description="Cases the caller may see, filtered and ordered.",
    retrieve_description="Returns the case with its version as ETag.",
    create=Doc(
        "Open a case",
        "Opens a case (status 'open') and writes the first row of its timeline.",
        examples=(CASE_EXAMPLE,),
    ),
    transitions=Doc(
        "Change a case's status",
        "Moves the case along its workflow (open, suspended, in court, closed) and records "
        "the change on its timeline. Refused moves are 409 with the allowed next statuses.",
        examples=(TRANSITION_EXAMPLE,),
    ),
    subjects=extend_schema(
        summary="Give a subject a role in the case",
        description="Links an existing subject to the case with a role (suspect, nominee holder...).",
        request=CaseAddSubjectSerializer,
        responses={201: CaseSubjectSerializer},
        parameters=[IDEMPOTENCY_KEY],
    ),
)
class CaseViewSet(TimelineMixin, DomainViewSet):
    serializer_class = CaseSerializer
    create_serializer_class = CaseCreateSerializer
    update_serializer_class = CaseUpdateSerializer
    transition_serializer_class = CaseTransitionSerializer
    filterset_class = CaseFilterSet
    ordering_fields = ["opened_on", "register_number", "status", "updated_at", "created_at", "id"]
    ordering = ["-opened_on", "-id"]
    scope_family = "cases"
    permission_model = Case
    queryset = Case.objects.none()  # for the schema; get_queryset scopes

    def optimise(self, queryset):
        return queryset.select_related("unit", "lead_investigator", "primary_crime_category").prefetch_related(
            "team", "other_crime_categories"
        )

    def scoped_queryset(self):
        return self.optimise(Case.objects.visible_to(self.request.user))

    def service_create(self, data):
        return services.case_create(actor=self.request.user, **data)

    def service_update(self, obj, data, expected_version):
        return services.case_update(case=obj, actor=self.request.user, expected_version=expected_version, **data)

    def service_transition(self, obj, data, expected_version):
        return services.case_transition(case=obj, actor=self.request.user, expected_version=expected_version, **data)

    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def subjects(self, request, *args, **kwargs):
        return self._add_subject(request, *args, **kwargs)

    @idempotent
    def _add_subject(self, request, *args, **kwargs):
        from rest_framework.response import Response

        case = self.get_object_to_write()
        data = self.input_serializer(CaseAddSubjectSerializer, request.data)
        row = services.case_add_subject(case=case, actor=request.user, **data)
        return Response(CaseSubjectSerializer(row).data, status=status.HTTP_201_CREATED)


@domain_schema(
    "subject",
    list_description="Persons and companies in the cases the caller may see.",
    create=Doc(
        "Record a subject",
        "Records a person or company; with `case` and `role` it is linked to that case at once.",
        examples=(
            OpenApiExample(
                "A nominee company",
                request_only=True,
                value={
                    "kind": "company",
                    "name_latin": "Alpha Holdings Ltd",
                    "nationality": "AE",
                    "case": 1,
                    "role": "nominee",
                },
            ),
        ),
    ),
)
class SubjectViewSet(DomainViewSet):
    serializer_class = SubjectSerializer
    create_serializer_class = SubjectCreateSerializer
    update_serializer_class = SubjectWriteSerializer
    filterset_class = SubjectFilterSet
    ordering_fields = ["name_latin", "name_cyrillic", "updated_at", "created_at", "id"]
    ordering = ["name_latin", "name_cyrillic", "id"]
    scope_family = "cases"
    permission_model = Subject
    queryset = Subject.objects.none()
    # Every page of persons read is an audited event (below): never served from the list cache,
    # which would answer without this view running.
    list_cache = False

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._rows_shown = len(page) if page is not None else None
        return page

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        if response.status_code == 200:
            # One event per page: how many persons it showed, and the filter (identifiers masked).
            rows = getattr(self, "_rows_shown", None) or 0
            record_list_view(request, what="cases.subject", rows=rows, params=request.query_params)
        return response

    def optimise(self, queryset):
        user = self.request.user
        roles = CaseSubject.objects.filter(access.case_read_scope(user, "case__")).order_by("case_id", "pk")
        return queryset.prefetch_related(Prefetch("case_roles", queryset=roles, to_attr="visible_roles"))

    def scoped_queryset(self):
        return self.optimise(Subject.objects.visible_to(self.request.user))

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        # Opening one person's record is a view of personal data, audited as the admin page is
        # (lists show identifiers masked by role and are not recorded row by row).
        record_personal_data_view(request, obj)
        return with_etag(Response(self.get_serializer(obj).data), obj)

    @staticmethod
    def _clean(data):
        if "nationality" in data and data["nationality"] is None:
            data["nationality"] = ""
        return data

    def service_create(self, data):
        data = self._clean(dict(data))
        case, role = data.pop("case", None), data.pop("role", None)
        with transaction.atomic():
            recorded = services.subject_record(actor=self.request.user, case=case, role=role, **data)
        if recorded.matched:
            self._shown_as_typed = recorded.shown
        return recorded.subject

    def respond(self, obj, status_code=status.HTTP_200_OK, *, location=False):
        response = super().respond(obj, status_code, location=location)
        shown = getattr(self, "_shown_as_typed", None)
        if shown is not None:
            # An existing record matched by its IIN/BIN (services.subject_record): the answer
            # shows what the caller typed, as for a new record, not that record's data.
            typed = SubjectSerializer(shown, context=self.get_serializer_context()).data
            for name in services.SUBJECT_FIELDS:
                response.data[name] = typed[name]
        return response

    def service_update(self, obj, data, expected_version):
        return services.subject_update(
            subject=obj, actor=self.request.user, expected_version=expected_version, **self._clean(dict(data))
        )
