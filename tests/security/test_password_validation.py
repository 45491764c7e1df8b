"""Strong passwords only: length, not common, not numeric, not like the user's attributes."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError


@pytest.mark.parametrize("password", ["short1!", "password123", "12345678901234", "inv_a@example.org1"])
def test_weak_passwords_are_refused(investigator_a, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=investigator_a)


def test_a_long_unusual_passphrase_is_accepted(investigator_a):
    validate_password("ochre-lantern-Tundra-47", user=investigator_a)
