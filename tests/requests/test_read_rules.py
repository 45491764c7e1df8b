"""The read rules of requests (mla_requests.models.RequestQuerySet): each rule at its boundaries
(deadline yesterday, today, tomorrow or none; every status), and every reader agreeing on the same
rows: the queryset, the one-row predicates, the API's filter, the admin's list filter, the
dashboards' figures and the links behind them, the case list's overdue count and the reminders.

The expected rows are worked out here from the design's words, not from the code under test:
pending = sent, acknowledged or partially executed; overdue = pending with the deadline before
today; due today = pending with the deadline today; late = answered after the deadline, or not
answered and overdue."""

import datetime
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from mla_requests.filters import RULES
from mla_requests.models import ReminderDelivery, ReminderSchedule, Request
from mla_requests.reminder_services import scan_reminders
from mla_requests.services import request_send, request_transition
from recovery.stats import Stats
from tests.factories import AssistanceMeasureFactory, LegalInstrumentFactory, make_case, make_request
from tests.reminders.conftest import at

pytestmark = pytest.mark.django_db

S = Request.Status
DAY = datetime.timedelta(days=1)
PENDING = {S.SENT, S.ACKNOWLEDGED, S.PARTIALLY_EXECUTED}
ANSWERED = {S.PARTIALLY_EXECUTED, S.EXECUTED, S.REFUSED}
DEADLINES = ("yesterday", "today", "tomorrow", None)
# How each status is reached from a sent request (each step five days after the previous).
PATHS = {
    S.SENT: [],
    S.ACKNOWLEDGED: [S.ACKNOWLEDGED],
    S.INFO_REQUESTED: [S.ACKNOWLEDGED, S.INFO_REQUESTED],
    S.PARTIALLY_EXECUTED: [S.PARTIALLY_EXECUTED],
    S.EXECUTED: [S.EXECUTED],
    S.REFUSED: [S.REFUSED],
    S.WITHDRAWN: [S.WITHDRAWN],
}


class Grid:
    """One request per sent status and deadline (yesterday, today, tomorrow, none), all sent 60
    days ago and, where answered, answered 5 days after sending (so in time); plus a draft."""

    def __init__(self, investigator):
        self.today = timezone.localdate()
        self.sent_on = self.today - datetime.timedelta(days=60)
        self.case = make_case(unit=investigator.unit, lead=investigator)
        measure = AssistanceMeasureFactory(code="freezing")
        self.basis = LegalInstrumentFactory(code="uncac", measures=[measure])
        self.measures = [measure]
        self.investigator = investigator
        self.rows: dict[int, tuple[str, str | None]] = {}
        for status in PATHS:
            for deadline in DEADLINES:
                self.add(status, deadline)
        draft = self.draft()
        self.rows[draft.pk] = (S.DRAFT, None)

    def draft(self):
        return make_request(
            case=self.case, actor=self.investigator, legal_basis=self.basis, measures=self.measures, country="CH"
        )

    def day(self, deadline):
        return {"yesterday": self.today - DAY, "today": self.today, "tomorrow": self.today + DAY}[deadline]

    def add(self, status, deadline, *, answer_on=None, sent_on=None):
        sent_on = sent_on or self.sent_on
        request = request_send(
            request=self.draft(),
            actor=self.investigator,
            sent_on=sent_on,
            response_due=self.day(deadline) if deadline else self.today,
        )
        if deadline is None:
            # A sent request without a deadline (written around the services, as a bulk load may).
            Request.objects.filter(pk=request.pk).update(response_due=None)
        for step, to_status in enumerate(PATHS[status], start=1):
            request = request_transition(
                request=request,
                to_status=to_status,
                actor=self.investigator,
                effective_on=answer_on if answer_on and to_status in ANSWERED else sent_on + step * 5 * DAY,
                refusal_grounds="Dual criminality not met" if to_status == S.REFUSED else "",
            )
        self.rows[request.pk] = (status, deadline)
        return request

    def where(self, condition):
        return {pk for pk, (status, deadline) in self.rows.items() if condition(status, deadline)}


