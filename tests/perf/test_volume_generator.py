"""The volume generator at tiny scale writes rows a service could have written: constraints hold,
each record's timeline replays its workflow to its status with dates that never go back, dates and
amounts agree with the status, and requests go to the countries of the seed's figure 2 in order."""

import datetime
import io
import random
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command

from assets.models import Asset, AssetStatusChange
from cases.models import Case, CaseStatusChange
from incoming.models import IncomingRequest, IncomingRequestStatusChange
from mla_requests.models import ChecklistAnswer, ReminderSchedule, Request, RequestStatusChange
from recovery.models import ReferenceSequence
from recovery.volume import FIGURE_2, INCOMING_COUNTRY_WEIGHTS, TAIL, VolumeGenerator, _allocate, _deal
from tests.factories import make_incoming, make_request

CASES, REQUESTS, ASSETS = 50, 300, 100


@pytest.fixture
def volume(db):
    report = VolumeGenerator(cases=CASES, requests=REQUESTS, assets=ASSETS, seed=7, quiet=True).run()
    return report


def _timelines(model, subject_field):
    rows = defaultdict(list)
    for row in model.objects.order_by("pk").values(f"{subject_field}_id", "from_status", "to_status", "effective_on",
                                                   "amount"):  # fmt: skip
        rows[row[f"{subject_field}_id"]].append(row)
    return rows


def _assert_replays(record, steps, workflow, created_on=None):
    """The timeline starts at the initial status, follows allowed moves to the record's status, in date order."""
    assert steps, f"{record} has no timeline"
    assert steps[0]["from_status"] == "" and steps[0]["to_status"] == workflow.initial
    for previous, step in zip(steps, steps[1:], strict=False):
        assert step["from_status"] == previous["to_status"]
        assert workflow.is_allowed(step["from_status"], step["to_status"]), step
        assert step["effective_on"] >= previous["effective_on"]
    assert steps[-1]["to_status"] == record.status
    assert record.version == len(steps)  # every transition's save bumps the version
    assert steps[-1]["effective_on"] <= datetime.date.today() + datetime.timedelta(days=1)


def test_counts_and_timeline_volume(volume):
    assert (Case.objects.count(), Request.objects.count(), Asset.objects.count()) == (CASES, REQUESTS, ASSETS)
    timeline = (
        CaseStatusChange.objects.count()
        + RequestStatusChange.objects.count()
        + AssetStatusChange.objects.count()
        + IncomingRequestStatusChange.objects.count()
    )
    assert timeline == volume.timeline
    assert timeline >= 3 * (CASES + REQUESTS + ASSETS)
    assert volume.measures == Request.measures.through.objects.count() >= REQUESTS


def test_countries_follow_figure_2(volume):
    counts = Counter(Request.objects.values_list("country", flat=True))
    figure = [counts[code] for code, _ in FIGURE_2]
    assert figure == sorted(figure, reverse=True), figure
    assert counts["RU"] > 0.45 * REQUESTS  # 961 of ~2,000 in the seed's figure
    assert all(counts[code] <= counts["US"] for code, _ in TAIL)
    assert "KZ" not in counts  # never the home state


def test_requests_status_agrees_with_dates_and_timeline(volume):
    S = Request.Status
    timelines = _timelines(RequestStatusChange, "request")
    seen_statuses = set()
    for r in Request.objects.all():
        seen_statuses.add(r.status)
        _assert_replays(r, timelines[r.pk], Request.workflow)
        sent_steps = [s for s in timelines[r.pk] if s["to_status"] == S.SENT]
        if r.status == S.DRAFT:
            assert (r.sent_on, r.acknowledged_on, r.answered_on, r.closed_on, r.response_due) == (None,) * 5
        elif sent_steps:
            assert r.sent_on == sent_steps[0]["effective_on"]
            assert r.response_due is not None and r.response_due >= r.sent_on
        else:
            assert r.status == S.WITHDRAWN and r.sent_on is None
        if r.status in (S.EXECUTED, S.REFUSED, S.WITHDRAWN):
            assert r.closed_on == timelines[r.pk][-1]["effective_on"]
        else:
            assert r.closed_on is None
        if r.status in (S.EXECUTED, S.REFUSED, S.PARTIALLY_EXECUTED):
            assert r.answered_on is not None and r.acknowledged_on is not None
        assert bool(r.refusal_grounds) == (r.status == S.REFUSED)
        assert r.reference.startswith(f"MLA-{r.created_at.year}-") or r.reference.startswith("MLA-")
        assert r.legal_basis.applies_to(r.country)
        scope = set(r.legal_basis.measures.values_list("pk", flat=True))
        assert set(r.measures.values_list("pk", flat=True)) <= scope
    assert seen_statuses == set(S.values)


