"""A required content applies only to requests asking for one of its measures (none named: every
request). The UK treaty's five property items and the US/Korea evidence of criminal origin concern
property requests only; UNCAC's art. 55(3) items concern confiscation and art. 57(3) return. The
checklist follows the measures; the send form, the API and the letter show only what applies."""

import pytest
from django.contrib.messages import get_messages

from mla_requests.models import Request
from mla_requests.services import missing_requirements, request_answer_checklist, request_send, request_update
from recovery.errors import InvalidInput, RequirementsMissing
from tests.terms.conftest import SENT_ON, answer_all, attach_letter_and_translation, state

UK_PROPERTY_ITEMS = {
    "property_details",
    "property_location",
    "property_crime_link",
    "third_party_interests",
    "court_decision_copy",
}


def codes(request):
    return set(request.checklist.values_list("requirement__code", flat=True))


@pytest.mark.django_db
def test_a_uk_testimony_request_has_no_property_items_and_is_sent(draft, investigator_a):
    request = draft("mlat-kz-gb", "GB", ["testimony"])
    assert codes(request) == set()
    attach_letter_and_translation(request)
    sent = request_send(request=request, actor=investigator_a, sent_on=SENT_ON)
    assert sent.status == Request.Status.SENT
    assert sent.timeline.last().override_reason == ""


@pytest.mark.django_db
def test_a_uk_freezing_request_needs_the_four_mandatory_property_items(draft, investigator_a):
    request = draft("mlat-kz-gb", "GB", ["freeze_seize_assets"])
    assert codes(request) == UK_PROPERTY_ITEMS
    attach_letter_and_translation(request)
    before = state(request)
    with pytest.raises(RequirementsMissing) as excinfo:
        request_send(request=request, actor=investigator_a, sent_on=SENT_ON)
    assert {r.code for r in excinfo.value.missing} == UK_PROPERTY_ITEMS - {"court_decision_copy"}
    assert state(request) == before
    answer_all(request)
    assert request_send(request=request, actor=investigator_a, sent_on=SENT_ON).status == Request.Status.SENT


@pytest.mark.django_db
def test_a_us_testimony_request_is_not_asked_for_evidence_of_criminal_origin(draft, investigator_a):
    testimony = draft("mlat-kz-us", "US", ["testimony", "documents"])
    assert codes(testimony) == set()
    assert missing_requirements(testimony) == []
    freezing = draft("mlat-kz-us", "US", ["freeze_seize_assets"])
    assert codes(freezing) == {"property_crime_evidence"}
    assert [r.code for r in missing_requirements(freezing)] == ["property_crime_evidence"]
    # Korea's art. 16 item is the same.
    assert codes(draft("mlat-kz-kr", "KR", ["testimony"])) == set()
    assert codes(draft("mlat-kz-kr", "KR", ["confiscate_assets"])) == {"property_crime_evidence"}


@pytest.mark.django_db
def test_uncac_asks_the_article_55_3_items_of_confiscation_and_57_3_of_return_only(draft):
    general = {
        "requesting_authority",
        "subject_of_investigation",
        "summary_of_facts",
        "assistance_sought",
        "person_concerned",
        "purpose",
    }
    assert codes(draft("uncac", "CH", ["testimony"])) == general
    confiscation = codes(draft("uncac", "CH", ["confiscate_assets"])) - general
    assert confiscation == {
        "uncac_property_description",
        "uncac_confiscation_facts",
        "uncac_order_extent",
        "uncac_third_parties_due_process",
    }
    assert codes(draft("uncac", "CH", ["return_assets"])) - general == {
        "uncac_return_ground",
        "uncac_return_final_judgment",
    }


@pytest.mark.django_db
def test_the_checklist_follows_the_measures_when_they_change(draft, investigator_a, ref):
    request = draft("mlat-kz-gb", "GB", ["testimony"])
    request = request_update(
        request=request, actor=investigator_a, measures=ref.measures("testimony", "freeze_seize_assets")
    )
    assert codes(request) == UK_PROPERTY_ITEMS
    request_answer_checklist(request=request, actor=investigator_a, answers={"property_details": (True, "annex 1")})
    request = request_update(request=request, actor=investigator_a, measures=ref.measures("testimony"))
    assert codes(request) == set()
    # Back to property: the item is asked again, unanswered (the answer went with the row).
    request = request_update(request=request, actor=investigator_a, measures=ref.measures("confiscate_assets"))
    assert not request.checklist.get(requirement__code="property_details").satisfied


@pytest.mark.django_db
def test_an_item_that_does_not_apply_cannot_be_answered(draft, investigator_a):
    request = draft("mlat-kz-gb", "GB", ["testimony"])
    with pytest.raises(InvalidInput, match="property_details is not a required content"):
        request_answer_checklist(request=request, actor=investigator_a, answers={"property_details": True})
    assert codes(request) == set()


@pytest.mark.django_db
def test_the_admin_send_form_shows_only_the_items_that_apply(draft, client, investigator_a):
    client.force_login(investigator_a)
    testimony = draft("mlat-kz-gb", "GB", ["testimony"])
    page = client.get(f"/admin/requests/request/{testimony.pk}/transition/sent/").content.decode()
    assert "Detailed information about the property" not in page
    freezing = draft("mlat-kz-gb", "GB", ["freeze_seize_assets"])
    attach_letter_and_translation(freezing)
    page = client.get(f"/admin/requests/request/{freezing.pk}/transition/sent/").content.decode()
    assert "Detailed information about the property" in page
    response = client.post(
        f"/admin/requests/request/{freezing.pk}/transition/sent/", {"effective_on": SENT_ON.isoformat()}
    )
    assert response.status_code == 200
    errors = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
    assert any("Detailed information about the property" in m for m in errors)
    assert Request.objects.get(pk=freezing.pk).status == Request.Status.DRAFT
    # The testimony request goes without them.
    attach_letter_and_translation(testimony)
    response = client.post(
        f"/admin/requests/request/{testimony.pk}/transition/sent/", {"effective_on": SENT_ON.isoformat()}
    )
    assert response.status_code == 302
    assert Request.objects.get(pk=testimony.pk).status == Request.Status.SENT


@pytest.mark.django_db
def test_the_api_shows_the_checklist_of_the_measures_and_sends_accordingly(draft, ref, case_a, investigator_a):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(investigator_a)
    body = {
        "case": case_a.pk,
        "country": "US",
        "legal_basis": ref.treaty("US").pk,
        "crime_category": ref.category("corruption").pk,
        "measures": [m.pk for m in ref.measures("testimony")],
    }
    created = client.post("/api/v1/requests/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["checklist"] == []
    body["measures"] = [m.pk for m in ref.measures("confiscate_assets")]
    created = client.post("/api/v1/requests/", body, format="json")
    assert [item["code"] for item in created.json()["checklist"]] == ["property_crime_evidence"]
    request = Request.objects.get(pk=created.json()["id"])
    attach_letter_and_translation(request)
    refused = client.post(f"/api/v1/requests/{request.pk}/transitions/", {"to_status": "sent"}, format="json")
    assert refused.status_code == 422
    assert refused.json()["code"] == "requirements_missing"
    assert Request.objects.get(pk=request.pk).status == Request.Status.DRAFT
