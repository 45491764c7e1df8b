"""Status changes from the admin go through the services: allowed moves change the status and add
a timeline row; refused moves show the reason and change nothing."""

import datetime

import pytest
from django.contrib.messages import get_messages

from assets.models import Asset
from assets.services import asset_transition
from cases.models import Case
from mla_requests.models import ChecklistAnswer, Request
from mla_requests.services import request_send


def transition_url(obj, to_status):
    opts = obj._meta
    return f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/transition/{to_status}/"


# A confiscation through the admin records its court decision in the same step.
CONFISCATION_ORDER = {"decision_court": "Zurich District Court", "decision_decided_on": "2025-05-20"}


def error_messages(response):
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


@pytest.mark.django_db
def test_sending_with_the_checklist_answered_sends_and_adds_a_timeline_row(desk, login, investigator_a):
    request = desk.request_a
    response = login(investigator_a).post(
        transition_url(request, "sent"),
        {
            "effective_on": "2025-02-03",
            "note": "Sent through the central authority",
            "document_reference": "Letter 12/345",
            f"req_{desk.requirement.pk}": "on",
            f"req_{desk.requirement.pk}_note": "Section 4 of the request",
            "expected_version": request.version,
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Request.Status.SENT
    assert request.sent_on == datetime.date(2025, 2, 3)
    assert request.response_due is not None
    last = request.timeline.last()
    assert (last.from_status, last.to_status, last.document_reference) == ("draft", "sent", "Letter 12/345")
    assert ChecklistAnswer.objects.get(request=request, requirement=desk.requirement).satisfied


@pytest.mark.django_db
def test_sending_with_a_mandatory_item_missing_is_refused_and_changes_nothing(desk, login, investigator_a):
    request = desk.request_a
    response = login(investigator_a).post(
        transition_url(request, "sent"),
        {"effective_on": "2025-02-03", f"req_{desk.requirement.pk}_note": "to follow"},
    )
    assert response.status_code == 200
    assert any("Details and location of the property" in m for m in error_messages(response))
    assert "nothing was changed" in response.content.decode()
    request.refresh_from_db()
    assert request.status == Request.Status.DRAFT
    assert request.timeline.count() == 1
    # The checklist note typed into the refused form was not kept either.
    assert ChecklistAnswer.objects.get(request=request, requirement=desk.requirement).note == ""


@pytest.mark.django_db
def test_the_send_form_shows_the_checklist_scope_and_a_treaty_warning(desk, login, investigator_a):
    from tests.factories import make_request

    client = login(investigator_a)
    page = client.get(transition_url(desk.request_a, "sent")).content.decode()
    assert "Details and location of the property" in page
    assert 'id="treaty-warning"' not in page  # Switzerland has a bilateral treaty
    to_turkey = make_request(
        case=desk.case_a, actor=investigator_a, country="TR", legal_basis=desk.uncac, measures=[desk.testimony]
    )
    page = client.get(transition_url(to_turkey, "sent")).content.decode()
    assert 'id="treaty-warning"' in page
    assert "UN Convention against Corruption" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("to_status", "extra", "expected"),
    [
        ("acknowledged", {"foreign_reference": "BJ-2025-77"}, "acknowledged"),
        ("info_requested", {}, "info_requested"),
        ("partially_executed", {}, "partially_executed"),
        ("executed", {}, "executed"),
        ("refused", {"refusal_grounds": "Dual criminality not met"}, "refused"),
        ("withdrawn", {}, "withdrawn"),
    ],
)
def test_each_response_to_a_sent_request_is_recorded(to_status, extra, expected, desk, login, investigator_a):
    from mla_requests.services import request_answer_checklist

    request_answer_checklist(request=desk.request_a, actor=investigator_a, answers={desk.requirement.code: True})
    request = request_send(request=desk.request_a, actor=investigator_a, sent_on=datetime.date(2025, 1, 10))
    response = login(investigator_a).post(
        transition_url(request, to_status), {"effective_on": "2025-03-01", "note": "Reply received", **extra}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    request.refresh_from_db()
    assert request.status == expected
    assert request.timeline.last().to_status == expected


@pytest.mark.django_db
def test_a_refusal_without_grounds_is_refused(desk, login, investigator_a):
    request = request_send(request=desk.request_a, actor=investigator_a, override_reason="urgent freezing")
    response = login(investigator_a).post(transition_url(request, "refused"), {"effective_on": "2025-03-01"})
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.status == Request.Status.SENT


@pytest.mark.django_db
def test_a_move_the_workflow_does_not_allow_is_refused(desk, login, investigator_a):
    response = login(investigator_a).post(transition_url(desk.request_a, "executed"), {"effective_on": "2025-03-01"})
    assert response.status_code == 200
    assert any("cannot move" in m for m in error_messages(response))
    desk.request_a.refresh_from_db()
    assert desk.request_a.status == Request.Status.DRAFT


@pytest.mark.django_db
def test_freezing_then_confiscating_an_asset_records_the_amounts(desk, login, investigator_a):
    client = login(investigator_a)
    asset = desk.asset_a
    response = client.post(
        transition_url(asset, "frozen"),
        {"effective_on": "2025-04-01", "amount": "1000000.00", "document_reference": "Order 7"},
    )
    assert response.status_code == 302
    response = client.post(
        transition_url(asset, "confiscated"),
        {"effective_on": "2025-06-01", "amount": "900000.00", **CONFISCATION_ORDER},
    )
    assert response.status_code == 302
    response = client.post(transition_url(asset, "returned"), {"effective_on": "2025-07-01", "amount": "400000.00"})
    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.status == Asset.Status.RETURNED
    assert (asset.frozen_amount, asset.confiscated_amount, asset.returned_amount) == (1000000, 900000, 400000)
    amounts = [str(row.amount) for row in asset.timeline.all() if row.amount is not None]
    assert len(amounts) == 3


@pytest.mark.django_db
def test_confiscating_more_than_was_frozen_is_refused_without_an_override(desk, login, investigator_a):
    asset = asset_transition(asset=desk.asset_a, to_status="frozen", actor=investigator_a, amount="100.00")
    client = login(investigator_a)
    response = client.post(
        transition_url(asset, "confiscated"), {"effective_on": "2025-06-01", "amount": "500.00", **CONFISCATION_ORDER}
    )
    assert response.status_code == 200
    assert any("exceeds" in m for m in error_messages(response))
    asset.refresh_from_db()
    assert asset.status == Asset.Status.FROZEN and asset.confiscated_amount == 0
    response = client.post(
        transition_url(asset, "confiscated"),
        {
            "effective_on": "2025-06-01",
            "amount": "500.00",
            "override_reason": "Value-based order covers more",
            **CONFISCATION_ORDER,
        },
    )
    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.status == Asset.Status.CONFISCATED
    assert asset.timeline.last().override_reason == "Value-based order covers more"


@pytest.mark.django_db
def test_freezing_needs_an_amount(desk, login, investigator_a):
    response = login(investigator_a).post(transition_url(desk.asset_a, "frozen"), {"effective_on": "2025-04-01"})
    assert response.status_code == 200
    desk.asset_a.refresh_from_db()
    assert desk.asset_a.status == Asset.Status.IDENTIFIED


@pytest.mark.django_db
def test_closing_and_reopening_a_case(desk, login, investigator_a):
    client = login(investigator_a)
    assert client.post(transition_url(desk.case_a, "closed"), {"effective_on": "2025-01-31"}).status_code == 302
    desk.case_a.refresh_from_db()
    assert desk.case_a.status == Case.Status.CLOSED and desk.case_a.closed_on == datetime.date(2025, 1, 31)
    assert client.post(transition_url(desk.case_a, "open"), {"effective_on": "2025-02-10"}).status_code == 302
    desk.case_a.refresh_from_db()
    assert desk.case_a.status == Case.Status.OPEN and desk.case_a.closed_on is None


@pytest.mark.django_db
def test_a_future_effective_date_is_refused(desk, login, investigator_a):
    tomorrow = desk.today + datetime.timedelta(days=2)
    response = login(investigator_a).post(
        transition_url(desk.case_a, "suspended"), {"effective_on": tomorrow.isoformat()}
    )
    assert response.status_code == 200
    desk.case_a.refresh_from_db()
    assert desk.case_a.status == Case.Status.OPEN


@pytest.mark.django_db
def test_the_case_page_shows_one_timeline_of_the_case_its_requests_and_assets(desk, login, investigator_a):
    asset_transition(asset=desk.asset_a, to_status="frozen", actor=investigator_a, amount="250000.00")
    page = login(investigator_a).get(f"/admin/cases/case/{desk.case_a.pk}/change/").content.decode()
    assert 'id="timeline"' in page
    timeline = page[page.index('id="timeline"') :]
    assert timeline.count('class="timeline-row"') == 4  # case opened, request drafted, asset identified, frozen
    assert desk.request_a.reference in timeline
    assert "Frozen / seized" in timeline
