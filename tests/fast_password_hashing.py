"""A fast password hasher for tests: the cast's users are created in nearly every test, and the
production hasher (PBKDF2, about a million rounds) would make that the slowest part of the suite.
The sub-folder conftest files import this autouse fixture."""

import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
