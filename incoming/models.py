"""Requests for assistance that foreign states address to Kazakhstan: the other direction of the
office's work, on the same mechanisms as outgoing requests (the timeline, the access module, the
reference data's instruments and measures)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from cases.models import Subject
from recovery import access
from recovery.models import AssistanceMeasure, CrimeCategory, LegalInstrument, TimelineEntry, Unit
from recovery.timeline import StatusModel, Workflow


def _on(today: datetime.date | None) -> datetime.date:
    return today if today is not None else timezone.localdate()


class IncomingRequestQuerySet(models.QuerySet):
    """Incoming requests, and the read rules about their execution, each defined once as a `Q`
    (`<rule>_q`) with a queryset method of the same name; the FilterSet, the statistics, the
    dashboards and the reminders use these and nothing else.

    - open: still ours to act on: received, registered, assigned or in execution
      (IncomingRequest.OPEN_STATUSES). Not postponed (a decision, with its reason, to wait) and not
      waiting for information from the requesting state.
    - overdue: open, and the execution deadline is before today.
    - due within N days: open, deadline from today to today + N days, both ends included.
    - answered: an outcome is recorded (executed, partially executed, refused, returned without
      execution): `answered_on` is set.
    - refused: the outcome is a refusal (with its structured ground).
    """

    def visible_to(self, user):
        return access.readable(user, self)

    def writable_by(self, user):
        return access.writable(user, self)

    @staticmethod
    def open_q() -> Q:
        return Q(status__in=IncomingRequest.OPEN_STATUSES)

    @classmethod
    def overdue_q(cls, today: datetime.date | None = None) -> Q:
        return cls.open_q() & Q(execution_due__lt=_on(today))

    @classmethod
    def due_within_q(cls, today: datetime.date | None = None, days: int | None = None) -> Q:
        today = _on(today)
        q = cls.open_q() & Q(execution_due__gte=today)
        if days is not None:
            q &= Q(execution_due__lte=today + datetime.timedelta(days=days))
        return q

    @staticmethod
    def answered_q() -> Q:
        return Q(answered_on__isnull=False)

    @staticmethod
    def refused_q() -> Q:
        return Q(status=IncomingRequest.Status.REFUSED)

    def open(self):
        return self.filter(self.open_q())

    def overdue(self, today: datetime.date | None = None):
        return self.filter(self.overdue_q(today))

    def due_within(self, today: datetime.date | None = None, days: int | None = None):
        return self.filter(self.due_within_q(today, days))

    def answered(self):
        return self.filter(self.answered_q())

    def refused(self):
        return self.filter(self.refused_q())

    @staticmethod
    def is_overdue(status: str, execution_due: datetime.date | None, today: datetime.date | None = None) -> bool:
        return status in IncomingRequest.OPEN_STATUSES and execution_due is not None and execution_due < _on(today)


class IncomingRequest(StatusModel):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        REGISTERED = "registered", _("Registered")
        ASSIGNED = "assigned", _("Assigned")
        IN_EXECUTION = "in_execution", _("In execution")
        POSTPONED = "postponed", _("Execution postponed")
        INFO_REQUESTED = "info_requested", _("More information asked of the requesting state")
        EXECUTED = "executed", _("Executed")
        PARTIALLY_EXECUTED = "partially_executed", _("Partially executed")
        REFUSED = "refused", _("Refused")
        RETURNED = "returned", _("Returned without execution")
        WITHDRAWN = "withdrawn", _("Withdrawn by the requesting state")

    class Channel(models.TextChoices):
        CENTRAL_AUTHORITY = "central_authority", _("Central authority")
        DIPLOMATIC = "diplomatic", _("Diplomatic channel")
        DIRECT = "direct", _("Direct contact between authorities")
        NETWORK = "network", _("Informal network")
        FIU = "fiu", _("Financial intelligence unit")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("Normal")
        URGENT = "urgent", _("Urgent")

    class RefusalGround(models.TextChoices):
        DUAL_CRIMINALITY = "dual_criminality", _("No dual criminality")
        POLITICAL_OR_MILITARY = "political_or_military", _("Political or military offence")
        ESSENTIAL_INTERESTS = "essential_interests", _("Sovereignty, security or other essential interests")
        NE_BIS_IN_IDEM = "ne_bis_in_idem", _("Ne bis in idem")
        INSUFFICIENT_INFORMATION = "insufficient_information", _("Insufficient information")
        OTHER = "other", _("Other ground")

    class DeadlineSource(models.TextChoices):
        REQUESTED = "requested", _("Asked by the requesting state")
        INSTRUMENT = "instrument", _("The legal basis's time limit")
        DEFAULT = "default", _("The office's default")
        SET = "set", _("Set by the office")

    S = Status
    workflow = Workflow.declare(
        Status,
        initial=Status.RECEIVED,
        moves={
            S.RECEIVED: {S.REGISTERED, S.RETURNED, S.WITHDRAWN},
            S.REGISTERED: {S.ASSIGNED, S.INFO_REQUESTED, S.REFUSED, S.RETURNED, S.WITHDRAWN},
            S.ASSIGNED: {S.IN_EXECUTION, S.INFO_REQUESTED, S.POSTPONED, S.REFUSED, S.RETURNED, S.WITHDRAWN},
            S.IN_EXECUTION: {
                S.EXECUTED,
                S.PARTIALLY_EXECUTED,
                S.INFO_REQUESTED,
                S.POSTPONED,
                S.REFUSED,
                S.WITHDRAWN,
            },
            # Execution resumes once the reason to postpone is gone, or once the information came.
            S.POSTPONED: {S.IN_EXECUTION, S.REFUSED, S.WITHDRAWN},
            S.INFO_REQUESTED: {S.IN_EXECUTION, S.REFUSED, S.RETURNED, S.WITHDRAWN},
            # What could not be done at first may still be done.
            S.PARTIALLY_EXECUTED: {S.EXECUTED},
        },
    )
    # Ours to act on: what the execution deadline, "overdue" and the reminders concern.
    OPEN_STATUSES = (Status.RECEIVED, Status.REGISTERED, Status.ASSIGNED, Status.IN_EXECUTION)
    # An outcome the requesting state was given.
    ANSWERED_STATUSES = (Status.EXECUTED, Status.PARTIALLY_EXECUTED, Status.REFUSED, Status.RETURNED)
    CLOSED_STATUSES = (Status.EXECUTED, Status.REFUSED, Status.RETURNED, Status.WITHDRAWN)
    timeline_model = "incoming.IncomingRequestStatusChange"
    timeline_subject_field = "incoming_request"

    reference = models.CharField(_("registration number"), max_length=32, unique=True, editable=False)
    requesting_country = CountryField(_("requesting state"), db_index=True)
    requesting_authority = models.CharField(_("requesting authority"), max_length=255)
    foreign_reference = models.CharField(_("their reference"), max_length=64, blank=True, db_index=True)
    foreign_dated_on = models.DateField(_("their date"), null=True, blank=True)
    received_on = models.DateField(_("received on"))
    channel = models.CharField(_("channel"), max_length=32, choices=Channel.choices, default=Channel.CENTRAL_AUTHORITY)
    legal_basis = models.ForeignKey(
        LegalInstrument, verbose_name=_("legal basis"), on_delete=models.PROTECT, related_name="incoming_requests"
    )
    measures = models.ManyToManyField(
        AssistanceMeasure, verbose_name=_("measures asked for"), related_name="incoming_requests"
    )
    crime_category = models.ForeignKey(
        CrimeCategory, verbose_name=_("crime category"), on_delete=models.PROTECT, related_name="incoming_requests"
    )
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    summary = models.TextField(_("summary of the facts and of what is asked"), blank=True)
    subjects = models.ManyToManyField(
        Subject, verbose_name=_("persons concerned"), blank=True, related_name="incoming_requests"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("executing unit"), on_delete=models.PROTECT, related_name="incoming_requests"
    )
    executor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("executor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incoming_requests_to_execute",
    )
    requested_due = models.DateField(_("deadline asked by the requesting state"), null=True, blank=True)
    execution_due = models.DateField(_("execution deadline"), null=True, blank=True)
    execution_due_source = models.CharField(
        _("deadline from"), max_length=16, choices=DeadlineSource.choices, default=DeadlineSource.DEFAULT
    )
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    assigned_on = models.DateField(_("assigned on"), null=True, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=32, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    refusal_ground = models.CharField(_("refusal ground"), max_length=32, choices=RefusalGround.choices, blank=True)
    refusal_article = models.CharField(_("article of the legal basis"), max_length=128, blank=True)
    refusal_explanation = models.TextField(_("refusal explained"), blank=True)

    objects = IncomingRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("incoming request")
        verbose_name_plural = _("incoming requests")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(foreign_dated_on__isnull=True) | Q(foreign_dated_on__lte=F("received_on")),
                name="incoming_dated_before_received",
            ),
            models.CheckConstraint(
                condition=Q(execution_due__isnull=True) | Q(execution_due__gte=F("received_on")),
                name="incoming_due_after_received",
            ),
            models.CheckConstraint(
                condition=Q(requested_due__isnull=True) | Q(requested_due__gte=F("received_on")),
                name="incoming_requested_due_after_received",
            ),
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | Q(answered_on__gte=F("received_on")),
                name="incoming_answer_after_received",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refusal_ground=""), name="incoming_refusal_has_ground"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["received", "registered"])
                | Q(executor__isnull=False)
                | Q(status__in=["returned", "withdrawn", "refused", "info_requested"]),
                name="incoming_in_execution_has_executor",
            ),
        ]
        indexes = [
            models.Index(
                fields=["execution_due"],
                name="incoming_open_due_idx",
                condition=Q(status__in=["received", "registered", "assigned", "in_execution"]),
            ),
            models.Index(fields=["requesting_country", "status"], name="incoming_country_status_idx"),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return IncomingRequestQuerySet.is_overdue(self.status, self.execution_due, today)


class IncomingRequestStatusChange(TimelineEntry):
    incoming_request = models.ForeignKey(
        IncomingRequest, verbose_name=_("incoming request"), on_delete=models.PROTECT, related_name="timeline"
    )

    class Meta(TimelineEntry.Meta):
        verbose_name = _("incoming request status change")
        verbose_name_plural = _("incoming request timeline")
        indexes = [models.Index(fields=["incoming_request", "effective_on"], name="incomingtimeline_request_idx")]
