"""Admin for API credentials: issue a token (shown once), revoke tokens, see idempotency keys.

Imported from recovery/admin.py. Issuing and revoking go through recovery/api/services.py.
"""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from recovery.admin_base import UrlLookupGate
from recovery.api.services import api_token_create, api_token_revoke
from recovery.models import ApiToken, IdempotencyKey


class ApiTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"),
        choices=[(s, s) for s in ApiToken.SCOPE_CHOICES],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Write includes read."),
    )

    class Meta:
        model = ApiToken
        fields = ["name", "user", "scopes", "expires_at", "allowed_ips"]

    def clean(self):
        # The service's own checks, run here so the admin shows them on the form.
        data = super().clean()
        if self.instance.pk is None:
            from django.utils import timezone

            from recovery.api.tokens import parse_networks

            if data.get("user") is not None and not data["user"].is_active:
                self.add_error("user", _("The account is deactivated."))
            if data.get("expires_at") and data["expires_at"] <= timezone.now():
                self.add_error("expires_at", _("The expiry must be in the future."))
            try:
                parse_networks(data.get("allowed_ips") or "")
            except ValueError as exc:
                self.add_error("allowed_ips", str(exc))
        return data


@admin.register(ApiToken)
class ApiTokenAdmin(UrlLookupGate, admin.ModelAdmin):
    form = ApiTokenForm
    list_display = ["name", "user", "prefix", "scope_list", "expires_at", "revoked_at", "last_used_at", "last_used_ip"]
    list_filter = ["revoked_at", "expires_at"]
    search_fields = ["name", "prefix", "user__username"]
    readonly_fields = ["prefix", "created_at", "created_by", "last_used_at", "last_used_ip", "revoked_at"]
    actions = ["revoke"]

    @admin.display(description=_("scopes"))
    def scope_list(self, obj):
        return ", ".join(obj.scopes or [])

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            # A token's grants are fixed once issued: issue a new one rather than widen an old one.
            return [*self.readonly_fields, "name", "user", "scopes", "expires_at", "allowed_ips"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return
        token, text = api_token_create(
            actor=request.user,
            user=form.cleaned_data["user"],
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            expires_at=form.cleaned_data.get("expires_at"),
            allowed_ips=form.cleaned_data.get("allowed_ips") or "",
        )
        obj.pk = token.pk
        obj.__dict__.update({k: v for k, v in token.__dict__.items() if not k.startswith("_")})
        messages.warning(
            request,
            _("Token for %(user)s: %(token)s — copy it now, it is not stored and will not be shown again.")
            % {"user": token.user, "token": text},
        )

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            api_token_revoke(actor=request.user, token=token)
        messages.success(request, _("%(n)d token(s) revoked.") % {"n": queryset.count()})

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the row records who had access and when it was last used


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(UrlLookupGate, admin.ModelAdmin):
    list_display = ["key", "user", "method", "path", "response_status", "created_at"]
    search_fields = ["key", "user__username", "path"]
    list_filter = ["method"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
