"""A foreign state's page: its authorities and contacts, the channels and language it takes requests
in, dual criminality, the legal instruments that can apply, and the viewer's own pending and overdue
requests to it. The request form shows the profile and the sending refuses a channel the state does
not accept unless a reason is given; the letter is addressed to the authority of the request's
channel; the API reads it all."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from rest_framework.test import APIClient

from documents.letters import default_template_body, letter_context, render_template
from mla_requests.models import Request
from mla_requests.services import request_send
from recovery import selectors
from recovery.errors import ChannelNotAccepted
from recovery.models import CountryAuthority, CountryProfile
from tests.admin.forms import change_form_data
from tests.factories import (
    AssistanceMeasureFactory,
    CountryProfileFactory,
    LegalInstrumentFactory,
    make_case,
    make_request,
)

SENT_ON = datetime.date(2025, 3, 3)


@pytest.fixture
def swiss(db):
    profile = CountryProfileFactory(
        country="CH",
        central_authority="Federal Office of Justice",
        languages="German, French, Italian",
        letter_languages="en",
        expected_response_days=120,
        channels_accepted=["central_authority", "diplomatic"],
        dual_criminality=CountryProfile.DualCriminality.COERCIVE_ONLY,
        dual_criminality_notes="Coercive measures need the act to be punishable in Switzerland.",
    )
    CountryAuthority.objects.create(
        profile=profile,
        kind=CountryAuthority.Kind.CENTRAL_AUTHORITY,
        name="Federal Office of Justice, Mutual Assistance Unit",
        address="Demo street 1\n3003 Demo city",
        email="mla@demo.example.org",
        contact_person="Demo Person",
        order=1,
    )
    CountryAuthority.objects.create(
        profile=profile, kind=CountryAuthority.Kind.FIU, name="Demo FIU of Switzerland", email="fiu@demo.example.org"
    )
    return profile


@pytest.fixture
def instruments(swiss):
    freezing = [AssistanceMeasureFactory(code="freezing")]
    treaty = LegalInstrumentFactory(
        measures=freezing,
        code="treaty-ch",
        name_en="Demo treaty with Switzerland",
        kind="bilateral_treaty",
        open_to_all_states=False,
    )
    treaty.counterpart_countries.set([swiss])
    uncac = LegalInstrumentFactory(
        measures=freezing, code="uncac-demo", name_en="UN Convention against Corruption (demo)"
    )
    other = LegalInstrumentFactory(
        code="treaty-kr", name_en="Demo treaty with Korea", kind="bilateral_treaty", open_to_all_states=False
    )
    other.counterpart_countries.set([CountryProfileFactory(country="KR")])
    return {"treaty": treaty, "uncac": uncac, "other": other}


def _sent(request, actor, *, due=None):
    return request_send(
        request=request, actor=actor, sent_on=SENT_ON, response_due=due, override_reason="Checklist kept on paper"
    )


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- the model --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_database_refuses_an_unknown_dual_criminality_an_unknown_kind_and_a_nameless_authority(swiss):
    with pytest.raises(IntegrityError), transaction.atomic():
        CountryProfile.objects.filter(pk=swiss.pk).update(dual_criminality="sometimes")
    with pytest.raises(IntegrityError), transaction.atomic():
        CountryAuthority.objects.create(profile=swiss, kind="ministry", name="Ministry")
    with pytest.raises(IntegrityError), transaction.atomic():
        CountryAuthority.objects.create(profile=swiss, kind="embassy", name="")
    with pytest.raises(IntegrityError), transaction.atomic():
        CountryAuthority.objects.create(profile=swiss, kind="fiu", name="Demo FIU of Switzerland")
    assert CountryAuthority.objects.filter(profile=swiss).count() == 2


@pytest.mark.django_db
def test_channels_accepted_are_request_channels_in_one_order(swiss):
    swiss.channels_accepted = ["fiu", "smoke signals"]
    with pytest.raises(ValidationError) as refused:
        swiss.full_clean()
    assert "channels_accepted" in refused.value.message_dict
    swiss.channels_accepted = ["fiu", "central_authority", "fiu"]
    swiss.full_clean()
    assert swiss.channels_accepted == ["central_authority", "fiu"]
    assert swiss.accepts_channel("fiu") and not swiss.accepts_channel("police")
    swiss.channels_accepted = []
    assert swiss.accepts_channel("police")  # not recorded: no rule


# --- the page ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_shows_the_profile_and_counts_only_the_viewers_own_requests(
    swiss, instruments, investigator_a, investigator_b, client
):
    basis = instruments["uncac"]
    mine = make_request(case=make_case(lead=investigator_a), legal_basis=basis)
    _sent(mine, investigator_a, due=SENT_ON + datetime.timedelta(days=10))  # long overdue
    waiting = make_request(case=make_case(lead=investigator_a), legal_basis=basis)
    _sent(waiting, investigator_a, due=datetime.date.today() + datetime.timedelta(days=300))
    make_request(case=make_case(lead=investigator_a), legal_basis=basis)  # a draft: not pending
    theirs = make_request(case=make_case(lead=investigator_b), legal_basis=basis)
    _sent(theirs, investigator_b, due=SENT_ON + datetime.timedelta(days=10))

    client.force_login(investigator_a)
    response = client.get("/admin/recovery/countryprofile/ch/page/")
    assert response.status_code == 200
    page = response.content.decode()
    for shown in (
        "Federal Office of Justice, Mutual Assistance Unit",
        "mla@demo.example.org",
        "Demo FIU of Switzerland",
        "Central authority, Diplomatic channel",
        "German, French, Italian",
        "Required for coercive measures only",
        "Coercive measures need the act to be punishable in Switzerland.",
        "Demo treaty with Switzerland",
        "UN Convention against Corruption (demo)",
        "120 days",
    ):
        assert shown in page, shown
    assert "Demo treaty with Korea" not in page
    counts = response.context["page"]["requests"]
    assert (counts["pending"]["count"], counts["overdue"]["count"]) == (2, 1)
    assert "country__exact=CH" in counts["overdue"]["url"] and "due=overdue" in counts["overdue"]["url"]
    # The link lists exactly what was counted.
    listed = client.get(counts["overdue"]["url"])
    assert listed.status_code == 200 and list(listed.context["cl"].queryset) == [Request.objects.get(pk=mine.pk)]

    client.force_login(investigator_b)
    counts = client.get("/admin/recovery/countryprofile/CH/page/").context["page"]["requests"]
    assert (counts["pending"]["count"], counts["overdue"]["count"]) == (1, 1)


@pytest.mark.django_db
def test_an_unknown_code_is_404_and_the_anonymous_go_to_the_login(swiss, investigator_a, client):
    assert client.get("/admin/recovery/countryprofile/CH/page/").status_code == 302
    assert "/admin/login/" in client.get("/admin/recovery/countryprofile/CH/page/")["Location"]
    client.force_login(investigator_a)
    for code in ("ZZ", "DE", "CHE", "1"):  # not a state, a state without a profile, not a code
        assert client.get(f"/admin/recovery/countryprofile/{code}/page/").status_code == 404, code


@pytest.mark.django_db
def test_the_profile_list_and_the_countries_dashboard_link_to_the_page(swiss, instruments, investigator_a, client):
    _sent(make_request(case=make_case(lead=investigator_a), legal_basis=instruments["uncac"]), investigator_a)
    client.force_login(investigator_a)
    assert "/admin/recovery/countryprofile/CH/page/" in client.get("/admin/recovery/countryprofile/").content.decode()
    dashboard = client.get("/dashboard/countries/").content.decode()
    assert 'href="/admin/recovery/countryprofile/CH/page/"' in dashboard


# --- the request form and the channel rule ----------------------------------------------------------


@pytest.fixture
def fiu_draft(swiss, instruments, investigator_a):
    return make_request(case=make_case(lead=investigator_a), legal_basis=instruments["uncac"], channel="fiu")


@pytest.mark.django_db
def test_the_service_refuses_a_channel_the_state_does_not_accept_unless_a_reason_is_given(fiu_draft, investigator_a):
    with pytest.raises(ChannelNotAccepted) as refused:
        request_send(request=fiu_draft, actor=investigator_a, sent_on=SENT_ON)
    assert "Central authority, Diplomatic channel" in str(refused.value)
    assert "channel" in refused.value.field_errors
    fiu_draft.refresh_from_db()
    assert fiu_draft.status == Request.Status.DRAFT and fiu_draft.timeline.count() == 1

    sent = request_send(request=fiu_draft, actor=investigator_a, sent_on=SENT_ON, override_reason="Urgent freeze")
    entry = sent.timeline.last()
    assert sent.status == Request.Status.SENT
    assert entry.override_reason == "Urgent freeze" and "does not list" in entry.note


@pytest.mark.django_db
def test_no_rule_when_the_channels_are_not_recorded(fiu_draft, swiss, investigator_a):
    CountryProfile.objects.filter(pk=swiss.pk).update(channels_accepted=[])
    sent = request_send(request=fiu_draft, actor=investigator_a, sent_on=SENT_ON)
    assert sent.status == Request.Status.SENT and sent.timeline.last().override_reason == ""


@pytest.mark.django_db
def test_the_admin_shows_the_profile_and_its_send_form_needs_a_reason(fiu_draft, investigator_a, client):
    client.force_login(investigator_a)
    page = client.get(f"/admin/requests/request/{fiu_draft.pk}/change/").content.decode()
    assert 'id="requested-state-profile"' in page and 'id="channel-not-accepted"' in page
    assert "Federal Office of Justice, Mutual Assistance Unit" in page
    assert "Required for coercive measures only" in page
    assert "/admin/recovery/countryprofile/CH/page/" in page

    url = f"/admin/requests/request/{fiu_draft.pk}/transition/sent/"
    assert "accepts requests only through" in client.get(url).content.decode()
    refused = client.post(url, {"effective_on": "2025-03-03", "expected_version": fiu_draft.version})
    assert refused.status_code == 200
    errors = [str(m) for m in get_messages(refused.wsgi_request) if m.level_tag == "error"]
    assert any("does not accept requests through" in m for m in errors)
    assert Request.objects.get(pk=fiu_draft.pk).status == Request.Status.DRAFT

    sent = client.post(
        url, {"effective_on": "2025-03-03", "override_reason": "Agreed by phone", "expected_version": fiu_draft.version}
    )
    assert sent.status_code == 302
    request = Request.objects.get(pk=fiu_draft.pk)
    assert request.status == Request.Status.SENT and request.timeline.last().override_reason == "Agreed by phone"


@pytest.mark.django_db
def test_the_api_refuses_with_a_problem_and_accepts_with_a_reason(fiu_draft, investigator_a):
    url = f"/api/v1/requests/{fiu_draft.pk}/transitions/"
    refused = api(investigator_a).post(url, {"to_status": "sent", "effective_on": "2025-03-03"}, format="json")
    assert refused.status_code == 422
    assert refused.json()["code"] == "channel_not_accepted" and "channel" in refused.json()["errors"]
    assert Request.objects.get(pk=fiu_draft.pk).status == Request.Status.DRAFT

    sent = api(investigator_a).post(
        url,
        {"to_status": "sent", "effective_on": "2025-03-03", "override_reason": "Agreed by phone"},
        format="json",
    )
    assert sent.status_code == 200, sent.content
    assert Request.objects.get(pk=fiu_draft.pk).timeline.last().override_reason == "Agreed by phone"


# --- the letter -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_the_letter_prints_the_addressee_of_the_channel(swiss, instruments, investigator_a, language):
    to_central = make_request(case=make_case(lead=investigator_a), legal_basis=instruments["treaty"])
    body = default_template_body("bilateral_treaty", "request", language)
    letter = render_template(body, letter_context(to_central, language=language))
    assert "Federal Office of Justice, Mutual Assistance Unit" in letter
    assert "Demo street 1<br>3003 Demo city" in letter and "mla@demo.example.org" in letter
    assert "Demo Person" in letter

    through_fiu = make_request(case=to_central.case, legal_basis=instruments["uncac"], channel="fiu")
    context = letter_context(through_fiu, language=language)
    assert context["addressee"]["name"] == "Demo FIU of Switzerland"
    letter = render_template(default_template_body("convention", "request", language), context)
    assert "Demo FIU of Switzerland" in letter and "fiu@demo.example.org" in letter
    assert "Mutual Assistance Unit" not in letter


@pytest.mark.django_db
def test_without_a_recorded_authority_the_letter_uses_the_profiles_name_and_an_informal_one_the_network(
    investigator_a,
):
    CountryProfileFactory(country="DE", central_authority="Federal Office of Justice (Germany)")
    network = LegalInstrumentFactory(
        measures=[AssistanceMeasureFactory(code="freezing")],
        code="carin-demo",
        short_name="CARIN",
        kind="informal_network",
    )
    request = make_request(case=make_case(lead=investigator_a), country="DE", legal_basis=network)
    context = letter_context(request, language="en")
    assert context["addressee"]["name"] == "Federal Office of Justice (Germany)"
    assert context["addressee"]["matches_channel"] is False
    letter = render_template(default_template_body("informal_network", "request", "en"), context)
    assert "CARIN — Contact point" in letter and "Federal Office of Justice" not in letter
    assert selectors.addressee(None, "central_authority")["known"] is False


# --- the API ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_reads_the_authorities_channels_and_dual_criminality(swiss, investigator_a):
    body = api(investigator_a).get("/api/v1/countries/ch/").json()
    assert body["channels_accepted"] == ["central_authority", "diplomatic"]
    assert body["dual_criminality"] == "coercive_only"
    assert body["dual_criminality_notes"].startswith("Coercive measures")
    assert [(a["kind"], a["name"]) for a in body["authorities"]] == [
        ("fiu", "Demo FIU of Switzerland"),
        ("central_authority", "Federal Office of Justice, Mutual Assistance Unit"),
    ]
    assert body["authorities"][1]["email"] == "mla@demo.example.org"
    listed = api(investigator_a).get("/api/v1/countries/").json()["results"]
    assert listed[0]["authorities"] and listed[0]["letter_languages"] == "en"
    # Read-only, as all reference data.
    assert api(investigator_a).patch("/api/v1/countries/CH/", {"channels_accepted": []}).status_code == 405
    assert CountryProfile.objects.get(pk=swiss.pk).channels_accepted == ["central_authority", "diplomatic"]


@pytest.mark.django_db
def test_the_admin_form_takes_the_channels_as_ticks_and_the_authorities_inline(swiss, administrator, client):
    client.force_login(administrator)
    url = f"/admin/recovery/countryprofile/{swiss.pk}/change/"
    data = change_form_data(client.get(url))
    data["channels_accepted"] = ["fiu", "central_authority"]
    data["dual_criminality"] = "all_measures"
    saved = client.post(url, data)
    assert saved.status_code == 302, saved.context["adminform"].form.errors if saved.context else saved
    swiss.refresh_from_db()
    assert swiss.channels_accepted == ["central_authority", "fiu"] and swiss.dual_criminality == "all_measures"

    data["channels_accepted"] = ["carrier pigeon"]
    refused = client.post(url, data)
    assert refused.status_code == 200 and "channels_accepted" in refused.context["adminform"].form.errors
    total = int(data["authorities-TOTAL_FORMS"])
    data.update({"channels_accepted": ["fiu"], "authorities-TOTAL_FORMS": str(total + 1)})
    data.update(
        {f"authorities-{total}-kind": "embassy", f"authorities-{total}-name": "  ", f"authorities-{total}-order": "0"}
    )
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert CountryAuthority.objects.filter(profile=swiss).count() == 2
    swiss.refresh_from_db()
    assert swiss.channels_accepted == ["central_authority", "fiu"]  # nothing half-written
