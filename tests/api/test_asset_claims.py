"""Third-party claims over the API, nested under their asset: listed with the asset, recorded and
decided by its writers; bad input is 400 (or 422 for an amount beyond the asset) with nothing
written; another unit's asset, and a claim that is not the asset's own, are 404; read-only roles
and tokens are refused; an Idempotency-Key replays; a pending claim blocks a confiscation until an
override reason is given."""

import datetime

import pytest

from assets.models import Asset, ThirdPartyClaim
from assets.services import asset_transition, claim_create
from tests.api.conftest import assert_problem
from tests.factories import make_asset, make_case

pytestmark = pytest.mark.django_db
D = datetime.date


def usd(amount):
    return {"amount": amount, "currency": "USD"}


CLAIM = {"claimant": "Banque Privée SA", "basis": "Pledge over the account, 2020", "filed_on": "2024-05-02"}


def frozen_asset(lead, amount="1000.00"):
    asset = make_asset(case=make_case(lead=lead))
    return asset_transition(asset=asset, to_status="frozen", actor=lead, amount=amount, effective_on=D(2024, 4, 1))


@pytest.fixture
def asset_a(investigator_a):
    return frozen_asset(investigator_a)


@pytest.fixture
def claim_a(asset_a, investigator_a):
    return claim_create(
        actor=investigator_a, asset=asset_a, claimant=CLAIM["claimant"], basis=CLAIM["basis"], filed_on=D(2024, 5, 2)
    )


def claims_url(asset):
    return f"/api/v1/assets/{asset.pk}/claims/"


def decision_url(asset, claim_id):
    return f"/api/v1/assets/{asset.pk}/claims/{claim_id}/decision/"


