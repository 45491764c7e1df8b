"""A convention applies only to the offences in its scope: UNTOC to organised crime (art. 3), the
1988 Vienna Convention to drug trafficking and the laundering of its proceeds (art. 3(1)). A request
whose crime category is outside is refused at drafting, editing and sending unless an override
reason is given; the reason is kept on the timeline (and on the request, so sending does not ask
again until the basis or the category changes). Bases with no offence scope take any offence."""

import pytest
from rest_framework.test import APIClient

from mla_requests.models import Request
from mla_requests.services import request_send, request_update
from recovery.errors import OffenceOutsideScope
from tests.admin.forms import change_form_data
from tests.terms.conftest import SENT_ON, answer_all, attach_letter_and_translation, state

REASON = "The bribes were paid by an organised criminal group operating in three states"


@pytest.mark.django_db
def test_untoc_refuses_a_corruption_request_without_a_reason(draft):
    with pytest.raises(OffenceOutsideScope) as excinfo:
        draft("untoc", "CH", ["documents"], category="corruption")
    assert "Organised crime" in str(excinfo.value) and "Art. 3" in str(excinfo.value)
    assert excinfo.value.field_errors == {"crime_category": ["Outside the offences the legal basis covers."]}
    assert not Request.objects.exists()


@pytest.mark.django_db
def test_with_a_reason_it_is_drafted_the_reason_on_the_timeline_and_sending_does_not_ask_again(draft, investigator_a):
    request = draft("untoc", "CH", ["documents"], category="corruption", override_reason=REASON)
    row = request.timeline.get()
    assert row.override_reason == REASON and "outside the offences" in row.note
    assert request.offence_scope_override == REASON
    answer_all(request)
    attach_letter_and_translation(request)
    sent = request_send(request=request, actor=investigator_a, sent_on=SENT_ON)
    assert sent.status == Request.Status.SENT
    assert sent.timeline.last().override_reason == ""


@pytest.mark.django_db
def test_offences_in_scope_and_bases_without_a_scope_need_no_reason(draft):
    assert draft("untoc", "CH", ["documents"], category="organised_crime").timeline.get().override_reason == ""
    assert draft("vienna-1988", "DE", ["documents"], category="drugs").offence_scope_override == ""
    assert draft("vienna-1988", "DE", ["documents"], category="laundering").offence_scope_override == ""
    assert draft("uncac", "CH", ["documents"], category="fraud").offence_scope_override == ""
    with pytest.raises(OffenceOutsideScope, match="Drug trafficking"):
        draft("vienna-1988", "DE", ["documents"], category="fraud")


@pytest.mark.django_db
def test_editing_into_an_offence_outside_the_scope_needs_a_reason(draft, ref, investigator_a):
    request = draft("untoc", "CH", ["documents"], category="organised_crime")
    before = state(request)
    with pytest.raises(OffenceOutsideScope):
        request_update(request=request, actor=investigator_a, crime_category=ref.category("tax"))
    assert state(request) == before
    request_update(request=request, actor=investigator_a, crime_category=ref.category("tax"), override_reason=REASON)
    fresh = Request.objects.get(pk=request.pk)
    assert fresh.crime_category.code == "tax" and fresh.offence_scope_override == REASON
    assert fresh.timeline.last().override_reason == REASON
    # Back within the scope: the recorded override goes.
    request_update(request=request, actor=investigator_a, crime_category=ref.category("organised_crime"))
    assert Request.objects.get(pk=request.pk).offence_scope_override == ""
    # An unrelated edit is never blocked by the rule.
    request_update(request=request, actor=investigator_a, summary="More facts")


@pytest.mark.django_db
def test_sending_is_refused_when_the_scope_changed_since_drafting_unless_overridden(draft, ref, investigator_a):
    request = draft("vienna-1988", "DE", ["documents"], category="laundering")
    answer_all(request)
    attach_letter_and_translation(request)
    vienna = ref.basis("vienna-1988")
    vienna.offence_scope.remove(ref.category("laundering"))  # e.g. the scope was corrected
    before = state(request)
    with pytest.raises(OffenceOutsideScope):
        request_send(request=request, actor=investigator_a, sent_on=SENT_ON)
    assert state(request) == before
    sent = request_send(request=request, actor=investigator_a, sent_on=SENT_ON, override_reason=REASON)
    assert sent.status == Request.Status.SENT and sent.timeline.last().override_reason == REASON


