"""The demo data: deterministic, idempotent, shaped like the seed article (figure 2, the Swiss case), and
written through the services so every record has a consistent timeline.

The default scale is seeded once per module (it takes a while): first inside a savepoint that is rolled
back, as a fresh database would be, then for good; the tests read the second run."""

import datetime
import hashlib
import io
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from djmoney.money import Money

from assets.models import Asset, AssetStatusChange, CourtDecision, ThirdPartyClaim
from cases.models import Case, CaseStatusChange, CaseSubject, Subject
from documents.models import Document, DocumentVersion
from incoming.models import IncomingRequest, IncomingRequestStatusChange
from mla_requests.models import ChecklistAnswer, Request, RequestStatusChange
from recovery import access
from recovery.demo_data import ANCHOR, DEMO_PASSWORD, FIGURE_2, SWISS_CASE_REGISTER_NUMBER, seed_demo_data
from recovery.models import ExchangeRate, LegalInstrument, Unit, User
from recovery.roles import ADMINISTRATOR, ANALYST, INVESTIGATOR, SUPERVISOR

TABLES = (
    Unit,
    User,
    Case,
    CaseStatusChange,
    Subject,
    CaseSubject,
    Request,
    RequestStatusChange,
    ChecklistAnswer,
    Asset,
    AssetStatusChange,
    CourtDecision,
    ThirdPartyClaim,
    LegalInstrument,
    Document,
    DocumentVersion,
    IncomingRequest,
    IncomingRequestStatusChange,
    ExchangeRate,
)


def fingerprint() -> list[str]:
    """Every demo row by its natural keys and values; no primary keys or recording times (those differ
    between databases and runs, the data must not)."""
    rows = []

    def add(label, queryset, *fields):
        rows.extend(f"{label}:{values!r}" for values in queryset.values_list(*fields))

    add("unit", Unit.objects, "code", "parent__code", "name_en", "name_ru", "name_kk")
    add("user", User.objects, "username", "unit__code", "is_staff", "is_superuser", "groups__name")
    case_fields = ("register_number", "title", "unit__code", "lead_investigator__username", "status")
    add("case", Case.objects, *case_fields, "opened_on", "closed_on", "estimated_damage", "version")
    add("case-team", Case.team.through.objects, "case__register_number", "user__username")
    add("case-category", Case.other_crime_categories.through.objects, "case__register_number", "crimecategory__code")
    add(
        "case-tl", CaseStatusChange.objects, "case__register_number", "from_status", "to_status", "effective_on", "note"
    )
    add("subject", Subject.objects, "name_latin", "name_cyrillic", "iin_bin", "passport_number", "nationality")
    add("case-subject", CaseSubject.objects, "case__register_number", "subject__name_latin", "role")
    request_fields = ("reference", "case__register_number", "country", "legal_basis__code", "channel", "status")
    dates = ("sent_on", "acknowledged_on", "answered_on", "closed_on", "response_due")
    add("request", Request.objects, *request_fields, *dates, "refusal_grounds", "foreign_reference", "summary")
    add("request-measure", Request.measures.through.objects, "request__reference", "assistancemeasure__code")
    add("request-asset", Request.assets.through.objects, "request__reference", "asset__identifier")
    add("request-subject", Request.subjects.through.objects, "request__reference", "subject__name_latin")
    tl = ("from_status", "to_status", "effective_on", "note", "override_reason", "document_reference")
    add("request-tl", RequestStatusChange.objects, "request__reference", *tl, "actor__username")
    add("checklist", ChecklistAnswer.objects, "request__reference", "requirement__code", "satisfied", "note")
    asset_fields = ("case__register_number", "identifier", "kind", "description", "location_country", "currency")
    amounts = ("estimated_value", "frozen_amount", "confiscated_amount", "returned_amount")
    add("asset", Asset.objects, *asset_fields, *amounts, "status", "identified_on", "holder__name_latin")
    add("asset-tl", AssetStatusChange.objects, "asset__identifier", *tl, "amount", "amount_currency")
    add("decision", CourtDecision.objects, "asset__identifier", "kind", "court", "decided_on", "amount", "reference")
    add("claim", ThirdPartyClaim.objects, "asset__identifier", "claimant", "status", "filed_on", "decided_on", "amount")
    add("document", Document.objects, "case__register_number", "kind", "language", "title", "dated_on", "version")
    version_fields = ("number", "filename", "content_type", "size", "sha256", "added_by__username")
    add("document-version", DocumentVersion.objects, "document__title", *version_fields)
    incoming_fields = ("reference", "requesting_country", "foreign_reference", "legal_basis__code", "unit__code")
    incoming_dates = ("received_on", "registered_on", "assigned_on", "answered_on", "closed_on", "execution_due")
    add(
        "incoming",
        IncomingRequest.objects,
        *incoming_fields,
        *incoming_dates,
        "status",
        "executor__username",
        "refusal_ground",
        "refusal_article",
    )
    add(
        "incoming-subject",
        IncomingRequest.subjects.through.objects,
        "incomingrequest__reference",
        "subject__name_latin",
    )
    add("incoming-tl", IncomingRequestStatusChange.objects, "incoming_request__reference", *tl, "actor__username")
    add("rate", ExchangeRate.objects, "currency", "date", "rate")
    return sorted(rows)


