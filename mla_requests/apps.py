from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsConfig(AppConfig):
    # The package is mla_requests (a top-level `requests` package would hide the PyPI library that
    # DRF and drf-spectacular import); the label keeps tables, admin URLs and permissions "requests".
    name = "mla_requests"
    label = "requests"
    verbose_name = _("Outgoing requests")

    def ready(self):
        from recovery.audit import register_models

        from .models import ChecklistAnswer, Request

        register_models(Request, ChecklistAnswer)

        from .reminder_schedule import connect_signals

        connect_signals()