@pytest.fixture
def grid(investigator_a):
    return Grid(investigator_a)


def expected(grid):
    """Every rule's rows, from the design's definitions."""
    pending = grid.where(lambda s, d: s in PENDING)
    overdue = grid.where(lambda s, d: s in PENDING and d == "yesterday")
    unanswered = grid.where(lambda s, d: s in (S.SENT, S.ACKNOWLEDGED, S.INFO_REQUESTED))
    return {
        "pending": pending,
        "overdue": overdue,
        "due_today": grid.where(lambda s, d: s in PENDING and d == "today"),
        "due_within_7": grid.where(lambda s, d: s in PENDING and d in ("today", "tomorrow")),
        "upcoming": grid.where(lambda s, d: s in PENDING and d in ("today", "tomorrow")),
        "without_deadline": grid.where(lambda s, d: d is None),
        "awaiting_acknowledgement": grid.where(lambda s, d: s == S.SENT),
        "answered": grid.where(lambda s, d: s in ANSWERED),
        # Answered five days after sending: in time wherever there is a deadline.
        "answered_on_time": grid.where(lambda s, d: s in ANSWERED and d is not None),
        "answered_late": set(),
        "unanswered": unanswered,
        "late": unanswered & overdue,
    }


def test_each_rule_at_its_boundaries(grid):
    want = expected(grid)
    today = grid.today
    got = {
        "pending": Request.objects.pending(),
        "overdue": Request.objects.overdue(today),
        "due_today": Request.objects.due_today(today),
        "due_within_7": Request.objects.due_within(today, 7),
        "upcoming": Request.objects.due_within(today),
        "without_deadline": Request.objects.without_deadline(),
        "awaiting_acknowledgement": Request.objects.awaiting_acknowledgement(),
        "answered": Request.objects.answered(),
        "answered_on_time": Request.objects.answered_on_time(),
        "answered_late": Request.objects.answered_late(),
        "unanswered": Request.objects.unanswered(),
        "late": Request.objects.late(today),
    }
    for rule, queryset in got.items():
        assert set(queryset.values_list("pk", flat=True)) == want[rule], rule
    # Tomorrow, yesterday's deadline is still overdue and today's has become so.
    tomorrow = Request.objects.overdue(today + DAY)
    assert set(tomorrow.values_list("pk", flat=True)) == want["overdue"] | want["due_today"]


def test_the_one_row_predicates_agree_with_the_querysets(grid):
    want = expected(grid)
    for request in Request.objects.filter(pk__in=grid.rows):
        assert request.is_pending is (request.pk in want["pending"]), grid.rows[request.pk]
        assert request.is_overdue(grid.today) is (request.pk in want["overdue"]), grid.rows[request.pk]
        assert request.is_awaiting_acknowledgement is (request.pk in want["awaiting_acknowledgement"])


def test_late_on_time_and_overdue_at_the_answers_boundaries(grid):
    """Answered on the deadline day: on time. The day after: late. A partial answer in time that
    is still pending past the deadline: overdue, but not late. Information requested from us past
    the deadline, or a withdrawal: neither."""
    long_ago = grid.today - datetime.timedelta(days=90)
    deadline = grid.today - datetime.timedelta(days=30)

    def answered(status, answer_on):
        request = request_send(request=grid.draft(), actor=grid.investigator, sent_on=long_ago, response_due=deadline)
        return request_transition(
            request=request,
            to_status=status,
            actor=grid.investigator,
            effective_on=answer_on,
            refusal_grounds="Political offence" if status == S.REFUSED else "",
        )

    on_the_day = answered(S.EXECUTED, deadline)
    day_after = answered(S.REFUSED, deadline + DAY)
    partly_in_time = answered(S.PARTIALLY_EXECUTED, deadline - DAY)
    partly_late = answered(S.PARTIALLY_EXECUTED, deadline + DAY)
    info = answered(S.INFO_REQUESTED, deadline - DAY)
    withdrawn = answered(S.WITHDRAWN, deadline + DAY)

    def pks(queryset):
        return set(queryset.values_list("pk", flat=True)) & {
            r.pk for r in (on_the_day, day_after, partly_in_time, partly_late, info, withdrawn)
        }

    today = grid.today
    assert pks(Request.objects.answered_on_time()) == {on_the_day.pk, partly_in_time.pk}
    assert pks(Request.objects.answered_late()) == {day_after.pk, partly_late.pk}
    assert pks(Request.objects.late(today)) == {day_after.pk, partly_late.pk}
    assert pks(Request.objects.overdue(today)) == {partly_in_time.pk, partly_late.pk}
    assert pks(Request.objects.unanswered()) == {info.pk}
    assert pks(Request.objects.pending()) == {partly_in_time.pk, partly_late.pk}


