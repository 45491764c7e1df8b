"""JSON for the database rows stored in dashboard snapshots: Decimal, date and datetime are tagged
({"$decimal": "12.30"}, {"$date": "2025-01-31"}, {"$datetime": "...+00:00"}) so they come back as
themselves (money is never a float). Row keys are field names, which never start with "$".

DashboardSnapshot.rows encodes and decodes with these, so a snapshot read from the database gives
the rows exactly as the queries returned them (tuples come back as lists)."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

_DECODERS = {
    "$decimal": Decimal,
    "$date": datetime.date.fromisoformat,
    "$datetime": datetime.datetime.fromisoformat,
}


class RowsEncoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, Decimal):
            return {"$decimal": str(o)}
        if isinstance(o, datetime.datetime):  # before date: a datetime is a date
            return {"$datetime": o.isoformat()}
        if isinstance(o, datetime.date):
            return {"$date": o.isoformat()}
        return super().default(o)  # TypeError: nothing else belongs in a snapshot


def _untag(obj: dict):
    if len(obj) == 1:
        key = next(iter(obj))
        if key in _DECODERS:
            return _DECODERS[key](obj[key])
    return obj


class RowsDecoder(json.JSONDecoder):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("object_hook", _untag)
        super().__init__(*args, **kwargs)


def encode_rows(value):
    """Rows as plain JSON values (a copy: the caller may go on changing its rows)."""
    return json.loads(json.dumps(value, cls=RowsEncoder))


def decode_rows(value):
    """Rows as the queries returned them, from encode_rows' output."""
    return json.loads(json.dumps(value), cls=RowsDecoder)
