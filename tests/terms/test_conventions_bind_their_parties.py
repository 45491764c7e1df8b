"""The 1988 Vienna Convention and the CIS conventions are a legal basis only for their states
parties (as loaded: those known reliably; the others are named "status not verified" in the notes
and not loaded). Their terms come with them: Vienna's scope and catch-all (art. 7(2), 7(3)), the
Minsk Convention's open list (art. 6)."""

import pytest

from mla_requests.models import Request
from mla_requests.services import request_send
from recovery.errors import InvalidInput
from recovery.management.commands.load_reference_data import load_reference_data
from tests.terms.conftest import SENT_ON, answer_all, attach_letter_and_translation


@pytest.mark.django_db
def test_vienna_binds_its_parties_not_a_state_whose_status_is_not_verified(draft, ref):
    vienna = ref.basis("vienna-1988")
    assert vienna.applies_to("RU") and vienna.applies_to("US") and vienna.applies_to("CH")
    assert "KP" in vienna.notes and "status not verified" in vienna.notes.lower()
    with pytest.raises(InvalidInput, match="does not bind KP") as excinfo:
        draft("vienna-1988", "KP", ["documents"], category="drugs")
    assert "legal_basis" in excinfo.value.field_errors
    assert not Request.objects.exists()


@pytest.mark.django_db
def test_minsk_binds_the_cis_parties_loaded_and_not_the_unverified(draft, ref, investigator_a):
    minsk = ref.basis("minsk-1993")
    assert set(minsk.counterpart_countries.values_list("country", flat=True)) == {
        "AM",
        "AZ",
        "BY",
        "KG",
        "RU",
        "TJ",
        "UZ",
    }
    for unverified in ("GE", "MD", "TM", "UA"):
        assert unverified in minsk.notes
    with pytest.raises(InvalidInput, match="does not bind UA"):
        draft("minsk-1993", "UA", ["testimony"])
    request = draft("minsk-1993", "RU", ["testimony", "documents"])
    answer_all(request)
    attach_letter_and_translation(request)
    assert request_send(request=request, actor=investigator_a, sent_on=SENT_ON).status == Request.Status.SENT


@pytest.mark.django_db
def test_chisinau_binds_no_state_until_its_parties_are_verified(draft, ref):
    chisinau = ref.basis("chisinau-2002")
    assert chisinau.counterpart_countries.count() == 0 and not chisinau.open_to_all_states
    assert "status not verified" in chisinau.notes.lower()
    with pytest.raises(InvalidInput, match="does not bind BY"):
        draft("chisinau-2002", "BY", ["testimony"])


@pytest.mark.django_db
def test_vienna_terms(ref):
    vienna = ref.basis("vienna-1988")
    assert vienna.any_other_assistance and vienna.any_other_assistance_citation.startswith("Art. 7(3)")
    assert set(vienna.offence_scope.values_list("code", flat=True)) == {"drugs", "laundering"}
    assert vienna.court_decision_required and vienna.requested_party_retains_proceeds
    assert vienna.requirements.filter(mandatory=True).count() == 5
    assert all(r.citation.startswith("Art. 7(10)") for r in vienna.requirements.all())


@pytest.mark.django_db
def test_loading_again_changes_nothing(ref):
    assert load_reference_data() == {"created": 0, "updated": 0, "deleted": 0, "kept": []}
