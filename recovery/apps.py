from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecoveryConfig(AppConfig):
    name = "recovery"
    verbose_name = _("Reference data and shared records")

    def ready(self):
        from . import signals  # noqa: F401  (role groups and their permissions after migrate)
        from .security import receivers  # noqa: F401  (audit of logins; sessions end on deactivation)
        from .security.append_only import protect_change_log

        protect_change_log()  # the change log refuses changes in the ORM, as AuditEvent does
