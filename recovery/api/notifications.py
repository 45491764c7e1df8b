"""/api/v1/notifications/: the current user's in-app notifications, with mark-read.

Self-contained (serializer, viewset); routed by recovery/api/notification_urls.py. A person only
ever sees and marks their own notifications: the queryset is always filtered to request.user.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from recovery.filters import StrictBooleanField
from recovery.models import Notification
from recovery.notifications import mark_read, notifications_for


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "link", "created_at", "read_at", "is_read"]
        read_only_fields = fields


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        help_text=_("Notifications to mark read; omit to mark all read."),
    )


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = []  # the one filter, ?unread=true, is below

    def get_queryset(self):
        qs = notifications_for(self.request.user)
        # As strict as the FilterSets' booleans: true or false, anything else is a 400, never a
        # silent "no filter".
        try:
            unread = StrictBooleanField(required=False).clean(self.request.query_params.get("unread"))
        except DjangoValidationError as exc:
            raise ValidationError({"unread": exc.messages}) from None
        if unread is True:
            qs = qs.filter(read_at__isnull=True)
        elif unread is False:
            qs = qs.filter(read_at__isnull=False)
        return qs

    @extend_schema(parameters=[OpenApiParameter("unread", bool, description="true: unread only; false: read only")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"], url_path="read")
    def read(self, request, pk=None):
        """Mark one notification read."""
        notification = self.get_object()
        mark_read(user=request.user, ids=[notification.pk])
        notification.refresh_from_db()
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=MarkReadSerializer, responses=MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        """Mark the listed notifications (or all) read; others' notifications are never touched."""
        payload = MarkReadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        marked = mark_read(user=request.user, ids=payload.validated_data.get("ids"))
        return Response({"marked": marked}, status=status.HTTP_200_OK)

    @extend_schema(responses=UnreadCountSerializer)
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        """How many unread notifications the current user has (for a header badge)."""
        return Response({"unread": notifications_for(request.user).filter(read_at__isnull=True).count()})
