"""A measure beyond those the legal basis lists is accepted only under its clause on any other
assistance (US treaty art. 1(3), India art. 1(2) item 9, Korea art. 1, UNCAC art. 46(3)(i), the
Minsk Convention's open art. 6), and then only with a note on the request citing the clause: stored,
stated on the timeline at creation and edit, printed in the letter. A measure no clause covers is
refused whatever the note. Incoming requests keep relying on the clause alone (the requesting
state's letter invokes it)."""

import pytest
from rest_framework.test import APIClient

from documents.letters import letter_context, letter_template, render_template
from mla_requests.models import Request
from mla_requests.services import request_send, request_update
from recovery.errors import CatchAllNoteRequired, MeasureOutsideScope
from tests.admin.forms import change_form_data
from tests.terms.conftest import SENT_ON, answer_all, attach_letter_and_translation, state

NOTE = "Art. 1(3): return of the confiscated funds is not prohibited by the law of the United States."


@pytest.mark.django_db
def test_a_us_return_request_is_refused_without_the_note_and_nothing_is_written(draft):
    with pytest.raises(CatchAllNoteRequired) as excinfo:
        draft("mlat-kz-us", "US", ["confiscate_assets", "return_assets"])
    assert "Art. 1(3)" in str(excinfo.value)
    assert "catch_all_note" in excinfo.value.field_errors
    assert not Request.objects.exists()


@pytest.mark.django_db
def test_with_the_note_it_is_stored_stated_on_the_timeline_and_sent(draft, investigator_a):
    request = draft("mlat-kz-us", "US", ["confiscate_assets", "return_assets"], catch_all_note=NOTE)
    assert Request.objects.get(pk=request.pk).catch_all_note == NOTE
    created = request.timeline.get()
    assert "Art. 1(3)" in created.note and NOTE in created.note
    assert "Returning (repatriating) assets" in created.note
    answer_all(request)
    attach_letter_and_translation(request)
    assert request_send(request=request, actor=investigator_a, sent_on=SENT_ON).status == Request.Status.SENT


@pytest.mark.django_db
def test_measures_within_the_list_need_no_note(draft):
    request = draft("mlat-kz-us", "US", ["testimony", "confiscate_assets"])
    assert request.catch_all_note == "" and "any other assistance" not in request.timeline.get().note


@pytest.mark.django_db
def test_india_korea_uncac_and_minsk_clauses_work_alike(draft):
    for basis, country, measure in [
        ("mlat-kz-in", "IN", "other"),
        ("mlat-kz-kr", "KR", "return_assets"),
        ("uncac", "CH", "other"),
        ("minsk-1993", "RU", "freeze_seize_assets"),
    ]:
        with pytest.raises(CatchAllNoteRequired):
            draft(basis, country, [measure])
        request = draft(basis, country, [measure], catch_all_note="Under the clause on any other assistance")
        assert request.legal_basis.any_other_assistance_citation in request.timeline.get().note


@pytest.mark.django_db
def test_a_measure_no_clause_covers_is_refused_even_with_a_note(draft):
    # The other 26 treaties (here China's) list their scope and have no such clause.
    with pytest.raises(MeasureOutsideScope) as excinfo:
        draft("mlat-kz-cn", "CN", ["return_assets"], catch_all_note="Please")
    assert not isinstance(excinfo.value, CatchAllNoteRequired)
    assert not Request.objects.exists()


@pytest.mark.django_db
def test_editing_in_a_measure_beyond_the_list_needs_the_note_then_states_it(draft, ref, investigator_a):
    request = draft("mlat-kz-us", "US", ["testimony"])
    before = state(request)
    with pytest.raises(CatchAllNoteRequired):
        request_update(request=request, actor=investigator_a, measures=ref.measures("testimony", "return_assets"))
    assert state(request) == before
    request_update(
        request=request, actor=investigator_a, measures=ref.measures("testimony", "return_assets"), catch_all_note=NOTE
    )
    assert NOTE in request.timeline.last().note
    # Clearing the note while the measure stays is refused too.
    with pytest.raises(CatchAllNoteRequired):
        request_update(request=request, actor=investigator_a, catch_all_note="  ")
    assert Request.objects.get(pk=request.pk).catch_all_note == NOTE


@pytest.mark.django_db
def test_the_letter_prints_the_clause_and_the_note(draft, investigator_a):
    request = draft("mlat-kz-us", "US", ["testimony", "return_assets"], catch_all_note=NOTE)
    body, source = letter_template(request.legal_basis.kind, "request", "en")
    html = render_template(body, letter_context(request, language="en"), source=source)
    assert "any other assistance not prohibited by the law of the requested state" in html
    assert "Art. 1(3)" in html and "Returning (repatriating) assets" in html and "return of the confiscated" in html
    plain = draft("mlat-kz-us", "US", ["testimony"])
    html = render_template(body, letter_context(plain, language="ru"), source=source)
    assert "any other assistance not prohibited" not in html


@pytest.mark.django_db
def test_the_api_refuses_with_the_field_then_accepts_and_shows_the_note(ref, case_a, investigator_a):
    client = APIClient()
    client.force_authenticate(investigator_a)
    body = {
        "case": case_a.pk,
        "country": "US",
        "legal_basis": ref.treaty("US").pk,
        "crime_category": ref.category("corruption").pk,
        "measures": [m.pk for m in ref.measures("return_assets")],
    }
    refused = client.post("/api/v1/requests/", body, format="json")
    assert refused.status_code == 400, refused.content
    assert refused.json()["code"] == "catch_all_note_required"
    assert "catch_all_note" in refused.json()["errors"]
    assert not Request.objects.exists()
    created = client.post("/api/v1/requests/", {**body, "catch_all_note": NOTE}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["catch_all_note"] == NOTE
    listed = client.get("/api/v1/requests/").json()["results"]
    assert listed[0]["catch_all_note"] == NOTE


@pytest.mark.django_db
def test_the_admin_form_refuses_without_the_note_and_saves_with_it(ref, case_a, client, investigator_a):
    client.force_login(investigator_a)
    url = f"/admin/requests/request/add/?case={case_a.pk}"
    data = change_form_data(client.get(url))
    data.update(
        {
            "case": case_a.pk,
            "country": "US",
            "legal_basis": ref.treaty("US").pk,
            "channel": "central_authority",
            "crime_category": ref.category("corruption").pk,
            "measures": [m.pk for m in ref.measures("return_assets")],
            "urgency": "normal",
            "responsible_investigator": investigator_a.pk,
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Art. 1(3)" in response.content.decode()
    assert not Request.objects.exists()
    data["catch_all_note"] = NOTE
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Request.objects.get().catch_all_note == NOTE


@pytest.mark.django_db
def test_an_incoming_request_still_rests_on_the_clause_alone(ref, investigator_a, unit_a):
    from incoming.services import incoming_receive

    incoming = incoming_receive(
        actor=investigator_a,
        unit=unit_a,
        requesting_country="US",
        requesting_authority="U.S. Department of Justice",
        legal_basis=ref.treaty("US"),
        crime_category=ref.category("corruption"),
        measures=ref.measures("return_assets"),
    )
    assert list(incoming.measures.values_list("code", flat=True)) == ["return_assets"]
