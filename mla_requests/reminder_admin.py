"""Admin for reminders: the policy and holidays (administrators edit them), the delivery and digest
log (read-only, with a "retry now" action), and in-app notifications.

Registered on import. The admin helper's mla_requests/admin.py should import this module
(`from mla_requests import reminder_admin  # noqa: F401`) so admin autodiscovery loads it.
"""

from django.contrib import admin, messages
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from mla_requests.models import Holiday, ReminderDelivery, ReminderDigest, ReminderPolicy
from mla_requests.reminder_services import retry_deliveries
from recovery import access
from recovery.admin_base import ReadOnlyAdminMixin, ReferenceListFilter, UrlLookupGate
from recovery.models import Notification, NotificationPreference


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(UrlLookupGate, admin.ModelAdmin):
    list_display = (
        "__str__",
        "direction",
        "days_before",
        "overdue_every_days",
        "escalate_after_days",
        "ack_chase_after_days",
        "propose_chaser_after_days",
        "working_days",
        "is_active",
    )
    list_filter = ("direction", "is_active", "working_days")
    raw_id_fields = ("legal_instrument",)


@admin.register(Holiday)
class HolidayAdmin(UrlLookupGate, admin.ModelAdmin):
    list_display = ("day", "name", "is_working_day")
    list_filter = ("is_working_day",)
    search_fields = ("name",)
    date_hierarchy = "day"


class ReadOnlyAdmin(UrlLookupGate, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The delivery log and notifications: written by the scan and the workers, read here."""


def delivery_scope(user) -> Q:
    """A delivery names a request, its deadline and who is chased for it: visible with its
    request's case (the supervisor of a regional unit reads their units' reminders, not the
    office's), or for an incoming request with that request (its executing unit)."""
    return (Q(request__isnull=False) & access.case_read_scope(user, "request__case__")) | (
        Q(incoming_request__isnull=False) & access.incoming_read_scope(user, "incoming_request__")
    )


def digest_scope(user) -> Q:
    return access.digest_read_scope(user)


class ScopedLogAdmin(ReadOnlyAdmin):
    """Rows limited by `scope(user)`, a Q; another unit's row answers like a missing one (404),
    as on the scoped admins of cases, requests and assets."""

    scope = None

    def get_queryset(self, request):
        return super().get_queryset(request).filter(self.scope(request.user))

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404(_("No such record, or it is not visible to you."))


@admin.register(ReminderDelivery)
class ReminderDeliveryAdmin(ScopedLogAdmin):
    scope = staticmethod(delivery_scope)
    list_display = (
        "request",
        "incoming_request",
        "stage",
        "deadline",
        "recipient",
        "fires_on",
        "status",
        "email_mode",
        "attempts",
        "last_error",
    )
    # Recipients offered as filter choices are those of the visible deliveries only (or everyone,
    # for who sees everything): another unit's staff are never listed.
    list_filter = ("status", "stage", "email_mode", ("recipient", ReferenceListFilter))
    search_fields = ("request__reference", "incoming_request__reference", "recipient__username", "recipient__last_name")
    list_select_related = ("request", "incoming_request", "recipient")
    date_hierarchy = "fires_on"
    actions = ["retry_now"]

    @admin.action(description=_("Retry the failed emails now"), permissions=["view"])
    def retry_now(self, request, queryset):
        count = retry_deliveries(ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request, _("%(n)s deliveries will be retried by the next scan.") % {"n": count}, messages.INFO
        )


@admin.register(ReminderDigest)
class ReminderDigestAdmin(ScopedLogAdmin):
    scope = staticmethod(digest_scope)
    list_display = ("recipient", "day", "status", "attempts", "sent_at", "last_error")
    list_filter = ("status",)
    date_hierarchy = "day"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("recipient", "title", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("title", "recipient__username")

    def get_queryset(self, request):
        # Everyone sees their own notifications; superusers see all.
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(recipient=request.user)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(UrlLookupGate, admin.ModelAdmin):
    list_display = ("user", "email_mode")
    list_filter = ("email_mode",)
    raw_id_fields = ("user",)
