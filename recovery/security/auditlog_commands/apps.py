from django.apps import AppConfig


class AuditlogCommandsConfig(AppConfig):
    name = "recovery.security.auditlog_commands"
    label = "recovery_auditlog_commands"