def test_a_claim_is_recorded_listed_and_decided(client_for, investigator_a, asset_a):
    client = client_for(investigator_a)
    created = client.post(claims_url(asset_a), {**CLAIM, "bona_fide": True, "amount": usd("400.00")}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["claimant"], body["status"], body["bona_fide"]) == ("Banque Privée SA", "pending", True)
    assert (body["filed_on"], body["decided_on"], body["upheld_amount"]) == ("2024-05-02", None, None)
    assert body["amount"] == usd("400.00") and body["asset"] == asset_a.pk

    listed = client.get(claims_url(asset_a))
    assert listed.status_code == 200 and [c["id"] for c in listed.json()] == [body["id"]]
    assert client.get(f"/api/v1/assets/{asset_a.pk}/").json()["claims"] == {"pending": 1, "upheld": usd("0.00")}

    decided = client.post(
        decision_url(asset_a, body["id"]),
        {"status": "upheld", "decided_on": "2024-07-01", "upheld_amount": usd("300.00")},
        format="json",
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "upheld" and decided.json()["upheld_amount"] == usd("300.00")
    assert decided.json()["decided_on"] == "2024-07-01"
    asset = client.get(f"/api/v1/assets/{asset_a.pk}/").json()
    assert asset["claims"] == {"pending": 0, "upheld": usd("300.00")}
    assert asset["amounts"]["upheld_claims"] == usd("300.00")

    again = client.post(decision_url(asset_a, body["id"]), {"status": "dismissed", "decided_on": "2024-07-02"})
    assert "already been decided" in assert_problem(again, 409)["detail"]
    claim = ThirdPartyClaim.objects.get(pk=body["id"])
    assert (claim.status, claim.upheld_amount, claim.decided_on) == ("upheld", 300, D(2024, 7, 1))


def test_a_dismissal_carries_no_amount(client_for, investigator_a, asset_a, claim_a):
    client = client_for(investigator_a)
    with_amount = client.post(
        decision_url(asset_a, claim_a.pk),
        {"status": "dismissed", "decided_on": "2024-07-01", "upheld_amount": usd("1.00")},
        format="json",
    )
    assert "upheld_amount" in assert_problem(with_amount, 400)["errors"]
    dismissed = client.post(decision_url(asset_a, claim_a.pk), {"status": "dismissed", "decided_on": "2024-07-01"})
    assert dismissed.status_code == 200, dismissed.content
    assert (dismissed.json()["status"], dismissed.json()["upheld_amount"]) == ("dismissed", None)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"claimant": None}, "claimant"),
        ({"claimant": "   "}, "claimant"),
        ({"basis": None}, "basis"),
        ({"filed_on": None}, "filed_on"),
        ({"filed_on": "2999-01-01"}, "filed_on"),  # in the future
        ({"filed_on": "0024-05-02"}, "filed_on"),  # a year typed short
        ({"filed_on": "1024-05-02"}, "filed_on"),
        ({"filed_on": "2024-02-30"}, "filed_on"),
        ({"filed_on": "٢٠٢٤-٠٥-٠٢"}, "filed_on"),  # Arabic-Indic digits
        ({"amount": usd("-5.00")}, "amount"),
        ({"amount": usd("٣٠٠")}, "amount"),
        ({"amount": {"amount": 300.5, "currency": "USD"}}, "amount"),  # a float
        ({"bona_fide": "perhaps"}, "bona_fide"),
        ({"status": "upheld"}, "status"),  # decided only through /decision/
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_claims_are_400_and_nothing_is_written(client_for, investigator_a, asset_a, change, field):
    body = {k: v for k, v in {**CLAIM, **change}.items() if v is not None}
    response = client_for(investigator_a).post(claims_url(asset_a), body, format="json")
    assert field in assert_problem(response, 400)["errors"], response.json()
    assert not ThirdPartyClaim.objects.exists()


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"status": "upheld", "decided_on": "2024-07-01"}, 400, "upheld_amount"),
        ({"status": "upheld", "decided_on": "2024-07-01", "upheld_amount": usd("-1.00")}, 400, "upheld_amount"),
        ({"status": "upheld", "decided_on": "2024-07-01", "upheld_amount": usd("٣٠٠")}, 400, "upheld_amount"),
        ({"status": "upheld", "decided_on": "2024-07-01", "upheld_amount": usd("1.005")}, 400, "upheld_amount"),
        ({"status": "upheld", "decided_on": "2024-07-01", "upheld_amount": {"amount": 300.0, "currency": "USD"}},
         400, "upheld_amount"),
        ({"status": "upheld", "decided_on": "2024-07-01", "upheld_amount": "300.00"}, 400, "upheld_amount"),
        ({"status": "upheld", "decided_on": "2024-07-01", "upheld_amount": {"amount": "300.00", "currency": "EUR"}},
         400, "upheld_amount"),
        # More than the 1,000.00 frozen, out of which a claim is satisfied.
        ({"status": "upheld", "decided_on": "2024-07-01", "upheld_amount": usd("1000.01")}, 422, "upheld_amount"),
        ({"status": "dismissed", "decided_on": "2024-05-01"}, 400, "decided_on"),  # before it was filed
        ({"status": "dismissed", "decided_on": "2999-01-01"}, 400, "decided_on"),
        ({"status": "dismissed", "decided_on": "0024-07-01"}, 400, "decided_on"),
        ({"status": "dismissed", "decided_on": "٢٠٢٤-٠٧-٠١"}, 400, "decided_on"),
        ({"status": "dismissed"}, 400, "decided_on"),
        ({"status": "withdrawn", "decided_on": "2024-07-01"}, 400, "status"),
        ({"status": "pending", "decided_on": "2024-07-01"}, 400, "status"),
        ({"decided_on": "2024-07-01"}, 400, "status"),
        ({"status": "dismissed", "decided_on": "2024-07-01", "claimant": "Someone else"}, 400, "claimant"),
    ],
)  # fmt: skip
def test_bad_decisions_are_refused_and_the_claim_stays_pending(
    client_for, investigator_a, asset_a, claim_a, body, status, field
):
    response = client_for(investigator_a).post(decision_url(asset_a, claim_a.pk), body, format="json")
    assert field in assert_problem(response, status)["errors"], response.json()
    claim_a.refresh_from_db()
    assert (claim_a.status, claim_a.decided_on, claim_a.upheld_amount) == ("pending", None, None)


