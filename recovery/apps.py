from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecoveryConfig(AppConfig):
    name = "recovery"
    verbose_name = _("Reference data and shared records")

    def ready(self):
        from django.db import connections
        from django.db.backends.signals import connection_created

        from . import (
            signals,  # noqa: F401  (role groups and their permissions after migrate)
            table_versions,
        )
        from .security import receivers  # noqa: F401  (audit of logins; sessions end on deactivation)
        from .security.append_only import protect_change_log

        protect_change_log()  # the change log refuses changes in the ORM, as AuditEvent does

        # Every statement through Django moves the versions of the tables it writes (the API's list
        # cache relies on it), in every process that writes: web, workers, beat, commands.
        connection_created.connect(table_versions.on_connection_created, dispatch_uid="table_versions")
        for connection in connections.all(initialized_only=True):
            table_versions.install(connection)
