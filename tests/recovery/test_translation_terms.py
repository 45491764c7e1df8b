"""The terms the office uses, as a Russian or Kazakh user reads them: "withdrawn" is recalled, not
returned; formal and informal cooperation are "официальное / неофициальное" (as the seed article
writes them); the other party of a bilateral treaty is a contracting party; and Kazakh calls the
requested state by one name throughout."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from incoming.models import IncomingRequest
from mla_requests.models import Request
from tests.recovery.test_translations_complete import LOCALE, read_po


def test_kazakh_withdrawn_is_recalled_not_returned():
    with translation.override("kk"):
        assert _("Withdrawn") == "Кері шақырып алынды"
        assert str(Request.Status.WITHDRAWN.label) == "Кері шақырып алынды"
        assert _("Withdraw") == "Кері шақырып алу"
        assert "шақырып" in _("Withdrawn by the requesting state")
        assert "шақырып" in _("Withdrawn without an answer")
        # Returned without execution is another outcome, and now reads as another word.
        returned = str(IncomingRequest.Status.RETURNED.label)
        assert "қайтарыл" in returned and "шақырып" not in returned


def test_russian_formal_and_informal_are_official_and_unofficial():
    with translation.override("ru"):
        assert _("Informal network") == "Неофициальная сеть"
        assert _("Formal and informal cooperation") == "Официальное и неофициальное сотрудничество"
        assert _("Formal (treaty, convention, agreement, reciprocity)").startswith("Официальное")
        assert _("Informal (networks)") == "Неофициальное (сети)"
    _header, entries = read_po(LOCALE / "ru" / "LC_MESSAGES" / "django.po")
    assert not [e["msgid"] for e in entries if any(re.search("формальн", s, re.I) for s in e["msgstr"])]


@pytest.mark.parametrize(("language", "term"), [("ru", "договаривающиеся стороны"), ("kk", "уағдаласушы тараптар")])
def test_the_other_party_of_a_treaty_is_a_contracting_party(language, term):
    with translation.override(language):
        assert _("counterpart states") == term


def test_kazakh_has_one_term_for_the_requested_state():
    _header, entries = read_po(LOCALE / "kk" / "LC_MESSAGES" / "django.po")
    about = [e for e in entries if re.search(r"requested state", e["msgid"], re.I)]
    assert len(about) > 10
    for entry in about:
        for form in entry["msgstr"]:
            assert re.search("сұрау салынған мемлекет", form, re.I), (entry["msgid"], form)
    others = [
        s for e in entries for s in e["msgstr"] if re.search(r"сұрау салынатын мемлекет|сұралатын мемлекет", s, re.I)
    ]
    assert not others
    with translation.override("kk"):
        assert _("Requested state") == "Сұрау салынған мемлекет"
        assert _("requested state") == "сұрау салынған мемлекет"