def test_claims_upheld_together_stay_within_the_asset(client_for, investigator_a, asset_a, claim_a):
    other = claim_create(actor=investigator_a, asset=asset_a, claimant="A buyer", basis="Sale", filed_on=D(2024, 5, 3))
    client = client_for(investigator_a)
    first = {"status": "upheld", "decided_on": "2024-07-01", "upheld_amount": usd("600.00")}
    assert client.post(decision_url(asset_a, claim_a.pk), first, format="json").status_code == 200
    over = {"status": "upheld", "decided_on": "2024-07-01", "upheld_amount": usd("400.01")}
    assert_problem(client.post(decision_url(asset_a, other.pk), over, format="json"), 422)
    exact = {"status": "upheld", "decided_on": "2024-07-01", "upheld_amount": usd("400.00")}
    assert client.post(decision_url(asset_a, other.pk), exact, format="json").status_code == 200


def test_another_units_asset_and_claims_are_not_found(client_for, investigator_a, investigator_b, asset_a, claim_a):
    asset_b = frozen_asset(investigator_b)
    claim_b = claim_create(
        actor=investigator_b, asset=asset_b, claimant="B's claimant", basis="x", filed_on=D(2024, 5, 2)
    )
    outsider = client_for(investigator_b)
    for response in (
        outsider.get(claims_url(asset_a)),
        outsider.post(claims_url(asset_a), CLAIM, format="json"),
        outsider.post(decision_url(asset_a, claim_a.pk), {"status": "dismissed", "decided_on": "2024-07-01"}),
    ):
        body = assert_problem(response, 404)
        assert "Banque" not in response.content.decode() and "errors" not in body
    claim_a.refresh_from_db()
    assert claim_a.status == "pending" and ThirdPartyClaim.objects.count() == 2

    # Under unit A's own asset: unit B's claim, a claim of another asset of unit A, and ids that
    # are no claim at all are all simply not found.
    owner = client_for(investigator_a)
    sibling = frozen_asset(investigator_a)
    claim_sibling = claim_create(actor=investigator_a, asset=sibling, claimant="C", basis="y", filed_on=D(2024, 5, 2))
    decision = {"status": "dismissed", "decided_on": "2024-07-01"}
    for claim_id in (claim_b.pk, claim_sibling.pk, 0, 2**63, "٣", "abc"):
        response = owner.post(decision_url(asset_a, claim_id), decision)
        assert response.status_code == 404, (claim_id, response.content)
    assert set(ThirdPartyClaim.objects.values_list("status", flat=True)) == {"pending"}
    assert owner.get(claims_url(asset_a)).json()[0]["id"] == claim_a.pk
    assert len(owner.get(claims_url(asset_a)).json()) == 1


def test_read_only_roles_and_tokens_read_but_do_not_write(
    client_for, token_for, analyst, integration_client, investigator_a, asset_a, claim_a
):
    decision = {"status": "dismissed", "decided_on": "2024-07-01"}
    reader = client_for(analyst)
    assert [c["id"] for c in reader.get(claims_url(asset_a)).json()] == [claim_a.pk]
    assert_problem(reader.post(claims_url(asset_a), CLAIM, format="json"), 403)
    assert_problem(reader.post(decision_url(asset_a, claim_a.pk), decision), 403)

    # The integration client writes unit A's records, but this token only reads assets.
    case = make_case(lead=integration_client)
    asset = make_asset(case=case, actor=integration_client)
    claim = claim_create(actor=integration_client, asset=asset, claimant="D", basis="z", filed_on=D(2024, 5, 2))
    _token, read_only = token_for(integration_client, scopes=("assets:read",))
    assert read_only.get(claims_url(asset)).status_code == 200
    assert_problem(read_only.post(claims_url(asset), CLAIM, format="json"), 403)
    assert_problem(read_only.post(decision_url(asset, claim.pk), decision), 403)
    _token, writer = token_for(integration_client, scopes=("assets:write",))
    assert writer.post(claims_url(asset), CLAIM, format="json").status_code == 201
    assert ThirdPartyClaim.objects.filter(status="pending").count() == 3


