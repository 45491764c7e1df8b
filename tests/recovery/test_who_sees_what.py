"""One scoping rule behind every visible_to(user): investigators see their unit's cases and the
cases whose team they are on, supervisors their unit and its sub-units, analysts and administrators
everything, anyone else nothing. Requests, assets and subjects follow their case."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from assets.models import Asset
from cases.models import Case, Subject
from cases.services import case_add_subject, case_update, subject_create
from mla_requests.models import Request
from tests.factories import UserFactory, make_asset, make_case, make_request


def in_unit(lead, title):
    case = make_case(lead=lead, title=title)
    subject = subject_create(actor=lead, name_latin=f"Suspect of {title}")
    case_add_subject(case=case, subject=subject, role="suspect", actor=lead)
    return SimpleNamespace(case=case, request=make_request(case=case), asset=make_asset(case=case), subject=subject)


@pytest.fixture
def world(investigator_a, investigator_a1, investigator_b, administrator):
    a, a1, b = in_unit(investigator_a, "A"), in_unit(investigator_a1, "A1"), in_unit(investigator_b, "B")
    # A case of unit B whose team includes the investigator of unit A (a joint team: only someone
    # who writes every unit's cases names people across units).
    b_team = in_unit(investigator_b, "B with A on the team")
    case_update(case=b_team.case, actor=administrator, team=[investigator_b, investigator_a])
    return SimpleNamespace(a=a, a1=a1, b=b, b_team=b_team, all=[a, a1, b, b_team])


def visible(user):
    return {
        "cases": set(Case.objects.visible_to(user).values_list("title", flat=True)),
        "requests": {r.case.title for r in Request.objects.visible_to(user).select_related("case")},
        "assets": {a.case.title for a in Asset.objects.visible_to(user).select_related("case")},
        "subjects": {s.name_latin.removeprefix("Suspect of ") for s in Subject.objects.visible_to(user)},
    }


def expect(*titles):
    titles = set(titles)
    return {"cases": titles, "requests": titles, "assets": titles, "subjects": titles}


EVERYTHING = ("A", "A1", "B", "B with A on the team")


@pytest.mark.django_db
def test_an_investigator_sees_their_unit_and_their_team_cases_only(world, investigator_a):
    assert visible(investigator_a) == expect("A", "B with A on the team")


@pytest.mark.django_db
def test_an_investigator_of_unit_b_does_not_see_unit_a(world, investigator_b):
    assert visible(investigator_b) == expect("B", "B with A on the team")
    assert not Case.objects.visible_to(investigator_b).filter(pk=world.a.case.pk).exists()
    assert not Request.objects.visible_to(investigator_b).filter(pk=world.a.request.pk).exists()
    assert not Asset.objects.visible_to(investigator_b).filter(pk=world.a.asset.pk).exists()
    assert not Subject.objects.visible_to(investigator_b).filter(pk=world.a.subject.pk).exists()


@pytest.mark.django_db
def test_an_investigator_of_a_sub_unit_does_not_see_the_parent_unit(world, investigator_a1):
    assert visible(investigator_a1) == expect("A1")


@pytest.mark.django_db
def test_a_supervisor_sees_the_unit_and_its_sub_units_but_not_another_unit(world, supervisor_a):
    assert visible(supervisor_a) == expect("A", "A1")


@pytest.mark.django_db
def test_a_supervisor_sees_a_grandchild_unit(world, supervisor_a, unit_a1):
    from tests.factories import UnitFactory

    grandchild = UnitFactory(code="unit-a1-x", parent=unit_a1)
    lead = UserFactory(username="inv_a1x", unit=grandchild, roles=["Investigator"])
    in_unit(lead, "A1x")
    assert visible(supervisor_a) == expect("A", "A1", "A1x")


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["analyst", "administrator"])
def test_analysts_and_administrators_see_everything(world, who, request):
    assert visible(request.getfixturevalue(who)) == expect(*EVERYTHING)


@pytest.mark.django_db
def test_a_superuser_sees_everything(world, unit_b):
    root = UserFactory(username="root", unit=None, is_superuser=True)
    assert visible(root) == expect(*EVERYTHING)


@pytest.mark.django_db
def test_an_inactive_user_sees_nothing(world, unit_a):
    for roles, name in [(["Investigator"], "gone_inv"), (["Administrator"], "gone_admin"), (["Analyst"], "gone_an")]:
        gone = UserFactory(username=name, unit=unit_a, roles=roles, is_active=False)
        assert visible(gone) == expect()


@pytest.mark.django_db
def test_a_user_without_a_role_sees_nothing(world, unit_a, investigator_a):
    nobody = UserFactory(username="no_role", unit=unit_a, roles=[])
    assert visible(nobody) == expect()
    # Not even a case they lead: the role, not the name on the case, grants sight.
    roleless_lead = UserFactory(username="no_role_lead", unit=unit_a, roles=[])
    case_update(case=world.a.case, actor=investigator_a, lead_investigator=roleless_lead)
    assert visible(roleless_lead) == expect()


@pytest.mark.django_db
def test_an_anonymous_user_sees_nothing(world):
    assert visible(AnonymousUser()) == expect()


@pytest.mark.django_db
def test_visible_querysets_have_no_duplicate_rows(world, investigator_a, supervisor_a, unit_a):
    # The investigator leads case A, is on its team, and is on the team of a second case of unit A;
    # a subject has two roles in one case and appears in two cases.
    case_update(case=world.a.case, actor=investigator_a, team=[investigator_a, supervisor_a])
    second = make_case(lead=investigator_a, title="A again", team=[investigator_a])
    case_add_subject(case=world.a.case, subject=world.a.subject, role="beneficial_owner", actor=investigator_a)
    case_add_subject(case=second, subject=world.a.subject, role="nominee", actor=investigator_a)
    both = UserFactory(username="sup_inv_a", unit=unit_a, roles=["Investigator", "Supervisor"])
    case_update(case=second, actor=investigator_a, team=[investigator_a, both])

    for user in (investigator_a, supervisor_a, both):
        for queryset in (
            Case.objects.visible_to(user),
            Request.objects.visible_to(user),
            Asset.objects.visible_to(user),
            Subject.objects.visible_to(user),
        ):
            pks = list(queryset.values_list("pk", flat=True))
            assert pks, (user, queryset.model)
            assert len(pks) == len(set(pks)), (user, queryset.model)
            assert queryset.count() == len(set(pks))
