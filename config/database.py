"""Which database role a process connects as (docs/security.md, "Database roles").

`DATABASE_URL` names the application's role: web, worker, beat and every ordinary command read and
write rows with it, and it may do nothing else. `DATABASE_OWNER_URL`, when set, names the role that
owns the tables; the commands that change the schema or the application's privileges connect as it
(`manage.py migrate`, `manage.py grant_app_role`), so the owner's password is needed only where those
run. `DJANGO_DB_ROLE=owner` (or `app`) forces the choice for any other command, e.g. an administrator's
`manage.py dbshell`. Without `DATABASE_OWNER_URL` (development, the test suite) there is one role.

Kept free of Django's setup so that it can be tested without starting a process.
"""

from __future__ import annotations

from collections.abc import Sequence

import environ
from django.core.exceptions import ImproperlyConfigured

# Commands that create or alter tables, or grant privileges on them.
OWNER_COMMANDS = frozenset({"migrate", "grant_app_role", "createcachetable"})


def database_role(argv: Sequence[str], *, owner_url: str, forced: str = "") -> str:
    """'owner' or 'app': forced by DJANGO_DB_ROLE, else the owner for the schema commands when there
    is an owner URL (argv[1] is the command of `manage.py <command>` and `django-admin <command>`)."""
    if forced:
        if forced == "owner" and not owner_url:
            raise ImproperlyConfigured("DJANGO_DB_ROLE=owner needs DATABASE_OWNER_URL.")
        return forced
    command = argv[1] if len(argv) > 1 else ""
    return "owner" if owner_url and command in OWNER_COMMANDS else "app"


def database_config(app_url: str, owner_url: str, role: str) -> dict:
    """Django's DATABASES["default"] for the role; the owner URL must name the app's database."""
    app = environ.Env.db_url_config(app_url)
    if not owner_url:
        return app
    owner = environ.Env.db_url_config(owner_url)
    if owner["ENGINE"] != "django.db.backends.postgresql" or app["ENGINE"] != owner["ENGINE"]:
        raise ImproperlyConfigured("DATABASE_OWNER_URL is for PostgreSQL, with DATABASE_URL on PostgreSQL too.")
    same = ("NAME", "HOST", "PORT")
    if tuple(app.get(k) for k in same) != tuple(owner.get(k) for k in same):
        raise ImproperlyConfigured("DATABASE_OWNER_URL and DATABASE_URL must name one database (host, port, name).")
    if owner.get("USER") == app.get("USER"):
        raise ImproperlyConfigured("DATABASE_OWNER_URL and DATABASE_URL must name two different roles.")
    return owner if role == "owner" else app
