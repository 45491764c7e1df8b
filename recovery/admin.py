"""Admin of the shared records."""

# API credentials (issue 4): token and idempotency-key admin.
from recovery import admin_tokens  # noqa: E402,F401
