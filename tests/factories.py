"""factory-boy factories. Records with a status are created through the services, so every
factory-made case, request and asset has a real first timeline row."""

import datetime
import itertools

import factory
from django.contrib.auth.models import Group

from recovery.models import (
    AssistanceMeasure,
    CountryProfile,
    CrimeCategory,
    InstrumentRequirement,
    LegalInstrument,
    Unit,
)
from recovery.models import User as UserModel


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"unit-{n}")
    name_en = factory.LazyAttribute(lambda o: f"Unit {o.code}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserModel
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    unit = factory.SubFactory(UnitFactory)
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get(name=name))
        if create:
            self.save()


class CrimeCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CrimeCategory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"crime-{n}")
    name_en = factory.LazyAttribute(lambda o: o.code.replace("-", " ").title())


class AssistanceMeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssistanceMeasure
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"measure-{n}")
    name_en = factory.LazyAttribute(lambda o: o.code.replace("-", " ").title())


class CountryProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CountryProfile
        django_get_or_create = ("country",)

    country = "CH"


class LegalInstrumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalInstrument
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"instrument-{n}")
    name_en = factory.LazyAttribute(lambda o: f"Instrument {o.code}")
    kind = LegalInstrument.Kind.MULTILATERAL_CONVENTION
    open_to_all_states = True

    @factory.post_generation
    def measures(self, create, extracted, **kwargs):
        if create and extracted:
            self.measures.set(extracted)

    @factory.post_generation
    def countries(self, create, extracted, **kwargs):
        if create and extracted:
            self.counterpart_countries.set([CountryProfileFactory(country=c) for c in extracted])


class RequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InstrumentRequirement

    instrument = factory.SubFactory(LegalInstrumentFactory)
    code = factory.Sequence(lambda n: f"req-{n}")
    name_en = factory.LazyAttribute(lambda o: f"Requirement {o.code}")
    mandatory = True


_register_numbers = itertools.count(100000000000001)


def make_case(*, actor=None, unit=None, lead=None, register_number=None, **kwargs):
    from cases.services import case_create

    unit = unit or (lead.unit if lead else UnitFactory())
    lead = lead or UserFactory(unit=unit, roles=["Investigator"])
    return case_create(
        actor=actor or lead,
        register_number=register_number or str(next(_register_numbers)),
        title=kwargs.pop("title", "Embezzlement of budget funds"),
        unit=unit,
        lead_investigator=lead,
        primary_crime_category=kwargs.pop("primary_crime_category", None) or CrimeCategoryFactory(code="corruption"),
        opened_on=kwargs.pop("opened_on", datetime.date(2024, 1, 15)),
        **kwargs,
    )


def make_request(*, case=None, actor=None, country="CH", legal_basis=None, measures=None, **kwargs):
    from mla_requests.services import request_create

    case = case or make_case()
    measures = measures or [AssistanceMeasureFactory(code="freezing")]
    legal_basis = legal_basis or LegalInstrumentFactory(measures=measures)
    if legal_basis.any_other_assistance and "catch_all_note" not in kwargs:
        # Measures the basis does not list rest on its catch-all clause, which the request must cite.
        listed = set(legal_basis.measures.values_list("pk", flat=True))
        if any(m.pk not in listed for m in measures):
            kwargs["catch_all_note"] = "Under the legal basis's clause on any other assistance."
    return request_create(
        actor=actor or case.lead_investigator,
        case=case,
        country=country,
        legal_basis=legal_basis,
        crime_category=kwargs.pop("crime_category", None) or case.primary_crime_category,
        measures=measures,
        **kwargs,
    )


def make_asset(*, case=None, actor=None, **kwargs):
    from assets.services import asset_create

    case = case or make_case()
    defaults = {
        "kind": "bank_account",
        "description": "Current account at a private bank",
        "location_country": "CH",
        "identified_on": datetime.date(2024, 3, 1),
        "currency": "USD",
        "estimated_value": "1300000.00",
        "identifier": "CH9300762011623852957",
    }
    defaults.update(kwargs)
    return asset_create(actor=actor or case.lead_investigator, case=case, **defaults)


def make_incoming(*, unit=None, actor=None, country="CH", legal_basis=None, measures=None, **kwargs):
    """An incoming request received through the service (with its first timeline row)."""
    from incoming.services import incoming_receive

    if actor is None:
        unit = unit or UnitFactory()
        actor = UserFactory(unit=unit, roles=["Investigator"])
    unit = unit or actor.unit
    if measures is None:
        measures = [AssistanceMeasureFactory(code="freezing")]
    legal_basis = legal_basis or LegalInstrumentFactory(
        measures=measures or [AssistanceMeasureFactory(code="freezing")]
    )
    return incoming_receive(
        actor=actor,
        unit=unit,
        requesting_country=country,
        requesting_authority=kwargs.pop("requesting_authority", "Office of the Attorney General"),
        legal_basis=legal_basis,
        crime_category=kwargs.pop("crime_category", None) or CrimeCategoryFactory(code="corruption"),
        measures=measures,
        received_on=kwargs.pop("received_on", datetime.date(2026, 3, 2)),
        **kwargs,
    )
