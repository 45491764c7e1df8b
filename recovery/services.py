"""Writes shared by every app: reference numbers. The input checks services have in common are in
recovery.cleaning, which models may use too (it reads no model)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from recovery.models import ReferenceSequence


@transaction.atomic
def next_reference(prefix: str, *, year: int | None = None) -> str:
    """The next reference number, e.g. 'MLA-2026-000042', unique under a row lock per (prefix, year)."""
    year = year or timezone.localdate().year
    ReferenceSequence.objects.get_or_create(prefix=prefix, year=year)
    seq = ReferenceSequence.objects.select_for_update().get(prefix=prefix, year=year)
    seq.last_value += 1
    seq.save(update_fields=["last_value"])
    return f"{prefix}-{year}-{seq.last_value:06d}"
