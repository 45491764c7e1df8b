from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssetsConfig(AppConfig):
    name = "assets"
    verbose_name = _("Assets")

    def ready(self):
        from recovery.audit import register_models

        from .models import Asset, AssetAgreement, CourtDecision, ThirdPartyClaim

        register_models(Asset, AssetAgreement, CourtDecision, ThirdPartyClaim)

        from mla_requests import reminder_services

        from . import freeze_reminders

        reminder_services.freeze_expiry_digest_text = freeze_reminders.digest_text
