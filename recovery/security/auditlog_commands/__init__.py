"""An app listed just before django-auditlog, only so that its management commands take the place
of auditlog's (Django runs the command of the first app in INSTALLED_APPS that has it)."""
