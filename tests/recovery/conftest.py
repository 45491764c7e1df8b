from tests.fast_password_hashing import fast_password_hashing  # noqa: F401 (autouse fixture)
