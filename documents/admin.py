"""Admin of the case file: documents with their versions, the checked download, the inlines on the
case, request and asset pages, and the letter templates administrators keep.

Files are never linked to the storage: every link points at the download view
(documents.views.version_download), which applies the access rule, streams and audits."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template import Template, TemplateSyntaxError
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from documents import services, views
from documents.filters import DocumentFilterSet
from documents.models import Document, DocumentVersion, LetterTemplate
from recovery import access
from recovery.admin_base import (
    ReadOnlyAdminMixin,
    ScopedAdminMixin,
    ServiceModelAdmin,
    UrlLookupGate,
    VersionedModelForm,
    add_domain_error,
)
from recovery.errors import DomainError
from recovery.filters import filterset_list_filter

KindFilter = filterset_list_filter(DocumentFilterSet, "kind")
LanguageFilter = filterset_list_filter(DocumentFilterSet, "language")

# The records a document may concern, offered within its case (the service refuses any other).
LINKS = ("request", "asset", "court_decision", "checklist_item")
# Where "Add a document" on a case, request or asset page returns after the upload.
RETURN_PARAM = "_return"
RETURN_TO = ("case", "request", "asset")

NO_DOWNLOAD_HELP = _("Your role sees this case's documents listed but may not open their files.")


# --- shared pieces -------------------------------------------------------------------------------


def download_url(version) -> str:
    return reverse("admin:documents_documentversion_download", args=[version.pk])


def incoming_request_link(incoming):
    """The incoming request a document (or an asset) belongs to, linked to its admin page."""
    return format_html(
        '<a href="{}">{}</a>', reverse("admin:incoming_incomingrequest_change", args=[incoming.pk]), incoming.reference
    )


def may_download(request, owner) -> bool:
    """One answer per case (or incoming request) and request: a list shows many rows of the same one."""
    answers = request.__dict__.setdefault("_may_download_documents", {})
    key = (owner._meta.label_lower, owner.pk)
    if key not in answers:
        answers[key] = access.may_download_documents(request.user, owner)
    return answers[key]


def download_link(request, version, owner):
    if version is None:
        return "—"
    if not may_download(request, owner):
        return format_html('<span class="document-no-download" title="{}">—</span>', NO_DOWNLOAD_HELP)
    return format_html('<a class="document-download" href="{}">{}</a>', download_url(version), _("Download"))


def human_size(size) -> str:
    if size is None:
        return "—"
    for unit in ("B", "KB", "MB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


def document_links(documents) -> str:
    """Links to the change pages of `documents`, comma-separated ("—" when none)."""
    documents = list(documents)
    if not documents:
        return "—"
    return format_html_join(
        ", ",
        '<a href="{}">{}</a>',
        ((reverse("admin:documents_document_change", args=[d.pk]), d.title) for d in documents),
    )


def add_document_url(*, case, request=None, asset=None, back: str) -> str:
    params = {"case": case.pk, RETURN_PARAM: back}
    if request is not None:
        params["request"] = request.pk
    if asset is not None:
        params["asset"] = asset.pk
    return reverse("admin:documents_document_add") + "?" + urlencode(params)


def add_document_link(http_request, *, case, request=None, asset=None, back: str) -> dict | None:
    """The "Add a document" button of a case, request or asset page, for whoever may add one there."""
    if not http_request.user.has_perm("documents.add_document") or not access.may_write(http_request.user, case):
        return None
    return {"label": _("Add a document"), "url": add_document_url(case=case, request=request, asset=asset, back=back)}


# --- inlines on the case, request and asset pages -------------------------------------------------


class DocumentInline(admin.TabularInline):
    """The record's documents, read here; added and versioned on the document's own pages."""

    model = Document
    extra = 0
    fields = ("title_link", "kind", "language", "dated_on", "current_file", "download")
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("documents")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("case", "incoming_request", "current_version")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("title"))
    def title_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:documents_document_change", args=[obj.pk]), obj.title)

    @admin.display(description=_("current version"))
    def current_file(self, obj):
        version = obj.current_version
        if version is None:
            return "—"
        return f"v{version.number} · {version.filename} · {human_size(version.size)}"

    @admin.display(description=_("file"))
    def download(self, obj):
        # Display methods get no request; an inline instance is made for each request.
        request = getattr(self, "_request", None)
        if request is None:
            return "—"
        return download_link(request, obj.current_version, obj.owner)

    def get_formset(self, request, obj=None, **kwargs):
        self._request = request
        return super().get_formset(request, obj, **kwargs)


class CaseDocumentInline(DocumentInline):
    fk_name = "case"
    verbose_name_plural = _("case file")


class RequestDocumentInline(DocumentInline):
    fk_name = "request"
    verbose_name_plural = _("documents of this request")


class AssetDocumentInline(DocumentInline):
    fk_name = "asset"
    verbose_name_plural = _("documents of this asset")


# --- documents -------------------------------------------------------------------------------------


class DocumentForm(VersionedModelForm):
    file = forms.FileField(
        label=_("file"),
        required=False,
        help_text=_("PDF, Word, OpenDocument, images or plain text; its type is judged by its content."),
    )
    note = forms.CharField(label=_("note on this version"), max_length=255, required=False)

    class Meta:
        model = Document
        fields = ("case", "kind", "language", "title", "dated_on", *LINKS)

    def clean(self):
        data = super().clean()
        # Only a new document comes with its file; a new version has its own form.
        if self.instance.pk is None and not data.get("file") and "file" not in self.errors:
            self.add_error("file", forms.ValidationError(_("Choose the file to upload."), code="required"))
        return data


class VersionUploadForm(forms.Form):
    file = forms.FileField(label=_("file"))
    note = forms.CharField(label=_("note on this version"), max_length=255, required=False)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, **kwargs)
        if obj is not None:
            self.fields["expected_version"].initial = obj.version


@admin.register(Document)
class DocumentAdmin(ServiceModelAdmin):
    form = DocumentForm
    change_form_template = "admin/documents/document/change_form.html"
    new_version_template = "admin/documents/document/new_version.html"
    list_display = (
        "title",
        "kind",
        "language",
        "case_link",
        "concerns",
        "current_filename",
        "current_size",
        "current_sha256",
        "added_by",
        "created_at",
    )
    list_select_related = ("case", "incoming_request", "request", "asset", "current_version", "added_by")
    list_filter = (KindFilter, LanguageFilter)
    date_hierarchy = "created_at"
    search_fields = ("title", "case__register_number", "current_version__filename", "=versions__sha256")
    search_help_text = _("Title, case register number, file name, or a file's full SHA-256")
    service_fields = frozenset({"kind", "language", "title", "dated_on", *LINKS})
    autocomplete_fields = ("case",)
    fieldsets = (
        (None, {"fields": ("case", "kind", "language", "title", "dated_on")}),
        (_("What the document concerns (within its case)"), {"fields": LINKS}),
    )
    add_fieldsets = (
        (None, {"fields": ("case", "kind", "language", "title", "dated_on", "file", "note")}),
        (_("What the document concerns (within its case)"), {"fields": LINKS}),
    )

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return ("case",) if obj is not None else ()

    # -- choices: the user's writable records, within the document's case
    def choices_for(self, db_field, request, base):
        if db_field.name in LINKS:
            model = db_field.related_model
            return access.writable(request.user, base if base is not None else model.objects.all())
        return super().choices_for(db_field, request, base)

    def _initial_case(self, request):
        """The case named in the add page's address, if the user may add documents to it."""
        from cases.models import Case

        case_id = request.GET.get("case")
        if not case_id or not str(case_id).isdigit():
            return None
        return Case.objects.writable_by(request.user).filter(pk=case_id).first()

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        case = self._initial_case(request)
        # Another unit's case (or request, asset) named in the address fills in nothing.
        for name in ("case", *LINKS):
            initial.pop(name, None)
        if case is not None:
            initial["case"] = case.pk
            for name, related in (("request", case.requests), ("asset", case.assets)):
                value = request.GET.get(name)
                if value and str(value).isdigit() and related.filter(pk=value).exists():
                    initial[name] = int(value)
        return initial

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        case = obj.case if obj is not None else self._initial_case(request)
        fields = form_class.base_fields
        narrowed = {
            "request": {"case": case},
            "asset": {"case": case},
            "court_decision": {"asset__case": case},
            "checklist_item": {"request__case": case},
        }
        for name, lookup in narrowed.items():
            if name in fields and hasattr(fields[name], "queryset"):
                # Without a case yet (the add page opened from the list) nothing is offered: the
                # links are chosen on the document's page, among its case's records.
                queryset = fields[name].queryset
                fields[name].queryset = queryset.filter(**lookup) if case is not None else queryset.none()
        if "checklist_item" in fields and hasattr(fields["checklist_item"], "queryset"):
            fields["checklist_item"].queryset = fields["checklist_item"].queryset.select_related(
                "request", "requirement"
            )
            fields["checklist_item"].label_from_instance = lambda item: f"{item.request.reference}: {item.requirement}"
        return form_class

    # -- columns
    @admin.display(description=_("case"), ordering="case__register_number")
    def case_link(self, obj):
        if obj.case_id is None:
            return incoming_request_link(obj.incoming_request)
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:cases_case_change", args=[obj.case_id]), obj.case.register_number
        )

    @admin.display(description=_("concerns"))
    def concerns(self, obj):
        parts = []
        if obj.request_id:
            url = reverse("admin:requests_request_change", args=[obj.request_id])
            parts.append((url, obj.request.reference or str(obj.request)))
        if obj.asset_id:
            parts.append((reverse("admin:assets_asset_change", args=[obj.asset_id]), str(obj.asset)))
        if not parts:
            return "—"
        return format_html_join(", ", '<a href="{}">{}</a>', parts)

    @admin.display(description=_("file name"), ordering="current_version__filename")
    def current_filename(self, obj):
        return obj.current_version.filename if obj.current_version else "—"

    @admin.display(description=_("size"), ordering="current_version__size")
    def current_size(self, obj):
        return human_size(obj.current_version.size) if obj.current_version else "—"

    @admin.display(description=_("SHA-256"))
    def current_sha256(self, obj):
        if not obj.current_version:
            return "—"
        sha = obj.current_version.sha256
        return format_html('<code title="{}">{}…</code>', sha, sha[:12])

    # -- saving through the services
    def service_create(self, request, data):
        upload = data["file"]
        return services.document_add(
            actor=request.user,
            case=data["case"],
            kind=data["kind"],
            title=data["title"],
            file=upload,
            filename=getattr(upload, "name", "") or "",
            language=data.get("language") or Document.Language.EN,
            dated_on=data.get("dated_on"),
            note=data.get("note", ""),
            **{name: data.get(name) for name in LINKS},
        )

    def service_update(self, request, obj, changes, expected_version):
        return services.document_update(actor=request.user, document=obj, expected_version=expected_version, **changes)

    # -- back to the page the upload started from
    def _return_url(self, request, obj):
        back = request.GET.get(RETURN_PARAM)
        if back == "case":
            return reverse("admin:cases_case_change", args=[obj.case_id])
        if back == "request" and obj.request_id:
            return reverse("admin:requests_request_change", args=[obj.request_id])
        if back == "asset" and obj.asset_id:
            return reverse("admin:assets_asset_change", args=[obj.asset_id])
        return None

    def response_add(self, request, obj, post_url_continue=None):
        url = self._return_url(request, obj)
        if url is not None and "_continue" not in request.POST and "_addanother" not in request.POST:
            messages.success(request, _("The document “%(title)s” was added.") % {"title": obj.title})
            return HttpResponseRedirect(url)
        return super().response_add(request, obj, post_url_continue)

    # -- the change page: versions and the upload of a new one
    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            versions = list(obj.versions.select_related("added_by").order_by("-number"))
            allowed = may_download(request, obj.owner)
            context["document_versions"] = [
                {"version": v, "size": human_size(v.size), "url": download_url(v) if allowed else ""} for v in versions
            ]
            context["may_download"] = allowed
            context["no_download_help"] = NO_DOWNLOAD_HELP
            if self.has_change_permission(request, obj):
                context["version_form"] = VersionUploadForm(obj=obj)
                context["new_version_url"] = reverse("admin:documents_document_new_version", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/new_version/",
                self.admin_site.admin_view(self.new_version_view),
                name="documents_document_new_version",
            ),
            *super().get_urls(),
        ]

    def new_version_view(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("No such record, or it is not visible to you."))
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        change_url = reverse("admin:documents_document_change", args=[obj.pk])
        form = VersionUploadForm(request.POST or None, request.FILES or None, obj=obj)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                version = services.document_add_version(
                    actor=request.user,
                    document=obj,
                    file=upload,
                    filename=getattr(upload, "name", "") or "",
                    note=form.cleaned_data.get("note", ""),
                    expected_version=form.cleaned_data.get("expected_version"),
                )
            except DomainError as exc:
                add_domain_error(form, exc)
                messages.error(request, str(exc.message))
            else:
                messages.success(
                    request,
                    _("Version %(number)d of “%(title)s” was added; the earlier versions are kept.")
                    % {"number": version.number, "title": obj.title},
                )
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Upload a new version: %(title)s") % {"title": obj.title},
            "opts": self.model._meta,
            "original": obj,
            "form": form,
            "change_url": change_url,
            "has_view_permission": True,
        }
        return TemplateResponse(request, self.new_version_template, context)


