"""Permission refusals, exports, token events and views of personal data are audit events."""

from django.contrib import admin as django_admin
from django.test import RequestFactory
from django.urls import reverse

from cases.models import Subject
from recovery.models import AuditEvent
from recovery.security.admin import PersonalDataAdminMixin, record_personal_data_view
from recovery.security.events import record_event
from tests.security.conftest import client_for


def test_a_403_is_recorded_as_permission_denied(investigator_a):
    client = client_for(investigator_a)
    response = client.get(reverse("admin:auth_group_changelist"), REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 403

    event = AuditEvent.objects.get(action="permission_denied")
    assert event.user == investigator_a
    assert event.outcome == "denied"
    assert event.ip_address == "192.0.2.10"
    assert event.path == "/admin/auth/group/"
    assert event.extra == {"method": "GET", "view": "admin:auth_group_changelist"}


def test_an_allowed_page_records_no_refusal(administrator):
    client = client_for(administrator)
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 200
    assert not AuditEvent.objects.filter(action="permission_denied").exists()


def test_token_events_name_the_token_and_its_owner(integration_client, administrator):
    # What the API part calls when an administrator issues or revokes a token.
    request = RequestFactory().post("/api/v1/tokens/", REMOTE_ADDR="192.0.2.20")
    request.user = administrator
    created = record_event("token_created", request=request, obj=integration_client, extra={"token_prefix": "ab12"})
    revoked = record_event("token_revoked", request=request, obj=integration_client, extra={"token_prefix": "ab12"})

    assert created.user == administrator and revoked.user == administrator
    assert created.object_repr == str(integration_client)
    assert created.ip_address == "192.0.2.20"
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "token_created",
        "token_revoked",
    ]


def test_viewing_a_subject_page_records_personal_data_viewed(records_a, investigator_a):
    site = django_admin.AdminSite(name="security_test")

    class SubjectAdmin(PersonalDataAdminMixin, django_admin.ModelAdmin):
        list_display = ("name_latin", "iin_bin", "passport_number")

    model_admin = SubjectAdmin(Subject, site)
    subject = records_a["subject"]
    request = RequestFactory().get(f"/admin/cases/subject/{subject.pk}/change/", REMOTE_ADDR="192.0.2.30")
    request.user = investigator_a
    request.session = {}
    request._messages = None
    response = model_admin.change_view(request, str(subject.pk))
    assert response.status_code == 200

    event = AuditEvent.objects.get(action="personal_data_viewed")
    assert event.user == investigator_a
    assert event.object_id == str(subject.pk)
    assert event.content_type.model == "subject"


def test_subject_list_columns_are_masked_for_an_analyst(records_a, analyst, investigator_a):
    site = django_admin.AdminSite(name="security_test_list")

    class SubjectAdmin(PersonalDataAdminMixin, django_admin.ModelAdmin):
        list_display = ("name_latin", "iin_bin", "passport_number")

    model_admin = SubjectAdmin(Subject, site)
    subject = records_a["subject"]
    request = RequestFactory().get("/admin/cases/subject/")

    request.user = analyst
    columns = model_admin.get_list_display(request)
    assert columns[0] == "name_latin"
    assert columns[1](subject) == "•••••••••123"
    assert columns[2](subject) == "•••••567"

    request.user = investigator_a
    columns = model_admin.get_list_display(request)
    assert columns[1](subject) == "860101300123"


def test_helper_records_personal_data_view_for_the_api(records_a, analyst):
    request = RequestFactory().get("/api/v1/subjects/1/")
    request.user = analyst
    event = record_personal_data_view(request, records_a["subject"])
    assert event.action == "personal_data_viewed"
    assert event.username == "analyst"
