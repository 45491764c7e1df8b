"""Response-deadline arithmetic, kept free of the database so it can be tested on its own."""

from __future__ import annotations

import datetime


def expected_response_days(*, instrument_days: int | None, country_days: int | None, default_days: int) -> int:
    """The instrument's expected response time, else the country's, else the office default."""
    for days in (instrument_days, country_days, default_days):
        if days:
            return int(days)
    raise ValueError("default_days must be a positive number of days")


def compute_response_due(
    sent_on: datetime.date, *, instrument_days: int | None, country_days: int | None, default_days: int
) -> datetime.date:
    days = expected_response_days(instrument_days=instrument_days, country_days=country_days, default_days=default_days)
    return sent_on + datetime.timedelta(days=days)
