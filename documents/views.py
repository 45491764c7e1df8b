"""The one way a stored file leaves the service from the admin: looked up within what the user
reads, checked and audited by the services, streamed as an attachment."""

from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from documents import selectors, services
from recovery.api.fields import valid_id
from recovery.errors import AccessDenied, StoredFileMissing


def version_download(request, object_id):
    """GET /admin/documents/documentversion/<id>/download/ (wrapped by the admin site: sign-in and
    two-factor as for every admin page). Another unit's version answers exactly as a missing one."""
    version_id = str(object_id).strip("/")
    if not valid_id(version_id):
        raise Http404(_("No such record, or it is not visible to you."))
    version = selectors.version_visible_to(request.user, int(version_id))
    if version is None:
        raise Http404(_("No such record, or it is not visible to you."))
    try:
        services.version_to_download(actor=request.user, version=version)
    except AccessDenied as exc:
        if exc.code == "not_found":
            raise Http404(_("No such record, or it is not visible to you.")) from None
        context = {
            **_admin_context(request),
            "title": _("The file cannot be opened"),
            "reason": str(exc.message),
            "document": version.document,
        }
        return TemplateResponse(request, "admin/documents/download_refused.html", context, status=403)
    except StoredFileMissing as exc:
        # The row outlived its file (a restore without the storage): say so, never a 500.
        raise Http404(str(exc.message)) from None
    try:
        return services.file_response(version)
    except StoredFileMissing as exc:
        raise Http404(str(exc.message)) from None


def _admin_context(request):
    from django.contrib import admin

    return admin.site.each_context(request)