def test_sent_requests_have_their_checklist_answered(volume):
    for r in Request.objects.exclude(legal_basis__requirements=None).distinct():
        answers = {a.requirement_id: a.satisfied for a in ChecklistAnswer.objects.filter(request=r)}
        assert set(answers) == set(r.legal_basis.requirements.values_list("pk", flat=True))
        assert all(answers.values()) == (r.sent_on is not None)


def test_about_one_percent_of_requests_are_due(volume):
    today = datetime.date.today() + datetime.timedelta(days=1)  # Almaty is ahead of UTC
    due = Request.objects.filter(status__in=Request.PENDING_STATUSES, response_due__lte=today).count()
    assert 0 < due <= 0.05 * REQUESTS


def test_the_reminder_schedule_is_as_daily_scans_up_to_yesterday_left_it(volume):
    from django.utils import timezone

    from mla_requests.reminder_services import PolicyBook
    from mla_requests.reminders import next_firing_day

    today = timezone.localdate()
    policy = PolicyBook.load(today=today).resolve()  # no policy rows here: the settings
    schedule = dict(ReminderSchedule.objects.values_list("pk", "next_on"))
    pending = Request.objects.filter(status__in=Request.PENDING_STATUSES)
    assert set(schedule) == set(pending.values_list("pk", flat=True)) and schedule
    for r in pending:
        if r.response_due <= today:  # the due share: the scan's work today
            assert schedule[r.pk] == today
            continue
        expected = next_firing_day(
            sent_on=r.sent_on,
            response_due=r.response_due,
            acknowledged=r.acknowledged_on is not None or r.status != Request.Status.SENT,
            policy=policy,
            after=today - datetime.timedelta(days=1),
        )
        assert schedule[r.pk] == expected >= today
    # Rewritten on its own (--schedules-only): the same rows.
    ReminderSchedule.objects.all().delete()
    out = io.StringIO()
    call_command("generate_volume", "--schedules-only", stdout=out)
    assert f"reminder schedule rows written: {len(schedule):,}" in out.getvalue()
    assert dict(ReminderSchedule.objects.values_list("pk", "next_on")) == schedule


def test_cases_and_assets_status_agree_with_dates_amounts_and_timeline(volume):
    case_timelines = _timelines(CaseStatusChange, "case")
    for case in Case.objects.all():
        _assert_replays(case, case_timelines[case.pk], Case.workflow)
        assert (case.closed_on is not None) == (case.status == Case.Status.CLOSED)
    A = Asset.Status
    asset_timelines = _timelines(AssetStatusChange, "asset")
    for asset in Asset.objects.all():
        steps = asset_timelines[asset.pk]
        _assert_replays(asset, steps, Asset.workflow)
        assert asset.identified_on == steps[0]["effective_on"]
        amounts = {s["to_status"]: s["amount"] for s in steps}
        assert asset.frozen_amount == (amounts.get(A.FROZEN) or Decimal(0))
        assert asset.confiscated_amount == (amounts.get(A.CONFISCATED) or Decimal(0))
        assert asset.returned_amount == (amounts.get(A.RETURNED) or Decimal(0))
        assert 0 <= asset.returned_amount <= asset.confiscated_amount
        if A.FROZEN in amounts:
            assert 0 < asset.confiscated_amount <= asset.frozen_amount or A.CONFISCATED not in amounts
            assert asset.frozen_amount <= asset.estimated_value


