from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncomingConfig(AppConfig):
    name = "incoming"
    verbose_name = _("Incoming requests")

    def ready(self):
        from recovery.audit import register_models

        from .models import IncomingRequest

        register_models(IncomingRequest)
