from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Case file")

    def ready(self):
        from recovery.audit import register_models

        from .models import Document, LetterTemplate

        register_models(Document, LetterTemplate)
