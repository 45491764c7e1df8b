"""The desk: each person sees their own work waiting (overdue, due soon, unacknowledged, information
asked of us, incoming requests they execute, freezes about to lapse, unread notifications), a
supervisor the work of their units by investigator, nobody another unit's; and the desk costs the
same number of queries with three rows as with twelve."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from djmoney.money import Money

from assets.models import Asset
from assets.services import asset_transition
from incoming import services as incoming_services
from incoming.models import IncomingRequest
from mla_requests.models import Request
from mla_requests.services import request_transition
from recovery.desk import desk_for
from recovery.notifications import notify
from tests.factories import UserFactory, make_asset, make_case, make_incoming
from tests.reminders.conftest import send_request

DAY = datetime.timedelta(days=1)


@pytest.fixture
def today():
    return timezone.localdate()


def overdue(investigator, today, **kwargs):
    return send_request(investigator=investigator, sent_on=today - 90 * DAY, response_due=today - 5 * DAY, **kwargs)


def due_soon(investigator, today, **kwargs):
    return send_request(investigator=investigator, sent_on=today - 30 * DAY, response_due=today + 5 * DAY, **kwargs)


def section(html: str, key: str) -> str:
    match = re.search(
        rf'<div class="module desk-section" id="desk-{key}">(.*?)</div>\s*(?=<div class="module|</div>)', html, re.S
    )
    assert match, f"no section {key}"
    return match.group(1)


def desk_page(client, user, path="/admin/desk/"):
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_an_investigator_sees_their_own_work_in_each_section(client, investigator_a, investigator_b, today):
    late = overdue(investigator_a, today)
    soon = due_soon(investigator_a, today)
    unacknowledged = send_request(
        investigator=investigator_a, sent_on=today - 20 * DAY, response_due=today + 60 * DAY, acknowledged_on=None
    )
    asked = request_transition(
        request=due_soon(investigator_a, today),
        to_status=Request.Status.INFO_REQUESTED,
        actor=investigator_a,
        supplementary_due=today + 10 * DAY,
    )
    others = overdue(investigator_b, today)

    html = desk_page(client, investigator_a)
    assert late.reference in section(html, "overdue")
    assert f"/admin/requests/request/{late.pk}/follow-up/" in section(html, "overdue")
    assert soon.reference in section(html, "due_soon") and late.reference not in section(html, "due_soon")
    assert f"/admin/requests/request/{soon.pk}/transition/executed/" in section(html, "due_soon")
    assert unacknowledged.reference in section(html, "awaiting_acknowledgement")
    assert f"/admin/requests/request/{unacknowledged.pk}/transition/acknowledged/" in html
    assert asked.reference in section(html, "info_requested")
    assert f"/admin/requests/request/{asked.pk}/supplementary/" in html
    # Another unit's request never reaches this desk, in any section.
    assert others.reference not in html


@pytest.mark.django_db
def test_a_colleagues_request_is_not_on_my_desk_but_on_our_supervisors(
    client, investigator_a, supervisor_a, investigator_b, unit_a, today
):
    colleague = UserFactory(username="inv_a_two", unit=unit_a, roles=["Investigator"], last_name="Zhumabek")
    theirs = overdue(colleague, today)
    mine = overdue(investigator_a, today)
    other_unit = overdue(investigator_b, today)

    assert theirs.reference not in desk_page(client, investigator_a)

    html = desk_page(client, supervisor_a)
    overdue_html = section(html, "overdue")
    assert mine.reference in overdue_html and theirs.reference in overdue_html
    assert other_unit.reference not in html
    # Grouped by the person responsible, each heading before that person's requests.
    assert overdue_html.count('class="desk-owner"') == 2
    assert overdue_html.index("Zhumabek") < overdue_html.index(theirs.reference)


@pytest.mark.django_db
def test_a_supervisor_of_another_unit_sees_none_of_it(client, investigator_a, unit_b, today):
    supervisor_b = UserFactory(username="sup_b", unit=unit_b, roles=["Supervisor"])
    request = overdue(investigator_a, today)
    desk = desk_for(supervisor_b)
    assert all(not s.lines for s in desk.sections)
    assert request.reference not in desk_page(client, supervisor_b)


@pytest.mark.django_db
def test_incoming_requests_I_execute_and_freezes_about_to_lapse(
    client, investigator_a, investigator_b, supervisor_a, unit_a, today
):
    incoming = make_incoming(unit=unit_a, actor=investigator_a, received_on=today - 3 * DAY)
    incoming_services.incoming_transition(
        incoming=incoming, to_status=IncomingRequest.Status.REGISTERED, actor=investigator_a
    )
    incoming_services.incoming_assign(incoming=incoming, actor=supervisor_a, executor=investigator_a)
    asset = make_asset(case=make_case(lead=investigator_a))
    asset_transition(
        asset=asset,
        to_status=Asset.Status.FROZEN,
        actor=investigator_a,
        amount=Money("1000.00", "USD"),
        effective_on=today - 300 * DAY,
        freeze_expires_on=today + 6 * DAY,
    )
    far = make_asset(case=make_case(lead=investigator_a), identifier="GB29NWBK60161331926819")
    asset_transition(
        asset=far,
        to_status=Asset.Status.FROZEN,
        actor=investigator_a,
        amount=Money("1000.00", "USD"),
        effective_on=today - 10 * DAY,
        freeze_expires_on=today + 200 * DAY,
    )

    html = desk_page(client, investigator_a)
    assert incoming.reference in section(html, "incoming")
    assert f"/admin/assets/asset/{asset.pk}/change/" in section(html, "freezes")
    assert f"/admin/assets/asset/{asset.pk}/renew-freeze/" in section(html, "freezes")
    assert f"/admin/assets/asset/{far.pk}/" not in html

    other = desk_page(client, investigator_b)
    assert incoming.reference not in other and f"/admin/assets/asset/{asset.pk}/" not in other


@pytest.mark.django_db
def test_unread_notifications_on_the_desk_are_only_mine(client, investigator_a, investigator_b):
    notify(recipient=investigator_a, title="Answer due on my request", link="/admin/")
    notify(recipient=investigator_b, title="Somebody else's reminder", link="/admin/")
    html = desk_page(client, investigator_a)
    notifications = section(html, "notifications")
    assert "Answer due on my request" in notifications and "Somebody else" not in html
    assert 'href="/admin/notifications/"' in notifications


@pytest.mark.django_db
def test_the_admin_home_shows_the_desk_to_investigators_and_the_lists_to_everyone(
    client, investigator_a, analyst, today
):
    request = overdue(investigator_a, today)
    home = desk_page(client, investigator_a, "/admin/")
    assert 'id="home-desk"' in home and request.reference in home
    assert 'id="content-main"' in home and "/admin/requests/request/" in home  # the app list is still there
    analyst_home = desk_page(client, analyst, "/admin/")
    assert 'id="home-desk"' not in analyst_home


@pytest.mark.django_db
def test_the_desk_asks_the_database_as_often_for_twelve_rows_as_for_three(
    client, supervisor_a, investigator_a, unit_a, today
):
    colleague = UserFactory(username="inv_a_two", unit=unit_a, roles=["Investigator"])

    def make_rows(count):
        for index in range(count):
            person = investigator_a if index % 2 else colleague
            overdue(person, today)
            due_soon(person, today, acknowledged_on=None)
            notify(recipient=supervisor_a, title=f"Reminder {index}", source_key=f"k-{count}-{index}")

    def queries():
        client.force_login(supervisor_a)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/admin/desk/").status_code == 200
        return len(captured)

    make_rows(3)
    small = queries()
    make_rows(9)
    assert len(desk_for(supervisor_a).sections[0].lines) == 12
    assert queries() == small


@pytest.mark.django_db
def test_each_sections_list_link_opens_the_filtered_list(client, investigator_a, today):
    late = overdue(investigator_a, today)
    desk = desk_for(investigator_a, rows=1)
    client.force_login(investigator_a)
    links = [section.list_link for section in desk.sections if section.list_link]
    assert links
    for link in links:
        response = client.get(link)
        # An undeclared lookup would send the admin to "?e=1" instead of the list.
        assert response.status_code == 200, link
    assert late.reference in client.get(desk.sections[0].list_link).content.decode()


@pytest.mark.django_db
def test_someone_who_reads_everything_still_finds_only_their_own_work(client, investigator_a, analyst, today):
    # An analyst reads every case, but the desk lists the work a person is responsible for.
    late = overdue(investigator_a, today)
    assert late.reference not in desk_page(client, analyst)


@pytest.mark.django_db
def test_the_desk_is_behind_the_admins_sign_in(client, unit_a, today):
    outsider = UserFactory(username="not_staff", unit=unit_a, roles=["Investigator"], is_staff=False)
    response = client.get("/admin/desk/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(outsider)
    assert client.get("/admin/desk/").status_code == 302
