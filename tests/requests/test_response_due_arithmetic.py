"""Deadline arithmetic, without the database: the instrument's days, else the country's, else the
office default."""

import datetime

import pytest

from mla_requests.deadlines import compute_response_due, expected_response_days

SENT = datetime.date(2025, 1, 10)


def test_the_instrument_days_come_first():
    assert expected_response_days(instrument_days=30, country_days=60, default_days=90) == 30
    assert compute_response_due(SENT, instrument_days=30, country_days=60, default_days=90) == datetime.date(2025, 2, 9)


def test_the_country_days_when_the_instrument_has_none():
    assert expected_response_days(instrument_days=None, country_days=60, default_days=90) == 60
    assert compute_response_due(SENT, instrument_days=None, country_days=60, default_days=90) == datetime.date(
        2025, 3, 11
    )


def test_the_default_when_neither_has_days():
    assert expected_response_days(instrument_days=None, country_days=None, default_days=90) == 90
    assert compute_response_due(SENT, instrument_days=None, country_days=None, default_days=90) == datetime.date(
        2025, 4, 10
    )


def test_zero_days_count_as_not_given():
    assert expected_response_days(instrument_days=0, country_days=0, default_days=45) == 45


def test_the_deadline_crosses_a_leap_day_and_the_year_end():
    assert compute_response_due(
        datetime.date(2024, 2, 1), instrument_days=29, country_days=None, default_days=90
    ) == datetime.date(2024, 3, 1)
    assert compute_response_due(
        datetime.date(2025, 12, 15), instrument_days=None, country_days=None, default_days=30
    ) == datetime.date(2026, 1, 14)


def test_no_usable_default_is_an_error():
    with pytest.raises(ValueError, match="default_days"):
        expected_response_days(instrument_days=None, country_days=None, default_days=0)