def rule_cases():
    for param, values in RULES.table.items():
        for value in values:
            yield param, value
        if set(values) == {"true"}:
            yield param, "false"


def admin_rows(client, params):
    response = client.get("/admin/requests/request/", params)
    assert response.status_code == 200, (params, response.status_code)
    changelist = response.context["cl"]
    return {obj.pk for obj in changelist.result_list}, changelist.result_count


def api_rows(client, params):
    response = client.get("/api/v1/requests/", {**params, "limit": 200})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body.get("next") is None
    return {row["id"] for row in body["results"]}


def test_the_api_and_the_admin_filter_by_the_same_rules(grid, investigator_a):
    admin = Client()
    admin.force_login(investigator_a)
    api = APIClient()
    api.force_authenticate(investigator_a)
    for param, value in rule_cases():
        want = set(Request.objects.filter(RULES.q(param, value, grid.today)).values_list("pk", flat=True))
        shown, count = admin_rows(admin, {param: value})
        assert shown == want and count == len(want), f"admin {param}={value}"
        assert api_rows(api, {param: value}) == want, f"API {param}={value}"
    want = expected(grid)
    assert admin_rows(admin, {"due": "overdue"})[0] == want["overdue"]
    assert admin_rows(admin, {"due": "today"})[0] == want["due_today"]
    assert admin_rows(admin, {"due": "week"})[0] == want["due_within_7"]
    assert admin_rows(admin, {"due": "none"})[0] == want["without_deadline"]
    assert admin_rows(admin, {"answer": "late"})[0] == want["late"]
    assert api_rows(api, {"overdue": "true"}) == want["overdue"]
    assert api_rows(api, {"pending": "true"}) == want["pending"]
    assert api_rows(api, {"awaiting_acknowledgement": "true"}) == want["awaiting_acknowledgement"]
    assert api_rows(api, {"answer": "on_time"}) == want["answered_on_time"]


def test_a_value_outside_the_rules_is_refused_not_ignored(grid, investigator_a):
    admin = Client()
    admin.force_login(investigator_a)
    response = admin.get("/admin/requests/request/", {"due": "someday"})
    assert response.status_code == 302 and response["Location"].endswith("?e=1")
    api = APIClient()
    api.force_authenticate(investigator_a)
    for params in ({"due": "someday"}, {"answer": "soon"}, {"pending": "maybe"}, {"overdue": "1"}):
        response = api.get("/api/v1/requests/", params)
        assert response.status_code == 400, params
        assert set(params) <= set(response.json()["errors"])


