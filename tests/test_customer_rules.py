"""The customer rules (LL5xx) beyond their case files: ages and months against
calendar definitions, the ISO verdict against the schema's, fixes, hostile
input, and acceptance over generated leads and the naughty strings."""

from __future__ import annotations

import calendar
import copy
import json
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from leadlint.api import lint_leads
from leadlint.config import Settings
from leadlint.engine import rule_options
from leadlint.fixes import apply_edits
from leadlint.models import Applicability, Violation
from leadlint.rules import BY_CODE, customer
from leadlint.rules.customer_data import (
    CREDIT_MODELS,
    ENUMS,
    SYNONYMS,
    age_on,
    credit_model,
    enum_suggestion,
    iso_date,
    iso_repair,
    months_lived,
    spelling_key,
)

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate_leads import generate  # noqa: E402

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
OPTIONS = rule_options(Settings(now=NOW))
CODES = tuple(r.code for r in customer.RULES)
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DATES = st.dates(min_value=date(1800, 1, 1), max_value=date(2100, 12, 31))


def check(code: str, lead: Any, **options: Any) -> list[Violation]:
    return list(BY_CODE[code].check(lead, {**OPTIONS[code], **options}))  # type: ignore[misc]


def run_all(lead: Any, now: datetime = NOW) -> Iterator[tuple[str, Violation]]:
    opts = OPTIONS if now is NOW else rule_options(Settings(now=now))
    for rule in customer.RULES:
        assert rule.check is not None
        for violation in rule.check(lead, opts[rule.code]):
            yield rule.code, violation


def with_birth(birth: str) -> dict[str, Any]:
    return {"customer": {"birthDate": birth}}


# -- ages and months against calendar definitions -------------------------------


def reference_age(birth: date, today: date) -> int:
    """Anniversaries passed; a Feb 29 birthday falls on Mar 1 in common years."""
    try:
        anniversary = birth.replace(year=today.year)
    except ValueError:
        anniversary = date(today.year, 3, 1)
    return today.year - birth.year - (today < anniversary)