def row_counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in TABLES}


@pytest.fixture(scope="module")
def demo_document_files(tmp_path_factory):
    """The demo's document files go to a temporary directory (the per-test fixture comes too late for
    a module's seeding), never to var/documents."""
    location = tmp_path_factory.mktemp("demo-documents")
    from django.conf import settings

    storages = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location), "base_url": None},
        },
    }
    with override_settings(STORAGES=storages):
        yield location


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, demo_document_files):
    with django_db_blocker.unblock(), transaction.atomic():
        with transaction.atomic():
            seed_demo_data()
            in_a_fresh_database = fingerprint()
            transaction.set_rollback(True)
        assert not Case.objects.exists()
        result = seed_demo_data()
        yield {"result": result, "first_fingerprint": in_a_fresh_database, "fingerprint": fingerprint()}
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db, demo_document_files, settings):
    # The files seeded live in the module's directory, not in this test's own.
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(demo_document_files), "base_url": None},
        },
    }
    return seeded


def test_two_runs_in_fresh_databases_give_the_same_rows(demo):
    assert demo["result"]["cases_created"] > 50
    assert demo["first_fingerprint"] == demo["fingerprint"]


def test_a_second_run_changes_nothing(demo):
    before = row_counts()
    out = io.StringIO()
    call_command("seed_demo_data", stdout=out)
    assert row_counts() == before
    assert fingerprint() == demo["fingerprint"]
    assert " 0 cases created" in out.getvalue()


def test_the_command_prints_the_demo_logins(demo):
    out = io.StringIO()
    call_command("seed_demo_data", stdout=out)
    text = out.getvalue()
    assert DEMO_PASSWORD in text
    for username in ("admin", "investigator1", "investigator3", "supervisor", "analyst", "administrator"):
        assert f"  {username} " in text


def test_the_scale_must_be_a_positive_number(db):
    for bad in ("0", "-1", "many"):
        with pytest.raises(CommandError):
            call_command("seed_demo_data", "--scale", bad)
        with pytest.raises(CommandError):
            call_command("seed_demo_data", scale=bad)


def test_users_of_every_role_log_in_with_the_demo_password(demo):
    roles = Counter()
    for user in User.objects.filter(username__in=["investigator1", "investigator2", "investigator3", "supervisor"]):
        assert user.check_password(DEMO_PASSWORD) and user.is_staff
        roles.update(user.groups.values_list("name", flat=True))
    for username in ("analyst", "administrator", "admin"):
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD) and user.is_staff
        roles.update(user.groups.values_list("name", flat=True))
    assert roles[INVESTIGATOR] == 3 and roles[SUPERVISOR] == 1 and roles[ANALYST] == 1 and roles[ADMINISTRATOR] == 2
    assert User.objects.get(username="admin").is_superuser
    investigator_units = set(User.objects.filter(groups__name=INVESTIGATOR).values_list("unit__code", flat=True))
    assert len(investigator_units) == 2
    hq = Unit.objects.get(code="arc-hq")
    assert hq.parent is None and hq.children.count() == 3


def test_the_spread_over_countries_follows_figure_2(demo):
    per_country = Counter(str(c) for c in Request.objects.values_list("country", flat=True))
    figure = [per_country[code] for code, _base in FIGURE_2]
    assert figure == sorted(figure, reverse=True)  # in the seed's order
    assert per_country.most_common(1)[0][0] == "RU"
    others = [n for code, n in per_country.items() if code not in dict(FIGURE_2)]
    assert max(others) < min(figure)
    # About a tenth of the seed's numbers at the default scale.
    for code, base in FIGURE_2:
        assert abs(per_country[code] - base / 10) <= 1, code
    assert 0.9 < (per_country["RU"] / per_country["UZ"]) / (961 / 156) < 1.1


