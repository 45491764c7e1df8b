"""The e2e tests use the admin tests' desk: two units, their cases, requests and assets."""

from tests.admin.conftest import desk  # noqa: F401
