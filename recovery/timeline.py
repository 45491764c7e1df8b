"""The one status-timeline mechanism shared by cases, requests and assets.

A model with a status declares a `Workflow` (its allowed moves) and a timeline model (an
append-only TimelineEntry subclass). `apply_transition` is the only way its status changes: it
locks the row, refuses a move the workflow does not allow, lets the calling service apply its own
rules and derived fields, saves, and writes the timeline row in the same transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recovery.audit import audit_actor
from recovery.errors import InvalidInput, TransitionNotAllowed


@dataclass(frozen=True)
class Workflow:
    """Allowed status moves: {from_status: {to_status, ...}}. Statuses with no moves are final."""

    initial: str
    moves: dict[str, frozenset[str]]
    labels: dict[str, str] = field(default_factory=dict)

    @classmethod
    def declare(cls, status_choices, initial: str, moves: dict[str, Iterable[str]]) -> Workflow:
        known = set(status_choices.values)
        for src, targets in moves.items():
            unknown = ({src} | set(targets)) - known
            if unknown:
                raise ValueError(f"Workflow names unknown statuses: {sorted(unknown)}")
        full = {value: frozenset(moves.get(value, ())) for value in status_choices.values}
        return cls(initial=initial, moves=full, labels=dict(status_choices.choices))

    def allowed_from(self, status: str) -> frozenset[str]:
        return self.moves.get(status, frozenset())

    def is_allowed(self, src: str, dst: str) -> bool:
        return dst in self.allowed_from(src)

    def is_final(self, status: str) -> bool:
        return not self.allowed_from(status)


class StatusModel(models.Model):
    """A model whose status moves only through `apply_transition`.

    save() refuses a status that differs from the one loaded (or, for a new row, from the
    workflow's initial status), so no code path can skip the timeline by assigning the field.
    Every save bumps `version`, which edits in the admin and API compare to refuse lost updates.
    """

    workflow: Workflow  # declared by the concrete model
    timeline_model: str  # "app_label.ModelName" of its TimelineEntry subclass
    timeline_subject_field: str  # the timeline row's foreign key to this model

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        current = self.status  # first, so that a deferred status is loaded (and recorded as loaded)
        expected = getattr(self, "_loaded_status", None) if not self._state.adding else self.workflow.initial
        if current != expected and not getattr(self, "_transition_in_progress", False):
            raise TransitionNotAllowed(
                _("The status changes only through a recorded transition (from %(src)s to %(dst)s refused).")
                % {"src": expected, "dst": self.status}
            )
        if not self._state.adding:
            self.version = (self.version or 0) + 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = set(update_fields) | {"version", "updated_at"}
        super().save(*args, **kwargs)
        self._loaded_status = self.status

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Read __dict__, not the attribute: a deferred status must not cost one query per row.
        instance._loaded_status = instance.__dict__.get("status")
        return instance

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        # The status just read from the database is the one a later save() compares against.
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        if "status" in self.__dict__ and (fields is None or "status" in fields):
            self._loaded_status = self.status

    def get_timeline_model(self):
        from django.apps import apps

        return apps.get_model(self.timeline_model)

    @property
    def allowed_next_statuses(self) -> list[str]:
        return sorted(self.workflow.allowed_from(self.status))

    def status_label(self, value: str) -> str:
        return str(self.workflow.labels.get(value, value))


def apply_transition(
    model: type[StatusModel],
    pk,
    *,
    to_status: str | None,
    actor=None,
    effective_on: datetime.date | None = None,
    note: str = "",
    document_reference: str = "",
    amount=None,
    override_reason: str = "",
    expected_version: int | None = None,
    apply: Callable[[StatusModel, dict], None] | None = None,
    keep_status: bool = False,
):
    """Move one record to `to_status` and write its timeline row, atomically.

    With `keep_status` (and no `to_status`) the row records a step that leaves the status where it
    is (e.g. part of a freeze lifted): same lock, checks and row, no move; `apply` decides whether
    the step may be taken from the current status.

    Refuses (TransitionNotAllowed) a move its workflow does not declare, an effective date in the
    future, and a stale `expected_version`. `apply(obj, context)` runs on the locked row before it is
    saved; it enforces the calling service's rules (raising a DomainError rolls everything back)
    and sets derived fields; it may put the timeline model's own extra fields (what caused the
    step) in `context["entry_fields"]`. Returns (obj, timeline_row).
    """
    from recovery.errors import VersionConflict

    if keep_status and to_status is not None:
        raise ValueError("A step that keeps the status names no target status.")
    if not keep_status and to_status not in model.workflow.moves:
        raise InvalidInput(
            _("Unknown status: %(status)s.") % {"status": to_status},
            field_errors={"to_status": [_("Unknown status: %(status)s.") % {"status": to_status}]},
        )
    today = timezone.localdate()
    effective_on = effective_on or today
    if effective_on > today:
        raise InvalidInput(
            _("The effective date cannot be in the future."), field_errors={"effective_on": [_("In the future.")]}
        )
    with transaction.atomic(), audit_actor(actor):
        obj = model._default_manager.select_for_update().get(pk=pk)
        if expected_version is not None and obj.version != expected_version:
            raise VersionConflict()
        src = obj.status
        if keep_status:
            to_status = src
        elif not model.workflow.is_allowed(src, to_status):
            allowed = ", ".join(str(obj.status_label(s)) for s in sorted(model.workflow.allowed_from(src))) or "-"
            raise TransitionNotAllowed(
                _("%(model)s %(obj)s cannot move from “%(src)s” to “%(dst)s”. Allowed next: %(allowed)s.")
                % {
                    "model": model._meta.verbose_name,
                    "obj": obj,
                    "src": obj.status_label(src),
                    "dst": obj.status_label(to_status),
                    "allowed": allowed,
                }
            )
        context = {
            "from_status": src,
            "to_status": to_status,
            "effective_on": effective_on,
            "amount": amount,
            "override_reason": override_reason,
            "note": note,
            "actor": actor,
            "entry_fields": {},
        }
        if apply is not None:
            apply(obj, context)
        obj.status = to_status
        obj._transition_in_progress = True
        try:
            obj.save()
        finally:
            obj._transition_in_progress = False
        entry = obj.get_timeline_model().objects.create(
            **{obj.timeline_subject_field: obj},
            from_status=src,
            to_status=to_status,
            effective_on=effective_on,
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=str(actor) if actor is not None else "",
            note=context["note"],
            document_reference=document_reference,
            amount=context.get("amount"),
            override_reason=context["override_reason"],
            **context["entry_fields"],
        )
    return obj, entry


def record_creation(obj: StatusModel, *, actor=None, effective_on=None, note: str = "", override_reason: str = ""):
    """Write the first timeline row ('' -> initial status) for a record just created; with the
    reason a rule was set aside to create it, if one was."""
    return _timeline_row(
        obj, from_status="", actor=actor, effective_on=effective_on, note=note, override_reason=override_reason
    )


def record_note(
    obj: StatusModel,
    *,
    actor=None,
    note: str,
    effective_on=None,
    override_reason: str = "",
    document_reference: str = "",
    entry_fields: dict | None = None,
):
    """A timeline row that records a change without a status move (a deadline moved, with why):
    the status stays, the row says what happened. Written in the caller's transaction.
    `entry_fields`: the timeline model's own extra fields (what caused the change), as for a
    transition."""
    return _timeline_row(
        obj,
        from_status=obj.status,
        actor=actor,
        effective_on=effective_on,
        note=str(note),
        override_reason=override_reason,
        document_reference=document_reference,
        entry_fields=entry_fields,
    )


def _timeline_row(
    obj: StatusModel,
    *,
    from_status: str,
    actor,
    effective_on,
    note: str,
    override_reason: str = "",
    document_reference: str = "",
    entry_fields: dict | None = None,
):
    return obj.get_timeline_model().objects.create(
        **{obj.timeline_subject_field: obj},
        from_status=from_status,
        to_status=obj.status,
        effective_on=effective_on or timezone.localdate(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=str(actor) if actor is not None else "",
        note=note,
        override_reason=override_reason,
        document_reference=document_reference,
        **(entry_fields or {}),
    )