def add_months(start: date, months: int) -> date:
    """``start`` plus whole months, clamped to the end of a shorter month."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    day = min(start.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def reference_months(birth: date, today: date) -> int:
    """The fewest whole months from ``birth`` reaching ``today``: a started month counts."""
    months = max(0, 12 * (today.year - birth.year - 1))
    while add_months(birth, months) < today:
        months += 1
    return months


def ymd(day: date) -> tuple[int, int, int]:
    return (day.year, day.month, day.day)


@PROPERTY
@given(DATES, DATES)
def test_age_is_the_number_of_birthdays_passed(birth: date, today: date) -> None:
    if birth <= today:
        assert age_on(ymd(birth), ymd(today)) == reference_age(birth, today)


@PROPERTY
@given(DATES, st.integers(min_value=1, max_value=130))
def test_age_rises_by_one_on_each_birthday(birth: date, years: int) -> None:
    if (birth.month, birth.day) == (2, 29):
        birthday = add_months(birth, 12 * years)
        if calendar.isleap(birthday.year):
            assert birthday.day == 29
        else:
            birthday += timedelta(days=1)  # Feb 28 -> Mar 1
    else:
        birthday = birth.replace(year=birth.year + years)
    assert age_on(ymd(birth), ymd(birthday)) == years
    assert age_on(ymd(birth), ymd(birthday - timedelta(days=1))) == years - 1


FEB_29_AGES = [(date(2026, 2, 28), 17), (date(2026, 3, 1), 18), (date(2028, 2, 28), 19)]
FEB_29_AGES += [(date(2028, 2, 29), 20), (date(2028, 3, 1), 20)]


@pytest.mark.parametrize(("today", "age"), FEB_29_AGES)
def test_feb_29_birthday(today: date, age: int) -> None:
    assert age_on((2008, 2, 29), ymd(today)) == age


@PROPERTY
@given(DATES, DATES)
def test_months_lived_counts_a_started_month(birth: date, today: date) -> None:
    if birth <= today:
        assert months_lived(ymd(birth), ymd(today)) == reference_months(birth, today)


def aware_times() -> st.SearchStrategy[datetime]:
    offsets = st.integers(min_value=-12 * 60, max_value=14 * 60).map(
        lambda minutes: timezone(timedelta(minutes=minutes))
    )
    return st.datetimes(
        min_value=datetime(1990, 1, 1), max_value=datetime(2060, 12, 31), timezones=offsets
    )


@PROPERTY
@given(DATES, aware_times(), st.integers(0, 30), st.integers(60, 130))
def test_age_rule_uses_the_local_date_of_now(
    birth: date, now: datetime, low: int, high: int
) -> None:
    today = now.date()
    found = check("LL503", with_birth(birth.isoformat()), now=now, **{"min-age": low})
    found += check("LL503", with_birth(birth.isoformat()), now=now, **{"max-age": high})
    future = check("LL502", with_birth(birth.isoformat()), now=now)
    assert bool(future) == (birth > today)
    if birth > today:
        assert not found
    else:
        age = reference_age(birth, today)
        assert len(found) == int(age < low or age > 120) + int(age < 18 or age > high)


@PROPERTY
@given(DATES, st.integers(-5, 2000))
def test_months_at_residence_against_the_calendar(birth: date, months: int) -> None:
    lead = {"customer": {"birthDate": birth.isoformat(), "monthsAtResidence": months}}
    found = check("LL508", lead)
    today = NOW.date()
    if months < 0 or birth > today:
        assert bool(found) == (months < 0)
    else:
        assert bool(found) == (months > reference_months(birth, today))


# -- the ISO verdict and the schema's -----------------------------------------------

DATE_FORMAT = jsonschema_rs.validator_for({"format": "date"}, validate_formats=True)
NEAR_DATES = st.builds(
    "{:04d}-{:02d}-{:02d}".format,
    st.one_of(st.sampled_from([0, 1900, 1996, 2000, 2023, 2100]), st.integers(0, 9999)),
    st.integers(0, 13),
    st.one_of(st.sampled_from([0, 1, 28, 29, 30, 31, 32]), st.integers(0, 99)),
)
DATE_LIKE = st.one_of(
    DATES.map(date.isoformat),
    NEAR_DATES,
    st.from_regex(r"\A[0-9]{1,5}[-/. ][0-9]{1,3}[-/. ][0-9]{1,5}\s?\Z"),
    st.text(alphabet="0123456789-/: T\n\uff11\u0661", max_size=14),
    st.text(max_size=12),
)


@PROPERTY
@given(DATE_LIKE)
@example("1900-02-29")
@example("2023-02-29")
@example("2000-02-29")
@example("2023-04-31")
@example("0000-02-29")
@example("1980-01-13\n")
def test_iso_verdict_is_the_schemas(text: str) -> None:
    """LL501 supersedes LL104 at the same pointer: they must agree on dates."""
    assert (iso_date(text) is not None) == DATE_FORMAT.is_valid(text)


def codes_at_birth(birth: str) -> set[str]:
    settings_ = Settings(now=NOW)
    found = lint_leads([with_birth(birth)], settings_)
    return {d.code for d in found if d.location.pointer == "/customer/birthDate"}


@pytest.mark.parametrize("birth", ["01/13/1980", "2023-02-30", " 1980-01-13", "1980-01-13"])
def test_one_finding_per_bad_birth_date(birth: str) -> None:
    expected = set() if birth == "1980-01-13" else {"LL501"}
    assert codes_at_birth(birth) == expected


# -- fixes ------------------------------------------------------------------------

LAYOUTS = {
    "{m}/{d}/{y}": "month-first",
    "{m:02d}/{d:02d}/{y}": "month-first",
    "{m:02d}-{d:02d}-{y}": "month-first",
    "{y}/{m:02d}/{d:02d}": "year-first",
    "{y}/{m}/{d}": "year-first",
    "{y}-{m}-{d}": "year-first",
    "{y}-{m:02d}-{d:02d}T00:00:00Z": "time",
    "{y}-{m:02d}-{d:02d} 08:15": "time",
    " {y}-{m:02d}-{d:02d}": "trim",
}
FOUR_DIGIT = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31))


@PROPERTY
@given(FOUR_DIGIT, st.sampled_from(sorted(LAYOUTS)))
def test_repair_reads_each_layout_back(day: date, layout: str) -> None:
    text = layout.format(y=day.year, m=day.month, d=day.day)
    if text == day.isoformat():
        return  # "{y}-{m}-{d}" with two-digit month and day is already ISO
    assert iso_repair(text) == (day.isoformat(), LAYOUTS[layout])


@PROPERTY
@given(FOUR_DIGIT)
def test_no_fix_for_day_first_or_two_digit_years(day: date) -> None:
    if day.day > 12:
        assert iso_repair(f"{day.day:02d}/{day.month:02d}/{day.year}") is None
    assert iso_repair(f"{day.month:02d}/{day.day:02d}/{day.year % 100:02d}") is None


@pytest.mark.parametrize(
    ("birth", "applicability"),
    [
        (" 1980-01-13 ", Applicability.SAFE),
        ("01/13/1980", Applicability.UNSAFE),
        ("1980/01/13", Applicability.UNSAFE),
        ("1980-01-13 00:00:00", Applicability.UNSAFE),
        ("13/01/1980", None),
        ("01/13/80", None),
        ("2023-02-30", None),
        (" 2023-02-30 ", None),
        ("02/30/1980", None),
    ],
)
def test_birth_date_fix_safety(birth: str, applicability: Applicability | None) -> None:
    (found,) = check("LL501", with_birth(birth))
    assert (found.fix.applicability if found.fix else None) == applicability


def test_fixed_birth_date_passes_every_date_rule() -> None:
    lead = with_birth("7/4/1976")
    (found,) = check("LL501", lead)
    assert found.fix is not None
    fixed = apply_edits(lead, found.fix.edits)
    assert fixed == with_birth("1976-07-04")
    assert list(run_all(fixed)) == []


def enum_variants(value: str) -> list[str]:
    spaced = "".join(f" {ch}" if ch.isupper() else ch for ch in value).strip()
    return [value.lower(), value.upper(), f" {value} ", spaced, spaced.replace(" ", "-")]


@pytest.mark.parametrize(("field", "value"), [(f, v) for f, vs in ENUMS.items() for v in vs])
def test_api_values_pass_and_their_spellings_get_a_safe_fix(field: str, value: str) -> None:
    assert check("LL510", {"customer": {field: value}}) == []
    for variant in enum_variants(value):
        if variant == value:
            continue
        (found,) = check("LL510", {"customer": {field: variant}})
        assert found.fix is not None
        assert found.fix.applicability is Applicability.SAFE
        assert found.fix.edits[0].value == value


@pytest.mark.parametrize(
    ("field", "word"), [(f, w) for f, words in SYNONYMS.items() for w in words]
)
def test_synonyms_map_to_api_values_with_an_unsafe_fix(field: str, word: str) -> None:
    suggestion = enum_suggestion(field, word)
    assert suggestion is not None
    assert suggestion[0] in ENUMS[field]
    assert suggestion[1] is False


@PROPERTY
@given(st.sampled_from(sorted(ENUMS)), st.text(max_size=20))
def test_suggestions_are_api_values_and_safe_only_for_spelling(field: str, text: str) -> None:
    suggestion = enum_suggestion(field, text)
    if suggestion is not None:
        value, safe = suggestion
        assert value in ENUMS[field]
        assert safe == (spelling_key(text) == spelling_key(value))


@pytest.mark.parametrize(
    ("field", "text", "value"),
    [
        ("gender", "Male", "M"),
        ("gender", "MAN", "M"),
        ("gender", "Female", "F"),
        ("gender", "nonbinary", "NonBinary"),
        ("maritalStatus", "Widowed", "Widow"),
        ("employmentType", "Full Time", "Employed"),
        ("employmentType", "full-time", "Employed"),
        ("employmentType", "Self Employed", "SelfEmployed"),
    ],
)
def test_common_spellings_from_the_brief(field: str, text: str, value: str) -> None:
    assert enum_suggestion(field, text) is not None
    assert enum_suggestion(field, text)[0] == value  # type: ignore[index]


@pytest.mark.parametrize(
    "text", ["unknown", "x", "", "   ", "domestic partner", "-", "Married!", "M\u0301"]
)
def test_no_fix_when_nothing_fits(text: str) -> None:
    (found,) = check("LL510", {"customer": {"maritalStatus": text}})
    assert found.fix is None


def test_schema_enum_finding_is_replaced() -> None:
    lead = {"customer": {"gender": "male", "maritalStatus": 5}}
    found = {(d.code, d.location.pointer) for d in lint_leads([lead], Settings(now=NOW))}
    assert ("LL510", "/customer/gender") in found
    assert ("LL103", "/customer/gender") not in found
    assert ("LL102", "/customer/maritalStatus") in found
    assert not any(code == "LL510" and p.endswith("maritalStatus") for code, p in found)


# -- credit score models ------------------------------------------------------------


@pytest.mark.parametrize("name", [*CREDIT_MODELS, "FICO", " VantageScore 3 ", "vantagescore_4"])
def test_model_names(name: str) -> None:
    assert credit_model(name) is not None


@pytest.mark.parametrize("name", ["fico8", "", "vantage", ["fico"]])
def test_unknown_model_is_reported_on_every_scored_lead(name: Any) -> None:
    (found,) = check("LL504", {"customer": {"creditScore": 720}}, model=name)
    assert "`model`" in found.message
    assert check("LL504", {"customer": {}}, model=name) == []


# -- hostile input ------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
FIELDS = ("birthDate", "creditScore", "income", "height", "weight", "monthsAtResidence")
FIELDS += ("numberOfDependents", "gender", "maritalStatus", "employmentType")


@PROPERTY
@given(
    st.one_of(
        JSON_VALUES,
        st.fixed_dictionaries({"customer": JSON_VALUES}),
        st.fixed_dictionaries({"customer": st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES)}),
    )
)
def test_any_lead_shape_is_tolerated_and_never_changed(lead: Any) -> None:
    before = copy.deepcopy(lead)
    for _code, violation in run_all(lead):
        assert violation.pointer.startswith("/customer/")
    assert lead == before


NAUGHTY: list[str] = json.loads((CORPORA / "fuzz" / "blns.json").read_text(encoding="utf-8"))


def test_naughty_strings_never_echoed() -> None:
    """Messages name the field, never the value (lead data is personal data)."""
    echoed = []
    for text in NAUGHTY:
        lead = {"customer": {field: text for field in FIELDS}}
        for code, violation in run_all(lead):
            if len(text.strip()) >= 3 and text in violation.message:
                echoed.append((code, text))
    assert echoed == []


@pytest.mark.parametrize("value", [987654321, -987654321, 98765.4321])
def test_numbers_never_echoed(value: float) -> None:
    lead = {"customer": dict.fromkeys(FIELDS, value)}
    found = list(run_all(lead))
    assert found
    assert all(str(value) not in v.message and f"{value:,}" not in v.message for _c, v in found)


# -- acceptance over generated leads ------------------------------------------------


def test_clean_generated_leads_raise_no_false_alarm() -> None:
    found = Counter(code for lead in generate(3000, 11, 0.0) for code, _v in run_all(lead))
    assert found == Counter()


def expected_problems(lead: dict[str, Any]) -> set[str]:
    """What a dirty generated lead should be told, from its values."""
    person = lead["customer"]
    expected = set()
    birth = person.get("birthDate")
    if isinstance(birth, str) and iso_date(birth) is None:
        expected.add("LL501")
    for field, values in ENUMS.items():
        value = person.get(field)
        if isinstance(value, str) and value not in values:
            expected.add("LL510")
    score = person.get("creditScore")
    if type(score) is int and not 300 <= score <= 850:
        expected.add("LL504")
    income = person.get("income")
    if type(income) is int and income > 10_000_000:
        expected.add("LL506")
    return expected


def test_dirty_generated_leads_are_all_caught() -> None:
    misses: Counter[str] = Counter()
    false_alarms: Counter[str] = Counter()
    for lead in generate(3000, 12, 1.0):
        got = {code for code, _v in run_all(lead)}
        want = expected_problems(lead)
        misses.update(want - got)
        false_alarms.update(got - want)
    assert misses == Counter()
    assert false_alarms == Counter()
