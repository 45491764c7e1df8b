"""Assets found abroad, their status timeline and amounts, court decisions, third-party claims and
agreements on return or sharing."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from djmoney.models.fields import CurrencyField, MoneyField
from djmoney.money import Money

from cases.models import Case, Subject
from recovery import access
from recovery.models import TimelineEntry
from recovery.timeline import StatusModel, Workflow

# The sane range of a freeze's expiry date (the database refuses anything outside it; the services
# refuse tighter: after the freeze or renewal, and at most FREEZE_TERM_MAX_YEARS ahead).
FREEZE_EXPIRY_EARLIEST = datetime.date(2000, 1, 1)
FREEZE_EXPIRY_LATEST = datetime.date(2199, 12, 31)


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

    # -- the freeze's expiry abroad: a freeze is in force to the end of `freeze_expires_on` and
    # lapses the day after, unless renewed. Only assets still frozen count: leaving the frozen
    # status (confiscated, released) ends the rule.
    @staticmethod
    def freeze_expiring_q(within_days: int, today: datetime.date) -> Q:
        """Frozen, and the freeze expires between today and `within_days` days from today."""
        return Q(
            status=Asset.Status.FROZEN,
            freeze_expires_on__gte=today,
            freeze_expires_on__lte=today + datetime.timedelta(days=within_days),
        )

    @staticmethod
    def freeze_lapsed_q(today: datetime.date) -> Q:
        """Frozen, and the freeze's expiry date has passed without a renewal recorded."""
        return Q(status=Asset.Status.FROZEN, freeze_expires_on__lt=today)

    @staticmethod
    def freeze_expiry_unknown_q() -> Q:
        """Frozen, with no expiry recorded (to be looked up with the requested state)."""
        return Q(status=Asset.Status.FROZEN, freeze_expires_on__isnull=True)

    def freeze_expiring(self, within_days: int, today: datetime.date | None = None):
        return self.filter(self.freeze_expiring_q(within_days, today or timezone.localdate()))

    def freeze_lapsed(self, today: datetime.date | None = None):
        return self.filter(self.freeze_lapsed_q(today or timezone.localdate()))

    def freeze_expiry_unknown(self):
        return self.filter(self.freeze_expiry_unknown_q())


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
        # Paid out to the victims of the crime (by the requested state or by us): the amount of the
        # step is what they received; it comes off what can still come home.
        RESTITUTED = "restituted", _("Restituted to victims")

    S = Status
    workflow = Workflow.declare(
        Status,
        initial=Status.IDENTIFIED,
        moves={
            # identified -> confiscated: value-based confiscation without a prior freeze.
            S.IDENTIFIED: {S.FROZEN, S.CONFISCATED, S.RELEASED},
            S.FROZEN: {S.CONFISCATED, S.RELEASED},
            # confiscated -> released: the confiscation was overturned.
            S.CONFISCATED: {S.RETURNED, S.SHARED, S.RESTITUTED, S.RETAINED_ABROAD, S.RELEASED},
            # Returns, shares and restitutions come in several instalments, each with its amount.
            S.RETURNED: {S.RETURNED, S.SHARED, S.RESTITUTED, S.RETAINED_ABROAD},
            S.SHARED: {S.SHARED, S.RETURNED, S.RESTITUTED, S.RETAINED_ABROAD},
            S.RESTITUTED: {S.RESTITUTED, S.RETURNED, S.SHARED, S.RETAINED_ABROAD},
            # A state that retained the proceeds may later agree to return or share them, or pay
            # victims out of them.
            S.RETAINED_ABROAD: {S.RETURNED, S.SHARED, S.RESTITUTED},
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
    # -- the later steps' amounts (assets.services keeps them; db_default: the bench's volume
    # generator COPYs rows without these columns).
    still_frozen_amount = models.DecimalField(
        _("still frozen"),
        max_digits=20,
        decimal_places=2,
        default=Decimal("0"),
        db_default=Decimal("0"),
        editable=False,
        help_text=_(
            "What the freeze still holds: frozen, less released and confiscated; after a sale while "
            "frozen, the proceeds."
        ),
    )
    released_amount = models.DecimalField(
        _("amount released"),
        max_digits=20,
        decimal_places=2,
        default=Decimal("0"),
        db_default=Decimal("0"),
        editable=False,
        help_text=_("Parts of the freeze lifted, and the rest at the full release."),
    )
    realised_amount = models.DecimalField(
        _("amount realised"),
        max_digits=20,
        decimal_places=2,
        default=Decimal("0"),
        db_default=Decimal("0"),
        editable=False,
        help_text=_("What the requested state's sale of the asset brought."),
    )
    # The status the asset was in when sold: a sale while frozen (interlocutory) puts the proceeds
    # under the freeze and the later confiscation is of them; a sale after confiscation makes the
    # proceeds what can be returned instead of the confiscated valuation.
    sold_at_stage = models.CharField(
        _("sold while"),
        max_length=32,
        blank=True,
        default="",
        db_default="",
        editable=False,
        choices=[(Status.FROZEN, _("Frozen / seized")), (Status.CONFISCATED, _("Confiscated"))],
    )
    restituted_amount = models.DecimalField(
        _("restituted to victims"),
        max_digits=20,
        decimal_places=2,
        default=Decimal("0"),
        db_default=Decimal("0"),
        editable=False,
    )
    retained_amount = models.DecimalField(
        _("retained by the requested state"),
        max_digits=20,
        decimal_places=2,
        default=Decimal("0"),
        db_default=Decimal("0"),
        editable=False,
        help_text=_("What the requested state keeps; later agreed returns, shares and restitutions reduce it."),
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
    # The freeze abroad lapses after a fixed term unless the requested state's court renews it:
    # the last day it is in force, set at freezing and by each renewal (assets.services), cleared
    # when the asset leaves the frozen status. The timeline keeps every value it had.
    freeze_expires_on = models.DateField(
        _("freeze expires on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The last day the freeze is in force unless renewed."),
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
            models.CheckConstraint(
                condition=Q(still_frozen_amount__gte=0)
                & Q(released_amount__gte=0)
                & Q(realised_amount__gte=0)
                & Q(restituted_amount__gte=0)
                & Q(retained_amount__gte=0),
                name="asset_later_amounts_not_negative",
            ),
            # Only what was frozen (or, after a sale while frozen, its proceeds) can be released.
            models.CheckConstraint(
                condition=Q(released_amount__lte=F("frozen_amount") + F("realised_amount")),
                name="asset_released_within_frozen",
            ),
            # A sale is recorded with what it realised, and its stage.
            models.CheckConstraint(
                condition=Q(sold_at_stage="", realised_amount=0)
                | Q(sold_at_stage__in=["frozen", "confiscated"], realised_amount__gt=0),
                name="asset_sale_has_its_amount",
            ),
            models.CheckConstraint(
                condition=Q(freeze_expires_on__isnull=True)
                | Q(freeze_expires_on__gte=FREEZE_EXPIRY_EARLIEST, freeze_expires_on__lte=FREEZE_EXPIRY_LATEST),
                name="asset_freeze_expiry_sane",
                violation_error_message=_("The freeze's expiry date is out of range."),
            ),
        ]
        indexes = [
            models.Index(fields=["location_country", "status"], name="asset_country_status_idx"),
            # The daily expiry reminder scan and the expiring / lapsed filters: frozen assets with an
            # expiry, by that date (the few rows still frozen, not every asset).
            models.Index(
                fields=["freeze_expires_on"],
                name="asset_freeze_expiry_idx",
                condition=Q(status="frozen", freeze_expires_on__isnull=False),
            ),
        ]

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

    @property
    def still_frozen(self):
        return self.money(self.still_frozen_amount)

    @property
    def released(self):
        return self.money(self.released_amount)

    @property
    def realised(self):
        return self.money(self.realised_amount)

    @property
    def restituted(self):
        return self.money(self.restituted_amount)

    @property
    def retained(self):
        return self.money(self.retained_amount)

    # -- the stages' amounts (pure: `upheld_claims_total` is given, or read from prefetched claims)
    @property
    def sold_after_confiscation(self) -> bool:
        return self.sold_at_stage == self.Status.CONFISCATED

    @property
    def recoverable_base(self) -> Decimal:
        """What the recovery is counted from: the confiscated amount, or, once the confiscated
        property was sold, what the sale realised (a sale while frozen came before the
        confiscation, which was then of its proceeds)."""
        return self.realised_amount if self.sold_after_confiscation else self.confiscated_amount

    @property
    def disposed_amount(self) -> Decimal:
        """What is gone from the recoverable base: returned, our share received, restituted."""
        return self.returned_amount + self.shared_amount + self.restituted_amount

    def returnable_amount(self, upheld_claims_total: Decimal) -> Decimal:
        """What may still come home: confiscated (or realised by a sale after confiscation), less
        upheld third-party claims, less what was already returned, received as our share or
        restituted to victims. What the requested state retains is part of it (an agreement may
        still bring it home)."""
        rest = self.recoverable_base - upheld_claims_total - self.disposed_amount
        return max(Decimal("0"), rest)

    @property
    def partially_frozen(self) -> bool:
        """Part of the freeze lifted, part still held."""
        return self.released_amount > 0 and self.still_frozen_amount > 0

    @property
    def partially_returned(self) -> bool:
        """Something came home (returned or shared) and not everything has been disposed of."""
        came_home = self.returned_amount + self.shared_amount
        return came_home > 0 and self.disposed_amount < self.recoverable_base

    # -- the freeze's expiry (pure)
    def freeze_days_left(self, today: datetime.date) -> int | None:
        """Days from `today` to the freeze's expiry (0 on its last day, negative once lapsed);
        None when the asset is not frozen or no expiry is recorded."""
        if self.status != self.Status.FROZEN or self.freeze_expires_on is None:
            return None
        return (self.freeze_expires_on - today).days


class AssetStatusChange(TimelineEntry):
    class Step(models.TextChoices):
        STATUS_CHANGE = "status_change", _("Status change")
        # Steps that keep the status: the row's from and to status are the same.
        PARTIAL_RELEASE = "partial_release", _("Part of the freeze released")
        SALE = "sale", _("Sold by the requested state")
        FREEZE_RENEWAL = "freeze_renewal", _("Freeze renewed")

    asset = models.ForeignKey(Asset, verbose_name=_("asset"), on_delete=models.PROTECT, related_name="timeline")
    step = models.CharField(
        _("step"),
        max_length=32,
        choices=Step.choices,
        default=Step.STATUS_CHANGE,
        db_default=Step.STATUS_CHANGE,
    )
    # A step that keeps the status carries its amount (released, realised) here, not in `amount`:
    # figures that sum `amount` by status must not read part of a freeze lifted as a freeze.
    step_amount = MoneyField(
        _("amount of the step"),
        max_digits=20,
        decimal_places=2,
        null=True,
        blank=True,
        default_currency=None,
        currency_max_length=3,
    )
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
    # The freeze's expiry this row set: at freezing, or at a renewal (a frozen -> frozen row).
    freeze_expires_on = models.DateField(_("freeze expires on"), null=True, blank=True)

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


# --- Reminders of a freeze's expiry -------------------------------------------------------------


class FreezeExpiryReminder(models.Model):
    """One reminder of a freeze's expiry to one person: the proof it was sent, and the lock that
    makes it go once (as requests.ReminderDelivery does for response deadlines).

    Planned by the scan (assets.freeze_reminders) under a unique key (asset, expiry date, stage,
    recipient), so a duplicate beat, a retried task or two workers never plan it twice; claimed by
    a compare-and-swap update before sending, so only one worker sends it. A renewal moves the
    expiry date and with it the key: the new date's stages are new reminders, and those still
    waiting for the old date are cancelled when their turn comes."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, will retry")
        GAVE_UP = "gave_up", _("Failed, gave up")
        CANCELLED = "cancelled", _("Cancelled (no longer frozen, or the expiry moved)")

    class EmailMode(models.TextChoices):
        IMMEDIATE = "immediate", _("Email now")
        DIGEST = "digest", _("In the daily digest")
        NONE = "none", _("No email")

    asset = models.ForeignKey(
        Asset,
        verbose_name=_("asset"),
        on_delete=models.CASCADE,
        related_name="freeze_expiry_reminders",
        db_index=False,  # the unique key starts with it
    )
    expires_on = models.DateField(_("freeze expires on"))
    stage = models.CharField(_("stage"), max_length=32)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="freeze_expiry_reminders",
    )
    fires_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    email_mode = models.CharField(_("email"), max_length=16, choices=EmailMode.choices, default=EmailMode.IMMEDIATE)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    digest = models.ForeignKey(
        "requests.ReminderDigest",
        verbose_name=_("digest"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="freeze_expiry_items",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("freeze expiry reminder")
        verbose_name_plural = _("freeze expiry reminders")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["asset", "expires_on", "stage", "recipient"], name="freezeexpiryreminder_once_per_key"
            ),
        ]
        indexes = [
            # The sweep for work left to do (new, failed and due for a retry, or a stale claim).
            models.Index(
                fields=["next_attempt_at"],
                name="freezereminder_todo_idx",
                condition=Q(status__in=["pending", "sending", "failed"]),
            ),
        ]

    def __str__(self):
        return f"{self.asset} {self.stage} {self.expires_on} → {self.recipient}"
