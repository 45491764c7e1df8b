from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from recovery.audit import register_models

        from .models import Case, CaseSubject, Subject

        register_models(Case, Subject, CaseSubject)
