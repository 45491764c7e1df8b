"""Through the real API: a token's IP allow-list, the list cache's token door and the anonymous
throttle see the client's address as recovery.security.requestinfo.client_ip does: REMOTE_ADDR,
or, from a trusted proxy only, the right-most X-Forwarded-For hop no trusted proxy owns."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from recovery.api import list_cache
from recovery.models import ApiToken
from tests.factories import make_request

PROXY = "172.29.213.10"
CASES = "/api/v1/cases/"


@pytest.fixture
def behind_proxy(settings):
    settings.RECOVERY_TRUSTED_PROXIES = [PROXY]


def _call(client, path=CASES, *, remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.get(path, **headers)


@pytest.mark.django_db
def test_without_a_trusted_proxy_x_forwarded_for_does_not_open_the_allow_list(token_for, integration_client):
    token, client = token_for(integration_client, allowed_ips="10.9.9.9")
    response = _call(client, remote="203.0.113.5", forwarded="10.9.9.9")
    assert response.status_code == 403
    # Nor does REMOTE_ADDR 10.9.9.9's forged header lose it: the allow-list reads the real peer.
    assert _call(client, remote="10.9.9.9", forwarded="203.0.113.5").status_code == 200
    token.refresh_from_db()
    assert token.last_used_ip == "10.9.9.9"


@pytest.mark.django_db
def test_behind_the_trusted_proxy_the_client_is_the_hop_the_proxy_saw(token_for, integration_client, behind_proxy):
    token, client = token_for(integration_client, allowed_ips="10.9.9.9")
    assert _call(client, remote=PROXY, forwarded="10.9.9.9").status_code == 200
    token.refresh_from_db()
    assert token.last_used_ip == "10.9.9.9"
    # The proxy's own address is not the client's.
    assert _call(client, remote=PROXY).status_code == 403
    # The client wrote 10.9.9.9 itself; the proxy appended the address it really came from.
    assert _call(client, remote=PROXY, forwarded="10.9.9.9, 203.0.113.7").status_code == 403


@pytest.mark.django_db
def test_a_spoofed_chain_through_the_trusted_proxy_is_read_from_the_right(token_for, integration_client, behind_proxy):
    token, client = token_for(integration_client, allowed_ips="203.0.113.7")
    assert _call(client, remote=PROXY, forwarded="1.1.1.1, 203.0.113.7").status_code == 200
    token.refresh_from_db()
    assert token.last_used_ip == "203.0.113.7"
    _other, elsewhere = token_for(integration_client, allowed_ips="1.1.1.1", name="other")
    assert _call(elsewhere, remote=PROXY, forwarded="1.1.1.1, 203.0.113.7").status_code == 403


@pytest.mark.django_db
def test_a_request_from_an_untrusted_address_keeps_its_own_address_whatever_it_forwards(
    token_for, integration_client, behind_proxy
):
    # 198.51.100.20 is not the proxy: its X-Forwarded-For naming the allowed address is ignored.
    _token, client = token_for(integration_client, allowed_ips="10.9.9.9")
    assert _call(client, remote="198.51.100.20", forwarded="10.9.9.9").status_code == 403


@pytest.mark.django_db
def test_the_anonymous_throttle_counts_the_client_not_what_it_forwards(db):
    from django.conf import settings
    from rest_framework.test import APIClient

    rates = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "2/minute"}}
    with override_settings(REST_FRAMEWORK=rates):
        client = APIClient()
        codes = [
            _call(client, "/api/v1/docs/", remote="203.0.113.5", forwarded=f"10.0.0.{n}").status_code for n in range(3)
        ]
        assert codes == [200, 200, 429]  # a new X-Forwarded-For per call is not a new bucket
        assert _call(client, "/api/v1/docs/", remote="203.0.113.6").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_list_cache_door_checks_the_same_client_address(settings, token_for, investigator_a, case_a):
    settings.RECOVERY_API_LIST_CACHE_SECONDS = 300
    settings.RECOVERY_TRUSTED_PROXIES = [PROXY]
    list_cache._learned.clear()
    cache.clear()
    try:
        make_request(case=case_a, actor=investigator_a)
        _token, client = token_for(investigator_a, allowed_ips="10.9.9.9")
        path = "/api/v1/requests/?limit=50"
        for _ in range(2):  # the first call learns the tables the list reads; the second keeps its page
            assert _call(client, path, remote=PROXY, forwarded="10.9.9.9").status_code == 200
        served = _call(client, path, remote=PROXY, forwarded="10.9.9.9")
        # Served by the middleware, which saw the client (10.9.9.9), not the proxy, as allowed.
        assert (served.status_code, served["X-List-Cache"]) == (200, "hit")

        # The page is kept, yet a forged hop left of the real client's does not get it...
        assert _call(client, path, remote=PROXY, forwarded="10.9.9.9, 203.0.113.7").status_code == 403
        # ...nor does the same header from an address that is not the trusted proxy.
        assert _call(client, path, remote="203.0.113.5", forwarded="10.9.9.9").status_code == 403
        settings.RECOVERY_TRUSTED_PROXIES = []
        assert _call(client, path, remote=PROXY, forwarded="10.9.9.9").status_code == 403
        assert ApiToken.objects.get().last_used_ip == "10.9.9.9"
    finally:
        list_cache._learned.clear()
        cache.clear()
