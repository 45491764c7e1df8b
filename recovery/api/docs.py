"""The browsable API docs (Swagger UI, ReDoc) under the site's Content-Security-Policy: their files
come from drf-spectacular-sidecar on our own origin, and no page carries an inline script."""

from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView


class SwaggerDocsView(SpectacularSwaggerSplitView):
    """Swagger UI whose start-up script is a second request to this same URL (`?script`), not an
    inline <script> the policy would block."""


@method_decorator(csp_update({"worker-src": ["'self'", "blob:"]}), name="dispatch")
class RedocDocsView(SpectacularRedocView):
    """ReDoc started from a <redoc> element (no inline script), without the web fonts the stock
    template fetches from another host. ReDoc runs its search index in a web worker it builds
    from a blob: URL, so this page alone also allows workers from blob:."""

    template_name = "api/redoc.html"
