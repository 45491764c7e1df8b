"""The FilterSets are plain django-filter FilterSets: the admin and dashboards use them with
query strings from HTML forms, where an empty field means "any" (a multiple select sends nothing)."""

import pytest
from django.http import QueryDict

from cases.filters import CaseFilterSet
from cases.models import Case
from mla_requests.filters import RequestFilterSet
from mla_requests.models import Request


@pytest.mark.django_db
def test_empty_form_fields_mean_no_filter(case_a, request_a):
    data = QueryDict("lead_investigator=&q=&opened_on_after=&updated_after=")
    filterset = CaseFilterSet(data, queryset=Case.objects.all())
    assert filterset.is_valid(), filterset.errors
    assert list(filterset.qs) == [case_a]


@pytest.mark.django_db
def test_a_dashboard_can_filter_overdue_requests(request_a):
    data = QueryDict("overdue=unknown&country=CH&status=draft")
    filterset = RequestFilterSet(data, queryset=Request.objects.all())
    assert filterset.is_valid(), filterset.errors
    assert list(filterset.qs) == [request_a]
    assert RequestFilterSet(QueryDict("overdue=true"), queryset=Request.objects.all()).qs.count() == 0


@pytest.mark.django_db
def test_the_api_refuses_empty_values(client_for, investigator_a):
    response = client_for(investigator_a).get("/api/v1/cases/?status=")
    assert response.status_code == 400 and "status" in response.json()["errors"]
