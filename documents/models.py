"""The case file: documents kept with a case, their versions, and the templates of request letters.

A document is the lasting thing ("the request letter to the UK"); each file uploaded for it is a
version. Versions are never overwritten or deleted through the service: a new file is a new version,
listed beside the old ones, each with the SHA-256 computed on upload.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recovery import access
from recovery.models import AppendOnlyModel, LegalInstrument

from .storage import document_storage, version_upload_to


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return access.readable(user, self)

    def writable_by(self, user):
        return access.writable(user, self)


class Document(models.Model):
    class Kind(models.TextChoices):
        REQUEST_LETTER_DRAFT = "request_letter_draft", _("Request letter (draft)")
        REQUEST_LETTER = "request_letter", _("Request letter")
        SUPPLEMENTARY_LETTER = "supplementary_letter", _("Supplementary letter")
        TRANSLATION = "translation", _("Translation")
        CERTIFIED_COURT_DECISION = "certified_court_decision", _("Certified court decision")
        FOREIGN_ACKNOWLEDGEMENT = "foreign_acknowledgement", _("Foreign acknowledgement")
        FOREIGN_REPLY = "foreign_reply", _("Foreign reply")
        EXECUTION_MATERIAL = "execution_material", _("Execution material")
        AGREEMENT = "agreement", _("Agreement")
        INCOMING_REQUEST = "incoming_request", _("Request received from a foreign state")
        ANSWER_SENT = "answer_sent", _("Answer sent to the requesting state")
        OTHER = "other", _("Other")

    class Language(models.TextChoices):
        EN = "en", _("English")
        RU = "ru", _("Russian")
        KK = "kk", _("Kazakh")
        OTHER = "other", _("Other language")

    # The file it belongs to: one of our cases, or a request a foreign state addressed to us.
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    incoming_request = models.ForeignKey(
        "incoming.IncomingRequest",
        verbose_name=_("incoming request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, db_index=True)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.EN)
    title = models.CharField(_("title"), max_length=255)
    dated_on = models.DateField(_("document date"), null=True, blank=True)
    # What the document concerns within the case (all optional, all of the same case).
    request = models.ForeignKey(
        "requests.Request",
        verbose_name=_("request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    asset = models.ForeignKey(
        "assets.Asset",
        verbose_name=_("asset"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    court_decision = models.ForeignKey(
        "assets.CourtDecision",
        verbose_name=_("court decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    checklist_item = models.ForeignKey(
        "requests.ChecklistAnswer",
        verbose_name=_("checklist item it provides"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    # A status change the document records (a foreign reply with "executed", an acknowledgement).
    case_event = models.ForeignKey(
        "cases.CaseStatusChange",
        verbose_name=_("case status change"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    request_event = models.ForeignKey(
        "requests.RequestStatusChange",
        verbose_name=_("request status change"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    asset_event = models.ForeignKey(
        "assets.AssetStatusChange",
        verbose_name=_("asset status change"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("added at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    # Optimistic concurrency for the API's If-Match; bumped with each new version.
    version = models.PositiveIntegerField(_("version"), default=1)
    # Denormalised from the newest version, so lists show the current file without a query per row.
    current_version = models.ForeignKey(
        "documents.DocumentVersion",
        verbose_name=_("current version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["case", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~(Q(case_event__isnull=False) & Q(request_event__isnull=False))
                & ~(Q(case_event__isnull=False) & Q(asset_event__isnull=False))
                & ~(Q(request_event__isnull=False) & Q(asset_event__isnull=False)),
                name="document_at_most_one_timeline_entry",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="document_has_title"),
            models.CheckConstraint(
                condition=Q(case__isnull=False, incoming_request__isnull=True)
                | Q(case__isnull=True, incoming_request__isnull=False),
                name="document_of_one_case_or_incoming_request",
            ),
        ]
        indexes = [
            models.Index(fields=["case", "kind"], name="document_case_kind_idx"),
            models.Index(
                fields=["incoming_request", "kind"],
                name="document_incoming_kind_idx",
                condition=Q(incoming_request__isnull=False),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def owner(self):
        """The file the document belongs to: its case, or the incoming request."""
        return self.case if self.case_id else self.incoming_request


class DocumentVersion(AppendOnlyModel):
    """One uploaded file of a document. Kept for good: a correction is a new version, and the ORM
    (and, on PostgreSQL, a trigger) refuses to change or delete a version once written."""

    append_only_rows = "Document versions"

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), storage=document_storage, upload_to=version_upload_to, max_length=500)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=127)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now, editable=False)
    note = models.CharField(_("note"), max_length=255, blank=True)
    # A generated letter written despite missing essentials carries the list of what was missing.
    marked_draft = models.BooleanField(_("marked as incomplete draft"), default=False)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="documentversion_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="documentversion_number_positive"),
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="documentversion_sha256_hex"),
        ]

    def __str__(self):
        return f"{self.document} v{self.number}"


class LetterTemplate(models.Model):
    """The text of a letter for one kind of legal basis, one purpose and one language, in Django's
    template language producing a small HTML subset (headings, paragraphs, lists, tables, bold and
    italic) that both the DOCX and the PDF are written from. Administrators edit it in the admin."""

    class Purpose(models.TextChoices):
        REQUEST = "request", _("Request letter")
        SUPPLEMENTARY = "supplementary", _("Supplementary letter")

    instrument_kind = models.CharField(
        _("kind of legal basis"), max_length=32, choices=LegalInstrument.Kind.choices, db_index=True
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices, default=Purpose.REQUEST)
    language = models.CharField(_("language"), max_length=8, choices=Document.Language.choices[:3])
    body = models.TextField(
        _("template"),
        help_text=_(
            "Django template language. Available: request, case, instrument, subjects, assets, measures, "
            "checklist, enclosures, missing, office, today. HTML tags kept: h1-h3, p, ul, ol, li, table, tr, "
            "th, td, b, strong, i, em, br."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        ordering = ["instrument_kind", "purpose", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument_kind", "purpose", "language"],
                condition=Q(active=True),
                name="lettertemplate_one_active",
            )
        ]

    def __str__(self):
        return f"{self.get_instrument_kind_display()} · {self.get_purpose_display()} · {self.get_language_display()}"
