"""The API's default permission for views outside the resource families (notifications, stats)."""

import pytest
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from recovery.api.services import api_token_create


class OtherView(APIView):
    def get(self, request):
        return Response({"ok": True})

    def post(self, request):
        return Response({"ok": True})


@pytest.mark.django_db
def test_signed_in_people_pass_tokens_do_not(analyst, integration_client):
    factory = APIRequestFactory()
    request = factory.post("/api/v1/other/", {}, format="json")
    force_authenticate(request, user=analyst)
    assert OtherView.as_view()(request).status_code == 200
    token, _text = api_token_create(actor=None, user=integration_client, name="t", scopes=["cases:write"])
    request = factory.get("/api/v1/other/")
    force_authenticate(request, user=integration_client, token=token)
    assert OtherView.as_view()(request).status_code == 403
    assert OtherView.as_view()(factory.get("/api/v1/other/")).status_code == 401
