"""The desk: what waits for a person today, read for the admin's home page.

An investigator's desk lists their own work: the outgoing requests they are responsible for that
are overdue, due within DUE_SOON_DAYS, awaiting acknowledgement or waiting for information from us;
the incoming requests they execute; the freezes abroad of their assets that expire soon or have
lapsed; their unread notifications. A supervisor's desk lists the same for every unit they oversee
(access.supervised_unit_ids), grouped by the person responsible.

Every list starts from the models' `visible_to(user)` (recovery.access), so a desk never shows a
row its reader may not read, and every rule (overdue, due within, awaiting acknowledgement, open,
freeze expiring or lapsed) is the owning QuerySet's, never redefined here. Each section costs two
queries (its rows, its count), whatever the number of rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recovery import access
from recovery.notifications import unread_notifications_for

# "Due in the next two weeks": far enough ahead to chase before the deadline.
DUE_SOON_DAYS = 14
# Rows shown per section; the section's count and its list link tell about the rest.
ROWS_PER_SECTION = 50


@dataclass
class DeskLine:
    """One row of a section: the record, what to say about it, and where to act on it."""

    label: str
    link: str
    detail: str = ""
    date: datetime.date | None = None
    date_label: str = ""
    overdue: bool = False
    actions: list[tuple[str, str]] = field(default_factory=list)  # (label, address)
    owner: object = None  # the person responsible: a supervisor's desk groups by them


@dataclass
class DeskGroup:
    owner: object
    lines: list[DeskLine]


@dataclass
class DeskSection:
    key: str
    title: str
    empty: str
    lines: list[DeskLine]
    total: int
    list_link: str = ""

    @property
    def more(self) -> int:
        return max(self.total - len(self.lines), 0)

    def groups(self) -> list[DeskGroup]:
        """The lines by person responsible (people by name, "nobody yet" last), each group in the
        section's own order."""
        by_owner: dict = {}
        for line in self.lines:
            by_owner.setdefault(getattr(line.owner, "pk", None), DeskGroup(line.owner, [])).lines.append(line)
        return sorted(by_owner.values(), key=lambda group: (group.owner is None, _person_key(group.owner)))


@dataclass
class Desk:
    user: object
    today: datetime.date
    supervising: bool
    sections: list[DeskSection]
    notifications: list
    unread: int


def _person_key(person) -> tuple:
    if person is None:
        return ("", "", "")
    return ((person.last_name or "").lower(), (person.first_name or "").lower(), person.username.lower())


def _admin(name: str, *args) -> str:
    return reverse(f"admin:{name}", args=args)


def _section(key, title, empty, queryset, make_line, *, rows: int, list_link: str = "") -> DeskSection:
    lines = [make_line(obj) for obj in queryset[:rows]]
    total = len(lines) if len(lines) < rows else queryset.count()
    return DeskSection(key=key, title=title, empty=empty, lines=lines, total=total, list_link=list_link)


# --- outgoing requests ----------------------------------------------------------------------------


def _requests(user, units):
    Request = apps.get_model("requests", "Request")
    mine = Q(responsible_investigator_id=user.pk)
    if units:
        mine |= Q(case__unit_id__in=units)
    return Request.objects.visible_to(user).filter(mine).select_related("case", "responsible_investigator")


def _request_line(request, *, date, date_label, actions, today) -> DeskLine:
    return DeskLine(
        label=request.reference or str(request),
        link=_admin("requests_request_change", request.pk),
        detail=f"{request.country.name} · {request.case.register_number} · {request.get_status_display()}",
        date=date,
        date_label=date_label,
        overdue=bool(date and date < today),
        actions=actions,
        owner=request.responsible_investigator,
    )


def _transition(request, to_status) -> str:
    return _admin("requests_request_transition", request.pk, to_status)


