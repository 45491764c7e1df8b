"""The e2e tests use the admin tests' desk. (Their live server's database is flushed between tests;
the role groups and their permissions come back with the flush's post_migrate, recovery.signals.)"""

from tests.admin.conftest import desk  # noqa: F401