def test_every_request_asset_and_case_status_occurs(demo):
    assert set(Request.objects.values_list("status", flat=True)) == set(Request.Status.values)
    assert set(Asset.objects.values_list("status", flat=True)) == set(Asset.Status.values)
    assert set(Case.objects.values_list("status", flat=True)) == set(Case.Status.values)
    assert set(Asset.objects.values_list("kind", flat=True)) >= {"bank_account", "real_estate"}


def test_legal_bases_apply_to_the_requested_state(demo):
    bases = Counter()
    for request in Request.objects.select_related("legal_basis"):
        assert request.legal_basis.applies_to(str(request.country)), request.reference
        bases[request.legal_basis.kind] += 1
        treaty = LegalInstrument.objects.filter(
            kind=LegalInstrument.Kind.BILATERAL_TREATY, counterpart_countries__country=request.country
        ).first()
        if request.legal_basis.kind == LegalInstrument.Kind.BILATERAL_TREATY:
            assert request.legal_basis == treaty
    assert set(bases) == set(LegalInstrument.Kind.values) - {LegalInstrument.Kind.AGREEMENT}
    informal = set(Request.objects.filter(channel=Request.Channel.INFORMAL_NETWORK).values_list("legal_basis__code"))
    assert ("carin",) in informal
    assert Request.objects.filter(legal_basis__code="egmont", channel=Request.Channel.FIU).exists()


def test_requests_sent_met_their_checklist_or_recorded_why_not(demo):
    sent = Request.objects.exclude(sent_on=None).prefetch_related("timeline", "checklist__requirement")
    overridden = 0
    for request in sent:
        # The items that apply to the request's measures (its checklist rows).
        mandatory = {a.requirement_id for a in request.checklist.all() if a.requirement.mandatory}
        provided = {a.requirement_id for a in request.checklist.all() if a.satisfied}
        send_row = next(row for row in request.timeline.all() if row.to_status == Request.Status.SENT)
        if mandatory - provided:
            assert send_row.override_reason
            overridden += 1
        else:
            assert not send_row.override_reason
        assert request.response_due and request.response_due > request.sent_on
    assert overridden >= 1


def _assert_timeline(obj, initial, rows):
    assert rows, obj
    assert (rows[0].from_status, rows[0].to_status) == ("", initial), obj
    for previous, row in zip(rows, rows[1:], strict=False):
        assert row.from_status == previous.to_status, obj
        assert row.effective_on >= previous.effective_on, obj
    assert rows[-1].to_status == obj.status, obj
    assert rows[-1].effective_on <= ANCHOR


def test_every_request_asset_and_case_has_a_timeline_from_its_creation(demo):
    for request in Request.objects.prefetch_related("timeline"):
        _assert_timeline(request, Request.Status.DRAFT, list(request.timeline.all()))
    for asset in Asset.objects.prefetch_related("timeline"):
        rows = list(asset.timeline.all())
        _assert_timeline(asset, Asset.Status.IDENTIFIED, rows)
        assert rows[0].effective_on == asset.identified_on
        returned = sum((r.amount.amount for r in rows if r.to_status == Asset.Status.RETURNED), Decimal("0"))
        assert returned == asset.returned_amount <= asset.confiscated_amount
    for case in Case.objects.prefetch_related("timeline"):
        rows = list(case.timeline.all())
        _assert_timeline(case, Case.Status.OPEN, rows)
        assert rows[0].effective_on == case.opened_on


def test_the_swiss_case_of_the_seed_article(demo):
    case = Case.objects.get(register_number=SWISS_CASE_REGISTER_NUMBER)
    assert case.primary_crime_category.code == "smuggling_customs"
    assert "China" in case.description and "Switzerland" in case.description
    assert {"K.", "A."} <= set(case.subject_roles.values_list("subject__name_latin", flat=True))
    request = case.requests.get(country="CH", legal_basis__code="uncac")
    assert {"freeze_seize_assets", "return_assets"} <= set(request.measures.values_list("code", flat=True))
    assert request.status == Request.Status.EXECUTED

    returns = AssetStatusChange.objects.filter(asset__case=case, to_status=Asset.Status.RETURNED)
    assert returns.count() >= 3
    assert sum((row.amount for row in returns), Money(0, "USD")) == Money(Decimal("1300000.00"), "USD")
    assert {row.effective_on.year for row in returns} <= {2017, 2018, 2019, 2020}
    assert {row.effective_on.year for row in returns} >= {2017, 2020}

    verdict = CourtDecision.objects.get(asset__case=case, kind=CourtDecision.Kind.CONFISCATION)
    assert "Almaty" in verdict.court and verdict.conviction_based
    assert case.status == Case.Status.CLOSED


