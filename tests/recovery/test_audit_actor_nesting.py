"""audit_actor blocks nest: services open their own block inside a command's or a web request's, and
the enclosing block must keep attributing changes afterwards, without leaving signal receivers behind."""

import pytest
from auditlog.models import LogEntry
from django.db.models.signals import pre_save

from cases.models import Subject
from recovery.audit import audit_actor


def actor_of(obj):
    return LogEntry.objects.get_for_object(obj).get(action=LogEntry.Action.CREATE).actor


@pytest.mark.django_db
def test_the_outer_actor_is_kept_after_an_inner_block_for_the_same_actor(investigator_a):
    receivers_before = len(pre_save.receivers)
    with audit_actor(investigator_a):
        with audit_actor(investigator_a):
            first = Subject.objects.create(name_latin="First")
        second = Subject.objects.create(name_latin="Second")
    assert actor_of(first) == investigator_a
    assert actor_of(second) == investigator_a
    assert len(pre_save.receivers) == receivers_before


@pytest.mark.django_db
def test_an_inner_block_for_another_actor_attributes_only_its_own_changes(investigator_a, investigator_b):
    receivers_before = len(pre_save.receivers)
    with audit_actor(investigator_a):
        with audit_actor(investigator_b):
            inner = Subject.objects.create(name_latin="Inner")
        outer = Subject.objects.create(name_latin="Outer")
    after = Subject.objects.create(name_latin="After")
    assert actor_of(inner) == investigator_b
    assert actor_of(outer) == investigator_a
    assert actor_of(after) is None
    assert len(pre_save.receivers) == receivers_before
