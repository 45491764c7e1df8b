"""The fixed cast: two units (A with a sub-unit A1, and B), an investigator in each, a supervisor
of A, an analyst, an administrator, and an integration client. Tests read like prose with them."""

import pytest
from django.db import connection
from django.db.backends.signals import connection_created

from tests.factories import UnitFactory, UserFactory


def _allow_flushing_the_audit_tables(sender, connection, **kwargs):
    # On PostgreSQL a trigger refuses TRUNCATE of the audit and timeline tables (recovery 0008,
    # 0009) unless the tables' owner asks for it in the session; the flush after each
    # transaction=True test truncates every table, so the test database's connections ask.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET recovery.allow_audit_truncate = 'on'")


connection_created.connect(_allow_flushing_the_audit_tables, dispatch_uid="tests_allow_audit_truncate")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The cast is created in nearly every test; PBKDF2's million rounds would dominate the run.
    # PBKDF2 stays second so hashes made outside a test (module-scoped fixtures) still verify.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def _fresh_content_type_cache():
    # A transaction=True test flushes the database, and content types come back with new ids; a
    # cached old id then breaks the next audit row's foreign key (seen on SQLite in a full run).
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    # A request with Accept-Language leaves its language active in the thread after the response
    # (LocaleMiddleware activates, nothing deactivates): the next test would run in Kazakh.
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _two_factor_only_in_security_tests(request, settings):
    # TOTP is enforced for supervisors and administrators; tests about other behaviour sign them in
    # without a device. tests/security/ proves the enforcement itself.
    if not request.node.nodeid.startswith("tests/security/"):
        settings.RECOVERY_2FA_ENFORCED = False


@pytest.fixture
def unit_a(db):
    return UnitFactory(code="unit-a", name_en="Asset Recovery Department A")


@pytest.fixture
def unit_a1(unit_a):
    return UnitFactory(code="unit-a1", name_en="Regional office A1", parent=unit_a)


@pytest.fixture
def unit_b(db):
    return UnitFactory(code="unit-b", name_en="Anti-Corruption Department B")


@pytest.fixture
def investigator_a(unit_a):
    return UserFactory(username="inv_a", unit=unit_a, roles=["Investigator"])


@pytest.fixture
def investigator_a1(unit_a1):
    return UserFactory(username="inv_a1", unit=unit_a1, roles=["Investigator"])


@pytest.fixture
def investigator_b(unit_b):
    return UserFactory(username="inv_b", unit=unit_b, roles=["Investigator"])


@pytest.fixture
def supervisor_a(unit_a):
    return UserFactory(username="sup_a", unit=unit_a, roles=["Supervisor"])


@pytest.fixture
def analyst(db):
    return UserFactory(username="analyst", unit=None, roles=["Analyst"])


@pytest.fixture
def administrator(db):
    return UserFactory(username="admin_user", unit=None, roles=["Administrator"])


@pytest.fixture
def integration_client(unit_a):
    return UserFactory(username="svc_register", unit=unit_a, roles=["Investigator"], is_staff=False)


@pytest.fixture
def on_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL); CI runs it there")
    return True


@pytest.fixture(autouse=True)
def document_files(settings, tmp_path):
    """Document files of a test go to its own temporary directory, never to var/documents."""
    location = tmp_path / "documents"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location), "base_url": None},
        },
    }
    return location
