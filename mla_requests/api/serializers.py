"""Representations of outgoing requests, and the input they accept."""

from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.api.serializers import CaseRefSerializer
from cases.models import Case, Subject
from documents.models import Document
from mla_requests import case_file
from mla_requests.models import ChecklistAnswer, FollowUp, Request, RequestQuerySet
from recovery.api.fields import (
    CountryField,
    IdRelatedField,
    NameableUserField,
    ScopedRelatedField,
    StatusLabelField,
    country_representation,
)
from recovery.api.serializers import NamedRefSerializer, StrictInputSerializer, TransitionInputBase, UserRefSerializer
from recovery.models import AssistanceMeasure, CrimeCategory, LegalInstrument
from recovery.translation import pick_name


class LegalBasisRefSerializer(NamedRefSerializer):
    kind = serializers.CharField(read_only=True)


class ChecklistDocumentSerializer(serializers.Serializer):
    """A document of the case file that provides a checklist item."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)


class ChecklistAnswerSerializer(serializers.Serializer):
    requirement = serializers.IntegerField(source="requirement_id", read_only=True)
    code = serializers.CharField(source="requirement.code", read_only=True)
    name = serializers.CharField(source="requirement.name", read_only=True)
    mandatory = serializers.BooleanField(source="requirement.mandatory", read_only=True)
    provided = serializers.BooleanField(source="satisfied", read_only=True)
    note = serializers.CharField(read_only=True)
    documents = ChecklistDocumentSerializer(
        many=True, read_only=True, help_text=_("The documents that provide this item, newest first.")
    )


class RequestRowsSerializer(serializers.ListSerializer):
    """A page of requests represented in bulk (see represent_requests)."""

    def to_representation(self, data):
        rows = data.all() if hasattr(data, "all") else data
        return represent_requests(list(rows))


class RequestSerializer(serializers.ModelSerializer):
    case = CaseRefSerializer(read_only=True)
    country = CountryField(read_only=True)
    legal_basis = LegalBasisRefSerializer(read_only=True)
    crime_category = NamedRefSerializer(read_only=True)
    measures = NamedRefSerializer(many=True, read_only=True)
    subjects = IdRelatedField(many=True, read_only=True)
    assets = IdRelatedField(many=True, read_only=True)
    responsible_investigator = UserRefSerializer(read_only=True)
    checklist = ChecklistAnswerSerializer(many=True, read_only=True)
    is_overdue = serializers.SerializerMethodField()
    status_label = StatusLabelField()
    allowed_next_statuses = serializers.ListField(child=serializers.CharField(), read_only=True)
    translation_required = serializers.SerializerMethodField(
        help_text=_(
            "The language the requested state needs the letter translated into (the letter's language is "
            "that of the newest request letter in the case file, English while there is none); null when it "
            "takes the letter as it is."
        )
    )
    documents_missing_before_sending = serializers.SerializerMethodField(
        help_text=_(
            "What the legal basis requires in the case file before this draft is sent and is not there yet "
            "(the translation, the signed letter). Sending is refused until they are attached, unless an "
            "override reason is given. Empty once sent."
        )
    )

    class Meta:
        model = Request
        fields = [
            "id",
            "reference",
            "foreign_reference",
            "case",
            "country",
            "legal_basis",
            "channel",
            "crime_category",
            "measures",
            "subjects",
            "assets",
            "summary",
            "catch_all_note",
            "urgency",
            "responsible_investigator",
            "checklist",
            "translation_required",
            "documents_missing_before_sending",
            "sent_on",
            "acknowledged_on",
            "answered_on",
            "closed_on",
            "response_due",
            "response_due_set_manually",
            "supplementary_due",
            "is_overdue",
            "status",
            "status_label",
            "allowed_next_statuses",
            "refusal_grounds",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        list_serializer_class = RequestRowsSerializer

    def to_representation(self, instance):
        return represent_requests([instance])[0]

    def get_is_overdue(self, obj) -> bool:
        return obj.is_overdue()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_translation_required(self, obj):
        return case_file.sending_documents_of(obj)["translation_required"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_documents_missing_before_sending(self, obj):
        return case_file.sending_documents_of(obj)["documents_missing_before_sending"]


# The representation above, built by hand. The declared fields stay: they are the OpenAPI schema
# and the contract (tests/api check the two agree). What changes is how a page is built: DRF's
# nested serializers walk every field of every row, and the ORM built five model instances per row
# and prefetched whole related rows (subjects with their identifiers, assets...) to emit a few ids
# and names; at 50 rows that was most of the list's time (docs/perf.md). Here a page is one query
# of exactly the columns shown (REQUEST_COLUMNS: the viewset lists with .values()), three flat
# queries for the to-many parts, and one dict per row.
REQUEST_COLUMNS = (
    "id",
    "reference",
    "foreign_reference",
    "case_id",
    "case__register_number",
    "case__title",
    "country",
    "legal_basis_id",
    "legal_basis__code",
    "legal_basis__kind",
    "legal_basis__name_en",
    "legal_basis__name_ru",
    "legal_basis__name_kk",
    "legal_basis__translation_required_before_sending",
    "legal_basis__signed_letter_required_before_sending",
    "legal_basis__court_decision_required",
    "channel",
    "crime_category_id",
    "crime_category__code",
    "crime_category__name_en",
    "crime_category__name_ru",
    "crime_category__name_kk",
    "summary",
    "catch_all_note",
    "urgency",
    "responsible_investigator_id",
    "responsible_investigator__username",
    "responsible_investigator__first_name",
    "responsible_investigator__last_name",
    "sent_on",
    "acknowledged_on",
    "answered_on",
    "closed_on",
    "response_due",
    "response_due_set_manually",
    "supplementary_due",
    "status",
    "refusal_grounds",
    "version",
    "created_at",
    "updated_at",
)
# The read rules of the case file judge a page from these same rows (mla_requests/case_file.py).
if not set(case_file.ROW_COLUMNS) <= set(REQUEST_COLUMNS):
    raise ImportError("REQUEST_COLUMNS must include case_file.ROW_COLUMNS")
_DATE = serializers.DateField()
_DATETIME = serializers.DateTimeField()
_WORKFLOW = Request.workflow
_ALLOWED_NEXT = {value: sorted(_WORKFLOW.allowed_from(value)) for value in Request.Status.values}


def _date(value):
    return None if value is None else _DATE.to_representation(value)


def _names(row: dict, prefix: str) -> str:
    return pick_name(row[f"{prefix}name_en"], row[f"{prefix}name_ru"], row[f"{prefix}name_kk"])


def _rows(requests: list) -> list[dict]:
    """Value rows as the list reads them; a model instance (detail, a write's answer) is read again
    the same way, so one code path builds every representation."""
    if all(isinstance(r, dict) for r in requests):
        return requests
    by_id = {row["id"]: row for row in Request.objects.filter(pk__in=[r.pk for r in requests]).values(*REQUEST_COLUMNS)}
    return [by_id[r.pk] for r in requests]


def _to_many(ids: list[int]):
    """Measures, subjects, assets and checklist answers (with the documents that provide them) of the
    given requests: five flat queries."""
    measures, subjects, assets, checklist = defaultdict(list), defaultdict(list), defaultdict(list), defaultdict(list)
    if not ids:
        return measures, subjects, assets, checklist
    for request_id, pk, code, *names in (
        Request.measures.through.objects.filter(request_id__in=ids)
        .order_by("request_id", "assistancemeasure__order", "assistancemeasure__code")
        .values_list(
            "request_id",
            "assistancemeasure_id",
            "assistancemeasure__code",
            "assistancemeasure__name_en",
            "assistancemeasure__name_ru",
            "assistancemeasure__name_kk",
        )
    ):
        measures[request_id].append({"id": pk, "code": code, "name": pick_name(*names)})
    for request_id, pk in (
        Request.subjects.through.objects.filter(request_id__in=ids)
        .order_by("request_id", "subject__name_latin", "subject__name_cyrillic", "subject_id")
        .values_list("request_id", "subject_id")
    ):
        subjects[request_id].append(pk)
    for request_id, pk in (
        Request.assets.through.objects.filter(request_id__in=ids)
        .order_by("request_id", "-asset__identified_on", "-asset_id")
        .values_list("request_id", "asset_id")
    ):
        assets[request_id].append(pk)
    providing = defaultdict(list)
    for answer_id, pk, title in (
        Document.objects.filter(checklist_item__request_id__in=ids)
        .order_by("checklist_item_id", "-created_at", "-pk")  # as Document's default ordering within a case
        .values_list("checklist_item_id", "id", "title")
    ):
        providing[answer_id].append({"id": pk, "title": title})
    for answer_id, request_id, requirement_id, code, mandatory, satisfied, note, *names in (
        ChecklistAnswer.objects.filter(request_id__in=ids)
        .order_by("request_id", "requirement__order", "requirement__code")
        .values_list(
            "id",
            "request_id",
            "requirement_id",
            "requirement__code",
            "requirement__mandatory",
            "satisfied",
            "note",
            "requirement__name_en",
            "requirement__name_ru",
            "requirement__name_kk",
        )
    ):
        checklist[request_id].append(
            {
                "requirement": requirement_id,
                "code": code,
                "name": pick_name(*names),
                "mandatory": mandatory,
                "provided": satisfied,
                "note": note,
                "documents": providing[answer_id],
            }
        )
    return measures, subjects, assets, checklist


def _investigator(row: dict) -> dict | None:
    if row["responsible_investigator_id"] is None:
        return None
    username = row["responsible_investigator__username"]
    full_name = f"{row['responsible_investigator__first_name']} {row['responsible_investigator__last_name']}"
    # As str(user): the full name, or the username when there is none.
    return {"id": row["responsible_investigator_id"], "username": username, "full_name": full_name.strip() or username}


def represent_requests(requests: list) -> list[dict]:
    rows = _rows(requests)
    measures, subjects, assets, checklist = _to_many([row["id"] for row in rows])
    sending = case_file.sending_documents(rows)
    today = timezone.localdate()
    is_overdue = RequestQuerySet.is_overdue
    out = []
    for row in rows:
        pk, status, due = row["id"], row["status"], row["response_due"]
        category = None
        if row["crime_category_id"] is not None:
            category = {
                "id": row["crime_category_id"],
                "code": row["crime_category__code"],
                "name": _names(row, "crime_category__"),
            }
        out.append(
            {
                "id": pk,
                "reference": row["reference"],
                "foreign_reference": row["foreign_reference"],
                "case": {
                    "id": row["case_id"],
                    "register_number": row["case__register_number"],
                    "title": row["case__title"],
                },
                "country": country_representation(row["country"]),
                "legal_basis": {
                    "id": row["legal_basis_id"],
                    "code": row["legal_basis__code"],
                    "name": _names(row, "legal_basis__"),
                    "kind": row["legal_basis__kind"],
                },
                "channel": row["channel"],
                "crime_category": category,
                "measures": measures[pk],
                "subjects": subjects[pk],
                "assets": assets[pk],
                "summary": row["summary"],
                "catch_all_note": row["catch_all_note"],
                "urgency": row["urgency"],
                "responsible_investigator": _investigator(row),
                "checklist": checklist[pk],
                "translation_required": sending[pk]["translation_required"],
                "documents_missing_before_sending": sending[pk]["documents_missing_before_sending"],
                "sent_on": _date(row["sent_on"]),
                "acknowledged_on": _date(row["acknowledged_on"]),
                "answered_on": _date(row["answered_on"]),
                "closed_on": _date(row["closed_on"]),
                "response_due": _date(due),
                "response_due_set_manually": row["response_due_set_manually"],
                "supplementary_due": _date(row["supplementary_due"]),
                "is_overdue": is_overdue(status, due, today),
                "status": status,
                "status_label": str(_WORKFLOW.labels.get(status, status)),
                "allowed_next_statuses": list(_ALLOWED_NEXT.get(status, ())),
                "refusal_grounds": row["refusal_grounds"],
                "version": row["version"],
                "created_at": _DATETIME.to_representation(row["created_at"]),
                "updated_at": _DATETIME.to_representation(row["updated_at"]),
            }
        )
    return out


REQUEST_READ_ONLY = tuple(RequestSerializer.Meta.fields)


class RequestWriteFields(StrictInputSerializer):
    read_only_names = REQUEST_READ_ONLY

    country = CountryField()
    legal_basis = IdRelatedField(queryset=LegalInstrument.objects.all())
    crime_category = IdRelatedField(queryset=CrimeCategory.objects.all())
    measures = IdRelatedField(queryset=AssistanceMeasure.objects.all(), many=True)
    channel = serializers.ChoiceField(choices=Request.Channel.choices, required=False)
    subjects = ScopedRelatedField("cases.Subject", many=True, required=False)
    assets = ScopedRelatedField("assets.Asset", many=True, required=False)
    summary = serializers.CharField(required=False, allow_blank=True)
    catch_all_note = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_(
            "Required when a measure is beyond those the legal basis lists and only its clause on any other "
            "assistance covers it: cite the clause (400 `catch_all_note_required` without it)."
        ),
    )
    urgency = serializers.ChoiceField(choices=Request.Urgency.choices, required=False)
    responsible_investigator = NameableUserField(required=False)
    foreign_reference = serializers.CharField(required=False, allow_blank=True, max_length=64)
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        help_text=_(
            "Why to use the legal basis although the crime category is outside the offences it covers "
            "(400 `offence_outside_scope` without it). Kept on the request's timeline."
        ),
    )


class RequestCreateSerializer(RequestWriteFields):
    case = ScopedRelatedField("cases.Case", writable=True)


class RequestUpdateSerializer(RequestWriteFields):
    pass


class RequestTransitionSerializer(TransitionInputBase):
    to_status = serializers.ChoiceField(choices=Request.Status.choices)
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "Sending: why to send although the legal basis's checklist is incomplete, a document it "
            "requires before sending (translation, signed letter, certified court decision) is not in the "
            "case file, or the offence is outside its scope."
        ),
    )
    refusal_grounds = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Refusal: the grounds the requested state gave.")
    )
    response_due = serializers.DateField(
        required=False, allow_null=True, help_text=_("Sending: a deadline agreed with the requested state.")
    )
    foreign_reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)
    supplementary_due = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_(
            "Additional information requested: our deadline to send it (default: RECOVERY_SUPPLEMENTARY_INFO_DAYS "
            "days after the effective date)."
        ),
    )

    def validate(self, attrs):
        sending = attrs["to_status"] == Request.Status.SENT
        errors = {}
        if attrs.get("supplementary_due") is not None and attrs["to_status"] != Request.Status.INFO_REQUESTED:
            errors["supplementary_due"] = [_("Only with “Additional information requested”.")]
        if not sending:
            if attrs.get("response_due") is not None:
                errors["response_due"] = [_("Only when sending.")]
            if attrs.get("override_reason"):
                errors["override_reason"] = [_("Only when sending.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class ChecklistItemInput(StrictInputSerializer):
    provided = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)


class ChecklistInputSerializer(StrictInputSerializer):
    answers = serializers.DictField(
        child=ChecklistItemInput(),
        help_text=_('{requirement code or id: {"provided": true, "note": "annex 3"}}'),
    )


class FollowUpSerializer(serializers.ModelSerializer):
    """A chaser sent to the requested state."""

    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    document = IdRelatedField(read_only=True, allow_null=True)
    created_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "request",
            "sent_on",
            "channel",
            "channel_label",
            "document",
            "note",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class FollowUpInputSerializer(StrictInputSerializer):
    read_only_names = ("id", "request", "channel_label", "created_by", "created_at")

    sent_on = serializers.DateField(
        help_text=_("The day the chaser was sent: not before the request, not in the future.")
    )
    channel = serializers.ChoiceField(choices=FollowUp.Channel.choices)
    document = ScopedRelatedField(
        "documents.Document",
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The chaser letter: a document of the request's case."),
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class SupplementaryInputSerializer(StrictInputSerializer):
    sent_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text=_("The day it was sent (default: today).")
    )
    documents = ScopedRelatedField(
        "documents.Document",
        many=True,
        required=False,
        default=list,
        help_text=_("The supplementary letter and its annexes: documents of the request's case."),
    )
    document_reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


# The office's letter languages (a document may also be in another language).
LETTER_LANGUAGES = [("en", "en"), ("ru", "ru"), ("kk", "kk")]


class LetterInputSerializer(StrictInputSerializer):
    language = serializers.ChoiceField(choices=LETTER_LANGUAGES, default="en")
    purpose = serializers.ChoiceField(choices=["request", "supplementary"], default="request")
    force = serializers.BooleanField(
        default=False, help_text=_("Write a draft marked incomplete even though essentials are missing.")
    )
    answer = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    urgency_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


__all__ = ["Case", "Subject"]
