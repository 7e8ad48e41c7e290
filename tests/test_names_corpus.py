"""Acceptance of the person-name rules (LL201-LL206) on real names.

Every first and last name of faker's 19 locales, and short real surnames,
must pass LL201-LL204 at error and warning severity; LL205/LL206 are only
information. Each corpus name is paired with a neutral name in the other
field, so the pair rules see ordinary leads.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from leadlint.api import lint_leads
from leadlint.config import Settings
from leadlint.models import Diagnostic, Severity
from leadlint.rules.names_data import assess_name

NAMES_FILE = Path(__file__).resolve().parents[2] / "shared/corpora/names/faker_person_names.json"
NAME_CODES = ("LL201", "LL202", "LL203", "LL204", "LL205", "LL206")
SETTINGS = Settings(select=NAME_CODES, now=datetime(2026, 11, 26, 12, tzinfo=UTC))
# Neither is in the corpus, so no lead repeats its first name as its last.
NEUTRAL_FIRST, NEUTRAL_LAST = "Kendall", "Whitfield"
SHORT_SURNAMES = ("Le", "Ng", "Oh", "Vu", "Li", "Do", "Ho", "Ma", "Wu", "Yu", "O", "Ek", "Ay")
FIRST_KEYS = ("first_names", "first_names_male", "first_names_female")
# The one corpus name with a doubled inner space (es_MX "Alta  Gracia"): a
# true LL204 finding about the data, not a false alarm of the rule.
DOUBLE_SPACED = frozenset({"alta  gracia"})  # case-folded


@cache
def corpus() -> dict[str, dict[str, list[str]]]:
    if not NAMES_FILE.exists():
        pytest.skip(f"corpus not found: {NAMES_FILE}")
    data: dict[str, dict[str, dict[str, list[str]]]] = json.loads(NAMES_FILE.read_text("utf-8"))
    return data["locales"]


def real_names() -> tuple[set[str], set[str]]:
    firsts: set[str] = set()
    lasts: set[str] = set(SHORT_SURNAMES)
    for names in corpus().values():
        for key in FIRST_KEYS:
            firsts.update(names[key])
        lasts.update(names["last_names"])
    return firsts, lasts


def name_leads(spelling: Callable[[str], str] = str) -> list[dict[str, Any]]:
    firsts, lasts = (sorted(map(spelling, names)) for names in real_names())
    leads = [{"contact": {"firstName": f, "lastName": NEUTRAL_LAST}} for f in firsts]
    leads += [{"contact": {"firstName": NEUTRAL_FIRST, "lastName": n}} for n in lasts]
    return leads


def findings(leads: list[dict[str, Any]]) -> list[Diagnostic]:
    return list(lint_leads(leads, SETTINGS))


def test_the_corpus_holds_19_locales() -> None:
    assert len(corpus()) == 19


@pytest.mark.parametrize("spelling", [str, str.upper, str.lower], ids=["as-is", "upper", "lower"])
def test_real_names_raise_no_error_or_warning(spelling: Callable[[str], str]) -> None:
    leads = name_leads(spelling)
    found = findings(leads)
    alarms = []
    for d in found:
        record = d.location.record
        assert record is not None
        value = leads[record]["contact"][d.location.pointer.rsplit("/", 1)[1]]
        if d.severity is not Severity.INFO and not (
            d.code == "LL204" and value.casefold() in DOUBLE_SPACED
        ):
            alarms.append((d.code, value))
    assert alarms == []
    counts = Counter(d.code for d in found)
    assert counts["LL204"] == 1  # "Alta  Gracia", in every spelling
    # Only all-upper or all-lower spellings are information (LL205).
    assert set(counts) <= {"LL204", "LL205"}


@pytest.mark.parametrize("surname", SHORT_SURNAMES)
def test_short_real_surnames_pass_alone_and_in_capitals(surname: str) -> None:
    leads = [
        {"contact": {"firstName": NEUTRAL_FIRST, "lastName": surname}},
        {"contact": {"firstName": surname, "lastName": NEUTRAL_LAST}},
        {"contact": {"firstName": "Kim", "lastName": surname.upper()}},
    ]
    assert [d.code for d in findings(leads) if d.severity is not Severity.INFO] == []


def test_parts_of_stock_names_pass_alone() -> None:
    # faker has "Doe" as a Polish surname and "John"/"Jane" as Vietnamese-locale first names.
    pairs = [("John", "Smith"), ("Jane", "Okafor"), ("Mickey", "Rourke"), ("Homer", "Hickam")]
    pairs += [("Maria", "Doe"), ("Lisa", "Simpson"), ("Li", "Na"), ("Joe", "Sample")]
    leads = [{"contact": {"firstName": f, "lastName": n}} for f, n in pairs]
    assert [d.code for d in findings(leads)] == []


TRUE_POSITIVES = [
    ("LL201", {"firstName": "TEST", "lastName": "test"}, ["/contact/firstName", "/contact/lastName"]),
    ("LL201", {"firstName": "n/a", "lastName": "Okafor"}, ["/contact/firstName"]),
    ("LL201", {"firstName": "Unknown", "lastName": "NONE"}, ["/contact/firstName", "/contact/lastName"]),
    ("LL201", {"firstName": "first_name", "lastName": "Last Name"}, ["/contact/firstName", "/contact/lastName"]),
    ("LL201", {"firstName": "Mickey", "lastName": "MOUSE"}, ["/contact/firstName"]),
    ("LL201", {"firstName": "Wile E.", "lastName": "Coyote"}, ["/contact/firstName"]),
    ("LL201", {"firstName": "Jane  Doe"}, ["/contact/firstName"]),
    ("LL201", {"firstName": "Sample", "lastName": "Okafor"}, ["/contact/firstName"]),
    ("LL202", {"firstName": "J0hn", "lastName": "12345"}, ["/contact/firstName", "/contact/lastName"]),
    ("LL202", {"firstName": "--", "lastName": "."}, ["/contact/firstName", "/contact/lastName"]),
    ("LL202", {"firstName": "Ann", "lastName": "Smith 3"}, ["/contact/lastName"]),
    ("LL203", {"firstName": "Qwert", "lastName": "zxcvb"}, ["/contact/firstName", "/contact/lastName"]),
    ("LL203", {"firstName": "Sdfghk", "lastName": "Xxxx"}, ["/contact/firstName", "/contact/lastName"]),
    ("LL203", {"firstName": "hjkl", "lastName": "Lkjhg"}, ["/contact/firstName", "/contact/lastName"]),
    ("LL204", {"firstName": "Ann\t", "lastName": "de  la Cruz"}, ["/contact/firstName", "/contact/lastName"]),
    ("LL205", {"firstName": "ANN", "lastName": "li"}, ["/contact/firstName", "/contact/lastName"]),
    ("LL206", {"firstName": "Smith", "lastName": " SMITH"}, ["/contact/lastName"]),
]  # fmt: skip


@pytest.mark.parametrize(("code", "contact", "pointers"), TRUE_POSITIVES)
def test_true_positives(code: str, contact: dict[str, str], pointers: list[str]) -> None:
    found = findings([{"contact": contact}])
    assert sorted(d.location.pointer for d in found if d.code == code) == pointers


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("mcdonald", "McDonald"),
        ("o'brien", "O'Brien"),
        ("SMITH-JONES", "Smith-Jones"),
        ("DE LA CRUZ", "De La Cruz"),
        ("MACLEOD", "MacLeod"),
        ("MACIAS", "Macias"),
        ("DELL'ACQUA", "Dell'acqua"),
        ("d\u2019angelo", "D\u2019Angelo"),
        ("\u0130BRAH\u0130M", "\u0130brahim"),
        (
            "\u03a3\u03a9\u039a\u03a1\u0391\u03a4\u0397\u03a3",
            "\u03a3\u03c9\u03ba\u03c1\u03b1\u03c4\u03b7\u03c2",
        ),
        ("  anne  marie ", "  Anne  Marie "),
    ],
)
def test_recasing(value: str, expected: str) -> None:
    assert assess_name(value).recased == expected


def test_only_strings_are_checked() -> None:
    leads: list[Any] = [
        {"contact": {"firstName": None, "lastName": 7}},
        {"contact": {"firstName": ["Test"], "lastName": {"x": 1}}},
        {"contact": None},
        {"contact": "Test Test"},
        {},
        [],
        "Test",
    ]
    assert [d.code for d in findings(leads) if d.code.startswith("LL2")] == []


def test_hostile_strings_do_not_break_the_rules() -> None:
    blns = NAMES_FILE.parents[1] / "fuzz" / "blns.json"
    if not blns.exists():
        pytest.skip(f"corpus not found: {blns}")
    strings = json.loads(blns.read_text("utf-8"))
    leads = [{"contact": {"firstName": s, "lastName": s[::-1]}} for s in strings]
    for d in findings(leads):
        assert d.code in NAME_CODES
        if d.fix is not None:
            assert all(isinstance(edit.value, str) for edit in d.fix.edits)
