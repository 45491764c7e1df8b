# --- Security and audit (issue 7): the read-only audit event admin lives with the security code.
from recovery.security import admin as _security_admin  # noqa: F401, E402
