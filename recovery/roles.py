"""The four roles, as Django groups (created after every migrate by recovery.signals)."""

from django.utils.translation import gettext_lazy as _

INVESTIGATOR = "Investigator"
SUPERVISOR = "Supervisor"
ANALYST = "Analyst"
ADMINISTRATOR = "Administrator"
ALL_ROLES = (INVESTIGATOR, SUPERVISOR, ANALYST, ADMINISTRATOR)
# Reads the audit trails and no case record (its group and permissions: recovery.security.receivers).
AUDITOR = "Auditor"
ROLE_LABELS = {
    INVESTIGATOR: _("Investigator"),
    SUPERVISOR: _("Supervisor"),
    ANALYST: _("Analyst (read-only)"),
    ADMINISTRATOR: _("Administrator"),
}

# Incoming requests (foreign states' requests executed here) are read and written as case records are.
DOMAIN_APPS = ("cases", "requests", "assets", "incoming")
# The case file: documents are case records (read and written with their case); their versions are
# added, never changed; nobody deletes either. Letter templates are kept by administrators.
DOCUMENTS_APP = "documents"
DOCUMENT_PERMISSIONS = {
    INVESTIGATOR: {
        "document": {"view", "add", "change"},
        "documentversion": {"view", "add"},
        "lettertemplate": {"view"},
    },
    SUPERVISOR: {"document": {"view", "add", "change"}, "documentversion": {"view", "add"}, "lettertemplate": {"view"}},
    ANALYST: {"document": {"view"}, "documentversion": {"view"}},
    ADMINISTRATOR: {
        "document": {"view", "add", "change"},
        "documentversion": {"view", "add"},
        "lettertemplate": {"view", "add", "change"},
    },
}
REFERENCE_APP = "recovery"
# Reference models that administrators maintain; everyone else reads them.
REFERENCE_MODELS = (
    "exchangerate",
    "unit",
    "crimecategory",
    "assistancemeasure",
    "countryprofile",
    "legalinstrument",
    "instrumentrequirement",
)


def role_names(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


def has_role(user, role: str) -> bool:
    return role in role_names(user)
