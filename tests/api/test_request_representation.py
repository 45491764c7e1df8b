"""The request list is built by hand from value rows (mla_requests.api.serializers.represent_requests)
for speed; it must say exactly what the declared serializer fields say, for lists and details."""

import pytest
from django.utils import translation
from rest_framework import serializers

from cases.services import case_add_subject, subject_create
from mla_requests.api.serializers import RequestSerializer
from mla_requests.models import Request
from mla_requests.services import request_answer_checklist, request_send
from tests.factories import (
    AssistanceMeasureFactory,
    RequirementFactory,
    UserFactory,
    make_asset,
    make_case,
    make_request,
)


class DeclaredRequestSerializer(RequestSerializer):
    """The representation DRF builds from the declared fields, field by field."""

    class Meta(RequestSerializer.Meta):
        list_serializer_class = serializers.ListSerializer

    def to_representation(self, instance):
        return serializers.ModelSerializer.to_representation(self, instance)


def _declared(request_obj):
    data = dict(DeclaredRequestSerializer(request_obj, context={"request": None}).data)
    # The checklist had no defined order before; the hand-built one follows the legal basis's order.
    data["checklist"] = sorted(data["checklist"], key=lambda item: item["requirement"])
    return data


@pytest.fixture
def varied_requests(investigator_a, uncac, freezing):
    RequirementFactory(instrument=uncac, code="facts", name_en="Facts", name_ru="Факты")
    RequirementFactory(instrument=uncac, code="assets", name_en="Assets", name_ru="Активы", mandatory=False)
    tracing = AssistanceMeasureFactory(code="tracing", name_en="Tracing", name_ru="Розыск")
    uncac.measures.add(tracing)
    case = make_case(actor=investigator_a, lead=investigator_a, unit=investigator_a.unit)
    subject = subject_create(actor=investigator_a, name_latin="Ivanov", nationality="AE")
    case_add_subject(case=case, subject=subject, role="suspect", actor=investigator_a)
    asset = make_asset(case=case, holder=subject)
    named = UserFactory(username="named", first_name="Aigerim", last_name="Seitkali", unit=investigator_a.unit)
    plain = make_request(case=case, legal_basis=uncac, measures=[freezing])
    rich = make_request(
        case=case,
        legal_basis=uncac,
        measures=[tracing, freezing],
        subjects=[subject],
        assets=[asset],
        country="AE",
        responsible_investigator=named,
        summary="Proceeds moved to Dubai",
    )
    request_answer_checklist(request=rich, actor=investigator_a, answers={"facts": (True, "annex 1")})
    rich = request_send(request=rich, actor=investigator_a, override_reason="urgent")
    return [plain, rich]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ru"])
def test_list_and_detail_say_what_the_declared_fields_say(client_for, investigator_a, varied_requests, language):
    client = client_for(investigator_a)
    with translation.override(language):
        expected = {r.pk: _declared(Request.objects.get(pk=r.pk)) for r in varied_requests}
    listed = client.get("/api/v1/requests/", HTTP_ACCEPT_LANGUAGE=language).json()["results"]
    assert {row["id"] for row in listed} == set(expected)
    for row in listed:
        row["checklist"] = sorted(row["checklist"], key=lambda item: item["requirement"])
        assert row == expected[row["id"]]
        detail = client.get(f"/api/v1/requests/{row['id']}/", HTTP_ACCEPT_LANGUAGE=language).json()
        detail["checklist"] = sorted(detail["checklist"], key=lambda item: item["requirement"])
        assert detail == expected[row["id"]]


@pytest.mark.django_db
def test_the_representation_carries_names_in_the_readers_language(client_for, investigator_a, varied_requests):
    rich = varied_requests[1]
    row = client_for(investigator_a).get(f"/api/v1/requests/{rich.pk}/", HTTP_ACCEPT_LANGUAGE="ru").json()
    assert {m["code"]: m["name"] for m in row["measures"]} == {"freezing": "Freezing assets", "tracing": "Розыск"}
    assert row["country"]["name"] == "Объединенные Арабские Эмираты"
    assert row["responsible_investigator"]["full_name"] == "Aigerim Seitkali"
    assert row["checklist"][0]["name"] in {"Факты", "Активы"}
    assert row["subjects"] and row["assets"] and row["status"] == "sent"
