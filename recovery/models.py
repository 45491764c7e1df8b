"""Reference data and what every app shares: users and units, crime categories, assistance
measures, legal instruments (their scope, required contents and confiscation terms), country
profiles, reference-number sequences, and the abstract status-timeline row."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from djmoney.models.fields import MoneyField

from recovery.dashboards.rows import RowsDecoder, RowsEncoder
from recovery.translation import pick_name


class TrilingualName(models.Model):
    """A name in English, Russian and Kazakh; `name` picks the active language, falling back to English."""

    name_en = models.CharField(_("name (English)"), max_length=255)
    name_ru = models.CharField(_("name (Russian)"), max_length=255, blank=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=255, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return pick_name(self.name_en, self.name_ru, self.name_kk)


class Unit(TrilingualName):
    """An organisational unit (department, regional office); units nest."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["code"]

    def clean(self):
        # A unit may not be its own ancestor: scoping walks the tree.
        node = self.parent
        while node is not None:
            if node.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("A unit cannot be nested inside itself.")})
            node = node.parent


class User(AbstractUser):
    """A person or service account. The unit decides what an investigator or supervisor sees."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    patronymic = models.CharField(_("patronymic"), max_length=150, blank=True)
    position = models.CharField(_("position"), max_length=255, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        full = self.get_full_name()
        return full or self.username


class CrimeCategory(TrilingualName):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("crime category")
        verbose_name_plural = _("crime categories")
        ordering = ["order", "code"]


class AssistanceMeasure(TrilingualName):
    """A type of assistance a request may ask for (testimony, documents, freezing assets...)."""

    # The measure that asks the requested state to confiscate (or enforce our confiscation order):
    # where the legal basis requires a court decision, sending it needs the certified copy.
    CONFISCATION = "confiscate_assets"

    code = models.SlugField(_("code"), max_length=50, unique=True)
    concerns_assets = models.BooleanField(
        _("concerns assets"),
        default=False,
        help_text=_("Identifying, tracing, freezing, confiscating or returning assets."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("assistance measure")
        verbose_name_plural = _("assistance measures")
        ordering = ["order", "code"]


class RequestChannel(models.TextChoices):
    """The channels an outgoing request can go through (mla_requests' Request.Channel is this list):
    kept here because a country profile records which of them the state accepts."""

    CENTRAL_AUTHORITY = "central_authority", _("Central authority")
    DIPLOMATIC = "diplomatic", _("Diplomatic channel")
    INFORMAL_NETWORK = "informal_network", _("Informal network")
    POLICE = "police", _("Police cooperation (Interpol)")
    FIU = "fiu", _("Financial intelligence unit")


class DualCriminality(models.TextChoices):
    """Whether the state assists only when the act is a crime under its own law too."""

    NOT_RECORDED = "not_recorded", _("Not recorded")
    ALL_MEASURES = "all_measures", _("Required for all measures")
    COERCIVE_ONLY = "coercive_only", _("Required for coercive measures only")
    NOT_REQUIRED = "not_required", _("Not required")


class AuthorityKind(models.TextChoices):
    """What a foreign authority or contact is to the office."""

    CENTRAL_AUTHORITY = "central_authority", _("Central authority for mutual legal assistance")
    ASSET_RECOVERY = "asset_recovery", _("Competent authority for asset recovery")
    FIU = "fiu", _("Financial intelligence unit")
    CONTACT_POINT = "contact_point", _("Liaison or network contact point")
    EMBASSY = "embassy", _("Embassy")


class CountryProfile(models.Model):
    """What the office knows about cooperating with one foreign state: its central authority and
    other authorities (CountryAuthority), the channels and the language it takes requests in, its
    dual criminality rule, and how long it usually takes to answer."""

    DualCriminality = DualCriminality

    country = CountryField(_("country"), unique=True)
    central_authority = models.CharField(
        _("central authority"),
        max_length=255,
        blank=True,
        help_text=_(
            "Its name, as letters address it. Its address and contacts, and the state's other authorities, "
            "are recorded below."
        ),
    )
    languages = models.CharField(
        _("language required for requests"),
        max_length=255,
        blank=True,
        help_text=_(
            "The language(s) the state takes requests in, comma-separated (e.g. German, French). A letter in "
            "another language goes with a translation into one of them."
        ),
    )
    letter_languages = models.CharField(
        _("letter languages accepted without translation"),
        max_length=32,
        blank=True,
        help_text=_(
            "Codes of the office's letter languages this state accepts as they are, comma-separated "
            "(en, ru, kk). A letter in another language needs a translation."
        ),
    )
    # A list of RequestChannel values; JSON keeps it one column on SQLite and PostgreSQL alike.
    # Validated by clean() (admin form, import) since no portable CHECK can look inside a list.
    channels_accepted = models.JSONField(
        _("channels accepted"),
        default=list,
        blank=True,
        help_text=_(
            "The channels through which the state accepts requests. Empty: not recorded, and sending through "
            "any channel is allowed."
        ),
    )
    dual_criminality = models.CharField(
        _("dual criminality"),
        max_length=16,
        choices=DualCriminality.choices,
        default=DualCriminality.NOT_RECORDED,
    )
    dual_criminality_notes = models.TextField(
        _("dual criminality: notes"),
        blank=True,
        help_text=_("E.g. the article that sets the rule, or the measures it covers."),
    )
    expected_response_days = models.PositiveIntegerField(_("expected response time (days)"), null=True, blank=True)
    notes = models.TextField(_("other notes"), blank=True)

    class Meta:
        verbose_name = _("country profile")
        verbose_name_plural = _("country profiles")
        ordering = ["country"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expected_response_days__isnull=True) | models.Q(expected_response_days__gt=0),
                name="countryprofile_response_days_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(dual_criminality__in=DualCriminality.values),
                name="countryprofile_dual_criminality_known",
            ),
        ]

    def __str__(self):
        return f"{self.country.name} ({self.country.code})"

    @staticmethod
    def unknown_channels(channels) -> list:
        """The items of `channels` that are not request channels (everything, if it is not a list)."""
        if not isinstance(channels, list):
            return [channels]
        return [c for c in channels if c not in RequestChannel.values]

    def clean(self):
        unknown = self.unknown_channels(self.channels_accepted)
        if unknown:
            raise ValidationError(
                {"channels_accepted": _("Unknown channels: %(c)s.") % {"c": ", ".join(map(str, unknown))}}
            )
        # One order whatever order they were ticked or typed in, and each channel once.
        self.channels_accepted = [c for c in RequestChannel.values if c in self.channels_accepted]

    def accepts_channel(self, channel: str) -> bool:
        """Whether the state takes requests through `channel`; an empty list is "not recorded": any."""
        return not self.channels_accepted or channel in self.channels_accepted

    def channels_accepted_labels(self) -> list[str]:
        labels = dict(RequestChannel.choices)
        return [str(labels[c]) for c in self.channels_accepted if c in labels]


class CountryAuthority(models.Model):
    """One authority or contact of a foreign state: its central authority for mutual legal
    assistance, its competent authority for asset recovery, its financial intelligence unit, a
    liaison or network contact point, or its embassy. Letters are addressed to the one recorded for
    the request's channel (recovery.selectors.addressee)."""

    Kind = AuthorityKind

    profile = models.ForeignKey(
        CountryProfile, verbose_name=_("country profile"), on_delete=models.CASCADE, related_name="authorities"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=255)
    address = models.TextField(_("address"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_person = models.CharField(_("contact person"), max_length=255, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("authority or contact")
        verbose_name_plural = _("authorities and contacts")
        ordering = ["profile", "order", "kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=AuthorityKind.values), name="countryauthority_kind_known"
            ),
            models.CheckConstraint(condition=~models.Q(name=""), name="countryauthority_name_given"),
            models.UniqueConstraint(fields=["profile", "kind", "name"], name="countryauthority_unique_name"),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"

    def clean(self):
        self.name = (self.name or "").strip()
        if not self.name:
            raise ValidationError({"name": _("Give the authority's name.")})


class LegalInstrument(TrilingualName):
    """A legal basis for a request: a treaty, a convention, reciprocity or an informal network.

    It carries its scope (the measures it allows), the contents a request under it must have (its
    requirement checklist), its confiscation terms and an expected response time.
    """

    class Kind(models.TextChoices):
        BILATERAL_TREATY = "bilateral_treaty", _("Bilateral treaty")
        MULTILATERAL_CONVENTION = "multilateral_convention", _("Multilateral convention")
        AGREEMENT = "agreement", _("Agreement or memorandum")
        RECIPROCITY = "reciprocity", _("Reciprocity")
        INFORMAL_NETWORK = "informal_network", _("Informal network")

    FORMAL_KINDS = (Kind.BILATERAL_TREATY, Kind.MULTILATERAL_CONVENTION, Kind.AGREEMENT, Kind.RECIPROCITY)

    code = models.SlugField(_("code"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, db_index=True)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    counterpart_countries = models.ManyToManyField(
        CountryProfile,
        verbose_name=_("counterpart states"),
        blank=True,
        related_name="instruments",
        help_text=_(
            "The other parties. Leave empty for an instrument open to every state (a convention, reciprocity)."
        ),
    )
    open_to_all_states = models.BooleanField(
        _("open to all states"),
        default=False,
        help_text=_("Applies to any state (UNCAC, UNTOC, reciprocity, networks)."),
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    in_force_on = models.DateField(_("in force since"), null=True, blank=True)
    ratification_reference = models.CharField(_("ratification reference"), max_length=255, blank=True)
    scope_citation = models.CharField(_("scope: article"), max_length=255, blank=True)
    measures = models.ManyToManyField(
        AssistanceMeasure, verbose_name=_("measures in scope"), blank=True, related_name="instruments"
    )
    any_other_assistance = models.BooleanField(
        _("any other assistance not prohibited"),
        default=False,
        help_text=_(
            "The scope also covers any assistance not prohibited by the requested state's law. A measure "
            "beyond the listed ones is then accepted only with a note on the request citing this clause."
        ),
    )
    any_other_assistance_citation = models.CharField(
        _("'any other assistance' clause: article"), max_length=255, blank=True
    )
    offence_scope = models.ManyToManyField(
        CrimeCategory,
        verbose_name=_("offences in scope"),
        blank=True,
        related_name="instruments",
        help_text=_(
            "The crime categories the instrument applies to (e.g. drug trafficking for the 1988 Vienna "
            "Convention). Leave empty for an instrument that applies to any offence."
        ),
    )
    offence_scope_citation = models.CharField(_("offences in scope: article"), max_length=255, blank=True)
    # Confiscation terms.
    value_based_confiscation = models.BooleanField(_("value-based confiscation allowed"), default=False)
    requested_party_retains_proceeds = models.BooleanField(
        _("requested party retains confiscated proceeds unless agreed"), default=False
    )
    court_decision_required = models.BooleanField(_("court decision required"), default=False)
    bona_fide_third_parties_protected = models.BooleanField(_("bona fide third parties protected"), default=False)
    confiscation_citation = models.CharField(_("confiscation terms: article"), max_length=255, blank=True)
    translation_required_before_sending = models.BooleanField(
        _("translation must be attached before sending"),
        default=False,
        help_text=_("A request in a language the requested state does not accept is sent only with its translation."),
    )
    signed_letter_required_before_sending = models.BooleanField(
        _("signed letter must be attached before sending"),
        default=False,
        help_text=_("A request is sent only once the signed request letter is in the case file."),
    )
    expected_response_days = models.PositiveIntegerField(_("expected response time (days)"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("legal instrument")
        verbose_name_plural = _("legal instruments")
        ordering = ["kind", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expected_response_days__isnull=True) | models.Q(expected_response_days__gt=0),
                name="legalinstrument_response_days_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(signed_on__isnull=True)
                | models.Q(in_force_on__isnull=True)
                | models.Q(in_force_on__gte=models.F("signed_on")),
                name="legalinstrument_in_force_after_signature",
            ),
        ]

    @property
    def is_formal(self) -> bool:
        return self.kind in self.FORMAL_KINDS

    def applies_to(self, country_code: str) -> bool:
        if self.open_to_all_states:
            return True
        return self.counterpart_countries.filter(country=country_code).exists()


class InstrumentRequirement(TrilingualName):
    """One item of the contents a request under an instrument must have (a checklist line)."""

    instrument = models.ForeignKey(
        LegalInstrument, verbose_name=_("legal instrument"), on_delete=models.CASCADE, related_name="requirements"
    )
    code = models.SlugField(_("code"), max_length=80)
    mandatory = models.BooleanField(
        _("mandatory"), default=True, help_text=_("Optional items are those the instrument asks for 'where available'.")
    )
    citation = models.CharField(_("article"), max_length=255, blank=True)
    measures = models.ManyToManyField(
        AssistanceMeasure,
        verbose_name=_("applies to measures"),
        blank=True,
        related_name="requirements",
        help_text=_(
            "The item applies only to a request asking for at least one of these measures (e.g. the contents "
            "of a request about property). Leave empty for an item every request under the instrument needs."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("required content")
        verbose_name_plural = _("required contents")
        ordering = ["instrument", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["instrument", "code"], name="instrumentrequirement_unique_code")]


class ReferenceSequence(models.Model):
    """Counters behind generated reference numbers, one row per (prefix, year), taken under a row lock."""

    prefix = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="referencesequence_unique")]

    def __str__(self):
        return f"{self.prefix}-{self.year}: {self.last_value}"


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses every bulk rewrite of append-only rows (bulk_update goes through update())."""

    def _refuse(self, what):
        raise TypeError(f"{self.model.append_only_rows} are append-only: {what}.")

    def update(self, **kwargs):
        self._refuse("they cannot be updated")

    def delete(self):
        self._refuse("they cannot be deleted")

    def bulk_create(self, objs, *args, update_conflicts=False, **kwargs):
        # An upsert would overwrite the rows it conflicts with.
        if update_conflicts:
            self._refuse("bulk_create cannot update existing rows")
        return super().bulk_create(objs, *args, **kwargs)


class AppendOnlyModel(models.Model):
    """Rows written once and never changed nor deleted by the ORM: the legal history (timelines)
    and the audit trail. On PostgreSQL triggers refuse UPDATE and DELETE as well (migrations
    recovery 0002 and 0006). Abstract, with no fields: subclasses' tables are unchanged."""

    append_only_rows = "These rows"  # the plural named in the refusals, e.g. "Audit events"

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(f"{self.append_only_rows} are append-only: they cannot be changed.")
        # Always an INSERT: given an explicit pk, Django would first try an UPDATE of that row.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{self.append_only_rows} are append-only: they cannot be deleted.")


class TimelineEntry(AppendOnlyModel):
    """Abstract append-only row of a status timeline; each model with a status has its own table.

    Written only by recovery.timeline.apply_transition, in the same transaction as the status change.
    """

    from_status = models.CharField(_("from status"), max_length=32, blank=True)
    to_status = models.CharField(_("to status"), max_length=32)
    effective_on = models.DateField(_("effective on"), help_text=_("When it took effect; may precede recording."))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("recorded by (name)"), max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)
    document_reference = models.CharField(_("document reference"), max_length=255, blank=True)
    amount = MoneyField(
        _("amount"),
        max_digits=20,
        decimal_places=2,
        null=True,
        blank=True,
        default_currency=None,
        currency_max_length=3,
    )
    override_reason = models.TextField(
        _("override reason"), blank=True, help_text=_("Why a rule was knowingly set aside for this change.")
    )

    append_only_rows = "Timeline rows"

    class Meta:
        abstract = True
        # The order in which changes were recorded is the order of the workflow.
        ordering = ["recorded_at", "pk"]


# --- Notifications ---------------------------------------------------------------------------
# In-app notifications (reminders today; any app may post them through recovery.notifications)
# and each person's choice of how reminder emails reach them.


class Notification(models.Model):
    """A message to one person, shown in the application and at /api/v1/notifications/. Written in
    the recipient's language when it is created. `source_key` makes posting idempotent: the same
    event (e.g. one reminder delivery) never yields two notifications."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=32, default="reminder")
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    source_key = models.CharField(_("source"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "source_key"],
                condition=~models.Q(source_key=""),
                name="notification_once_per_source",
            )
        ]
        indexes = [
            # The header badge and the unread list: a person's unread notifications, newest first.
            models.Index(
                fields=["recipient", "-created_at"],
                name="notification_unread_idx",
                condition=models.Q(read_at__isnull=True),
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """How reminder emails reach a person: each at once (the default), one daily digest, or none
    (in-app notifications only)."""

    class EmailMode(models.TextChoices):
        IMMEDIATE = "immediate", _("Each reminder by email")
        DIGEST = "digest", _("One daily digest email")
        NONE = "none", _("No email, in-app only")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email_mode = models.CharField(
        _("reminder emails"), max_length=16, choices=EmailMode.choices, default=EmailMode.IMMEDIATE
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return f"{self.user}: {self.get_email_mode_display()}"


# --- Exchange rates (dashboards and statistics) ------------------------------------------------
class ExchangeRate(models.Model):
    """How much one unit of `currency` was worth in the reporting currency (settings.REPORTING_CURRENCY)
    on `date`. Administrators keep this table; the dashboards convert per-currency totals with the
    latest rate on or before the reporting date and show that rate's date beside the converted total."""

    date = models.DateField(_("date"))
    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217 code, e.g. EUR."))
    rate = models.DecimalField(
        _("rate to the reporting currency"),
        max_digits=20,
        decimal_places=8,
        help_text=_("Units of the reporting currency for one unit of this currency."),
    )

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["-date", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "date"], name="exchangerate_unique_currency_date"),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="exchangerate_rate_positive"),
        ]

    def __str__(self):
        return f"{self.currency} {self.rate} ({self.date})"

    def clean(self):
        # The admin form goes through clean(): an unknown code is a form error, not a 500.
        from recovery.cleaning import clean_currency
        from recovery.errors import DomainError

        if self.currency:
            try:
                self.currency = clean_currency(self.currency, current_only=False)
            except DomainError as exc:
                raise ValidationError({"currency": str(exc)}) from None


# --- Dashboard snapshots (issue 8; recovery/dashboards/snapshots.py, docs/dashboards.md) --------
class DashboardSnapshot(models.Model):
    """The database results behind one dashboard page, as one user's scope and one filter gave them
    on one day: the summary table the pages are served from at volume. The rows are language-neutral
    (codes, ids, counts, amounts); labels, names, links and converted totals are made when a page is
    rendered. Refreshed by recovery.tasks.refresh_dashboard_snapshots; not audited (derived data)."""

    page = models.CharField(_("page"), max_length=40)  # "overview", ..., "report:2025"
    # "all" for the users who see every case, else the user with the unit and roles their scope
    # was computed for: another scope never reads these figures.
    scope_key = models.CharField(_("scope"), max_length=200)
    # "" without a filter, else a digest of `filter_params` (the canonical StatsFilter).
    filter_key = models.CharField(_("filter"), max_length=64, blank=True)
    filter_params = models.JSONField(_("filter parameters"), default=dict, blank=True)
    as_of = models.DateField(_("as of"))  # the day overdue and due-this-week were counted for
    rows = models.JSONField(_("rows"), default=dict, encoder=RowsEncoder, decoder=RowsDecoder)
    computed_at = models.DateTimeField(_("computed at"))
    last_viewed_at = models.DateTimeField(_("last viewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dashboard snapshot")
        verbose_name_plural = _("dashboard snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["page", "scope_key", "filter_key", "as_of"], name="dashboardsnapshot_unique_page_scope"
            ),
        ]

    def __str__(self):
        return f"{self.page} {self.scope_key} {self.filter_key or '-'} {self.as_of}"


# --- API: service-account tokens and idempotency keys (issue 4) --------------------------------
# Kept here so the one `recovery` migration history holds them; the code that uses them is in
# recovery/api/ (authentication, idempotency) and recovery/api/services.py (create, revoke).


API_SCOPE_FAMILIES = ("cases", "requests", "assets", "incoming", "reference")  # cases include subjects
API_SCOPE_CHOICES = tuple(f"{family}:{access}" for family in API_SCOPE_FAMILIES for access in ("read", "write"))


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A service account's credential for the REST API.

    Only a SHA-256 hash of the token is stored: the token itself is shown once, when it is created.
    A token carries scopes (read or write per resource family), may expire, may be revoked, may be
    limited to listed IP addresses or networks, and records when it was last used.
    """

    # Resource families a scope names; "write" includes "read".
    FAMILIES = API_SCOPE_FAMILIES
    SCOPE_CHOICES = API_SCOPE_CHOICES

    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. 'national case register'.")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service account"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text=_("The token acts as this account: its roles and unit decide what it sees and may change."),
    )
    prefix = models.CharField(
        _("prefix"), max_length=16, unique=True, editable=False, help_text=_("Shown to tell tokens apart.")
    )
    key_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("scopes"), default=list, blank=True, help_text=_("e.g. cases:read, requests:write."))
    allowed_ips = models.TextField(
        _("allowed IP addresses"),
        blank=True,
        help_text=_("One address or network (CIDR) per line; empty allows every address."),
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    last_used_ip = models.GenericIPAddressField(_("last used from"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def clean(self):
        unknown = [s for s in (self.scopes or []) if s not in self.SCOPE_CHOICES]
        if unknown or not isinstance(self.scopes, list):
            raise ValidationError({"scopes": _("Unknown scopes: %(s)s.") % {"s": ", ".join(map(str, unknown))}})
        from recovery.api.tokens import parse_networks

        try:
            parse_networks(self.allowed_ips)
        except ValueError as exc:
            raise ValidationError({"allowed_ips": str(exc)}) from None

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def allows(self, family: str, write: bool) -> bool:
        scopes = set(self.scopes or [])
        if f"{family}:write" in scopes:
            return True
        return not write and f"{family}:read" in scopes


class IdempotencyKey(models.Model):
    """The first response to a POST sent with an `Idempotency-Key` header, replayed to its retries.

    Unique per (user, key): concurrent identical POSTs race on the insert, and only one wins. The
    fingerprint (method, path and body) tells a retry from a different request reusing the key.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("idempotency key"), max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    fingerprint = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    response_headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotencykey_unique_per_user")]

    def __str__(self):
        return f"{self.key} {self.method} {self.path}"


# --- Security audit events (issue 7) ----------------------------------------------------------
# Everything that is not a change of a record (django-auditlog keeps those): logins, logouts,
# refusals, exports, API tokens, views of personal data. Append-only: the ORM refuses to change
# or delete a row, and on PostgreSQL a trigger (migration 0006) refuses UPDATE and DELETE too.


class AuditEvent(AppendOnlyModel):
    class Action(models.TextChoices):
        LOGIN_SUCCESS = "login_success", _("Login succeeded")
        LOGIN_FAILURE = "login_failure", _("Login failed")
        ACCOUNT_LOCKED = "account_locked", _("Account locked after repeated failures")
        LOGOUT = "logout", _("Logout")
        SESSION_EXPIRED = "session_expired", _("Session expired")
        PERMISSION_DENIED = "permission_denied", _("Permission refused")
        EXPORT = "export", _("Export")
        TOKEN_CREATED = "token_created", _("API token created")
        TOKEN_REVOKED = "token_revoked", _("API token revoked")
        PERSONAL_DATA_VIEWED = "personal_data_viewed", _("Personal data viewed")
        OTP_DEVICE_CONFIRMED = "otp_device_confirmed", _("Two-factor device confirmed")
        OTP_VERIFIED = "otp_verified", _("Two-factor code accepted")
        OTP_FAILURE = "otp_failure", _("Two-factor code refused")
        USER_DEACTIVATED = "user_deactivated", _("User deactivated")
        USER_ACCESS_CHANGED = "user_access_changed", _("User's roles, unit or permissions changed")
        LIST_VIEWED = "list_viewed", _("List of personal data viewed")
        IMPORT_PREVIEWED = "import_previewed", _("Import previewed")
        IMPORT = "import", _("Import")
        SUBJECT_MATCHED = "subject_matched", _("Subject matched by identifier and added to a case")
        LOOKUP_REFUSED = "lookup_refused", _("Filter in the address refused")
        DOCUMENT_UPLOADED = "document_uploaded", _("Document uploaded")
        DOCUMENT_DOWNLOADED = "document_downloaded", _("Document downloaded")

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Success")
        FAILURE = "failure", _("Failure")
        DENIED = "denied", _("Denied")

    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        # Accounts with a trail are deactivated, never deleted; the name as it was stays in `username`.
        on_delete=models.PROTECT,
        related_name="+",
    )
    username = models.CharField(_("username (as it was)"), max_length=150, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=255, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS)
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_("record type"),
        null=True,
        blank=True,
        # Rows are never rewritten, so nothing may cascade into them.
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    object_id = models.CharField(_("record id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("record"), max_length=255, blank=True)
    path = models.CharField(_("path"), max_length=255, blank=True)
    extra = models.JSONField(_("details"), default=dict, blank=True)

    append_only_rows = "Audit events"

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-occurred_at", "-pk"]
        default_permissions = ("view",)
        indexes = [
            # The auditor's searches: per record and per user over a period.
            models.Index(fields=["content_type", "object_id", "occurred_at"], name="auditevent_object_idx"),
            models.Index(fields=["user", "occurred_at"], name="auditevent_user_idx"),
        ]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.action} {self.outcome}"


# --- The deadline calendar's feed -------------------------------------------------------------


class CalendarFeedToken(models.Model):
    """A user's secret address for the deadline calendar's iCalendar feed.

    Calendar clients cannot sign in, so the address itself is the credential. Like API tokens, only
    a SHA-256 hash of it is kept: the address is shown once, when it is made. Revoking ends it at
    once; a user has at most one live address (making a new one revokes the old).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="calendar_feed_tokens",
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("calendar feed address")
        verbose_name_plural = _("calendar feed addresses")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One live address per user: the feed page offers one "Subscribe" link, not a list.
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(revoked_at__isnull=True), name="calendarfeed_one_live_per_user"
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d}"
