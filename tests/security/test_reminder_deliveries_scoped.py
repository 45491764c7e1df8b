"""Through the real admin: the reminder delivery log and the digests are scoped like the requests
they chase. A supervisor of a regional unit (A1) sees A1's deliveries only; the supervisor of A
sees A's and A1's; neither lists, opens or is offered as a filter choice anything of unit B."""

import datetime

import pytest
from django.urls import reverse

from mla_requests.models import ReminderDelivery, ReminderDigest
from tests.factories import UserFactory, make_case, make_request
from tests.security.conftest import client_for

DELIVERIES = "admin:requests_reminderdelivery_changelist"
DIGESTS = "admin:requests_reminderdigest_changelist"


def _delivery(request, recipient):
    return ReminderDelivery.objects.create(
        request=request,
        stage="due",
        deadline=datetime.date(2024, 6, 1),
        recipient=recipient,
        fires_on=datetime.date(2024, 6, 1),
    )


@pytest.fixture
def supervisor_a1(unit_a1):
    return UserFactory(username="sup_a1", unit=unit_a1, roles=["Supervisor"])


@pytest.fixture
def log(records_a, records_b, investigator_a, investigator_a1, investigator_b):
    case_a1 = make_case(lead=investigator_a1, register_number="240000000000011")
    request_a1 = make_request(case=case_a1)
    day = datetime.date(2024, 6, 1)
    return {
        "A": _delivery(records_a["request"], investigator_a),
        "A1": _delivery(request_a1, investigator_a1),
        "B": _delivery(records_b["request"], investigator_b),
        "digest_A": ReminderDigest.objects.create(recipient=investigator_a, day=day),
        "digest_A1": ReminderDigest.objects.create(recipient=investigator_a1, day=day),
        "digest_B": ReminderDigest.objects.create(recipient=investigator_b, day=day),
    }


def _changelist(client, name, **params):
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response


def _recipient_choices(response) -> set[int]:
    """The people the recipient filter offers (none when it has a single choice: Django hides it)."""
    specs = [spec for spec in response.context["cl"].filter_specs if getattr(spec, "field_path", "") == "recipient"]
    return {pk for spec in specs for pk, _label in spec.lookup_choices}


@pytest.mark.parametrize(
    ("who", "sees"),
    [("supervisor_a1", {"A1"}), ("supervisor_a", {"A", "A1"}), ("administrator", {"A", "A1", "B"})],
)
def test_the_delivery_log_lists_and_opens_only_the_units_in_scope(request, log, who, sees):
    user = request.getfixturevalue(who)
    client = client_for(user)
    response = _changelist(client, DELIVERIES)
    cl = response.context["cl"]
    assert cl.result_count == len(sees)
    assert {row.pk for row in cl.result_list} == {log[unit].pk for unit in sees}
    html = response.content.decode()
    for unit in {"A", "A1", "B"} - sees:
        delivery = log[unit]
        # Nothing of another unit's reminder on the page: its request's reference, its recipient.
        assert delivery.request.reference not in html
        assert str(delivery.recipient) not in html
        page = client.get(reverse("admin:requests_reminderdelivery_change", args=[delivery.pk]))
        assert page.status_code == 404
        history = client.get(reverse("admin:requests_reminderdelivery_history", args=[delivery.pk]))
        assert history.status_code == 404
    for unit in sees:
        page = client.get(reverse("admin:requests_reminderdelivery_change", args=[log[unit].pk]))
        assert page.status_code == 200


