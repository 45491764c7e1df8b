"""With the demo data seeded (as `make run` does), every admin list and the change pages of cases,
requests and assets render for each demo role; a list the role may not view is refused (403)."""

import io

import pytest
from django.contrib import admin
from django.core.management import call_command

from assets.models import Asset
from cases.models import Case
from mla_requests.models import Request
from recovery.models import User


@pytest.fixture
def seeded(db):
    call_command("seed_demo_data", "--scale", "0.02", stdout=io.StringIO())


@pytest.mark.parametrize("username", ["investigator1", "supervisor", "analyst", "administrator"])
def test_every_list_and_the_domain_change_pages_render(seeded, client, username):
    user = User.objects.get(username=username)
    client.force_login(user)
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        url = f"/admin/{opts.app_label}/{opts.model_name}/"
        status = client.get(url).status_code
        if model_admin.has_view_or_change_permission(_request(user)):
            assert status == 200, f"{username}: {url} -> {status}"
        else:
            assert status in (302, 403), f"{username}: {url} -> {status}"
    for model in (Case, Request, Asset):
        record = model.objects.visible_to(user).first()
        assert record is not None, f"{username} sees no {model._meta.verbose_name} in the demo data"
        opts = model._meta
        url = f"/admin/{opts.app_label}/{opts.model_name}/{record.pk}/change/"
        assert client.get(url).status_code == 200, f"{username}: {url}"


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request
