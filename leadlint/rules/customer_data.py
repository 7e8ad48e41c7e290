"""Data and pure helpers for the customer rules: dates, ages, score ranges, enum spellings.

Dates are ``(year, month, day)`` tuples of ints, not ``datetime.date``: the API's
``date`` format (RFC 3339 ``full-date``) allows year 0000, which ``date``
cannot hold, and tuple arithmetic is all an age needs.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

Ymd = tuple[int, int, int]
_NUMBER = (int, float)  # matched with ``type(value) in``, so booleans are not numbers


def customer_of(lead: Any) -> dict[str, Any] | None:
    """The lead's ``customer`` object, if it is one."""
    customer = lead.get("customer") if type(lead) is dict else None
    return customer if type(customer) is dict else None


def number_at(lead: Any, name: str) -> int | float | None:
    """The JSON number (not a boolean) at ``/customer/<name>``."""
    customer = lead.get("customer") if type(lead) is dict else None
    value = customer.get(name) if type(customer) is dict else None
    return value if type(value) in _NUMBER else None


def is_number(value: Any) -> bool:
    return type(value) in _NUMBER


def birth_of(lead: Any) -> Ymd | None:
    """``/customer/birthDate`` when it is a valid ISO date."""
    customer = lead.get("customer") if type(lead) is dict else None
    value = customer.get("birthDate") if type(customer) is dict else None
    return iso_date(value) if type(value) is str else None


def today_of(options: Mapping[str, Any]) -> Ymd:
    """The date of ``options["now"]`` in its own time zone."""
    now = options["now"]
    return (now.year, now.month, now.day)


_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# Month-first (US) with one separator used twice: 1/5/1980, 01-05-1980.
_US = re.compile(r"([0-9]{1,2})([/-])([0-9]{1,2})\2([0-9]{4})")
# Year-first: 1980/01/05, 1980/1/5, 1980-1-5.
_YEAR_FIRST = re.compile(r"([0-9]{4})([/-])([0-9]{1,2})\2([0-9]{1,2})")
# An ISO date followed by a time of day, as SQL and spreadsheet exports write it.
_WITH_TIME = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})[Tt ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"
    r"(?:[Zz]|[+-][0-9]{2}:?[0-9]{2})?"
)
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def is_real_date(year: int, month: int, day: int) -> bool:
    """Whether the proleptic Gregorian calendar has this day (year 0 is a leap year)."""
    if not 1 <= month <= 12 or day < 1:
        return False
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return day <= 29
    return day <= _DAYS[month - 1]


@functools.lru_cache(maxsize=65536)
def iso_date(text: str) -> Ymd | None:
    """The date of an exact ``YYYY-MM-DD`` string naming a real day, else ``None``.

    ASCII digits only (``[0-9]``, not ``\\d``, which matches any script's digits).
    """
    match = _ISO.fullmatch(text)
    if match is None:
        return None
    year, month, day = int(match[1]), int(match[2]), int(match[3])
    return (year, month, day) if is_real_date(year, month, day) else None


def looks_iso(text: str) -> bool:
    """Whether ``text`` has the ``YYYY-MM-DD`` shape (real day or not)."""
    return _ISO.fullmatch(text) is not None


@functools.lru_cache(maxsize=4096)
def iso_repair(text: str) -> tuple[str, str] | None:
    """An ISO date for a non-ISO ``text`` and how it was read, or ``None``.

    The ways: ``trim`` (surrounding whitespace removed), ``time`` (a time of
    day dropped), ``year-first`` (padded or re-separated, "1980/1/5") and
    ``month-first`` (US order, "1/5/1980"). Two-digit years, day-first dates
    and anything else: ``None``.
    """
    stripped = text.strip()
    if stripped != text and iso_date(stripped) is not None:
        return stripped, "trim"
    if match := _WITH_TIME.fullmatch(stripped):
        return (match[1], "time") if iso_date(match[1]) is not None else None
    if match := _YEAR_FIRST.fullmatch(stripped):
        year, month, day, way = match[1], match[3], match[4], "year-first"
    elif match := _US.fullmatch(stripped):
        year, month, day, way = match[4], match[1], match[3], "month-first"
    else:
        return None
    if not is_real_date(int(year), int(month), int(day)):
        return None
    return f"{year}-{int(month):02d}-{int(day):02d}", way


