"""A birth date gives half an IIN away (it begins with YYMMDD), and an account (an IBAN) names its
holder as surely: both are masked, as the identifiers are, for whoever sees those masked (analysts,
auditors, investigators of other units), on every edge: the admin's lists and pages, the API, the
CSV export and the case bundle. The lead investigator and administrators see them in full."""

import datetime

import pytest

from cases.models import Subject
from recovery.access import assets_seen_in_full
from recovery.security.masking import MASKED_DATE, asset_identifier
from tests.security.conftest import client_for
from tests.security.test_admin_exports_and_views_audited import _rows

BIRTH = datetime.date(1986, 1, 1)
IBAN = "CH9300762011623852957"
MASKED_IBAN = "•" * (len(IBAN) - 3) + "957"

ROLES = [
    ("investigator_a", True),  # leads the case
    ("administrator", True),
    ("analyst", False),
    ("investigator_b", False),  # another unit: does not even read it
]
# Those who read case A (an auditor reads the audit trail, not the cases).
READERS = [role for role in ROLES if role[0] != "investigator_b"]


@pytest.fixture
def born(records_a):
    Subject.objects.filter(pk=records_a["subject"].pk).update(birth_date=BIRTH)
    return records_a


def _export(client, path):
    url = f"{path}export/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: field.initial for name, field in form.fields.items() if field.initial not in (None, False)}
    data = {k: ("on" if v is True else v) for k, v in data.items()}
    formats = [str(choice[1]).lower() for choice in form.fields["format"].choices]
    data["format"] = str(formats.index("csv") - (1 if formats[0].startswith("-") else 0))
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:2000]
    return _rows(response, "csv")


@pytest.mark.parametrize(("who", "full"), [*ROLES, ("auditor", False)])
def test_the_access_rule_for_accounts_is_the_identifiers_rule(request, born, who, full):
    user = request.getfixturevalue(who)
    asset = born["asset"]
    assert assets_seen_in_full(user, {asset.pk}) == ({asset.pk} if full else set())
    assert asset_identifier(asset, user) == (IBAN if full else MASKED_IBAN)


@pytest.mark.parametrize(("who", "full"), READERS)
def test_the_admin_masks_the_birth_date_and_the_account(request, born, who, full):
    client = client_for(request.getfixturevalue(who))
    subject, asset, case = born["subject"], born["asset"], born["case"]

    subject_page = client.get(f"/admin/cases/subject/{subject.pk}/change/").content.decode()
    assert ("1986" in subject_page) is full
    assert ("860101300123" in subject_page) is full

    listing = client.get("/admin/assets/asset/").content.decode()
    asset_page = client.get(f"/admin/assets/asset/{asset.pk}/change/").content.decode()
    case_page = client.get(f"/admin/cases/case/{case.pk}/change/").content.decode()
    for html in (listing, asset_page, case_page):
        assert (IBAN in html) is full
        if not full:
            assert MASKED_IBAN in html


@pytest.mark.parametrize(("who", "full"), READERS)
def test_the_api_masks_the_birth_date_and_the_account(request, born, who, full):
    client = client_for(request.getfixturevalue(who))
    subject, asset = born["subject"], born["asset"]
    one = client.get(f"/api/v1/subjects/{subject.pk}/").json()
    assert one["birth_date"] == ("1986-01-01" if full else MASKED_DATE)
    listed = {row["id"]: row for row in client.get("/api/v1/subjects/").json()["results"]}
    assert listed[subject.pk]["birth_date"] == one["birth_date"]

    shown = IBAN if full else MASKED_IBAN
    assert client.get(f"/api/v1/assets/{asset.pk}/").json()["identifier"] == shown
    rows = {row["id"]: row for row in client.get("/api/v1/assets/").json()["results"]}
    assert rows[asset.pk]["identifier"] == shown


def test_the_api_does_not_mask_what_is_not_an_account(born, analyst, investigator_a):
    from tests.factories import make_asset

    vehicle = make_asset(case=born["case"], kind="vehicle", identifier="WVWZZZ1JZXW000001")
    body = client_for(analyst).get(f"/api/v1/assets/{vehicle.pk}/").json()
    assert body["identifier"] == "WVWZZZ1JZXW000001"


