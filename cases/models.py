"""Criminal cases, the persons and companies concerned, and their roles in a case."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from djmoney.models.fields import MoneyField
from djmoney.models.validators import MinMoneyValidator

from recovery import access
from recovery.models import CrimeCategory, TimelineEntry, Unit
from recovery.timeline import StatusModel, Workflow


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        return access.readable(user, self)

    def writable_by(self, user):
        return access.writable(user, self)


class Case(StatusModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Under investigation")
        SUSPENDED = "suspended", _("Suspended")
        IN_COURT = "in_court", _("Referred to court")
        CLOSED = "closed", _("Closed")

    workflow = Workflow.declare(
        Status,
        initial=Status.OPEN,
        moves={
            Status.OPEN: {Status.SUSPENDED, Status.IN_COURT, Status.CLOSED},
            Status.SUSPENDED: {Status.OPEN, Status.CLOSED},
            # A court may send a case back for further investigation.
            Status.IN_COURT: {Status.OPEN, Status.CLOSED},
            Status.CLOSED: {Status.OPEN},  # reopened
        },
    )
    timeline_model = "cases.CaseStatusChange"
    timeline_subject_field = "case"

    register_number = models.CharField(
        _("register number"),
        max_length=32,
        unique=True,
        help_text=_("The number in the national register of pre-trial investigations."),
        validators=[RegexValidator(r"^[0-9A-Za-z/\-.]+$", _("Digits, letters, '/', '-' and '.' only."))],
    )
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="cases")
    lead_investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead investigator"),
        on_delete=models.PROTECT,
        related_name="led_cases",
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("team"), blank=True, related_name="team_cases"
    )
    primary_crime_category = models.ForeignKey(
        CrimeCategory, verbose_name=_("primary crime category"), on_delete=models.PROTECT, related_name="primary_cases"
    )
    other_crime_categories = models.ManyToManyField(
        CrimeCategory, verbose_name=_("other crime categories"), blank=True, related_name="other_cases"
    )
    criminal_code_articles = models.CharField(_("criminal code articles"), max_length=255, blank=True)
    estimated_damage = MoneyField(
        _("estimated damage"),
        max_digits=20,
        decimal_places=2,
        null=True,
        blank=True,
        default_currency=settings.DEFAULT_CURRENCY,
        validators=[MinMoneyValidator(0)],
    )
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=32, choices=Status.choices, default=Status.OPEN, db_index=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_damage__isnull=True) | Q(estimated_damage__gte=0), name="case_damage_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")), name="case_closed_after_opened"
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_on__isnull=False) | ~Q(status="closed"),
                name="case_closed_has_date",
            ),
        ]
        indexes = [models.Index(fields=["unit", "status"], name="case_unit_status_idx")]

    def __str__(self):
        return f"{self.register_number} {self.title}"


class CaseStatusChange(TimelineEntry):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="timeline")

    class Meta(TimelineEntry.Meta):
        verbose_name = _("case status change")
        verbose_name_plural = _("case timeline")
        indexes = [models.Index(fields=["case", "effective_on"], name="casetimeline_case_idx")]


class SubjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A subject is visible with any case it appears in (or to everyone-seeing roles)."""
        return access.readable(user, self)

    def writable_by(self, user):
        return access.writable(user, self)


class Subject(models.Model):
    """A person or a company concerned by one or more cases."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Natural person")
        COMPANY = "company", _("Legal entity")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PERSON)
    name_latin = models.CharField(_("name (Latin)"), max_length=255, blank=True, db_index=True)
    name_cyrillic = models.CharField(_("name (Cyrillic)"), max_length=255, blank=True, db_index=True)
    birth_date = models.DateField(_("date of birth / registration"), null=True, blank=True)
    iin_bin = models.CharField(
        _("IIN/BIN"),
        max_length=12,
        blank=True,
        db_index=True,
        validators=[RegexValidator(r"^\d{12}$", _("An IIN or BIN has exactly 12 digits."))],
        help_text=_("Kazakhstan individual or business identification number (12 digits)."),
    )
    passport_number = models.CharField(_("passport number"), max_length=32, blank=True)
    foreign_registration_number = models.CharField(_("foreign registration number"), max_length=64, blank=True)
    nationality = CountryField(_("nationality / country of registration"), blank=True)
    is_pep = models.BooleanField(_("politically exposed person"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = SubjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        ordering = ["name_latin", "name_cyrillic", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(name_latin="") | ~Q(name_cyrillic=""), name="subject_has_a_name"),
            models.UniqueConstraint(fields=["iin_bin"], condition=~Q(iin_bin=""), name="subject_unique_iin_bin"),
        ]

    def __str__(self):
        return self.name_latin or self.name_cyrillic

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version = (self.version or 0) + 1
        super().save(*args, **kwargs)


class CaseSubject(models.Model):
    """A subject's role in one case."""

    class Role(models.TextChoices):
        SUSPECT = "suspect", _("Suspect")
        ACCUSED = "accused", _("Accused")
        CONVICTED = "convicted", _("Convicted")
        NOMINEE = "nominee", _("Nominee holder")
        BENEFICIAL_OWNER = "beneficial_owner", _("Beneficial owner")
        THIRD_PARTY = "third_party", _("Third party")
        WITNESS = "witness", _("Witness")
        VICTIM = "victim", _("Victim")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="subject_roles")
    subject = models.ForeignKey(Subject, verbose_name=_("subject"), on_delete=models.PROTECT, related_name="case_roles")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("subject in case")
        verbose_name_plural = _("subjects in case")
        constraints = [models.UniqueConstraint(fields=["case", "subject", "role"], name="casesubject_unique_role")]

    def __str__(self):
        return f"{self.subject} ({self.get_role_display()})"
