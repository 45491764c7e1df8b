"""The settings helpers refuse a malformed value instead of guessing (no database needed)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_choice, env_int, env_list, env_str


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", " yes ", "on"])
def test_env_bool_reads_true(raw):
    assert env_bool("FLAG", False, environ={"FLAG": raw}) is True


@pytest.mark.parametrize("raw", ["0", "false", "No", "off", ""])
def test_env_bool_reads_false(raw):
    assert env_bool("FLAG", True, environ={"FLAG": raw}) is False


def test_env_bool_defaults_when_unset():
    assert env_bool("FLAG", True, environ={}) is True
    assert env_bool("FLAG", False, environ={}) is False


@pytest.mark.parametrize("raw", ["ture", "2", "y", "enabled", "Truee"])
def test_env_bool_refuses_anything_else(raw):
    with pytest.raises(ImproperlyConfigured, match="FLAG") as excinfo:
        env_bool("FLAG", False, environ={"FLAG": raw})
    assert "not a boolean" in str(excinfo.value)


def test_env_int_reads_and_defaults():
    assert env_int("DAYS", 90, environ={"DAYS": " 30 "}) == 30
    assert env_int("DAYS", 90, environ={}) == 90
    assert env_int("DAYS", 90, environ={"DAYS": ""}) == 90
    assert env_int("DAYS", 90, minimum=1, maximum=365, environ={"DAYS": "365"}) == 365


@pytest.mark.parametrize("raw", ["thirty", "30days", "1.5", "0x10"])
def test_env_int_refuses_a_non_integer(raw):
    with pytest.raises(ImproperlyConfigured, match="DAYS=.*is not an integer"):
        env_int("DAYS", 90, environ={"DAYS": raw})


def test_env_int_refuses_values_out_of_bounds():
    with pytest.raises(ImproperlyConfigured, match="below the minimum 1"):
        env_int("DAYS", 90, minimum=1, environ={"DAYS": "0"})
    with pytest.raises(ImproperlyConfigured, match="above the maximum 3650"):
        env_int("DAYS", 90, maximum=3650, environ={"DAYS": "3651"})


def test_env_list_reads_comma_separated_items():
    assert env_list("HOSTS", environ={"HOSTS": "a.example.org, b.example.org,"}) == ["a.example.org", "b.example.org"]
    assert env_list("HOSTS", ["localhost"], environ={}) == ["localhost"]
    assert env_list("HOSTS", ["localhost"], environ={"HOSTS": ""}) == []


@pytest.mark.parametrize("raw", ["a.example.org b.example.org", "a.example.org;b.example.org", "a.example.org,,b"])
def test_env_list_refuses_a_malformed_list(raw):
    with pytest.raises(ImproperlyConfigured, match="HOSTS"):
        env_list("HOSTS", environ={"HOSTS": raw})


def test_env_choice_reads_a_known_value_and_refuses_others():
    choices = {"development", "test", "production"}
    assert env_choice("DJANGO_ENV", "development", choices, environ={"DJANGO_ENV": " production "}) == "production"
    assert env_choice("DJANGO_ENV", "development", choices, environ={}) == "development"
    with pytest.raises(ImproperlyConfigured, match="DJANGO_ENV='prod' is not one of"):
        env_choice("DJANGO_ENV", "development", choices, environ={"DJANGO_ENV": "prod"})
    with pytest.raises(ImproperlyConfigured):
        env_choice("DJANGO_ENV", "development", choices, environ={"DJANGO_ENV": "Production"})


def test_env_str_strips_and_defaults():
    assert env_str("NAME", "x", environ={"NAME": "  value "}) == "value"
    assert env_str("NAME", "x", environ={}) == "x"