def test_an_idempotency_key_replays_the_claim_and_the_decision(client_for, investigator_a, asset_a):
    client = client_for(investigator_a)
    first = client.post(claims_url(asset_a), CLAIM, format="json", HTTP_IDEMPOTENCY_KEY="claim-1")
    again = client.post(claims_url(asset_a), CLAIM, format="json", HTTP_IDEMPOTENCY_KEY="claim-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert ThirdPartyClaim.objects.count() == 1
    other_body = client.post(
        claims_url(asset_a), {**CLAIM, "claimant": "Another"}, format="json", HTTP_IDEMPOTENCY_KEY="claim-1"
    )
    assert_problem(other_body, 422)

    url = decision_url(asset_a, first.json()["id"])
    decision = {"status": "upheld", "decided_on": "2024-07-01", "upheld_amount": usd("10.00")}
    decided = client.post(url, decision, format="json", HTTP_IDEMPOTENCY_KEY="decision-1")
    replayed = client.post(url, decision, format="json", HTTP_IDEMPOTENCY_KEY="decision-1")
    assert decided.status_code == replayed.status_code == 200
    assert replayed.json() == decided.json() and replayed["Idempotent-Replayed"] == "true"
    # Without the key, the same decision sent again is a second decision: refused.
    assert_problem(client.post(url, decision, format="json"), 409)


def test_a_pending_claim_recorded_over_the_api_blocks_a_confiscation_until_overridden(
    client_for, investigator_a, asset_a
):
    client = client_for(investigator_a)
    assert client.post(claims_url(asset_a), CLAIM, format="json").status_code == 201
    confiscation = {
        "to_status": "confiscated",
        "effective_on": "2024-08-01",
        "amount": usd("900.00"),
        "new_court_decision": {"court": "Zurich District Court", "decided_on": "2024-08-01"},
    }
    url = f"/api/v1/assets/{asset_a.pk}/transitions/"
    refused = assert_problem(client.post(url, confiscation, format="json"), 400)
    assert "Banque Privée SA" in refused["detail"] and "override_reason" in refused["errors"]
    asset_a.refresh_from_db()
    assert (asset_a.status, asset_a.confiscated_amount) == (Asset.Status.FROZEN, 0)
    assert not asset_a.court_decisions.exists()  # the decision recorded with it was rolled back too

    reason = "The court confiscates subject to the claimant's rights"
    accepted = client.post(url, {**confiscation, "override_reason": reason}, format="json")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "confiscated" and accepted.json()["claims"]["pending"] == 1
    timeline = client.get(f"/api/v1/assets/{asset_a.pk}/timeline/").json()
    assert (timeline[-1]["to_status"], timeline[-1]["override_reason"]) == ("confiscated", reason)


def test_the_claims_list_and_the_asset_list_do_not_grow_with_the_claims(client_for, investigator_a, asset_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(investigator_a)

    def queries(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    claim_create(actor=investigator_a, asset=asset_a, claimant="First", basis="x", filed_on=D(2024, 5, 2))
    few = (queries(claims_url(asset_a)), queries("/api/v1/assets/?limit=50"))
    for n in range(8):
        other = frozen_asset(investigator_a)
        for who in (asset_a, other):
            claim_create(actor=investigator_a, asset=who, claimant=f"Claimant {n}", basis="x", filed_on=D(2024, 5, 2))
    assert (queries(claims_url(asset_a)), queries("/api/v1/assets/?limit=50")) == few
    listed = client.get("/api/v1/assets/?limit=50").json()["results"]
    assert sorted(a["claims"]["pending"] for a in listed) == [1] * 8 + [9]