def test_reference_counters_and_id_sequences_continue_after_the_load(volume):
    for seq in ReferenceSequence.objects.filter(prefix="MLA"):
        references = Request.objects.filter(reference__startswith=f"MLA-{seq.year}-").values_list(
            "reference", flat=True
        )
        numbers = [int(ref.rsplit("-", 1)[1]) for ref in references]
        assert seq.last_value == max(numbers)
    # A request created through the services afterwards gets a fresh id and reference.
    request = make_request()
    assert request.pk > max(Request.objects.exclude(pk=request.pk).values_list("pk", flat=True))


def test_the_command_reports_what_it_wrote(db):
    out, err = io.StringIO(), io.StringIO()
    call_command("generate_volume", cases=5, requests=20, assets=10, stdout=out, stderr=err)
    assert "cases 5, requests 20, assets 10, incoming requests 4" in out.getvalue()
    assert "requests [####################]" in err.getvalue()  # the progress bar


def test_allocation_is_exact_and_deterministic():
    counts = dict(_allocate(1000, FIGURE_2 + TAIL))
    assert sum(counts.values()) == 1000
    assert _deal(random.Random(3), 500, FIGURE_2) == _deal(random.Random(3), 500, FIGURE_2)


@pytest.mark.django_db
def test_seed_demo_data_scale_large_is_the_volume_generator():
    out = io.StringIO()
    call_command(
        "seed_demo_data", "--scale", "large", "--cases", "20", "--requests", "60", "--assets", "30", stdout=out
    )
    assert (Case.objects.count(), Request.objects.count(), Asset.objects.count()) == (20, 60, 30)
    assert IncomingRequest.objects.count() == 12
    assert RequestStatusChange.objects.count() >= 60  # every request has at least its creation row


# --- Incoming requests ---------------------------------------------------------------------------


def test_incoming_requests_are_about_a_fifth_of_the_outgoing_ones_from_the_usual_states(volume):
    assert volume.incoming == IncomingRequest.objects.count() == round(REQUESTS / 5)
    assert volume.incoming_timeline == IncomingRequestStatusChange.objects.count()
    assert volume.incoming_measures == IncomingRequest.measures.through.objects.count() >= volume.incoming
    counts = Counter(str(c) for c in IncomingRequest.objects.values_list("requesting_country", flat=True))
    assert set(counts) <= {code for code, _ in INCOMING_COUNTRY_WEIGHTS} and "KZ" not in counts
    assert counts.most_common(1)[0][0] == "RU"


