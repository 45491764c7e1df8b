"""/api/v1/: one router for every app's viewsets, the schema and the browsable docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from assets.api.urls import register as register_assets
from cases.api.urls import register as register_cases
from documents.api.urls import register as register_documents
from incoming.api.urls import register as register_incoming
from mla_requests.api.urls import register as register_requests
from recovery.api import schema as _schema  # noqa: F401  (registers the token auth scheme)
from recovery.api import views
from recovery.api.docs import RedocDocsView, SwaggerDocsView


class ApiRouter(DefaultRouter):
    include_format_suffixes = False


router = ApiRouter()
register_cases(router)
register_requests(router)
register_assets(router)
register_documents(router)
register_incoming(router)
router.register("countries", views.CountryProfileViewSet, basename="country")
router.register("legal-instruments", views.LegalInstrumentViewSet, basename="legal-instrument")
router.register("measures", views.AssistanceMeasureViewSet, basename="measure")
router.register("crime-categories", views.CrimeCategoryViewSet, basename="crime-category")
router.register("units", views.UnitViewSet, basename="unit")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SwaggerDocsView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", RedocDocsView.as_view(url_name="api:schema"), name="redoc"),
    path("", include(router.urls)),
]