@pytest.mark.parametrize(
    ("who", "offered"),
    [
        ("supervisor_a1", {"investigator_a1"}),
        ("supervisor_a", {"investigator_a", "investigator_a1"}),
        ("administrator", None),  # every user
    ],
)
def test_the_recipient_filter_offers_only_people_of_visible_deliveries(request, log, who, offered):
    client = client_for(request.getfixturevalue(who))
    choices = _recipient_choices(_changelist(client, DELIVERIES))
    inv_b = request.getfixturevalue("investigator_b")
    if offered is None:
        assert inv_b.pk in choices
        return
    expected = {request.getfixturevalue(name).pk for name in offered}
    assert inv_b.pk not in choices
    assert choices == expected if len(expected) > 1 else choices <= expected
    # Nor does the search or a hand-written filter reach unit B's rows.
    for params in ({"q": inv_b.username}, {"recipient__id__exact": inv_b.pk}, {"q": log["B"].request.reference}):
        rows = _changelist(client, DELIVERIES, **params).context["cl"].result_list
        assert log["B"].pk not in {row.pk for row in rows}, params


def test_retrying_is_limited_to_visible_deliveries(log, supervisor_a1):
    ReminderDelivery.objects.filter(pk__in=[log["A1"].pk, log["B"].pk]).update(status="gave_up", attempts=5)
    client = client_for(supervisor_a1)
    response = client.post(
        reverse(DELIVERIES), {"action": "retry_now", "_selected_action": [log["A1"].pk, log["B"].pk]}
    )
    assert response.status_code == 302
    assert ReminderDelivery.objects.get(pk=log["A1"].pk).status == "failed"
    assert ReminderDelivery.objects.get(pk=log["B"].pk).status == "gave_up"


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("supervisor_a1", {"digest_A1"}),
        ("supervisor_a", {"digest_A", "digest_A1"}),
        ("administrator", {"digest_A", "digest_A1", "digest_B"}),
    ],
)
def test_digests_are_visible_for_the_people_of_ones_units(request, log, who, sees):
    client = client_for(request.getfixturevalue(who))
    cl = _changelist(client, DIGESTS).context["cl"]
    assert {row.pk for row in cl.result_list} == {log[name].pk for name in sees}
    for name in {"digest_A", "digest_A1", "digest_B"} - sees:
        page = client.get(reverse("admin:requests_reminderdigest_change", args=[log[name].pk]))
        assert page.status_code == 404


def test_reminders_about_incoming_requests_are_seen_with_the_executing_unit(
    investigator_a, investigator_b, administrator
):
    """A reminder about an incoming request's execution deadline reaches its delivery log through the
    incoming request's unit (it has no case): unit A's supervisor sees A's, never B's."""
    from recovery import access
    from tests.factories import make_incoming

    mine = make_incoming(actor=investigator_a, foreign_reference="THEIRS-A")
    theirs = make_incoming(
        actor=investigator_b,
        foreign_reference="THEIRS-B",
        legal_basis=mine.legal_basis,
        measures=list(mine.measures.all()),
    )
    log = {}
    for name, incoming, recipient in (("A", mine, investigator_a), ("B", theirs, investigator_b)):
        log[name] = ReminderDelivery.objects.create(
            incoming_request=incoming,
            stage="due",
            deadline=incoming.execution_due,
            recipient=recipient,
            fires_on=incoming.execution_due,
        )
    supervisor_a = UserFactory(username="sup_a_inc", unit=investigator_a.unit, roles=["Supervisor"])
    seen = set(access.readable(supervisor_a, ReminderDelivery.objects.all()).values_list("pk", flat=True))
    assert seen == {log["A"].pk}
    client = client_for(supervisor_a)
    response = _changelist(client, DELIVERIES)
    assert {row.pk for row in response.context["cl"].result_list} == {log["A"].pk}
    assert theirs.reference not in response.content.decode()
    assert client.get(reverse("admin:requests_reminderdelivery_change", args=[log["B"].pk])).status_code == 404
    assert client.get(reverse("admin:requests_reminderdelivery_change", args=[log["A"].pk])).status_code == 200
    everything = access.readable(administrator, ReminderDelivery.objects.all())
    assert set(everything.values_list("pk", flat=True)) == {log["A"].pk, log["B"].pk}