def test_incoming_requests_status_agrees_with_dates_executor_and_timeline(volume, settings):
    S = IncomingRequest.Status
    timelines = defaultdict(list)
    for row in IncomingRequestStatusChange.objects.order_by("pk").values(
        "incoming_request_id", "from_status", "to_status", "effective_on", "note", "actor__unit_id",
        "actor__groups__name",
    ):  # fmt: skip
        timelines[row["incoming_request_id"]].append(row)
    seen, refused = Counter(), 0
    for r in IncomingRequest.objects.select_related("legal_basis"):
        seen[r.status] += 1
        steps = timelines[r.pk]
        _assert_replays(r, steps, IncomingRequest.workflow)
        assert [s["from_status"] for s in steps].count("") == 1  # one creation row, the first
        first = {}
        for s in steps:
            first.setdefault(s["to_status"], s["effective_on"])
        assert r.received_on == steps[0]["effective_on"]
        assert r.foreign_dated_on is None or r.foreign_dated_on <= r.received_on
        assert r.registered_on == first.get(S.REGISTERED)
        assert r.assigned_on == first.get(S.ASSIGNED)
        # The executor from the assignment on; named by a supervisor of the executing unit.
        assert (r.executor_id is not None) == (S.ASSIGNED in first)
        if r.executor_id:
            assert r.executor.unit_id == r.unit_id
            assigned = next(s for s in steps if s["to_status"] == S.ASSIGNED)
            assert assigned["actor__groups__name"] == "Supervisor" and assigned["actor__unit_id"] == r.unit_id
        answered = [first[s] for s in IncomingRequest.ANSWERED_STATUSES if s in first]
        assert r.answered_on == (min(answered) if answered else None)
        if r.status in IncomingRequest.ANSWERED_STATUSES:
            assert r.answered_on is not None and r.answered_on >= r.received_on
        if r.status in IncomingRequest.CLOSED_STATUSES:
            assert r.closed_on == steps[-1]["effective_on"]
        else:
            assert r.closed_on is None
        # The execution deadline from the receipt: the one asked, else the legal basis's, else the office's.
        if r.execution_due_source == "requested":
            assert r.execution_due == r.requested_due >= r.received_on
        else:
            days = r.legal_basis.expected_response_days or settings.INCOMING_EXECUTION_DAYS
            assert r.requested_due is None
            assert r.execution_due == r.received_on + datetime.timedelta(days=days)
        if r.status == S.REFUSED:
            refused += 1
            assert r.refusal_ground in IncomingRequest.RefusalGround.values and r.refusal_article
            assert r.refusal_ground != "other" or r.refusal_explanation
            assert steps[-1]["note"].startswith("Refused: ") and r.refusal_article in steps[-1]["note"]
        else:
            assert (r.refusal_ground, r.refusal_article, r.refusal_explanation) == ("", "", "")
        for s in steps:
            if s["to_status"] in (S.POSTPONED, S.INFO_REQUESTED, S.RETURNED):
                assert s["note"], s  # the services refuse these steps without a reason
        assert r.reference.startswith(f"INC-{r.received_on.year}-")
        assert r.legal_basis.applies_to(str(r.requesting_country))
        scope = set(r.legal_basis.measures.values_list("pk", flat=True))
        assert set(r.measures.values_list("pk", flat=True)) <= scope
    assert set(seen) == set(S.values)
    assert seen[S.EXECUTED] > seen[S.REFUSED] > 0
    # Open and overdue ones, as the dashboards and reminders find them.
    assert IncomingRequest.objects.overdue().exists() and IncomingRequest.objects.due_within(days=200).exists()


def test_incoming_reference_counters_continue_after_the_load(volume):
    seq = ReferenceSequence.objects.filter(prefix="INC")
    assert seq.exists()
    for row in seq:
        numbers = [
            int(ref.rsplit("-", 1)[1])
            for ref in IncomingRequest.objects.filter(reference__startswith=f"INC-{row.year}-").values_list(
                "reference", flat=True
            )
        ]
        assert row.last_value == max(numbers)
    received = make_incoming(received_on=datetime.date.today() - datetime.timedelta(days=1))
    assert received.pk > max(IncomingRequest.objects.exclude(pk=received.pk).values_list("pk", flat=True))


def test_incoming_requests_alone_for_a_volume_loaded_before_them(db):
    VolumeGenerator(cases=5, requests=20, assets=0, incoming=0, seed=3, quiet=True).run()
    assert not IncomingRequest.objects.exists()
    ReminderSchedule.objects.update(next_on=datetime.date(2030, 1, 1))
    schedule = dict(ReminderSchedule.objects.values_list("pk", "next_on"))
    assert schedule
    out = io.StringIO()
    call_command("generate_volume", cases=0, requests=0, assets=0, incoming=30, stdout=out, stderr=io.StringIO())
    assert "cases 0, requests 0, assets 0, incoming requests 30" in out.getvalue()
    assert (Case.objects.count(), Request.objects.count(), IncomingRequest.objects.count()) == (5, 20, 30)
    # The requests' reminder schedule is left as it was.
    assert dict(ReminderSchedule.objects.values_list("pk", "next_on")) == schedule