@pytest.fixture
def reminder_settings(settings):
    settings.REMINDER_DAYS_BEFORE = (14, 3)
    settings.REMINDER_OVERDUE_EVERY_DAYS = 14
    settings.REMINDER_ESCALATE_AFTER_DAYS = 30
    settings.REMINDER_ACK_CHASE_AFTER_DAYS = 30
    settings.REMINDER_WORKING_DAYS = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_admin_api_stats_case_list_and_reminders_agree(grid, investigator_a, reminder_settings):
    want = expected(grid)
    overdue = want["overdue"]
    admin = Client()
    admin.force_login(investigator_a)
    api = APIClient()
    api.force_authenticate(investigator_a)

    # The admin list filter and the API filter.
    assert admin_rows(admin, {"due": "overdue"}) == (overdue, len(overdue))
    assert api_rows(api, {"due": "overdue"}) == api_rows(api, {"overdue": "true"}) == overdue
    # Each API row's own flag.
    response = api.get("/api/v1/requests/", {"limit": 200})
    assert {row["id"] for row in response.json()["results"] if row["is_overdue"]} == overdue

    # The dashboards: the overview's figures, the countries' table and the overdue list.
    stats = Stats(investigator_a)
    overview = stats.overview()
    assert overview["overdue"]["count"] == len(overdue)
    assert overview["pending"]["count"] == len(want["pending"])
    assert overview["due_this_week"]["count"] == len(want["due_within_7"])
    assert sum(c["overdue"]["count"] for c in stats.by_country()["countries"]) == len(overdue)
    listed = stats.overdue()
    assert listed["count"] == len(overdue) and {r["id"] for r in listed["requests"]} == overdue
    # ... whose links open the admin list of exactly those rows.
    for figure in (overview["overdue"], overview["pending"], overview["due_this_week"], listed):
        query = dict(parse_qsl(urlsplit(figure["url"]).query))
        assert admin_rows(admin, query)[1] == figure["count"], figure["url"]

    # The case list's overdue column.
    response = admin.get("/admin/cases/case/")
    [case] = [c for c in response.context["cl"].result_list if c.pk == grid.case.pk]
    assert case._overdue_count == len(overdue)

    # The reminders: every pending request, and those waiting for our additional information (our
    # own deadline), and only those, are in the schedule; today's scan reminds of the answer's
    # deadline only pending requests, exactly those whose deadline has come (overdue or due today),
    # and chases the acknowledgement of exactly those awaiting it.
    waiting_for_us = set(Request.objects.filter(status=S.INFO_REQUESTED).values_list("pk", flat=True))
    assert set(ReminderSchedule.objects.values_list("request_id", flat=True)) == want["pending"] | waiting_for_us
    scan_reminders(now=at(grid.today))
    reminded = ReminderDelivery.objects.values_list("request_id", "stage")
    assert {pk for pk, stage in reminded if not stage.startswith("supplementary-")} <= want["pending"]
    assert {pk for pk, stage in reminded if stage.startswith("supplementary-")} <= waiting_for_us
    assert {pk for pk, stage in reminded if stage == "due"} == overdue | want["due_today"]
    assert {pk for pk, stage in reminded if stage == "ack-chase"} == want["awaiting_acknowledgement"]


def linked(node):
    """(count, url) of every figure linked to an admin list, the timeliness ones included."""
    if isinstance(node, dict):
        url = node.get("url", "")
        if isinstance(node.get("count"), int) and "/admin/" in url and "/change/" not in url:
            yield node["count"], url
        for value in node.values():
            yield from linked(value)
    elif isinstance(node, list):
        for item in node:
            yield from linked(item)


def test_every_request_figure_links_to_exactly_its_rows(grid, investigator_a):
    """With the rules as list filters the timeliness figures (answered on time, after the
    deadline) and the country bars' segments link to exactly their rows too."""
    admin = Client()
    admin.force_login(investigator_a)
    # A late answer and an unanswered request past its deadline, so that every figure has rows.
    grid.add(S.EXECUTED, "yesterday", answer_on=grid.today)
    stats = Stats(investigator_a)
    report = stats.report(grid.sent_on.year)
    timeliness = {t["key"]: t["count"] for t in report["timeliness"]}
    assert timeliness["late"] == 1 and timeliness["on_time"] == len(expected(grid)["answered_on_time"]) - 1
    checked = 0
    for page in (stats.overview(), stats.by_country(), report):
        for count, url in linked(page):
            if "/requests/request/" not in url:
                continue
            query = dict(parse_qsl(urlsplit(url).query))
            assert admin_rows(admin, query)[1] == count, url
            checked += 1
    assert checked > 20
    [country] = stats.by_country()["countries"]
    assert sum(s["count"] for s in country["segments"]) == country["total"]["count"]
