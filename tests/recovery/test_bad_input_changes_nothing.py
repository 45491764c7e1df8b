"""Bad input gets a clear domain error naming the problem, and leaves every table as it was."""

import datetime

import pytest
from auditlog.models import LogEntry
from djmoney.money import Money

from assets.models import Asset, AssetStatusChange
from assets.services import asset_create, asset_transition, asset_update
from cases.models import Case, CaseStatusChange, Subject
from cases.services import case_create, case_transition, case_update, subject_create
from mla_requests.models import ChecklistAnswer, Request, RequestStatusChange
from mla_requests.services import request_create, request_update
from recovery.errors import DomainError, InvalidAmount, InvalidInput, MeasureOutsideScope, TransitionNotAllowed
from recovery.models import ReferenceSequence
from tests.factories import AssistanceMeasureFactory, LegalInstrumentFactory, make_asset, make_case, make_request

MODELS = (
    Case,
    CaseStatusChange,
    Subject,
    Request,
    RequestStatusChange,
    ChecklistAnswer,
    Asset,
    AssetStatusChange,
    LogEntry,
    ReferenceSequence,
)


def snapshot():
    """Row counts of every domain table, and the version and status of every record with one."""
    counts = {model.__name__: model.objects.count() for model in MODELS}
    versions = {
        model.__name__: sorted(model.objects.values_list("pk", "version", "status")) for model in (Case, Request, Asset)
    }
    sequences = sorted(ReferenceSequence.objects.values_list("prefix", "year", "last_value"))
    return counts, versions, sequences


@pytest.fixture
def world(investigator_a):
    case = make_case(lead=investigator_a, opened_on=datetime.date(2024, 1, 15))
    freezing = AssistanceMeasureFactory(code="freezing", name_en="Freezing of assets")
    testimony = AssistanceMeasureFactory(code="testimony", name_en="Taking of testimony")
    treaty = LegalInstrumentFactory(code="treaty", name_en="Treaty with Switzerland", measures=[freezing])
    return {
        "case": case,
        "request": make_request(case=case, legal_basis=treaty, measures=[freezing]),
        "asset": make_asset(case=case, currency="USD"),
        "treaty": treaty,
        "freezing": freezing,
        "testimony": testimony,
        "actor": investigator_a,
    }


def new_request(w, **overrides):
    kwargs = {
        "actor": w["actor"],
        "case": w["case"],
        "country": "CH",
        "legal_basis": w["treaty"],
        "crime_category": w["case"].primary_crime_category,
        "measures": [w["freezing"]],
    }
    kwargs.update(overrides)
    return request_create(**kwargs)


def new_asset(w, **overrides):
    kwargs = {
        "actor": w["actor"],
        "case": w["case"],
        "kind": "real_estate",
        "description": "Flat in Geneva",
        "location_country": "CH",
        "identified_on": datetime.date(2024, 2, 1),
        "currency": "CHF",
    }
    kwargs.update(overrides)
    return asset_create(**kwargs)


BAD_INPUT = {
    "a wrong status move": (
        lambda w: case_transition(case=w["case"], to_status="open", actor=w["actor"]),
        TransitionNotAllowed,
        ["Under investigation"],
    ),
    "a wrong asset move": (
        lambda w: asset_transition(asset=w["asset"], to_status="returned", actor=w["actor"], amount="10.00"),
        TransitionNotAllowed,
        ["Identified", "Returned"],
    ),
    "a negative amount": (
        lambda w: asset_transition(asset=w["asset"], to_status="frozen", actor=w["actor"], amount="-100.00"),
        InvalidAmount,
        ["greater than zero"],
    ),
    "a negative estimated value": (
        lambda w: new_asset(w, estimated_value="-1"),
        InvalidAmount,
        ["negative"],
    ),
    "a negative damage": (
        lambda w: case_update(case=w["case"], actor=w["actor"], estimated_damage=Money("-5", "KZT")),
        InvalidAmount,
        ["negative"],
    ),
    "an unknown country code for a request": (
        lambda w: new_request(w, country="XX"),
        InvalidInput,
        ["XX", "ISO 3166"],
    ),
    "an unknown country code for an asset": (
        lambda w: new_asset(w, location_country="XX"),
        InvalidInput,
        ["XX", "ISO 3166"],
    ),
    "an unknown nationality": (
        lambda w: subject_create(actor=w["actor"], name_latin="Someone", nationality="XX"),
        InvalidInput,
        ["XX", "ISO 3166"],
    ),
    "an unknown country on update": (
        lambda w: request_update(request=w["request"], actor=w["actor"], country="XX"),
        InvalidInput,
        ["XX"],
    ),
    "the home state as requested state": (
        lambda w: new_request(w, country="KZ"),
        InvalidInput,
        ["home state", "KZ"],
    ),
    "the home state, lower case": (
        lambda w: new_request(w, country="kz"),
        InvalidInput,
        ["home state", "KZ"],
    ),
    "a measure outside scope": (
        lambda w: new_request(w, measures=[w["freezing"], w["testimony"]]),
        MeasureOutsideScope,
        ["Taking of testimony", "Treaty with Switzerland"],
    ),
    "a measure outside scope on update": (
        lambda w: request_update(request=w["request"], actor=w["actor"], measures=[w["testimony"]]),
        MeasureOutsideScope,
        ["Taking of testimony"],
    ),
    "an unknown currency for an asset": (
        lambda w: new_asset(w, currency="ZZZ"),
        InvalidInput,
        ["ZZZ", "ISO 4217"],
    ),
    "an unknown currency on update": (
        lambda w: asset_update(asset=w["asset"], actor=w["actor"], currency="ABC"),
        InvalidInput,
        ["ABC", "ISO 4217"],
    ),
    "an unknown damage currency": (
        lambda w: case_update(case=w["case"], actor=w["actor"], estimated_damage=("100.00", "ZZZ")),
        InvalidInput,
        ["ZZZ"],
    ),
    "a duplicate register number": (
        lambda w: case_create(
            actor=w["actor"],
            register_number=w["case"].register_number,
            title="Twin",
            unit=w["case"].unit,
            lead_investigator=w["actor"],
            primary_crime_category=w["case"].primary_crime_category,
            opened_on=datetime.date(2024, 1, 1),
        ),
        InvalidInput,
        ["register number", "already exists"],
    ),
    "a status edited as a field": (
        lambda w: case_update(case=w["case"], actor=w["actor"], status="closed"),
        InvalidInput,
        ["status"],
    ),
    "an unknown asset kind": (
        lambda w: new_asset(w, kind="spaceship"),
        InvalidInput,
        ["spaceship"],
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case_name", sorted(BAD_INPUT))
def test_bad_input_is_refused_clearly_and_changes_nothing(world, case_name):
    action, error, fragments = BAD_INPUT[case_name]
    before = snapshot()
    with pytest.raises(error) as excinfo:
        action(world)
    assert isinstance(excinfo.value, DomainError)
    message = str(excinfo.value)
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    assert snapshot() == before