@pytest.mark.django_db
def test_the_api_refuses_with_400_then_accepts_the_override(ref, case_a, investigator_a):
    client = APIClient()
    client.force_authenticate(investigator_a)
    body = {
        "case": case_a.pk,
        "country": "CH",
        "legal_basis": ref.basis("untoc").pk,
        "crime_category": ref.category("corruption").pk,
        "measures": [m.pk for m in ref.measures("documents")],
    }
    refused = client.post("/api/v1/requests/", body, format="json")
    assert refused.status_code == 400, refused.content
    assert refused.json()["code"] == "offence_outside_scope" and "crime_category" in refused.json()["errors"]
    assert not Request.objects.exists()
    created = client.post("/api/v1/requests/", {**body, "override_reason": REASON}, format="json")
    assert created.status_code == 201, created.content
    assert "override_reason" not in created.json()
    request = Request.objects.get(pk=created.json()["id"])
    assert request.timeline.get().override_reason == REASON
    # Editing to another out-of-scope category through the API asks again.
    url = f"/api/v1/requests/{request.pk}/"
    etag = client.get(url)["ETag"]
    refused = client.patch(url, {"crime_category": ref.category("tax").pk}, format="json", HTTP_IF_MATCH=etag)
    assert refused.status_code == 400 and refused.json()["code"] == "offence_outside_scope"
    assert Request.objects.get(pk=request.pk).crime_category.code == "corruption"
    patched = client.patch(
        url,
        {"crime_category": ref.category("tax").pk, "override_reason": "Tax fraud ring"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert patched.status_code == 200, patched.content
    assert Request.objects.get(pk=request.pk).timeline.last().override_reason == "Tax fraud ring"


@pytest.mark.django_db
def test_the_admin_add_form_refuses_then_accepts_with_a_reason(ref, case_a, client, investigator_a):
    client.force_login(investigator_a)
    url = f"/admin/requests/request/add/?case={case_a.pk}"
    data = change_form_data(client.get(url))
    data.update(
        {
            "case": case_a.pk,
            "country": "DE",
            "legal_basis": ref.basis("vienna-1988").pk,
            "channel": "central_authority",
            "crime_category": ref.category("corruption").pk,
            "measures": [m.pk for m in ref.measures("documents")],
            "urgency": "normal",
            "responsible_investigator": investigator_a.pk,
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "applies only to these offences" in response.content.decode()
    assert not Request.objects.exists()
    data["override_reason"] = "The bribes were paid from heroin trafficking proceeds"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    request = Request.objects.get()
    assert request.timeline.get().override_reason == data["override_reason"]


@pytest.mark.django_db
def test_the_admin_change_form_asks_for_a_reason_when_the_category_moves_out(draft, ref, client, investigator_a):
    request = draft("untoc", "CH", ["documents"], category="organised_crime")
    client.force_login(investigator_a)
    url = f"/admin/requests/request/{request.pk}/change/"
    data = change_form_data(client.get(url))
    data["crime_category"] = ref.category("fraud").pk
    response = client.post(url, data)
    assert response.status_code == 200
    assert Request.objects.get(pk=request.pk).crime_category.code == "organised_crime"
    data["override_reason"] = "Fraud committed by a structured group"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    fresh = Request.objects.get(pk=request.pk)
    assert fresh.crime_category.code == "fraud"
    assert fresh.timeline.last().override_reason == "Fraud committed by a structured group"


@pytest.mark.django_db
def test_another_units_investigator_cannot_edit_it_and_learns_nothing(draft, ref, investigator_b):
    request = draft("untoc", "CH", ["documents"], category="organised_crime")
    client = APIClient()
    client.force_authenticate(investigator_b)
    response = client.patch(
        f"/api/v1/requests/{request.pk}/",
        {"crime_category": ref.category("fraud").pk, "override_reason": "x"},
        format="json",
    )
    assert response.status_code == 404
    assert "offence" not in response.content.decode().lower()
    assert Request.objects.get(pk=request.pk).crime_category.code == "organised_crime"


@pytest.mark.django_db
def test_the_api_send_refuses_an_offence_out_of_scope_then_records_the_override(draft, ref, investigator_a):
    request = draft("untoc", "CH", ["documents"], category="organised_crime")
    answer_all(request)
    attach_letter_and_translation(request)
    ref.basis("untoc").offence_scope.set([ref.category("drugs")])
    client = APIClient()
    client.force_authenticate(investigator_a)
    url = f"/api/v1/requests/{request.pk}/transitions/"
    refused = client.post(url, {"to_status": "sent", "effective_on": SENT_ON.isoformat()}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "offence_outside_scope"
    assert Request.objects.get(pk=request.pk).status == Request.Status.DRAFT
    sent = client.post(
        url, {"to_status": "sent", "effective_on": SENT_ON.isoformat(), "override_reason": REASON}, format="json"
    )
    assert sent.status_code == 200, sent.content
    assert Request.objects.get(pk=request.pk).timeline.last().override_reason == REASON
