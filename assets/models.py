"""Assets found abroad, their status timeline and amounts, court decisions and third-party claims."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from djmoney.models.fields import CurrencyField, MoneyField
from djmoney.money import Money

from cases.models import Case, Subject
from recovery import access
from recovery.models import TimelineEntry
from recovery.timeline import StatusModel, Workflow


class AssetQuerySet(models.QuerySet):
    """Assets, and the stages of recovery an asset has reached, each defined once as a Q
    (`<stage>_q`) with a queryset method of the same name: the dashboards' funnel counts with
    them, and the FilterSet's `stage` (the API's and the admin's filter, which the funnel links to)
    applies them.

    - frozen / seized, confiscated, returned: an amount was frozen, confiscated, returned (the
      amounts the timeline accumulates), whatever happened after: an asset frozen, then confiscated
      and returned counts at every stage it reached;
    - released (the freeze lifted) and retained by the requested state: the asset's status now.
    """

    def visible_to(self, user):
        return access.readable(user, self)

    def writable_by(self, user):
        return access.writable(user, self)

    @staticmethod
    def frozen_q() -> Q:
        return Q(frozen_amount__gt=0)

    @staticmethod
    def confiscated_q() -> Q:
        return Q(confiscated_amount__gt=0)

    @staticmethod
    def returned_q() -> Q:
        return Q(returned_amount__gt=0)

    @staticmethod
    def released_q() -> Q:
        return Q(status=Asset.Status.RELEASED)

    @staticmethod
    def retained_abroad_q() -> Q:
        return Q(status=Asset.Status.RETAINED_ABROAD)

    def frozen(self):
        return self.filter(self.frozen_q())

    def confiscated(self):
        return self.filter(self.confiscated_q())

    def returned(self):
        return self.filter(self.returned_q())

    def released(self):
        return self.filter(self.released_q())

    def retained_abroad(self):
        return self.filter(self.retained_abroad_q())


class Asset(StatusModel):
    """An asset abroad. Amounts frozen, confiscated and returned are in the asset's currency and are
    derived from its timeline by the transition services (never typed in)."""

    class Kind(models.TextChoices):
        BANK_ACCOUNT = "bank_account", _("Bank account")
        REAL_ESTATE = "real_estate", _("Real estate")
        VEHICLE = "vehicle", _("Vehicle")
        VESSEL = "vessel", _("Vessel")
        AIRCRAFT = "aircraft", _("Aircraft")
        SECURITIES = "securities", _("Securities")
        COMPANY_SHARES = "company_shares", _("Company shares")
        CASH = "cash", _("Cash")
        CRYPTO = "crypto", _("Crypto-asset")
        VALUABLES = "valuables", _("Valuables")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        IDENTIFIED = "identified", _("Identified")
        FROZEN = "frozen", _("Frozen / seized")
        CONFISCATED = "confiscated", _("Confiscated")
        RETURNED = "returned", _("Returned")
        RELEASED = "released", _("Released")
        RETAINED_ABROAD = "retained_abroad", _("Retained by the requested state")

    S = Status
    workflow = Workflow.declare(
        Status,
        initial=Status.IDENTIFIED,
        moves={
            # identified -> confiscated: value-based confiscation without a prior freeze.
            S.IDENTIFIED: {S.FROZEN, S.CONFISCATED, S.RELEASED},
            S.FROZEN: {S.CONFISCATED, S.RELEASED},
            # confiscated -> released: the confiscation was overturned.
            S.CONFISCATED: {S.RETURNED, S.RETAINED_ABROAD, S.RELEASED},
            # Returns come in several instalments, each recorded with its amount.
            S.RETURNED: {S.RETURNED, S.RETAINED_ABROAD},
        },
    )
    timeline_model = "assets.AssetStatusChange"
    timeline_subject_field = "asset"

    # An asset abroad belongs to our case; an asset in Kazakhstan frozen, confiscated or transferred
    # at a foreign state's request belongs to that incoming request (and to our case too, when one
    # of ours concerns it as well). At least one of the two.
    case = models.ForeignKey(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT, related_name="assets"
    )
    incoming_request = models.ForeignKey(
        "incoming.IncomingRequest",
        verbose_name=_("incoming request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assets",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, db_index=True)
    description = models.CharField(_("description"), max_length=255)
    identifier = models.CharField(
        _("identifier"),
        max_length=128,
        blank=True,
        db_index=True,
        help_text=_("IBAN or account number, cadastral number, VIN, hull or tail number, ISIN, wallet address..."),
    )
    location_country = CountryField(_("located in"), db_index=True)
    institution = models.CharField(_("bank or registry"), max_length=255, blank=True)
    holder = models.ForeignKey(
        Subject, verbose_name=_("holder"), null=True, blank=True, on_delete=models.PROTECT, related_name="assets"
    )
    holder_name = models.CharField(_("holder (as registered)"), max_length=255, blank=True)
    currency = CurrencyField(_("currency"), default=settings.REPORTING_CURRENCY, max_length=3)
    estimated_value = models.DecimalField(_("estimated value"), max_digits=20, decimal_places=2, null=True, blank=True)
    frozen_amount = models.DecimalField(_("amount frozen"), max_digits=20, decimal_places=2, default=0, editable=False)
    confiscated_amount = models.DecimalField(
        _("amount confiscated"), max_digits=20, decimal_places=2, default=0, editable=False
    )
    returned_amount = models.DecimalField(
        _("amount returned"), max_digits=20, decimal_places=2, default=0, editable=False
    )
    identified_on = models.DateField(_("identified on"))
    status = models.CharField(
        _("status"), max_length=32, choices=Status.choices, default=Status.IDENTIFIED, db_index=True
    )

    objects = AssetQuerySet.as_manager()

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["-identified_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_value__isnull=True) | Q(estimated_value__gte=0), name="asset_value_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(frozen_amount__gte=0) & Q(confiscated_amount__gte=0) & Q(returned_amount__gte=0),
                name="asset_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(case__isnull=False) | Q(incoming_request__isnull=False),
                name="asset_of_a_case_or_an_incoming_request",
            ),
        ]
        indexes = [models.Index(fields=["location_country", "status"], name="asset_country_status_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.description}"

    def money(self, amount) -> Money | None:
        return None if amount is None else Money(amount, self.currency)

    @property
    def estimated(self):
        return self.money(self.estimated_value)

    @property
    def frozen(self):
        return self.money(self.frozen_amount)

    @property
    def confiscated(self):
        return self.money(self.confiscated_amount)

    @property
    def returned(self):
        return self.money(self.returned_amount)


class AssetStatusChange(TimelineEntry):
    asset = models.ForeignKey(Asset, verbose_name=_("asset"), on_delete=models.PROTECT, related_name="timeline")

    class Meta(TimelineEntry.Meta):
        verbose_name = _("asset status change")
        verbose_name_plural = _("asset timeline")
        indexes = [models.Index(fields=["asset", "effective_on"], name="assettimeline_asset_idx")]


class CourtDecision(models.Model):
    """A restraint, confiscation or return decision about an asset, at home or abroad."""

    class Kind(models.TextChoices):
        RESTRAINT = "restraint", _("Freezing / restraint order")
        CONFISCATION = "confiscation", _("Confiscation order")
        RETURN = "return", _("Return / repatriation decision")
        RELEASE = "release", _("Release order")
        APPEAL = "appeal", _("Appeal decision")

    asset = models.ForeignKey(Asset, verbose_name=_("asset"), on_delete=models.PROTECT, related_name="court_decisions")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    court = models.CharField(_("court"), max_length=255)
    country = CountryField(_("court's country"))
    decided_on = models.DateField(_("decided on"))
    reference = models.CharField(_("decision reference"), max_length=128, blank=True)
    conviction_based = models.BooleanField(
        _("conviction-based"), null=True, blank=True, help_text=_("Leave unknown when not recorded.")
    )
    amount = MoneyField(
        _("amount ordered"), max_digits=20, decimal_places=2, null=True, blank=True, default_currency=None
    )
    certified_copy_available = models.BooleanField(_("certified copy available"), default=False)
    grounds = models.TextField(_("grounds"), blank=True)

    class Meta:
        verbose_name = _("court decision")
        verbose_name_plural = _("court decisions")
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="courtdecision_amount_not_negative"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.reference} ({self.decided_on})"


class ThirdPartyClaim(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    asset = models.ForeignKey(Asset, verbose_name=_("asset"), on_delete=models.PROTECT, related_name="claims")
    claimant = models.CharField(_("claimant"), max_length=255)
    basis = models.TextField(_("basis of the claim"))
    bona_fide = models.BooleanField(_("bona fide"), null=True, blank=True)
    amount = MoneyField(
        _("amount claimed"), max_digits=20, decimal_places=2, null=True, blank=True, default_currency=None
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    filed_on = models.DateField(_("filed on"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    class Meta:
        verbose_name = _("third-party claim")
        verbose_name_plural = _("third-party claims")
        ordering = ["-filed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="thirdpartyclaim_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=F("filed_on")),
                name="thirdpartyclaim_decided_after_filed",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_on__isnull=False), name="thirdpartyclaim_decided_has_date"
            ),
        ]

    def __str__(self):
        return f"{self.claimant} ({self.get_status_display()})"
