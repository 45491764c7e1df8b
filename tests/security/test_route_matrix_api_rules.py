"""The matrix's generic API rule, checked against a real DRF viewset before the API arrives: a
scoped, permission-checked viewset (the shape the API part builds) answers each role exactly as
`expect_api` predicts, and a viewset that forgets scoping is caught."""

import pytest
from django.urls import include, path
from rest_framework import permissions, routers, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cases.models import Case
from tests.security import test_route_authorization_matrix as matrix


class CaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Case
        fields = ["id", "register_number"]


class ViewPermission(permissions.DjangoModelPermissions):
    perms_map = {**permissions.DjangoModelPermissions.perms_map, "GET": ["%(app_label)s.view_%(model_name)s"]}


class ScopedCaseViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Case.objects.all()
    serializer_class = CaseSerializer
    permission_classes = [permissions.IsAuthenticated, ViewPermission]

    def get_queryset(self):
        return Case.objects.visible_to(self.request.user)

    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return Response({})


class UnscopedCaseViewSet(ScopedCaseViewSet):
    def get_queryset(self):
        return Case.objects.all()


router = routers.SimpleRouter()
router.register("cases", ScopedCaseViewSet, basename="case")
leaky = routers.SimpleRouter()
leaky.register("leaky-cases", UnscopedCaseViewSet, basename="leaky-case")
urlpatterns = [
    path("api/v1/", include((router.urls, "api"))),
    path("api/v1/", include((leaky.urls, "leaky"))),
]


@pytest.fixture
def api_routes(settings, monkeypatch):
    settings.ROOT_URLCONF = __name__
    # The real table lists the real routes; these test routes get their lines here.
    monkeypatch.setitem(matrix.API_ROUTES, "api:case-close", ("cases.case", matrix.POST_ONLY))
    monkeypatch.setitem(matrix.API_ROUTES, "leaky:leaky-case-detail", ("cases.case", matrix.READ))
    from django.urls import clear_url_caches, get_resolver

    clear_url_caches()
    yield list(matrix._walk(get_resolver().url_patterns))
    clear_url_caches()


def _failures(routes, world):
    failures = []
    for route in routes:
        rule = matrix.rule_for(route)
        assert rule is matrix.expect_api
        for target, url in matrix.targets_for(route, world):
            for visitor, client in world["clients"].items():
                expected = rule(route, visitor, target)
                actual = client.get(url).status_code
                if actual not in expected:
                    failures.append((route.name, visitor, target.label, actual, sorted(expected)))
    return failures


def test_a_scoped_viewset_meets_the_api_rule(api_routes, world):
    routes = [r for r in api_routes if r.name.startswith("api:")]
    assert {r.name for r in routes} == {"api:case-list", "api:case-detail", "api:case-close"}
    assert _failures(routes, world) == []


def test_a_viewset_without_scoping_is_caught(api_routes, world):
    routes = [r for r in api_routes if r.name == "leaky:leaky-case-detail"]
    failures = _failures(routes, world)
    # Investigators and the supervisor of one unit read the other unit's case: each is reported.
    leaks = {(visitor, unit) for _name, visitor, unit, actual, _expected in failures if actual == 200}
    assert ("investigator_b", "A") in leaks
    assert ("investigator_a", "B") in leaks
    assert ("supervisor_a", "B") in leaks
