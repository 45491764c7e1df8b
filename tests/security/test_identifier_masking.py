"""IIN and passport numbers: full for the case's investigators, supervisors and administrators;
masked for analysts, auditors and investigators of other units."""

import pytest

from cases.services import case_update
from recovery.access import sees_full_identifiers, subjects_seen_in_full
from recovery.security.masking import mask_identifier, mask_value

IIN = "860101300123"


@pytest.mark.parametrize(
    ("who", "full"),
    [
        ("investigator_a", True),  # leads the case
        ("supervisor_a", True),
        ("administrator", True),
        ("superuser", True),
        ("analyst", False),
        ("auditor", False),
        ("investigator_a1", False),  # sub-unit, not on the case
        ("investigator_b", False),  # another unit
        ("integration_client", True),  # an investigator account of unit A
    ],
)
def test_masking_per_role(request, records_a, who, full):
    user = request.getfixturevalue(who)
    case, subject = records_a["case"], records_a["subject"]
    expected = IIN if full else "•••••••••123"
    assert mask_identifier(IIN, user, case=case) == expected
    assert mask_identifier(IIN, user, subject=subject) == expected
    # The decision for a whole list (the admin's subjects page) is the same, subject by subject.
    assert subjects_seen_in_full(user, [subject.pk]) == ({subject.pk} if full else set())


def test_team_member_from_another_unit_sees_in_full(records_a, records_b, investigator_b, administrator):
    case, subject = records_a["case"], records_a["subject"]
    assert not sees_full_identifiers(investigator_b, case=case)
    assert subjects_seen_in_full(investigator_b, [subject.pk, records_b["subject"].pk]) == {records_b["subject"].pk}
    case_update(case=case, actor=administrator, team=[investigator_b])
    assert sees_full_identifiers(investigator_b, case=case)
    assert sees_full_identifiers(investigator_b, subject=subject)
    assert subjects_seen_in_full(investigator_b, [subject.pk, records_b["subject"].pk]) == {
        subject.pk,
        records_b["subject"].pk,
    }


def test_anonymous_and_inactive_users_see_masked(records_a, supervisor_a):
    from django.contrib.auth.models import AnonymousUser

    assert mask_identifier(IIN, AnonymousUser()) == "•••••••••123"
    supervisor_a.is_active = False
    assert mask_identifier(IIN, supervisor_a) == "•••••••••123"


def test_mask_value_shapes():
    assert mask_value("") == ""
    assert mask_value(None) == ""
    assert mask_value("N12") == "•••"
    assert mask_value("N1234567") == "•••••567"
