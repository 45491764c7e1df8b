"""FilterSet for documents, shared by the admin and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from documents.models import Document
from recovery.filters import IdFilter, SyncFilterSet


class DocumentFilterSet(SyncFilterSet):
    search_fields = ("title", "case__register_number", "incoming_request__reference")

    kind = django_filters.MultipleChoiceFilter(distinct=False, choices=Document.Kind.choices, label=_("Kind"))
    language = django_filters.MultipleChoiceFilter(
        distinct=False, choices=Document.Language.choices, label=_("Language")
    )
    case = IdFilter(field_name="case_id", label=_("Case"))
    incoming_request = IdFilter(field_name="incoming_request_id", label=_("Incoming request"))
    request = IdFilter(field_name="request_id", label=_("Request"))
    asset = IdFilter(field_name="asset_id", label=_("Asset"))
    dated_on = django_filters.DateFromToRangeFilter(label=_("Document date"))
    sha256 = django_filters.CharFilter(field_name="versions__sha256", method="filter_sha256", label=_("SHA-256"))

    class Meta:
        model = Document
        fields = []

    def filter_sha256(self, queryset, name, value):
        return queryset.filter(versions__sha256=value.strip().lower()).distinct()