@admin.register(DocumentVersion)
class DocumentVersionAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Versions are listed on their document's page; this admin serves their checked download."""

    list_display = ("document", "number", "filename", "content_type", "size", "sha256", "added_by", "added_at")
    list_select_related = ("document", "added_by")
    search_fields = ("=sha256", "document__title")
    # Never the file field: its storage URL would bypass the checked download.
    fields = (
        "document",
        "number",
        "filename",
        "content_type",
        "size",
        "sha256",
        "added_by",
        "added_at",
        "note",
        "marked_draft",
    )
    readonly_fields = fields
    change_form_template = "admin/recovery/change_form.html"

    def has_module_permission(self, request):
        return False  # shown on the document page

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and may_download(request, obj.document.owner):
            context["extra_links"] = [{"label": _("Download"), "url": download_url(obj)}]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/download/",
                self.admin_site.admin_view(views.version_download),
                name="documents_documentversion_download",
            ),
            *super().get_urls(),
        ]


# --- letter templates ------------------------------------------------------------------------------


class LetterTemplateForm(forms.ModelForm):
    class Meta:
        model = LetterTemplate
        fields = ("instrument_kind", "purpose", "language", "body", "active")
        widgets = {"body": forms.Textarea(attrs={"rows": 30, "cols": 100, "class": "vLargeTextField"})}

    def clean_body(self):
        body = self.cleaned_data.get("body", "")
        try:
            Template(body)
        except TemplateSyntaxError as exc:
            raise forms.ValidationError(
                _("This is not a valid template: %(error)s"), code="invalid_template", params={"error": exc}
            ) from exc
        return body


@admin.register(LetterTemplate)
class LetterTemplateAdmin(UrlLookupGate, admin.ModelAdmin):
    """The texts of request and supplementary letters, kept by administrators (a change takes
    effect for the next letter generated; letters already stored keep their text)."""

    form = LetterTemplateForm
    list_display = ("instrument_kind", "purpose", "language", "active", "updated_at")
    list_filter = ("instrument_kind", "purpose", "language", "active")
    search_fields = ("body",)
