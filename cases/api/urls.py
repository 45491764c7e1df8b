"""Routes of the cases app under /api/v1/ (registered on the shared router)."""

from cases.api.views import CaseViewSet, SubjectViewSet


def register(router):
    router.register("cases", CaseViewSet, basename="case")
    router.register("subjects", SubjectViewSet, basename="subject")
