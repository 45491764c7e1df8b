"""Security and audit: audit events, login protection (lockout, two-factor), session lifetimes,
masking of personal identifiers and the case bundle export. See docs/security.md."""
