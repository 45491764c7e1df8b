"""Records of unit A and unit B for the security tests: a case in each with a subject (a person
with an IIN and a passport), a request, an asset and a document of the case file."""

import datetime

import pytest
from django.test import Client

from cases.services import case_add_subject, subject_create
from recovery.security.events import record_event
from tests.factories import UserFactory, make_asset, make_case, make_request


def _case_with_records(lead, *, register_number, iin, passport):
    case = make_case(lead=lead, register_number=register_number)
    subject = subject_create(
        actor=lead,
        kind="person",
        name_latin=f"Subject {register_number}",
        iin_bin=iin,
        passport_number=passport,
        nationality="KZ",
    )
    case_add_subject(case=case, subject=subject, role="suspect", actor=lead)
    request = make_request(case=case)
    asset = make_asset(case=case, holder=subject)
    return {"case": case, "subject": subject, "request": request, "asset": asset}


@pytest.fixture
def records_a(investigator_a):
    return _case_with_records(
        investigator_a, register_number="240000000000001", iin="860101300123", passport="N1234567"
    )


@pytest.fixture
def records_b(investigator_b):
    return _case_with_records(
        investigator_b, register_number="240000000000002", iin="900202400456", passport="N7654321"
    )


@pytest.fixture
def auditor(db):
    return UserFactory(username="auditor", unit=None, roles=["Auditor"])


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", unit=None, is_superuser=True)


def client_for(user, *, verified=True, csrf_checks=False):
    """A client signed in as `user`; `verified` marks the session as having passed two-factor;
    `csrf_checks` makes it send no CSRF token where a browser would (Django's test client skips
    the check otherwise)."""
    client = Client(enforce_csrf_checks=csrf_checks)
    client.force_login(user)
    if verified:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device, _ = TOTPDevice.objects.get_or_create(user=user, name="default", defaults={"confirmed": True})
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The cast's passwords are hashed once per test; the production hasher's cost is not under test here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Who visits every route in the authorization matrix (tests/security/test_route_authorization_matrix.py).
VISITOR_NAMES = (
    "anonymous",
    "investigator_a",
    "investigator_b",
    "supervisor_a",
    "analyst",
    "administrator",
    "auditor",
    "integration_client",
    "investigator_analyst_b",
    "supervisor_analyst_b",
    "administrator_investigator_b",
)


# Roles combined in one account (roles add up per capability: see recovery.access).
@pytest.fixture
def investigator_analyst_b(unit_b):
    return UserFactory(username="inv_ana_b", unit=unit_b, roles=["Investigator", "Analyst"])


@pytest.fixture
def supervisor_analyst_b(unit_b):
    return UserFactory(username="sup_ana_b", unit=unit_b, roles=["Supervisor", "Analyst"])


@pytest.fixture
def administrator_investigator_b(unit_b):
    return UserFactory(username="adm_inv_b", unit=unit_b, roles=["Administrator", "Investigator"])


# --- The world: the cast and a full set of records in units A and B -----------------------------
@pytest.fixture
def world(request, records_a, records_b, investigator_a, investigator_b, administrator):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from assets.services import agreement_record, claim_create, court_decision_create

    for records in (records_a, records_b):
        asset, actor = records["asset"], records["case"].lead_investigator
        court_decision_create(
            actor=actor,
            asset=asset,
            kind="restraint",
            court="Specialised inter-district court",
            country="KZ",
            decided_on=datetime.date(2024, 3, 10),
        )
        claim_create(
            actor=actor,
            asset=asset,
            claimant="A bona fide buyer",
            basis="Bought in 2019",
            filed_on=datetime.date(2024, 4, 1),
        )
        agreement_record(
            actor=actor,
            asset=asset,
            kind="return",
            concluded_on=datetime.date(2024, 6, 1),
            home_share_percent="100",
        )
    from mla_requests.models import ChecklistAnswer
    from tests.factories import RequirementFactory

    for records in (records_a, records_b):
        req = records["request"]
        requirement = RequirementFactory(instrument=req.legal_basis)
        ChecklistAnswer.objects.create(request=req, requirement=requirement)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents.services import document_add

    for records in (records_a, records_b):
        case = records["case"]
        document_add(
            actor=case.lead_investigator,
            case=case,
            kind="certified_court_decision",
            title=f"Court decision {case.register_number}",
            file=SimpleUploadedFile("decision.txt", f"Decision in {case.register_number}\n".encode()),
            request=records["request"],
        )
    record_event("export", user=administrator, obj=records_a["case"])
    from django.apps import apps

    from tests.factories import CountryProfileFactory

    swiss = CountryProfileFactory(country="CH")
    # Its country page lists an authority (reference data: the same for every visitor).
    swiss.authorities.get_or_create(kind="central_authority", name="Demo central authority of Switzerland")
    try:  # API tokens arrive with the API (issue 4)
        from recovery.api.services import api_token_create
    except ImportError:
        api_token_create = None
    if api_token_create is not None:
        api_token_create(
            actor=administrator, user=investigator_a, name="matrix", scopes=["cases:read"], expires_at=None
        )
    if apps.is_installed("recovery") and "notification" in apps.get_app_config("recovery").models:
        notification_model = apps.get_model("recovery", "Notification")
        for owner in (investigator_a, investigator_b):
            notification_model.objects.create(recipient=owner, title=f"Reminder for {owner.username}")
    # Reminders (issue 5) and exchange rates (issue 6): one row of each for their admin pages.
    from mla_requests.models import Holiday, ReminderDelivery, ReminderDigest, ReminderPolicy
    from recovery.models import ExchangeRate, IdempotencyKey, NotificationPreference

    IdempotencyKey.objects.create(
        user=investigator_a, key="k-1", method="POST", path="/api/v1/cases/", fingerprint="0" * 64
    )

    ExchangeRate.objects.create(date=datetime.date(2024, 1, 1), currency="EUR", rate="1.100000")
    NotificationPreference.objects.create(user=investigator_a)
    ReminderPolicy.objects.create(note="Office-wide policy")
    Holiday.objects.create(day=datetime.date(2024, 3, 22), name="Nauryz")
    for records in (records_a, records_b):
        req = records["request"]
        ReminderDelivery.objects.create(
            request=req,
            stage="due",
            deadline=datetime.date(2024, 6, 1),
            recipient=req.responsible_investigator,
            fires_on=datetime.date(2024, 6, 1),
        )
    for owner in (investigator_a, investigator_b):
        ReminderDigest.objects.create(recipient=owner, day=datetime.date(2024, 6, 1))
    AccessAttempt.objects.create(
        username="someone", ip_address="192.0.2.1", user_agent="x", failures_since_start=1, get_data="", post_data=""
    )
    AccessLog.objects.create(username="someone", ip_address="192.0.2.1", user_agent="x")
    AccessFailureLog.objects.create(username="someone", ip_address="192.0.2.1", user_agent="x")
    world = {"case_A": records_a["case"], "case_B": records_b["case"]}
    world["investigator_a"], world["investigator_b"] = investigator_a, investigator_b
    world["clients"] = {}
    for visitor in VISITOR_NAMES:
        if visitor == "anonymous":
            world["clients"][visitor] = Client()
        else:
            world["clients"][visitor] = client_for(request.getfixturevalue(visitor))
    return world