def test_the_swiss_case_file_holds_documents_with_valid_hashes(demo):
    from documents.services import file_response, version_to_download

    case = Case.objects.get(register_number=SWISS_CASE_REGISTER_NUMBER)
    # The Swiss file's three come last: before them, the demo's sending attached the signed letter and
    # the translation its legal basis requires (the later of each kind is kept here).
    rows = case.documents.select_related("current_version", "request", "court_decision").order_by("pk")
    documents = {d.kind: d for d in rows}
    assert {"certified_court_decision", "foreign_acknowledgement", "request_letter"} <= set(documents)
    assert demo["result"]["documents_created"] == 3

    request = case.requests.get(legal_basis__code="uncac")
    verdict = documents["certified_court_decision"]
    assert verdict.request == request and verdict.court_decision.kind == CourtDecision.Kind.CONFISCATION
    assert verdict.current_version.content_type == "application/pdf"
    # UNCAC lists no court decision among a request's contents, and the request was sent long ago.
    assert verdict.checklist_item is None
    assert documents["foreign_acknowledgement"].request_event.to_status == Request.Status.ACKNOWLEDGED
    letter = documents["request_letter"]
    assert letter.request_event.to_status == Request.Status.SENT
    assert letter.current_version.content_type.endswith("wordprocessingml.document")

    lead = case.lead_investigator
    for document in documents.values():
        version = document.current_version
        assert version.number == 1 and version.added_by == lead
        assert version.filename.endswith((".pdf", ".docx"))
        response = file_response(version_to_download(actor=lead, version=version))
        content = b"".join(response.streaming_content)
        response.file_to_stream.close()  # response.close() would signal request_finished, closing the DB connection
        assert len(content) == version.size
        assert hashlib.sha256(content).hexdigest() == version.sha256


def test_the_demo_documents_are_added_to_a_database_seeded_before_them(demo):
    from recovery.demo_data import ensure_swiss_documents, ensure_units_and_users

    case = Case.objects.get(register_number=SWISS_CASE_REGISTER_NUMBER)
    hashes = dict(case.documents.values_list("title", "current_version__sha256"))
    assert ensure_swiss_documents(ensure_units_and_users()["users"]) == 0
    # Versions are append-only, so "seeded before the documents existed" is played by renaming one
    # away: the seeding adds it again.
    acknowledgement = case.documents.get(kind="foreign_acknowledgement")
    Document.objects.filter(pk=acknowledgement.pk).update(title="Renamed by hand")
    assert ensure_swiss_documents(ensure_units_and_users()["users"]) == 1
    # The same bytes as before: the files are made deterministically.
    again = dict(case.documents.exclude(pk=acknowledgement.pk).values_list("title", "current_version__sha256"))
    assert again == hashes


# --- Incoming requests ------------------------------------------------------------------------------


def test_incoming_requests_take_every_status_from_several_states_and_bases(demo):
    assert demo["result"]["incoming_created"] >= len(IncomingRequest.Status.values)
    incoming = IncomingRequest.objects.select_related("legal_basis")
    assert set(incoming.values_list("status", flat=True)) == set(IncomingRequest.Status.values)
    assert len({str(r.requesting_country) for r in incoming}) >= 10
    kinds = Counter(r.legal_basis.kind for r in incoming)
    assert kinds[LegalInstrument.Kind.BILATERAL_TREATY] > kinds[LegalInstrument.Kind.MULTILATERAL_CONVENTION] > 0
    assert kinds[LegalInstrument.Kind.RECIPROCITY] and kinds[LegalInstrument.Kind.INFORMAL_NETWORK]
    for request in incoming:
        assert request.legal_basis.applies_to(str(request.requesting_country)), request.reference
    refused = incoming.filter(status=IncomingRequest.Status.REFUSED)
    grounds = set(refused.values_list("refusal_ground", flat=True))
    assert grounds == set(IncomingRequest.RefusalGround.values)
    assert all(r.refusal_article for r in refused)
    # A second run (test_a_second_run_changes_nothing) adds none: the requesting state's reference is the key.
    assert IncomingRequest.objects.values("requesting_country", "foreign_reference").distinct().count() == (
        IncomingRequest.objects.count()
    )


