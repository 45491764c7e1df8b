"""The admin's desk and notifications inbox (pages in the admin's look, under /admin/).

The desk (recovery.desk) lists what waits for the signed-in person; the inbox lists their
notifications, marks them read (POST, through recovery.notifications.mark_read) and opens them.
Every notification page reads `notifications_for(request.user)`, so another person's notification
answers 404, as one that does not exist.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from recovery.desk import desk_for
from recovery.links import safe_local_link
from recovery.notifications import mark_read, notifications_for

NOTIFICATIONS_PER_PAGE = 25
# The kinds notifications are posted with (recovery.notifications.notify's `kind`), as people read them.
KIND_LABELS = {"reminder": _("Reminder")}


def _page(request, title, template, **context):
    return TemplateResponse(
        request, template, {**admin.site.each_context(request), "title": title, "subtitle": None, **context}
    )


@require_GET
def desk_view(request):
    return _page(request, _("My desk"), "admin/recovery/desk.html", desk=desk_for(request.user))


class InboxFilterForm(forms.Form):
    show = forms.ChoiceField(
        label=_("Show"), choices=[("unread", _("Unread")), ("all", _("All"))], required=False, initial="unread"
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, data, *, kinds):
        super().__init__(data)
        self.fields["kind"].choices = [("", _("All kinds"))] + [
            (kind, KIND_LABELS.get(kind, kind)) for kind in sorted(set(kinds) | set(KIND_LABELS))
        ]


@require_GET
def inbox_view(request):
    mine = notifications_for(request.user)
    kinds = mine.order_by().values_list("kind", flat=True).distinct()
    form = InboxFilterForm(request.GET, kinds=kinds)
    filters = form.cleaned_data if form.is_valid() else {}
    if form.errors:
        messages.error(request, _("Unknown filter value; showing unread notifications of every kind."))
    show = filters.get("show") or "unread"
    listed = mine.filter(read_at__isnull=True) if show == "unread" else mine
    if filters.get("kind"):
        listed = listed.filter(kind=filters["kind"])
    page = Paginator(listed, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    for notification in page.object_list:
        notification.safe_link = safe_local_link(notification.link)
        notification.kind_label = KIND_LABELS.get(notification.kind, notification.kind)
        notification.text = _text_below_title(notification)
    query = request.GET.copy()
    query.pop("page", None)
    return _page(
        request,
        _("Notifications"),
        "admin/recovery/notifications_inbox.html",
        form=form,
        page=page,
        show=show,
        query=query.urlencode(),
        unread_total=mine.filter(read_at__isnull=True).count(),
    )


def _text_below_title(notification) -> str:
    """The notification's text without its first line when that repeats the title (reminders
    write their subject atop the body, as an email reads)."""
    body = (notification.body or "").strip()
    first, _newline, rest = body.partition("\n")
    return rest.strip() if first.strip() == notification.title.strip() else body


def _back(request):
    """Where to go after marking read: the inbox page the form was on (a path of this site only)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect("desk:inbox")


@require_POST
def mark_read_view(request, pk):
    notification = get_object_or_404(notifications_for(request.user), pk=pk)
    mark_read(user=request.user, ids=[notification.pk])
    return _back(request)


@require_POST
def mark_all_read_view(request):
    changed = mark_read(user=request.user)
    messages.success(
        request,
        ngettext("%(count)d notification marked read.", "%(count)d notifications marked read.", changed)
        % {"count": changed},
    )
    return _back(request)


@require_GET
def open_view(request, pk):
    """Follow a notification's link, marking it read: the person has seen it. A link that does not
    lead to this site's pages is never followed (the inbox is shown instead)."""
    notification = get_object_or_404(notifications_for(request.user), pk=pk)
    mark_read(user=request.user, ids=[notification.pk])
    target = safe_local_link(notification.link)
    if not target:
        messages.warning(request, _("This notification has no page to open."))
        return redirect("desk:inbox")
    return HttpResponseRedirect(target)


def admin_only(view):
    """The admin's own gate: staff, active, signed in (and verified, where two factors are on)."""
    return admin.site.admin_view(view)