def request_sections(user, units, today, rows) -> list[DeskSection]:
    Request = apps.get_model("requests", "Request")
    base = _requests(user, units)
    changelist = _admin("requests_request_changelist")

    def answer_actions(request):
        return [(_("Record the answer"), _transition(request, Request.Status.EXECUTED))]

    def overdue_line(request):
        actions = [(_("Record a chaser"), _admin("requests_request_follow_up", request.pk)), *answer_actions(request)]
        return _request_line(
            request, date=request.response_due, date_label=_("response due"), actions=actions, today=today
        )

    def due_line(request):
        return _request_line(
            request,
            date=request.response_due,
            date_label=_("response due"),
            actions=answer_actions(request),
            today=today,
        )

    def ack_line(request):
        return _request_line(
            request,
            date=request.sent_on,
            date_label=_("sent on"),
            actions=[(_("Record the acknowledgement"), _transition(request, Request.Status.ACKNOWLEDGED))],
            today=today,
        )

    def info_line(request):
        return _request_line(
            request,
            date=request.supplementary_due,
            date_label=_("information due"),
            actions=[(_("Record the information sent"), _admin("requests_request_supplementary", request.pk))],
            today=today,
        )

    by_deadline = ("response_due", "pk")
    return [
        _section(
            "overdue",
            _("Requests of my units overdue") if units else _("My requests overdue"),
            _("No request is overdue."),
            base.overdue(today).order_by(*by_deadline),
            overdue_line,
            rows=rows,
            list_link=f"{changelist}?due=overdue",
        ),
        _section(
            "due_soon",
            _("Due in the next %(days)s days") % {"days": DUE_SOON_DAYS},
            _("No answer is due in the next days."),
            base.due_within(today, DUE_SOON_DAYS).order_by(*by_deadline),
            due_line,
            rows=rows,
        ),
        _section(
            "awaiting_acknowledgement",
            _("Awaiting acknowledgement"),
            _("Every request sent is acknowledged."),
            base.awaiting_acknowledgement().order_by("sent_on", "pk"),
            ack_line,
            rows=rows,
            list_link=f"{changelist}?awaiting_acknowledgement=true",
        ),
        _section(
            "info_requested",
            _("More information requested from us"),
            _("No requested state waits for information from us."),
            base.filter(status=Request.Status.INFO_REQUESTED).order_by(
                F("supplementary_due").asc(nulls_last=True), "pk"
            ),
            info_line,
            rows=rows,
            list_link=f"{changelist}?status={Request.Status.INFO_REQUESTED}",
        ),
    ]


# --- incoming requests ----------------------------------------------------------------------------


def incoming_section(user, units, today, rows) -> DeskSection:
    IncomingRequest = apps.get_model("incoming", "IncomingRequest")
    mine = Q(executor_id=user.pk)
    if units:
        mine |= Q(unit_id__in=units)
    queryset = (
        IncomingRequest.objects.visible_to(user)
        .open()
        .filter(mine)
        .select_related("executor")
        .order_by(F("execution_due").asc(nulls_last=True), "pk")
    )

    def line(incoming):
        return DeskLine(
            label=incoming.reference,
            link=_admin("incoming_incomingrequest_change", incoming.pk),
            detail=f"{incoming.requesting_country.name} · {incoming.requesting_authority} · "
            f"{incoming.get_status_display()}",
            date=incoming.execution_due,
            date_label=_("execution due"),
            overdue=incoming.is_overdue(today),
            owner=incoming.executor,
        )

    title = _("Incoming requests of my units") if units else _("Incoming requests assigned to me")
    return _section("incoming", title, _("No incoming request waits for you."), queryset, line, rows=rows)


# --- freezes abroad -------------------------------------------------------------------------------


def freeze_section(user, units, today, rows) -> DeskSection:
    Asset = apps.get_model("assets", "Asset")
    rules = type(Asset.objects.all())  # AssetQuerySet: the freeze rules are defined there
    within = max(settings.RECOVERY_FREEZE_EXPIRY_REMINDER_DAYS, default=DUE_SOON_DAYS)
    mine = Q(case__lead_investigator_id=user.pk) | Q(incoming_request__executor_id=user.pk)
    if units:
        mine |= Q(case__unit_id__in=units) | Q(incoming_request__unit_id__in=units)
    queryset = (
        Asset.objects.visible_to(user)
        .filter(rules.freeze_expiring_q(within, today) | rules.freeze_lapsed_q(today))
        .filter(mine)
        .select_related("case__lead_investigator", "incoming_request__executor")
        .order_by("freeze_expires_on", "pk")
    )

    def line(asset):
        owner = asset.case.lead_investigator if asset.case_id else asset.incoming_request.executor
        return DeskLine(
            label=str(asset),
            link=_admin("assets_asset_change", asset.pk),
            detail=f"{asset.location_country.name} · {asset.get_status_display()}",
            date=asset.freeze_expires_on,
            date_label=_("frozen until"),
            overdue=asset.freeze_expires_on < today,
            actions=[(_("Record the renewal"), _admin("assets_asset_renew_freeze", asset.pk))],
            owner=owner,
        )

    return _section(
        "freezes",
        _("Freezes expiring within %(days)s days, or lapsed") % {"days": within},
        _("No freeze expires soon."),
        queryset,
        line,
        rows=rows,
    )


# --- the desk -------------------------------------------------------------------------------------


def desk_for(user, *, today: datetime.date | None = None, rows: int = ROWS_PER_SECTION) -> Desk:
    """`user`'s desk: only what they may read (access), their own work, and for a supervisor the work
    of the units they oversee."""
    today = today or timezone.localdate()
    units = access.supervised_unit_ids(user)
    unread = unread_notifications_for(user)
    notifications = list(unread[:rows])
    sections = [
        *request_sections(user, units, today, rows),
        incoming_section(user, units, today, rows),
        freeze_section(user, units, today, rows),
    ]
    return Desk(
        user=user,
        today=today,
        supervising=bool(units),
        sections=sections,
        notifications=notifications,
        unread=len(notifications) if len(notifications) < rows else unread.count(),
    )
