"""Status changes from the admin: one button per allowed move on the change page, each opening a
short form (effective date, note, document reference, and the fields the move needs) whose
submission calls the app's transition service. A refusal (DomainError) is shown on the form and
as an admin error message; the service's transaction rolled back, so nothing changed."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recovery.admin_base import add_domain_error
from recovery.errors import DomainError


@dataclass(frozen=True)
class TransitionSpec:
    """A move offered on the change page: its button label and the extra fields its form needs."""

    label: str
    fields: tuple[str, ...] = field(default_factory=tuple)
    # The button's look: "default", or "danger" for moves that end the record's life.
    style: str = "default"


class TransitionForm(forms.Form):
    effective_on = forms.DateField(
        label=_("effective on"),
        widget=AdminDateWidget,
        help_text=_("When it took effect; may be earlier than today, never later."),
    )
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))
    document_reference = forms.CharField(label=_("document reference"), required=False, max_length=255)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, obj=None, extra_fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.obj = obj
        self.fields["effective_on"].initial = timezone.localdate()
        if obj is not None:
            self.fields["expected_version"].initial = obj.version
        for name in extra_fields:
            self.fields[name] = self.make_extra_field(name)

    def make_extra_field(self, name: str) -> forms.Field:
        currency = getattr(self.obj, "currency", "")
        if name in ("amount", "amount_optional"):
            return forms.DecimalField(
                label=_("amount (%(currency)s)") % {"currency": currency} if currency else _("amount"),
                max_digits=20,
                decimal_places=2,
                min_value=0,
                required=name == "amount",
            )
        if name == "override_reason":
            return forms.CharField(
                label=_("override reason"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
                help_text=_("Only if you knowingly set a rule aside; it is kept on the timeline."),
            )
        if name == "refusal_grounds":
            return forms.CharField(
                label=_("refusal grounds"),
                widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
                help_text=_("The grounds the requested state gave."),
            )
        if name == "foreign_reference":
            return forms.CharField(
                label=_("foreign reference"),
                required=False,
                max_length=64,
                initial=getattr(self.obj, "foreign_reference", ""),
            )
        if name == "response_due":
            return forms.DateField(
                label=_("response due"),
                required=False,
                widget=AdminDateWidget,
                help_text=_("Leave empty to compute it from the legal basis, the country or the office default."),
            )
        raise KeyError(name)


class ServiceActionMixin:
    """A per-object form that calls a service (not a status move): e.g. moving a deadline or
    deciding a claim. Same page, same error handling as the transition forms."""

    transition_template = "admin/recovery/transition_form.html"

    def service_action_view(self, request, object_id, *, form_class, perform, title, permission=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("No such record, or it is not visible to you."))
        allowed = permission(request, obj) if permission else self.has_change_permission(request, obj)
        if not allowed:
            raise PermissionDenied
        opts = self.model._meta
        change_url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk], current_app=self.admin_site.name
        )
        form = form_class(request.POST or None, obj=obj)
        if request.method == "POST" and form.is_valid():
            try:
                perform(request, obj, form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
                messages.error(request, str(exc.message))
            else:
                messages.success(request, _("%(obj)s: saved.") % {"obj": obj})
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": f"{title}: {obj}",
            "subtitle": str(obj),
            "opts": opts,
            "original": obj,
            "form": form,
            "spec": TransitionSpec(title),
            "change_url": change_url,
            "media": self.media + form.media,
            "has_view_permission": True,
        }
        return TemplateResponse(request, self.transition_template, context)


class TransitionAdminMixin(ServiceActionMixin):
    """Per-object transition buttons and forms for a ServiceModelAdmin of a StatusModel."""

    transitions: dict[str, TransitionSpec] = {}
    transition_template = "admin/recovery/transition_form.html"

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "<path:object_id>/transition/<str:to_status>/",
                self.admin_site.admin_view(self.transition_view),
                name="{}_{}_transition".format(*info),
            ),
            *super().get_urls(),
        ]

    # -- what the change page offers
    def transition_buttons(self, request, obj):
        if obj is None or not self.has_change_permission(request, obj):
            return []
        info = self.model._meta.app_label, self.model._meta.model_name
        buttons = []
        for to_status in self.ordered_moves(obj):
            spec = self.transitions.get(to_status)
            if spec is None:
                continue
            url = reverse(
                "admin:{}_{}_transition".format(*info), args=[obj.pk, to_status], current_app=self.admin_site.name
            )
            buttons.append({"to_status": to_status, "label": spec.label, "url": url, "style": spec.style})
        return buttons

    def ordered_moves(self, obj):
        """Allowed moves in the order the transitions are declared (the workflow's natural order)."""
        allowed = set(obj.allowed_next_statuses)
        return [status for status in self.transitions if status in allowed]

    # -- the form
    def get_transition_form(self, request, obj, to_status, spec, data=None):
        return TransitionForm(data, obj=obj, extra_fields=spec.fields)

    def transition_context(self, request, obj, to_status, form) -> dict:
        return {}

    def perform_transition(self, request, obj, to_status, data):  # pragma: no cover - abstract
        raise NotImplementedError

    def transition_view(self, request, object_id, to_status):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("No such record, or it is not visible to you."))
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        spec = self.transitions.get(to_status)
        if spec is None:
            raise Http404(_("Unknown status change."))
        opts = self.model._meta
        change_url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk], current_app=self.admin_site.name
        )
        if request.method == "POST":
            form = self.get_transition_form(request, obj, to_status, spec, data=request.POST)
            if form.is_valid():
                try:
                    self.perform_transition(request, obj, to_status, form.cleaned_data)
                except DomainError as exc:
                    add_domain_error(form, exc)
                    messages.error(request, str(exc.message))
                else:
                    obj.refresh_from_db()
                    messages.success(
                        request,
                        _("%(obj)s: %(status)s recorded.") % {"obj": obj, "status": obj.get_status_display()},
                    )
                    return HttpResponseRedirect(change_url)
        else:
            form = self.get_transition_form(request, obj, to_status, spec)
            if to_status not in obj.allowed_next_statuses:
                messages.warning(
                    request,
                    _("This change is not allowed from the current status (%(status)s).")
                    % {"status": obj.get_status_display()},
                )
        context = {
            **self.admin_site.each_context(request),
            "title": f"{spec.label}: {obj}",
            "subtitle": str(obj),
            "opts": opts,
            "original": obj,
            "form": form,
            "spec": spec,
            "to_status": to_status,
            "to_status_label": obj.status_label(to_status),
            "change_url": change_url,
            "media": self.media + form.media,
            "has_view_permission": True,
            **self.transition_context(request, obj, to_status, form),
        }
        return TemplateResponse(request, self.transition_template, context)
