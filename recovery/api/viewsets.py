"""The base viewset of cases, subjects, requests and assets.

Thin: it validates input with a strict serializer, calls the app's service, and answers with the
output serializer. Reads are scoped by `visible_to(user)` in `get_queryset`, so a record of another
unit is 404. There is no DELETE: these records have legal history (405).
"""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from recovery import access
from recovery.api import list_cache
from recovery.api.concurrency import etag_for, idempotent, version_from_if_match, with_etag
from recovery.api.exceptions import PreconditionFailed
from recovery.api.fields import valid_id
from recovery.api.schema import IDEMPOTENCY_KEY, IF_MATCH, IF_MATCH_OPTIONAL
from recovery.api.serializers import TimelineEntrySerializer
from recovery.errors import VersionConflict


class DomainViewSet(viewsets.GenericViewSet):
    """List, retrieve, create (POST), update (PUT/PATCH with If-Match); subclasses add transitions."""

    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    sync_cursor = True
    create_serializer_class = None
    update_serializer_class = None

    # --- to be provided by subclasses ------------------------------------------------------
    def scoped_queryset(self):
        raise NotImplementedError

    def service_create(self, data):
        raise NotImplementedError

    def service_update(self, obj, data, expected_version):
        raise NotImplementedError

    # --- reads -----------------------------------------------------------------------------
    def get_queryset(self):
        return self.scoped_queryset()

    def get_object(self):
        if not valid_id(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)):
            raise NotFound()
        return super().get_object()

    def get_object_to_write(self):
        """The record, if the user may change it: 404 when they cannot read it, 403 when they read
        it and may not write it (recovery.access), before the body is even validated."""
        obj = self.get_object()
        access.require_write(self.request.user, obj)
        return obj

    def _reload(self, obj):
        # Not re-scoped: the writer gets the record back even if the change moved it out of sight.
        qs = self.optimise(type(obj)._default_manager.all())
        return qs.get(pk=obj.pk)

    def optimise(self, queryset):
        return queryset

    #: When set, list pages are read as value rows of these columns, which the serializer's list
    #: class represents in bulk (no model instances: see mla_requests.api.serializers).
    list_columns: tuple[str, ...] = ()

    #: List pages are served from recovery.api.list_cache while none of their tables changed.
    #: Off for a list whose reading is itself audited (an audit row per call must be written).
    list_cache = True

    def list(self, request, *args, **kwargs):
        if self.list_cache:
            return list_cache.cached_list(self, request, lambda: self._list(request))
        return self._list(request)

    def _list(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        if self.list_columns:
            rows = queryset.values(*self.list_columns)
            # The page's count needs none of the joins the columns bring (on a million rows they
            # cost more than the page itself): the paginator counts the filtered queryset.
            rows.count = queryset.count
            queryset = rows
        page = self.paginate_queryset(queryset)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        return with_etag(Response(self.get_serializer(obj).data), obj)

    # --- writes ----------------------------------------------------------------------------
    def input_serializer(self, serializer_class, data, **kwargs):
        serializer = serializer_class(data=data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def respond(self, obj, status_code=status.HTTP_200_OK, *, location=False):
        obj = self._reload(obj)
        response = with_etag(Response(self.get_serializer(obj).data, status=status_code), obj)
        if location:
            response["Location"] = self.reverse_detail(obj)
        return response

    def reverse_detail(self, obj):
        from django.urls import reverse

        return reverse(f"api:{self.basename}-detail", kwargs={"pk": obj.pk})

    @idempotent
    def create(self, request, *args, **kwargs):
        data = self.input_serializer(self.create_serializer_class, request.data)
        with transaction.atomic():
            obj = self.service_create(data)
        return self.respond(obj, status.HTTP_201_CREATED, location=True)

    def update(self, request, *args, partial=False, **kwargs):
        obj = self.get_object_to_write()
        expected = version_from_if_match(request, obj, required=True)
        data = self.input_serializer(self.update_serializer_class, request.data, partial=partial, instance=obj)
        try:
            obj = self.service_update(obj, data, expected)
        except VersionConflict:
            raise PreconditionFailed() from None
        return self.respond(obj)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


class TimelineMixin:
    """`/{id}/timeline/` (GET) and `/{id}/transitions/` (POST) for a model with a status."""

    transition_serializer_class = None
    # A model whose timeline rows carry more (an asset's step) names its own row serializer.
    timeline_serializer_class = TimelineEntrySerializer

    def service_transition(self, obj, data, expected_version):
        raise NotImplementedError

    @extend_schema(responses=TimelineEntrySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def timeline(self, request, *args, **kwargs):
        obj = self.get_object()
        entries = obj.timeline.all().order_by("recorded_at", "pk")
        return with_etag(Response(self.timeline_serializer_class(entries, many=True).data), obj)

    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def transitions(self, request, *args, **kwargs):
        return self._transition(request, *args, **kwargs)

    @idempotent
    def _transition(self, request, *args, **kwargs):
        obj = self.get_object_to_write()
        data = self.input_serializer(self.transition_serializer_class, request.data)
        expected = version_from_if_match(request, obj, required=False)
        try:
            obj = self.service_transition(obj, data, expected)
        except VersionConflict:
            if expected is not None:
                raise PreconditionFailed() from None
            raise
        return self.respond(obj)


__all__ = [
    "DomainViewSet",
    "TimelineMixin",
    "IF_MATCH",
    "IF_MATCH_OPTIONAL",
    "IDEMPOTENCY_KEY",
    "etag_for",
]