def test_incoming_requests_have_their_workflow_on_the_timeline(demo):
    S = IncomingRequest.Status
    for request in IncomingRequest.objects.prefetch_related("timeline"):
        rows = list(request.timeline.all())
        # A change of executor is a note on the timeline (from and to the same status).
        moves = [row for row in rows if row.from_status != row.to_status or row is rows[0]]
        _assert_timeline(request, S.RECEIVED, moves)
        assert rows[0].effective_on == request.received_on
        for previous, row in zip(moves, moves[1:], strict=False):
            assert IncomingRequest.workflow.is_allowed(previous.to_status, row.to_status), request
        if request.status not in (S.RECEIVED, S.REGISTERED, S.RETURNED, S.WITHDRAWN, S.REFUSED):
            assert request.executor is not None and request.assigned_on is not None, request
        if request.executor is not None:
            assert request.executor.unit == request.unit
            assigned = next(row for row in moves if row.to_status == S.ASSIGNED)
            assert assigned.actor.username == "supervisor"
        if request.status in IncomingRequest.ANSWERED_STATUSES:
            assert request.answered_on is not None
        assert (request.closed_on is not None) == (request.status in IncomingRequest.CLOSED_STATUSES)
        if request.closed_on:
            assert request.closed_on == rows[-1].effective_on
        assert request.execution_due >= request.received_on
        registered = [row for row in moves if row.to_status == S.REGISTERED]
        if registered:
            assert registered[0].actor.groups.filter(name=INVESTIGATOR).exists()
            assert registered[0].actor.unit == request.unit
    assert IncomingRequestStatusChange.objects.filter(note__startswith="Executor changed").exists()


def test_some_incoming_requests_are_overdue_and_some_due_soon(demo):
    assert IncomingRequest.objects.overdue(today=ANCHOR).exists()
    assert IncomingRequest.objects.due_within(today=ANCHOR, days=30).exists()
    # Overdue on any later day too, and some open ones still within a deadline the requesting state set.
    assert IncomingRequest.objects.overdue().exists()
    assert IncomingRequest.objects.open().filter(execution_due_source="requested").exists()


def test_each_incoming_request_is_seen_by_its_units_investigators_only(demo):
    investigators = list(User.objects.filter(groups__name=INVESTIGATOR).select_related("unit"))
    units = set()
    for request in IncomingRequest.objects.all():
        for investigator in investigators:
            assert access.may_read(investigator, request) == (investigator.unit_id == request.unit_id), (
                request.reference,
                investigator.username,
            )
        assert access.may_read(User.objects.get(username="supervisor"), request)
        units.add(request.unit.code)
    assert units == {"arc-intl", "arc-almaty"}


def test_a_person_of_the_demo_cases_concerned_by_an_incoming_request_is_one_record(demo):
    in_both = Subject.objects.filter(incoming_requests__isnull=False, case_roles__isnull=False).distinct()
    assert in_both.count() >= 3
    assert in_both.filter(name_latin="A.").exists()  # the Swiss case's A., asked about by Switzerland
    only_incoming = Subject.objects.filter(incoming_requests__isnull=False, case_roles__isnull=True)
    assert only_incoming.exists()
    # Whoever executes the request sees the person, even without access to the case they are in.
    investigator3 = User.objects.get(username="investigator3")
    for subject in Subject.objects.filter(incoming_requests__unit__code="arc-almaty"):
        assert access.may_read(investigator3, subject)


# --- Exchange rates and freezing orders -------------------------------------------------------------

# The demo's rate files are the National Bank's currencies; these four it does not quote.
WITHOUT_A_RATE = {"BGN", "MNT", "PKR", "VND"}


