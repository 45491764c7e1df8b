"""Outgoing requests to foreign states: formal MLA requests and informal network requests."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from cases.models import Case, Subject
from recovery import access
from recovery.models import (
    AssistanceMeasure,
    CrimeCategory,
    InstrumentRequirement,
    LegalInstrument,
    RequestChannel,
    TimelineEntry,
)
from recovery.timeline import StatusModel, Workflow


def _on(today: datetime.date | None) -> datetime.date:
    return today if today is not None else timezone.localdate()


class RequestQuerySet(models.QuerySet):
    """Outgoing requests, and the read rules about their deadlines and answers.

    Each rule is defined here once, as a `Q` (`<rule>_q`): the queryset method of the same name
    filters by it, statistics count with it (`Count(filter=...)`), the FilterSet's `due`, `answer`,
    `pending`, `overdue` and `awaiting_acknowledgement` parameters apply it (mla_requests/filters.py;
    the admin's list filters are built from those, and the dashboards link to them), so a figure,
    the admin list behind it and the API always select the same rows. Where one row already read
    is judged in Python (an API row, a reminder about to go), the predicate stands beside its Q,
    and tests/requests/test_read_rules.py checks the two agree on every status and deadline.

    `today` is the local date (settings.TIME_ZONE) unless given:

    - pending: waiting for a foreign response: sent, acknowledged or partially executed
      (Request.PENDING_STATUSES). Not "additional information requested": then the requested state
      waits for us, and the reminders stop.
    - overdue: pending, and the response deadline is before today (due today is not overdue yet).
    - due today / due within N days: pending, the deadline today / from today to today + N days,
      both ends included (N omitted: any day from today on, "not yet due").
    - without a deadline: no response deadline (drafts, and a sent request whose deadline was not
      set).
    - awaiting acknowledgement: sent, and the requested state has not acknowledged receipt.
    - answered: a first answer (partial execution, execution or refusal) is recorded
      (`answered_on`). Answered on time / after the deadline: that first answer came on or before
      / after the response deadline (a request without a deadline is neither).
    - unanswered: sent, not answered, not withdrawn (still waiting for a first answer, also while
      the requested state waits for information from us).
    - late: answered after the deadline, or unanswered and overdue. With "answered on time" it
      splits the requests whose answer has come due (the share answered by the deadline); a
      request answered in time and still pending past its deadline (partially executed) is
      overdue but not late.
    """

    def visible_to(self, user):
        return access.readable(user, self)

    def writable_by(self, user):
        return access.writable(user, self)

    # --- The rules, as Q objects -------------------------------------------------------------
    @staticmethod
    def pending_q() -> Q:
        return Q(status__in=Request.PENDING_STATUSES)

    @classmethod
    def overdue_q(cls, today: datetime.date | None = None) -> Q:
        return cls.pending_q() & Q(response_due__lt=_on(today))

    @classmethod
    def due_today_q(cls, today: datetime.date | None = None) -> Q:
        return cls.pending_q() & Q(response_due=_on(today))

    @classmethod
    def due_within_q(cls, today: datetime.date | None = None, days: int | None = None) -> Q:
        today = _on(today)
        q = cls.pending_q() & Q(response_due__gte=today)
        if days is not None:
            q &= Q(response_due__lte=today + datetime.timedelta(days=days))
        return q

    @staticmethod
    def without_deadline_q() -> Q:
        return Q(response_due__isnull=True)

    @staticmethod
    def awaiting_acknowledgement_q() -> Q:
        return Q(status=Request.Status.SENT, acknowledged_on__isnull=True)

    @staticmethod
    def answered_q() -> Q:
        return Q(answered_on__isnull=False)

    @staticmethod
    def answered_on_time_q() -> Q:
        return Q(answered_on__isnull=False, response_due__isnull=False, answered_on__lte=F("response_due"))

    @staticmethod
    def answered_late_q() -> Q:
        return Q(answered_on__isnull=False, response_due__isnull=False, answered_on__gt=F("response_due"))

    @staticmethod
    def unanswered_q() -> Q:
        return Q(sent_on__isnull=False, answered_on__isnull=True) & ~Q(status=Request.Status.WITHDRAWN)

    @classmethod
    def late_q(cls, today: datetime.date | None = None) -> Q:
        return cls.answered_late_q() | (cls.unanswered_q() & cls.overdue_q(today))

    # --- The same rules as queryset methods ----------------------------------------------------
    def pending(self):
        return self.filter(self.pending_q())

    def overdue(self, today: datetime.date | None = None):
        return self.filter(self.overdue_q(today))

    def due_today(self, today: datetime.date | None = None):
        return self.filter(self.due_today_q(today))

    def due_within(self, today: datetime.date | None = None, days: int | None = None):
        return self.filter(self.due_within_q(today, days))

    def without_deadline(self):
        return self.filter(self.without_deadline_q())

    def awaiting_acknowledgement(self):
        return self.filter(self.awaiting_acknowledgement_q())

    def answered(self):
        return self.filter(self.answered_q())

    def answered_on_time(self):
        return self.filter(self.answered_on_time_q())

    def answered_late(self):
        return self.filter(self.answered_late_q())

    def unanswered(self):
        return self.filter(self.unanswered_q())

    def late(self, today: datetime.date | None = None):
        return self.filter(self.late_q(today))

    # --- The same rules for one row's values, where the row is already read ------------------
    @staticmethod
    def is_pending_status(status: str) -> bool:
        return status in Request.PENDING_STATUSES

    @classmethod
    def is_overdue(cls, status: str, response_due: datetime.date | None, today: datetime.date | None = None) -> bool:
        return cls.is_pending_status(status) and response_due is not None and response_due < _on(today)

    @staticmethod
    def is_awaiting_acknowledgement(status: str, acknowledged_on: datetime.date | None) -> bool:
        return status == Request.Status.SENT and acknowledged_on is None


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

    # Shared with the country profiles, which record the channels each state accepts.
    Channel = RequestChannel

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
    # The statuses the reminder scan follows: the foreign answer while pending, and our own deadline
    # to supply what the requested state asked for (supplementary_due) while it waits for us.
    REMINDED_STATUSES = (*PENDING_STATUSES, Status.INFO_REQUESTED)
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
    catch_all_note = models.TextField(
        _("note on the 'any other assistance' clause"),
        blank=True,
        help_text=_(
            "Required when a measure is beyond those the legal basis lists and its clause on any other "
            "assistance is relied on: cite the clause and say why it covers them. Printed in the letter."
        ),
    )
    offence_scope_override = models.TextField(
        _("why the legal basis applies to this offence"),
        blank=True,
        help_text=_(
            "Recorded when the crime category is outside the offences the legal basis covers and the "
            "request was drafted under it anyway (with the reason on the timeline)."
        ),
    )
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
    # Our deadline to send what the requested state asked for; set only while it waits for us
    # (request_transition to "additional information requested"), cleared when it is sent.
    supplementary_due = models.DateField(_("additional information due"), null=True, blank=True)
    # The newest chaser recorded (FollowUp.sent_on), kept on the request so that the reminder scan
    # reads it with the row it already reads instead of a query of its own.
    last_chaser_on = models.DateField(_("last chaser sent on"), null=True, blank=True, editable=False)
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
            # Our deadline exists only while the requested state waits for our information.
            models.CheckConstraint(
                condition=Q(supplementary_due__isnull=True)
                | (Q(status="info_requested") & Q(supplementary_due__gte=F("sent_on"))),
                name="request_supplementary_due_while_requested",
            ),
            models.CheckConstraint(
                condition=Q(last_chaser_on__isnull=True) | Q(last_chaser_on__gte=F("sent_on")),
                name="request_chaser_after_sent",
            ),
        ]
        indexes = [
            # Requests waiting for a foreign answer (PENDING_STATUSES, RequestQuerySet.pending_q), by
            # deadline: what the overdue and due-within rules and the reminder scan read.
            models.Index(
                fields=["response_due"],
                name="request_pending_due_idx",
                condition=Q(status__in=["sent", "acknowledged", "partially_executed"]),
            ),
            models.Index(fields=["country", "status"], name="request_country_status_idx"),
        ]

    def __str__(self):
        return self.reference or _("(draft request)")

    # One row's view of the rules of RequestQuerySet (defined there).
    @property
    def is_pending(self) -> bool:
        return RequestQuerySet.is_pending_status(self.status)

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return RequestQuerySet.is_overdue(self.status, self.response_due, today)

    @property
    def is_awaiting_acknowledgement(self) -> bool:
        return RequestQuerySet.is_awaiting_acknowledgement(self.status, self.acknowledged_on)


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


class FollowUp(models.Model):
    """A chaser: a follow-up letter, note or call to a requested state that has not answered.

    History of the request, written only by mla_requests.services.follow_up_create (never changed
    afterwards). The newest one's date is kept on the request (Request.last_chaser_on), from which
    the reminder policy proposes the next chaser."""

    class Channel(models.TextChoices):
        LETTER = "letter", _("Letter to the central authority")
        DIPLOMATIC = "diplomatic", _("Diplomatic note")
        EMAIL = "email", _("Email")
        NETWORK = "network", _("Informal network contact")
        PHONE = "phone", _("Telephone call or meeting")

    request = models.ForeignKey(
        Request, verbose_name=_("request"), on_delete=models.PROTECT, related_name="follow_ups", db_index=False
    )
    sent_on = models.DateField(_("sent on"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        help_text=_("The chaser letter in the case file, if there is one."),
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("chaser")
        verbose_name_plural = _("chasers")
        ordering = ["-sent_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=["letter", "diplomatic", "email", "network", "phone"]),
                name="followup_channel_known",
            ),
        ]
        # A request's chasers, newest first (the admin's inline, the API's list).
        indexes = [models.Index(fields=["request", "sent_on"], name="followup_request_idx")]

    def __str__(self):
        return f"{self.request} {self.sent_on:%Y-%m-%d} {self.get_channel_display()}"


# --- Reminders -------------------------------------------------------------------------------
# The policy administrators edit, the holiday calendar, and the delivery rows that prove each
# reminder went exactly once (see mla_requests/reminders.py and reminder_services.py).


class ReminderPolicy(models.Model):
    """Overrides of the reminder defaults (settings.REMINDER_*) for a legal instrument, a country,
    or for everything (neither set), in one direction: outgoing requests (the foreign answer's
    deadline) or incoming ones (our execution deadline), so the office times each on its own. An
    empty field inherits: instrument, then country, then the general row of the same direction,
    then settings."""

    class Direction(models.TextChoices):
        OUTGOING = "outgoing", _("Outgoing requests (the foreign answer)")
        INCOMING = "incoming", _("Incoming requests (our execution)")

    direction = models.CharField(_("direction"), max_length=16, choices=Direction.choices, default=Direction.OUTGOING)
    legal_instrument = models.ForeignKey(
        LegalInstrument,
        verbose_name=_("legal instrument"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminder_policies",
    )
    country = CountryField(
        _("foreign state"), blank=True, help_text=_("The requested state, or for incoming requests the requesting one.")
    )
    days_before = models.CharField(
        _("remind days before the deadline"),
        max_length=64,
        blank=True,
        help_text=_("Comma-separated, e.g. “14, 3”. Empty: inherit."),
    )
    overdue_every_days = models.PositiveSmallIntegerField(_("remind every N days when overdue"), null=True, blank=True)
    escalate_after_days = models.PositiveSmallIntegerField(
        _("escalate to supervisors after N days overdue"), null=True, blank=True
    )
    ack_chase_after_days = models.PositiveSmallIntegerField(
        _("chase an acknowledgement after N days"), null=True, blank=True
    )
    working_days = models.BooleanField(
        _("count working days"), null=True, blank=True, help_text=_("Empty: inherit. Holidays are not counted.")
    )
    propose_chaser_after_days = models.PositiveSmallIntegerField(
        _("propose a chaser after N days without an answer"),
        null=True,
        blank=True,
        help_text=_(
            "Outgoing requests: once the answer is overdue by N days, and again N days after each chaser "
            "recorded, the investigator is told a chaser is due. Empty: inherit; empty everywhere: never."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("reminder policy")
        verbose_name_plural = _("reminder policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(legal_instrument__isnull=True) | Q(country=""), name="reminderpolicy_one_scope"
            ),
            models.CheckConstraint(
                condition=Q(direction__in=["outgoing", "incoming"]), name="reminderpolicy_direction_known"
            ),
            # Per direction: one row per country, one general row (neither instrument nor country),
            # one row per instrument.
            models.UniqueConstraint(
                fields=["direction", "country"],
                condition=Q(legal_instrument__isnull=True),
                name="reminderpolicy_unique_country",
            ),
            models.UniqueConstraint(
                fields=["direction", "legal_instrument"],
                condition=Q(legal_instrument__isnull=False),
                name="reminderpolicy_unique_instrument",
            ),
            models.CheckConstraint(
                condition=Q(overdue_every_days__isnull=True) | Q(overdue_every_days__gt=0),
                name="reminderpolicy_overdue_every_positive",
            ),
            models.CheckConstraint(
                condition=Q(escalate_after_days__isnull=True) | Q(escalate_after_days__gt=0),
                name="reminderpolicy_escalate_positive",
            ),
            models.CheckConstraint(
                condition=Q(ack_chase_after_days__isnull=True) | Q(ack_chase_after_days__gt=0),
                name="reminderpolicy_ack_chase_positive",
            ),
            models.CheckConstraint(
                condition=Q(propose_chaser_after_days__isnull=True) | Q(propose_chaser_after_days__gt=0),
                name="reminderpolicy_chaser_positive",
            ),
        ]

    def __str__(self):
        if self.direction == self.Direction.INCOMING:
            if self.legal_instrument_id:
                return str(_("Incoming requests' reminders for %(scope)s") % {"scope": self.legal_instrument})
            if self.country:
                return str(_("Incoming requests' reminders for %(scope)s") % {"scope": self.country.name})
            return str(_("Incoming requests' reminders: general policy"))
        if self.legal_instrument_id:
            return str(_("Reminders for %(scope)s") % {"scope": self.legal_instrument})
        if self.country:
            return str(_("Reminders for %(scope)s") % {"scope": self.country.name})
        return str(_("Reminders: general policy"))

    def clean(self):
        from django.core.exceptions import ValidationError

        from mla_requests.reminders import parse_days_list

        if self.legal_instrument_id and self.country:
            raise ValidationError(_("A policy applies to a legal instrument or to a country, not both."))
        if self.direction == self.Direction.INCOMING and self.ack_chase_after_days is not None:
            # Nobody acknowledges our receipt of a foreign request: the field would silently do nothing.
            raise ValidationError(
                {"ack_chase_after_days": _("Incoming requests have no acknowledgement to chase: leave it empty.")}
            )
        if self.direction == self.Direction.INCOMING and self.propose_chaser_after_days is not None:
            # We execute incoming requests: there is no foreign authority to chase.
            raise ValidationError(
                {"propose_chaser_after_days": _("Incoming requests have no foreign answer to chase: leave it empty.")}
            )
        try:
            parse_days_list(self.days_before)
        except ValueError as exc:
            raise ValidationError({"days_before": str(exc)}) from None


class Holiday(models.Model):
    """A public holiday (not a working day), or a weekend day that is worked instead (a transferred
    working day), for policies that count working days."""

    day = models.DateField(_("day"), unique=True)
    name = models.CharField(_("name"), max_length=255)
    is_working_day = models.BooleanField(
        _("worked weekend day"), default=False, help_text=_("A Saturday or Sunday that is worked instead.")
    )

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["day"]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.name}"


class ReminderDelivery(models.Model):
    """One reminder to one person: the proof it was sent, and the lock that makes it go once.

    Of an outgoing request (`request`) or of an incoming one (`incoming_request`), exactly one.
    Created by the scan under a unique key (request, stage, deadline, recipient) per kind, so
    duplicate beats, retries or two workers cannot create it twice; claimed by a compare-and-swap
    update before sending, so only one worker sends it; a claim left behind by a crash is taken
    over after REMINDER_CLAIM_TIMEOUT seconds, so it is retried, not dropped."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, will retry")
        GAVE_UP = "gave_up", _("Failed, gave up")
        CANCELLED = "cancelled", _("Cancelled (request no longer pending or deadline moved)")

    class EmailMode(models.TextChoices):
        IMMEDIATE = "immediate", _("Email now")
        DIGEST = "digest", _("In the daily digest")
        NONE = "none", _("No email")

    # No index of their own: each unique key below starts with its request. Every index costs the
    # scan a b-tree insertion per new row (tens of thousands on a busy day).
    request = models.ForeignKey(
        Request,
        verbose_name=_("request"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminder_deliveries",
        db_index=False,
    )
    incoming_request = models.ForeignKey(
        "incoming.IncomingRequest",
        verbose_name=_("incoming request"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminder_deliveries",
        db_index=False,
    )
    stage = models.CharField(_("stage"), max_length=32)
    deadline = models.DateField(
        _("deadline"),
        help_text=_("The deadline chased: the foreign answer's (or the acknowledgement's), or our execution's."),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="reminder_deliveries",
    )
    fires_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    email_mode = models.CharField(_("email"), max_length=16, choices=EmailMode.choices, default=EmailMode.IMMEDIATE)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # Indexed where set only (reminderdelivery_items_idx): a new delivery has none.
    digest = models.ForeignKey(
        "requests.ReminderDigest",
        verbose_name=_("digest"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
        db_index=False,
    )
    # When the scan planned it (its clock, which tests set): the day the re-plan rule compares.
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder delivery")
        verbose_name_plural = _("reminder deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(request__isnull=False, incoming_request__isnull=True)
                | Q(request__isnull=True, incoming_request__isnull=False),
                name="reminderdelivery_one_request",
            ),
            # Outgoing requests' key, as it always was: rows of incoming requests have no request
            # (NULLs never collide), so the largest index of the reminders is not rebuilt.
            models.UniqueConstraint(
                fields=["request", "stage", "deadline", "recipient"], name="reminderdelivery_once_per_key"
            ),
            models.UniqueConstraint(
                fields=["incoming_request", "stage", "deadline", "recipient"],
                condition=Q(incoming_request__isnull=False),
                name="reminderdelivery_incoming_once_per_key",
            ),
        ]
        indexes = [
            # The sweep for work left to do (new, failed and due for a retry, or a stale claim).
            models.Index(
                fields=["next_attempt_at"],
                name="reminderdelivery_todo_idx",
                condition=Q(status__in=["pending", "sending", "failed"]),
            ),
            # The digest: what is waiting for each person's daily mail.
            models.Index(
                fields=["recipient"],
                name="reminderdelivery_digest_idx",
                condition=Q(status="sent", email_mode="digest", digest__isnull=True),
            ),
            # A digest's items (and SET NULL when a digest goes).
            models.Index(fields=["digest"], name="reminderdelivery_items_idx", condition=Q(digest__isnull=False)),
        ]

    def __str__(self):
        return f"{self.request or self.incoming_request} {self.stage} {self.deadline} → {self.recipient}"

    @property
    def subject(self):
        """The request reminded of, outgoing or incoming."""
        return self.request if self.request_id is not None else self.incoming_request


class ScheduleRow(models.Model):
    """When the reminder scan next has to look at one open request: one narrow row per request
    waiting for an answer (outgoing: ReminderSchedule) or for our execution (incoming:
    IncomingReminderSchedule), so that a scan reads the few requests something new can be due
    for (an index range on next_on) instead of re-planning every open request on every run.

    A side table, not a column of the request table: the request table carries some fifteen
    indexes, and every scan moves thousands of these days; here an update touches two small indexes.
    One table per kind because the request is each row's primary key (the scan, the volume
    generator and the benchmark read the rows by it).

    Written by the services (and for incoming requests their signals) only, through
    mla_requests/reminder_schedule.py: a change of what a plan depends on (the deadline, a
    transition, the person reminded, a policy or a holiday) sets next_on to REPLAN; a request that
    stops waiting loses its row; the scan moves next_on to the next day a new stage can come
    (reminders.next_firing_day)."""

    # Before any scan's day: "re-plan at the next scan, whatever day it is". Not today's date, so
    # that it also holds for a scan whose clock is behind the writer's (tests run scans on
    # simulated days; a database session's CURRENT_DATE can be UTC's day, not the office's).
    REPLAN = datetime.date(1, 1, 1)

    next_on = models.DateField(
        _("next reminder check on"),
        null=True,
        blank=True,
        help_text=_("Empty: no further reminder can come unless the request changes."),
    )
    # Bumped by every service write; the scan moves next_on only if the row is still at the
    # revision it planned from, so a change committed while it ran keeps the row due.
    revision = models.PositiveIntegerField(_("revision"), default=0)

    class Meta:
        abstract = True


class ReminderSchedule(ScheduleRow):
    """The schedule row of an outgoing request waiting for a foreign answer (see ScheduleRow)."""

    request = models.OneToOneField(
        Request,
        verbose_name=_("request"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="reminder_schedule",
    )

    class Meta:
        verbose_name = _("reminder schedule")
        verbose_name_plural = _("reminder schedules")
        indexes = [models.Index(fields=["next_on"], name="reminderschedule_next_on_idx")]

    def __str__(self):
        return f"{self.request_id} {self.next_on}"


class IncomingReminderSchedule(ScheduleRow):
    """The schedule row of an open incoming request, waiting for our execution (see ScheduleRow)."""

    incoming_request = models.OneToOneField(
        "incoming.IncomingRequest",
        verbose_name=_("incoming request"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="reminder_schedule",
    )

    class Meta:
        verbose_name = _("incoming request reminder schedule")
        verbose_name_plural = _("incoming request reminder schedules")
        indexes = [models.Index(fields=["next_on"], name="inc_reminderschedule_next_idx")]

    def __str__(self):
        return f"{self.incoming_request_id} {self.next_on}"


class ReminderDigest(models.Model):
    """One person's daily reminder email: at most one per (recipient, day), claimed like a delivery."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, will retry")
        GAVE_UP = "gave_up", _("Failed, gave up")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="reminder_digests"
    )
    day = models.DateField(_("day"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder digest")
        verbose_name_plural = _("reminder digests")
        ordering = ["-day", "recipient"]
        constraints = [models.UniqueConstraint(fields=["recipient", "day"], name="reminderdigest_once_a_day")]

    def __str__(self):
        return f"{self.recipient} {self.day}"
