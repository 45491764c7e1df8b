"""Timeline rows can never be changed or deleted: not through the model, not through a queryset,
and on PostgreSQL not even by raw SQL (the triggers of migrations recovery 0002 and 0009)."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from assets.models import AssetStatusChange
from cases.models import Case, CaseStatusChange
from cases.services import case_transition
from mla_requests.models import RequestStatusChange
from tests.factories import make_asset, make_case, make_request

TIMELINES = {
    "case": (CaseStatusChange, lambda case: make_case(lead=case.lead_investigator)),
    "request": (RequestStatusChange, lambda case: make_request(case=case)),
    "asset": (AssetStatusChange, lambda case: make_asset(case=case)),
}


@pytest.fixture(params=sorted(TIMELINES))
def timeline_row(request, investigator_a):
    model, make = TIMELINES[request.param]
    make(make_case(lead=investigator_a))
    row = model.objects.latest("pk")
    return model, row


@pytest.mark.django_db
def test_a_row_cannot_be_saved_again(timeline_row):
    model, row = timeline_row
    row.note = "rewritten"
    with pytest.raises(TypeError, match="append-only"):
        row.save()
    assert model.objects.get(pk=row.pk).note != "rewritten"


@pytest.mark.django_db
def test_a_row_cannot_be_deleted(timeline_row):
    model, row = timeline_row
    with pytest.raises(TypeError, match="append-only"):
        row.delete()
    assert model.objects.filter(pk=row.pk).exists()


@pytest.mark.django_db
def test_a_queryset_cannot_update_or_delete_rows(timeline_row):
    model, row = timeline_row
    with pytest.raises(TypeError, match="append-only"):
        model.objects.filter(pk=row.pk).update(note="rewritten")
    with pytest.raises(TypeError, match="append-only"):
        model.objects.filter(pk=row.pk).delete()
    with pytest.raises(TypeError, match="append-only"):
        model.objects.all().delete()
    row.note = "rewritten"
    # bulk_update runs in its own atomic block; the refusal rolls back only that block.
    with pytest.raises(TypeError, match="append-only"), transaction.atomic():
        model.objects.bulk_update([row], ["note"])
    fresh = model.objects.get(pk=row.pk)
    assert fresh.note != "rewritten"


@pytest.mark.django_db
def test_the_related_manager_of_a_case_cannot_rewrite_its_timeline(investigator_a):
    case = make_case(lead=investigator_a)
    case_transition(case=case, to_status=Case.Status.CLOSED, actor=investigator_a)
    with pytest.raises(TypeError, match="append-only"):
        case.timeline.update(to_status="open")
    with pytest.raises(TypeError, match="append-only"):
        case.timeline.all().delete()
    assert list(case.timeline.values_list("to_status", flat=True)) == ["open", "closed"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement", ["UPDATE {table} SET note = 'rewritten' WHERE id = %s", "DELETE FROM {table} WHERE id = %s"]
)
def test_postgres_refuses_raw_sql_that_rewrites_a_row(on_postgres, timeline_row, statement):
    model, row = timeline_row
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement.format(table=model._meta.db_table), [row.pk])
    fresh = model.objects.get(pk=row.pk)
    assert fresh.note == row.note


@pytest.mark.django_db
def test_postgres_refuses_truncate_of_a_timeline_without_the_owners_opt_in(on_postgres, timeline_row):
    # recovery 0009. The test database's sessions opt in (tests/conftest.py: the flush between
    # transactional tests); SET LOCAL takes it back until the savepoint ends. PostgreSQL will not
    # truncate with the test's own foreign-key checks still pending, so those run first.
    model, row = timeline_row
    table = model._meta.db_table
    # Documents may refer to a timeline row, so only a cascading TRUNCATE gets past the foreign keys
    # to the trigger; the plain one is refused by PostgreSQL before it.
    for statement in (f"TRUNCATE {table} CASCADE",):
        with (
            pytest.raises(DatabaseError, match="timeline rows are append-only: TRUNCATE"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL recovery.allow_audit_truncate = 'off'")
            cursor.execute(statement)
    assert model.objects.filter(pk=row.pk).exists()


@pytest.mark.django_db
def test_postgres_lets_the_owner_who_opts_in_truncate_a_timeline(on_postgres, timeline_row):
    model, _row = timeline_row
    with transaction.atomic():
        savepoint = transaction.savepoint()
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {model._meta.db_table} CASCADE")
        assert not model.objects.exists()
        transaction.savepoint_rollback(savepoint)
    assert model.objects.exists()


@pytest.mark.django_db
def test_postgres_still_accepts_new_rows(on_postgres, investigator_a):
    case = make_case(lead=investigator_a)
    case_transition(case=case, to_status=Case.Status.SUSPENDED, actor=investigator_a)
    assert case.timeline.count() == 2


@pytest.mark.django_db
def test_a_new_row_reusing_an_existing_id_does_not_overwrite_it(timeline_row):
    model, row = timeline_row
    subject_field = next(f.name for f in model._meta.fields if f.name in ("case", "request", "asset"))
    forged = model(
        pk=row.pk,
        **{subject_field: getattr(row, subject_field)},
        from_status="",
        to_status="forged",
        effective_on=row.effective_on,
    )
    with pytest.raises((TypeError, IntegrityError)), transaction.atomic():
        forged.save()
    assert model.objects.get(pk=row.pk).to_status == row.to_status


@pytest.mark.django_db
def test_bulk_create_cannot_upsert_over_existing_rows(timeline_row):
    model, row = timeline_row
    subject_field = next(f.name for f in model._meta.fields if f.name in ("case", "request", "asset"))
    forged = model(
        pk=row.pk,
        **{subject_field: getattr(row, subject_field)},
        from_status="",
        to_status="forged",
        effective_on=row.effective_on,
    )
    with pytest.raises((TypeError, IntegrityError)), transaction.atomic():
        model.objects.bulk_create([forged], update_conflicts=True, unique_fields=["id"], update_fields=["to_status"])
    assert model.objects.get(pk=row.pk).to_status == row.to_status
