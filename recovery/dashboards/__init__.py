"""Supervisors' dashboards and the international-cooperation statistics (server-rendered pages)."""
