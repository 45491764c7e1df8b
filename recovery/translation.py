"""Names kept in three languages (English, Russian, Kazakh): which one a reader gets."""

import functools

from django.utils import translation
from django.utils.translation import get_language

LANGUAGES = ("en", "ru", "kk")


def active_language() -> str:
    lang = (get_language() or "en")[:2]
    return lang if lang in LANGUAGES else "en"


def pick_name(name_en: str, name_ru: str = "", name_kk: str = "") -> str:
    """The name in the active language, falling back to English where it is not translated."""
    chosen = {"en": name_en, "ru": name_ru, "kk": name_kk}[active_language()]
    return chosen or name_en


@functools.lru_cache(maxsize=len(LANGUAGES))
def _countries(language: str) -> tuple[tuple[str, str], ...]:
    # django-countries translates and sorts ~250 names on every iteration; filters and API rows
    # ask for them on every request, so each language's list is built once per process.
    from django_countries import countries

    with translation.override(language):
        return tuple((code, str(name)) for code, name in countries)


@functools.lru_cache(maxsize=len(LANGUAGES))
def _country_names(language: str) -> dict[str, str]:
    return dict(_countries(language))


def country_choices() -> list[tuple[str, str]]:
    """(ISO 3166 code, name) of every country, sorted by name in the active language."""
    return list(_countries(active_language()))


def country_name(code: str) -> str:
    """The country's name in the active language (the code itself if it is unknown)."""
    return _country_names(active_language()).get(code, code)
