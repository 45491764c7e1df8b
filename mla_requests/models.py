"""Outgoing requests to foreign states: formal MLA requests and informal network requests."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from cases.models import Case, Subject
from recovery.models import AssistanceMeasure, CrimeCategory, InstrumentRequirement, LegalInstrument, TimelineEntry
from recovery.timeline import StatusModel, Workflow


class RequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        from recovery.scoping import case_scope

        return self.filter(case_scope(user, prefix="case__"))

    def pending(self):
        return self.filter(status__in=Request.PENDING_STATUSES)


class Request(StatusModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        INFO_REQUESTED = "info_requested", _("Additional information requested")
        PARTIALLY_EXECUTED = "partially_executed", _("Partially executed")
        EXECUTED = "executed", _("Executed")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Channel(models.TextChoices):
        CENTRAL_AUTHORITY = "central_authority", _("Central authority")
        DIPLOMATIC = "diplomatic", _("Diplomatic channel")
        INFORMAL_NETWORK = "informal_network", _("Informal network")
        POLICE = "police", _("Police cooperation (Interpol)")
        FIU = "fiu", _("Financial intelligence unit")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("Normal")
        URGENT = "urgent", _("Urgent")

    S = Status
    workflow = Workflow.declare(
        Status,
        initial=Status.DRAFT,
        moves={
            S.DRAFT: {S.SENT, S.WITHDRAWN},
            S.SENT: {S.ACKNOWLEDGED, S.INFO_REQUESTED, S.PARTIALLY_EXECUTED, S.EXECUTED, S.REFUSED, S.WITHDRAWN},
            S.ACKNOWLEDGED: {S.INFO_REQUESTED, S.PARTIALLY_EXECUTED, S.EXECUTED, S.REFUSED, S.WITHDRAWN},
            # Once we supply what was asked, the foreign authority works on it again.
            S.INFO_REQUESTED: {S.ACKNOWLEDGED, S.PARTIALLY_EXECUTED, S.EXECUTED, S.REFUSED, S.WITHDRAWN},
            S.PARTIALLY_EXECUTED: {S.INFO_REQUESTED, S.EXECUTED, S.REFUSED, S.WITHDRAWN},
        },
    )
    # Waiting for the foreign state: these are the requests reminders chase.
    PENDING_STATUSES = (Status.SENT, Status.ACKNOWLEDGED, Status.PARTIALLY_EXECUTED)
    ANSWERED_STATUSES = (Status.PARTIALLY_EXECUTED, Status.EXECUTED, Status.REFUSED)
    timeline_model = "requests.RequestStatusChange"
    timeline_subject_field = "request"

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="requests")
    reference = models.CharField(_("outgoing reference"), max_length=32, unique=True, editable=False)
    foreign_reference = models.CharField(_("foreign reference"), max_length=64, blank=True, db_index=True)
    country = CountryField(_("requested state"), db_index=True)
    legal_basis = models.ForeignKey(
        LegalInstrument, verbose_name=_("legal basis"), on_delete=models.PROTECT, related_name="requests"
    )
    channel = models.CharField(_("channel"), max_length=32, choices=Channel.choices, default=Channel.CENTRAL_AUTHORITY)
    crime_category = models.ForeignKey(
        CrimeCategory, verbose_name=_("crime category"), on_delete=models.PROTECT, related_name="requests"
    )
    measures = models.ManyToManyField(AssistanceMeasure, verbose_name=_("measures requested"), related_name="requests")
    subjects = models.ManyToManyField(
        Subject, verbose_name=_("subjects concerned"), blank=True, related_name="requests"
    )
    assets = models.ManyToManyField(
        "assets.Asset", verbose_name=_("assets concerned"), blank=True, related_name="requests"
    )
    summary = models.TextField(_("summary of facts and request"), blank=True)
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    responsible_investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible investigator"),
        on_delete=models.PROTECT,
        related_name="responsible_requests",
    )
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    acknowledged_on = models.DateField(_("acknowledged on"), null=True, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    response_due = models.DateField(_("response due"), null=True, blank=True)
    response_due_set_manually = models.BooleanField(_("deadline set by the investigator"), default=False)
    status = models.CharField(_("status"), max_length=32, choices=Status.choices, default=Status.DRAFT, db_index=True)
    refusal_grounds = models.TextField(_("refusal grounds"), blank=True)

    objects = RequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(acknowledged_on__isnull=True) | Q(acknowledged_on__gte=F("sent_on")),
                name="request_ack_after_sent",
            ),
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | Q(answered_on__gte=F("sent_on")),
                name="request_answer_after_sent",
            ),
            models.CheckConstraint(
                condition=Q(response_due__isnull=True) | Q(response_due__gte=F("sent_on")),
                name="request_due_after_sent",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(status="withdrawn") | Q(sent_on__isnull=False),
                name="request_sent_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refusal_grounds=""), name="request_refusal_has_grounds"
            ),
        ]
        indexes = [
            # The reminder scan: only requests waiting for a foreign answer, by deadline.
            models.Index(
                fields=["response_due"],
                name="request_pending_due_idx",
                condition=Q(status__in=["sent", "acknowledged", "partially_executed"]),
            ),
            models.Index(fields=["country", "status"], name="request_country_status_idx"),
        ]

    def __str__(self):
        return self.reference or _("(draft request)")

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING_STATUSES


class RequestStatusChange(TimelineEntry):
    request = models.ForeignKey(Request, verbose_name=_("request"), on_delete=models.PROTECT, related_name="timeline")

    class Meta(TimelineEntry.Meta):
        verbose_name = _("request status change")
        verbose_name_plural = _("request timeline")
        indexes = [models.Index(fields=["request", "effective_on"], name="requesttimeline_request_idx")]


class ChecklistAnswer(models.Model):
    """Whether a request provides one item its legal basis requires."""

    request = models.ForeignKey(Request, verbose_name=_("request"), on_delete=models.CASCADE, related_name="checklist")
    requirement = models.ForeignKey(
        InstrumentRequirement, verbose_name=_("required content"), on_delete=models.PROTECT, related_name="answers"
    )
    satisfied = models.BooleanField(_("provided"), default=False)
    note = models.CharField(_("where it is provided / note"), max_length=255, blank=True)
    answered_at = models.DateTimeField(_("answered at"), auto_now=True)

    class Meta:
        verbose_name = _("checklist answer")
        verbose_name_plural = _("checklist answers")
        constraints = [models.UniqueConstraint(fields=["request", "requirement"], name="checklistanswer_unique")]

    def __str__(self):
        return f"{self.requirement}: {'✓' if self.satisfied else '✗'}"