@pytest.mark.parametrize(("who", "full"), ROLES)
def test_the_csv_exports_mask_the_birth_date_and_the_account(request, born, records_b, who, full):
    client = client_for(request.getfixturevalue(who))
    subjects = {row["name_latin"]: row for row in _export(client, "/admin/cases/subject/")}
    assets = _export(client, "/admin/assets/asset/")
    name = born["subject"].name_latin
    if who == "investigator_b":
        assert name not in subjects
        return
    assert subjects[name]["birth_date"] == ("1986-01-01" if full else MASKED_DATE)
    identifiers = {row["identifier"] for row in assets}
    assert (IBAN in identifiers) is full
    if not full:
        assert MASKED_IBAN in identifiers


def test_the_api_list_decides_the_accounts_in_one_query(born, investigator_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_asset

    client = client_for(investigator_a)
    client.get("/api/v1/assets/")
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/assets/")
    for _ in range(4):
        make_asset(case=born["case"], identifier=f"CH93007620116238529{_:02d}")
    with CaptureQueriesContext(connection) as five:
        client.get("/api/v1/assets/")
    assert len(five) == len(one)


@pytest.mark.parametrize(
    ("who", "finds_account"), [("investigator_a", True), ("administrator", True), ("analyst", False)]
)
def test_accounts_are_searched_only_by_whoever_sees_them_in_full(request, born, who, finds_account):
    from tests.factories import make_asset

    vehicle = make_asset(case=born["case"], kind="vehicle", identifier="WVWZZZ1JZXW000001")
    client = client_for(request.getfixturevalue(who))
    account = born["asset"]

    api = {row["id"] for row in client.get("/api/v1/assets/", {"q": IBAN[:12]}).json()["results"]}
    assert (account.pk in api) is finds_account
    assert vehicle.pk in {row["id"] for row in client.get("/api/v1/assets/", {"q": "WVWZZZ1JZ"}).json()["results"]}

    listing = client.get("/admin/assets/asset/", {"q": IBAN[:12]})
    assert listing.status_code == 200
    assert (account.pk in {a.pk for a in listing.context["cl"].result_list}) is finds_account
    listing = client.get("/admin/assets/asset/", {"q": "WVWZZZ1JZ"})
    assert vehicle.pk in {a.pk for a in listing.context["cl"].result_list}
    # The other fields are still searched for everyone.
    listing = client.get("/admin/assets/asset/", {"q": account.description[:12]})
    assert account.pk in {a.pk for a in listing.context["cl"].result_list}


def test_the_change_log_masks_accounts_and_birth_dates_for_an_auditor(born, auditor, administrator, analyst):
    from auditlog.models import LogEntry
    from django.urls import reverse

    asset, subject = born["asset"], born["subject"]
    created = LogEntry.objects.get_for_object(asset).filter(action=LogEntry.Action.CREATE).get()
    assert IBAN in str(created.changes)  # recorded in full

    def exported(user):
        response = client_for(user).post(
            reverse("admin:auditlog_logentry_changelist"), {"action": "export_csv", "_selected_action": [created.pk]}
        )
        return response.content.decode()

    assert IBAN not in exported(auditor) and MASKED_IBAN in exported(auditor)
    assert IBAN in exported(administrator)
    page = client_for(auditor).get(reverse("admin:auditlog_logentry_change", args=[created.pk])).content.decode()
    assert IBAN not in page and MASKED_IBAN in page
    history = client_for(analyst).get(reverse("admin:assets_asset_auditlog", args=[asset.pk]))
    assert history.status_code == 200
    assert IBAN not in history.content.decode() and MASKED_IBAN in history.content.decode()

    # A birth date recorded in a subject's change is masked as its IIN is.
    from cases.services import subject_update

    subject_update(subject=subject, actor=born["case"].lead_investigator, birth_date=datetime.date(1985, 2, 2))
    entry = LogEntry.objects.get_for_object(subject).filter(action=LogEntry.Action.UPDATE).latest("pk")
    assert "1985-02-02" in str(entry.changes)
    response = client_for(auditor).post(
        reverse("admin:auditlog_logentry_changelist"), {"action": "export_csv", "_selected_action": [entry.pk]}
    )
    assert response.status_code == 200
    assert "1985" not in response.content.decode() and MASKED_DATE in response.content.decode()