def age_on(birth: Ymd, today: Ymd) -> int:
    """Completed years from ``birth`` to ``today``.

    The year counts once the birthday is reached; a Feb 29 birthday is reached
    on Mar 1 in common years (Feb 28 is still before it).
    """
    return today[0] - birth[0] - ((today[1], today[2]) < (birth[1], birth[2]))


def months_lived(birth: Ymd, today: Ymd) -> int:
    """Months from ``birth`` to ``today``, a started month counted as a whole one."""
    return (today[0] - birth[0]) * 12 + today[1] - birth[1] + (today[2] > birth[2])


# Lowest and highest score of each scoring model, with a display name.
CREDIT_MODELS: dict[str, tuple[int, int, str]] = {
    "fico": (300, 850, "FICO"),
    "fico-industry": (250, 900, "FICO industry-specific"),
    "vantagescore": (501, 990, "VantageScore 1.0/2.0"),
    "vantagescore-1": (501, 990, "VantageScore 1.0/2.0"),
    "vantagescore-2": (501, 990, "VantageScore 1.0/2.0"),
    "vantagescore-3": (300, 850, "VantageScore 3.0/4.0"),
    "vantagescore-4": (300, 850, "VantageScore 3.0/4.0"),
}


@functools.lru_cache(maxsize=64)
def credit_model(name: str) -> tuple[int, int, str] | None:
    """The range of a model named in any case, with ``_`` or spaces for ``-``."""
    key = "-".join(name.strip().lower().replace("_", " ").replace("-", " ").split())
    return CREDIT_MODELS.get(key)


# The API's values (openapi-2026-08.json, LeadRequest customer).
ENUMS: dict[str, tuple[str, ...]] = {
    "gender": ("M", "F", "NonBinary", "PreferNotToSay", "Other"),
    "maritalStatus": ("Married", "Single", "Widow", "Separated", "Divorced"),
    "employmentType": (
        "Employed",
        "PartTime",
        "SelfEmployed",
        "Contractor",
        "Unemployed",
        "Retired",
        "Student",
        "Military",
        "Homemaker",
        "Disabled",
        "Other",
    ),
}
ENUM_SETS: dict[str, frozenset[str]] = {field: frozenset(v) for field, v in ENUMS.items()}

# Other words for an API value, keyed by ``spelling_key``. A value that is an
# API value in other case or spacing ("part time") needs no entry here.
SYNONYMS: dict[str, dict[str, str]] = {
    "gender": {
        **dict.fromkeys(("male", "man"), "M"),
        **dict.fromkeys(("female", "woman"), "F"),
        **dict.fromkeys(("prefernottoanswer", "declinetoanswer", "declined"), "PreferNotToSay"),
    },
    "maritalStatus": {
        **dict.fromkeys(("widowed", "widower"), "Widow"),
        "nevermarried": "Single",
        "legallyseparated": "Separated",
    },
    "employmentType": {
        **dict.fromkeys(("fulltime", "employedfulltime", "fulltimeemployed"), "Employed"),
        **dict.fromkeys(("employedparttime", "parttimeemployed"), "PartTime"),
        **dict.fromkeys(("independentcontractor", "freelance", "freelancer"), "Contractor"),
        "notemployed": "Unemployed",
        **dict.fromkeys(("activeduty", "activemilitary"), "Military"),
        **dict.fromkeys(("stayathomeparent", "housewife", "househusband"), "Homemaker"),
        "disability": "Disabled",
    },
}


def spelling_key(text: str) -> str:
    """``text`` without case, spaces, ``-``, ``_`` or ``.``: how "Part-Time" meets "PartTime"."""
    return "".join(ch for ch in text.casefold() if not (ch.isspace() or ch in "-_."))


_SPELLINGS: dict[str, dict[str, str]] = {
    field: {spelling_key(v): v for v in values} for field, values in ENUMS.items()
}


@functools.lru_cache(maxsize=4096)
def enum_suggestion(field: str, text: str) -> tuple[str, bool] | None:
    """The API value ``text`` stands for in ``field`` and whether the change is safe.

    Safe when only case, spaces, ``-``, ``_`` or ``.`` differ; unsafe for another word
    ("male" for `M`, "full time" for `Employed`); ``None`` when nothing fits.
    """
    key = spelling_key(text)
    if not key:
        return None
    if key in _SPELLINGS[field]:
        return _SPELLINGS[field][key], True
    value = SYNONYMS[field].get(key)
    return (value, False) if value is not None else None
