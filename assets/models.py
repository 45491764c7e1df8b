"""Assets found abroad, their status timeline and amounts, court decisions, third-party claims and
agreements on return or sharing."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
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
    - shared: part of it received under a sharing agreement (the share recorded);
    - released (the freeze lifted) and retained by the requested state: the asset's status now.
    """

    def visible_to(self, user):
        return access.readable(user, self)

    def writable_by(self, user):
        return access.writable(user, self)

    def with_upheld_claims(self):
        """Each asset with `upheld_claims_total`: what courts granted bona fide third parties out
        of it (a subquery, so lists need no query per row and no GROUP BY)."""
        upheld = (
            ThirdPartyClaim.objects.filter(asset=models.OuterRef("pk"), status=ThirdPartyClaim.Status.UPHELD)
            .order_by()
            .values("asset")
            .annotate(total=models.Sum("upheld_amount"))
            .values("total")
        )
        return self.annotate(
            upheld_claims_total=Coalesce(
                models.Subquery(upheld),
                models.Value(Decimal("0")),
                output_field=models.DecimalField(max_digits=20, decimal_places=2),
            )
        )

    def with_claims_summary(self):
        """`with_upheld_claims`, and `pending_claims_count`: the third-party claims not yet
        decided (a subquery too, for the API's lists)."""
        pending = (
            ThirdPartyClaim.objects.filter(asset=models.OuterRef("pk"), status=ThirdPartyClaim.Status.PENDING)
            .order_by()
            .values("asset")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.with_upheld_claims().annotate(
            pending_claims_count=Coalesce(models.Subquery(pending), models.Value(0), output_field=models.IntegerField())
        )

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
    def shared_q() -> Q:
        return Q(shared_amount__gt=0)

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

    def shared(self):
        return self.filter(self.shared_q())

    def released(self):
        return self.filter(self.released_q())

    def retained_abroad(self):
        return self.filter(self.retained_abroad_q())


class Asset(StatusModel):
    """An asset abroad. Amounts frozen, confiscated, returned and shared are in the asset's currency
    and are derived from its timeline by the transition services (never typed in)."""

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
        # Divided with the other state under a sharing agreement: the amount is our share received.
        SHARED = "shared", _("Shared with the other state")

    S = Status
    workflow = Workflow.declare(
        Status,
        initial=Status.IDENTIFIED,
        moves={
            # identified -> confiscated: value-based confiscation without a prior freeze.
            S.IDENTIFIED: {S.FROZEN, S.CONFISCATED, S.RELEASED},
            S.FROZEN: {S.CONFISCATED, S.RELEASED},
            # confiscated -> released: the confiscation was overturned.
            S.CONFISCATED: {S.RETURNED, S.SHARED, S.RETAINED_ABROAD, S.RELEASED},
            # Returns and shares come in several instalments, each recorded with its amount.
            S.RETURNED: {S.RETURNED, S.SHARED, S.RETAINED_ABROAD},
            S.SHARED: {S.SHARED, S.RETURNED, S.RETAINED_ABROAD},
            # A state that retained the proceeds may later agree to return or share them.
            S.RETAINED_ABROAD: {S.RETURNED, S.SHARED},
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
    # db_default too: the bench's volume generator COPYs rows without this column.
    shared_amount = models.DecimalField(
        _("our share received"),
        max_digits=20,
        decimal_places=2,
        default=Decimal("0"),
        db_default=Decimal("0"),
        editable=False,
        help_text=_("What Kazakhstan received under sharing agreements."),
    )
    # Provenance: the outgoing request whose answer identified the asset.
    identified_by_request = models.ForeignKey(
        "requests.Request",
        verbose_name=_("identified through request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="identified_assets",
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
            models.CheckConstraint(condition=Q(shared_amount__gte=0), name="asset_shared_not_negative"),
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

    @property
    def shared(self):
        return self.money(self.shared_amount)

    # -- the stages' amounts (pure: `upheld_claims_total` is given, or read from prefetched claims)
    @property
    def still_frozen_amount(self) -> Decimal:
        """What stays frozen: the freeze not yet turned into a confiscation, none once released."""
        if self.status == self.Status.RELEASED:
            return Decimal("0")
        if self.status == self.Status.FROZEN:
            return self.frozen_amount
        return max(Decimal("0"), self.frozen_amount - self.confiscated_amount)

    def returnable_amount(self, upheld_claims_total: Decimal) -> Decimal:
        """What may still come home: confiscated, less upheld third-party claims, less what was
        already returned or received as our share."""
        rest = self.confiscated_amount - upheld_claims_total - self.returned_amount - self.shared_amount
        return max(Decimal("0"), rest)

    @property
    def partially_returned(self) -> bool:
        return 0 < self.returned_amount + self.shared_amount < self.confiscated_amount


class AssetStatusChange(TimelineEntry):
    asset = models.ForeignKey(Asset, verbose_name=_("asset"), on_delete=models.PROTECT, related_name="timeline")
    # Provenance: what caused the step, each of the asset's own case or incoming request
    # (assets.services checks it).
    request = models.ForeignKey(
        "requests.Request",
        verbose_name=_("caused by request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="asset_steps",
    )
    foreign_reply = models.ForeignKey(
        "documents.Document",
        verbose_name=_("caused by foreign reply"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="asset_steps_caused",
    )
    court_decision = models.ForeignKey(
        "assets.CourtDecision",
        verbose_name=_("caused by court decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="asset_steps",
    )

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
    # What the court granted the claimant, in the asset's currency: it comes off what can be returned.
    upheld_amount = models.DecimalField(_("amount upheld"), max_digits=20, decimal_places=2, null=True, blank=True)
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
            # Claims upheld before the amount was recorded keep none; only an upheld claim has one.
            models.CheckConstraint(
                condition=Q(upheld_amount__isnull=True) | Q(status="upheld", upheld_amount__gte=0),
                name="thirdpartyclaim_upheld_amount",
            ),
        ]

    def __str__(self):
        return f"{self.claimant} ({self.get_status_display()})"


class AssetAgreement(models.Model):
    """An agreement with the other state on returning or sharing a confiscated asset (Korea treaty
    art. 16: the requested party retains confiscated proceeds "unless otherwise agreed"). Each
    side's part is a share in percent (the two add up to 100), an amount in the asset's currency,
    or both. Recorded (assets.services.agreement_record), never edited."""

    class Kind(models.TextChoices):
        RETURN = "return", _("Return")
        SHARING = "sharing", _("Sharing")

    asset = models.ForeignKey(Asset, verbose_name=_("asset"), on_delete=models.PROTECT, related_name="agreements")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    concluded_on = models.DateField(_("concluded on"))
    other_state = CountryField(_("other state"), help_text=_("The state that agreed with Kazakhstan."))
    home_share_percent = models.DecimalField(
        _("Kazakhstan's share (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    other_share_percent = models.DecimalField(
        _("other state's share (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    home_amount = models.DecimalField(_("Kazakhstan's amount"), max_digits=20, decimal_places=2, null=True, blank=True)
    other_amount = models.DecimalField(
        _("other state's amount"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="asset_agreements",
    )
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("agreement on return or sharing")
        verbose_name_plural = _("agreements on return or sharing")
        ordering = ["-concluded_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(home_share_percent__isnull=True) & Q(other_share_percent__isnull=True))
                | (
                    Q(home_share_percent__gte=0, home_share_percent__lte=100)
                    & Q(other_share_percent__gte=0, other_share_percent__lte=100)
                    & Q(home_share_percent=100 - F("other_share_percent"))
                ),
                name="assetagreement_shares_add_up",
                violation_error_message=_("The two shares are each between 0 and 100 and add up to 100."),
            ),
            models.CheckConstraint(
                condition=(Q(home_amount__isnull=True) | Q(home_amount__gte=0))
                & (Q(other_amount__isnull=True) | Q(other_amount__gte=0)),
                name="assetagreement_amounts_not_negative",
                violation_error_message=_("An amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(home_share_percent__isnull=False) | Q(home_amount__isnull=False),
                name="assetagreement_says_our_part",
                violation_error_message=_("Give Kazakhstan's share or amount."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.concluded_on})"

    @property
    def home_money(self):
        return self.asset.money(self.home_amount)

    @property
    def other_money(self):
        return self.asset.money(self.other_amount)
