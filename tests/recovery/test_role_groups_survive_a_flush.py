"""The role groups and their permissions come from one post_migrate receiver (recovery.signals), so
a database emptied by `flush` (as every transaction=True test's teardown does) gets them back."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from recovery.roles import ADMINISTRATOR, ALL_ROLES, ANALYST, INVESTIGATOR, SUPERVISOR
from recovery.security.receivers import AUDITOR


def permissions_of(name):
    return set(Group.objects.get(name=name).permissions.values_list("content_type__app_label", "codename"))


@pytest.mark.django_db(transaction=True)
def test_a_flush_brings_back_every_role_group_with_its_permissions():
    Group.objects.all().delete()
    call_command("flush", interactive=False, verbosity=0)

    assert set(Group.objects.values_list("name", flat=True)) == {*ALL_ROLES, AUDITOR}
    assert {("cases", "add_case"), ("cases", "change_case")} <= permissions_of(INVESTIGATOR)
    assert ("requests", "view_reminderdelivery") in permissions_of(SUPERVISOR)
    assert {codename for _, codename in permissions_of(ANALYST)} >= {"view_case", "view_request", "view_asset"}
    assert not {codename for _, codename in permissions_of(ANALYST) if not codename.startswith("view_")}
    administrator = permissions_of(ADMINISTRATOR)
    assert {("recovery", "view_auditevent"), ("axes", "delete_accessattempt")} <= administrator
    assert ("auth", "change_group") in administrator
    assert permissions_of(AUDITOR) == {("recovery", "view_auditevent"), ("auditlog", "view_logentry")}
    # Nobody may rewrite the audit trail, nor delete a case's legal history.
    everyone = set().union(*(permissions_of(name) for name in (*ALL_ROLES, AUDITOR)))
    assert not {p for p in everyone if p[1] in ("change_auditevent", "delete_logentry", "delete_case")}


@pytest.mark.django_db(transaction=True)
def test_the_next_transactional_test_starts_with_the_groups_too():
    # The previous test's teardown flushed the database (and, run alone, this one starts fresh).
    assert set(Group.objects.values_list("name", flat=True)) == {*ALL_ROLES, AUDITOR}
    assert permissions_of(INVESTIGATOR)