def test_the_demo_has_a_rate_for_each_of_its_currencies_in_every_demo_year(demo, settings):
    from recovery.stats import RateBook

    assert settings.REPORTING_CURRENCY == "USD"
    assert demo["result"]["rates_created"] > 100
    used = set(Asset.objects.values_list("currency", flat=True)) | set(
        AssetStatusChange.objects.exclude(amount_currency=None).values_list("amount_currency", flat=True)
    )
    assert {"EUR", "RUB", "GBP"} <= used
    book = RateBook()
    for year in range(2017, ANCHOR.year + 1):
        as_of = min(datetime.date(year, 12, 31), ANCHOR)
        for currency in used - WITHOUT_A_RATE - {"USD"}:
            rate, day = book.rate(currency, as_of)
            assert day.year == year and rate > 0, (currency, year)
    # Units of USD per unit: a euro is worth more than a dollar, a rouble far less.
    euro, _day = book.rate("EUR", ANCHOR)
    rouble, _day = book.rate("RUB", ANCHOR)
    assert Decimal("1.05") < euro < Decimal("1.25") and Decimal("0.005") < rouble < Decimal("0.02")


def test_the_dashboards_convert_the_demo_values_with_the_demo_rates(demo):
    from recovery.stats import Stats

    admin = User.objects.get(username="admin")
    figures = Stats(admin, today=ANCHOR).asset_recovery()
    for block in (figures["ordered"], figures["realised"]):
        converted = block["converted"]
        assert converted is not None and converted["amount"] > 0
        assert set(converted["missing"]) <= WITHOUT_A_RATE
        # Computed here from the rows and the rates used, not by the code under test.
        rates = {r["currency"]: r["rate"] for r in converted["rates"]}
        expected = sum(
            (t["amount"] * (Decimal(1) if t["currency"] == "USD" else rates[t["currency"]]))
            for t in block["totals"]
            if t["currency"] not in converted["missing"]
        )
        assert converted["amount"] == expected.quantize(Decimal("0.01"))


def test_assets_frozen_abroad_have_their_freezing_order_and_the_report_counts_them(demo):
    from recovery.stats import Stats

    restraint = CourtDecision.objects.filter(kind=CourtDecision.Kind.RESTRAINT)
    frozen_assets = Asset.objects.filter(timeline__to_status=Asset.Status.FROZEN).distinct()
    ordered = set(restraint.values_list("asset_id", flat=True))
    # Every planned freeze abroad has its order (the Swiss case's is not recorded in the seed).
    assert ordered and ordered <= set(frozen_assets.values_list("pk", flat=True))
    assert len(ordered) >= frozen_assets.exclude(case__register_number=SWISS_CASE_REGISTER_NUMBER).count()
    for decision in restraint.select_related("asset"):
        assert decision.country == decision.asset.location_country
        assert decision.amount == Money(decision.asset.frozen_amount, decision.asset.currency)
    admin = User.objects.get(username="admin")
    years = Counter(d.year for d in restraint.values_list("decided_on", flat=True))
    assert len(years) >= 3
    for year, count in years.items():
        report = Stats(admin, today=ANCHOR).report(year)
        orders = {o["kind"]: o for o in report["orders"]}
        assert orders[CourtDecision.Kind.RESTRAINT]["count"] == count, year


def test_the_demo_shows_the_later_steps_with_their_amounts(demo):
    steps = set(AssetStatusChange.objects.values_list("step", flat=True))
    assert {"partial_release", "sale", "status_change"} <= steps
    assert Asset.objects.filter(status=Asset.Status.FROZEN, released_amount__gt=0, still_frozen_amount__gt=0).exists()
    assert Asset.objects.filter(sold_at_stage=Asset.Status.FROZEN).exists()
    assert Asset.objects.filter(sold_at_stage=Asset.Status.CONFISCATED).exists()
    assert Asset.objects.filter(status=Asset.Status.RESTITUTED, restituted_amount__gt=0).exists()
    assert Asset.objects.filter(status=Asset.Status.RETAINED_ABROAD, retained_amount__gt=0).exists()


def test_some_freezes_expire_within_days_some_lapsed_and_some_were_renewed(demo):
    assert Asset.objects.freeze_expiring(7).exists()
    assert Asset.objects.freeze_lapsed().exists()
    assert Asset.objects.freeze_expiry_unknown().exists()
    renewals = AssetStatusChange.objects.filter(step=AssetStatusChange.Step.FREEZE_RENEWAL)
    assert renewals.exists()
    for row in renewals.select_related("asset"):
        assert row.note.startswith(f"Freeze renewed until {row.freeze_expires_on.isoformat()}")
        assert row.asset.freeze_expires_on == row.freeze_expires_on
