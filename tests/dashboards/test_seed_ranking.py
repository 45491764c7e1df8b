"""The seed's figure 2 in miniature: requests per country in the seed's proportions (Russia 961,
Uzbekistan 156, Turkey 135, China 99, UAE 97, Germany 77, Ukraine 74, UK 65, US 57), divided by 20."""

import datetime

import pytest
from django.urls import reverse

from mla_requests.services import request_send
from tests.factories import LegalInstrumentFactory, make_case, make_request

pytestmark = pytest.mark.django_db

SEED = {"RU": 961, "UZ": 156, "TR": 135, "CN": 99, "AE": 97, "DE": 77, "UA": 74, "GB": 65, "US": 57}


def test_russia_ranks_first_on_the_country_page_as_in_the_seed(client, supervisor_a, unit_a, investigator_a, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    case = make_case(unit=unit_a, lead=investigator_a)
    basis = LegalInstrumentFactory(code="uncac", any_other_assistance=True)
    expected = {code: n // 20 for code, n in SEED.items()}
    for code, n in expected.items():
        for i in range(n):
            request = make_request(case=case, country=code, legal_basis=basis)
            request_send(
                request=request, actor=investigator_a, sent_on=datetime.date(2025, 1, 1) + datetime.timedelta(i)
            )
    client.force_login(supervisor_a)
    figures = client.get(reverse("dashboard:countries")).context["stats"]
    ranked = [(c["country"], c["total"]["count"]) for c in figures["countries"]]
    assert ranked[0] == ("RU", 48)
    assert ranked == sorted(expected.items(), key=lambda item: (-item[1], item[0]))
