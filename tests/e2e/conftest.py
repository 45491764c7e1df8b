"""The e2e tests run against a live server, so their database is flushed between tests; the role
groups a migration created go with it and are put back here. They also use the admin tests' desk."""

import pytest

from tests.admin.conftest import desk  # noqa: F401


@pytest.fixture(autouse=True)
def roles_exist(transactional_db):
    from django.contrib.auth.models import Group

    from recovery.permissions import sync_role_permissions
    from recovery.roles import ALL_ROLES

    for name in ALL_ROLES:
        Group.objects.get_or_create(name=name)
    sync_role_permissions()
