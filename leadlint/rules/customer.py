"""LL5xx: the customer profile (birth date and age, credit score, income, body, residence).

"Today" is the date of ``options["now"]`` in its own time zone; ages are
completed years (a Feb 29 birthday is reached on Mar 1 in common years).
Values of the wrong type are skipped: the schema rules report types.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from leadlint.models import Applicability, Edit, Fix, FixAvailability, Severity, Violation
from leadlint.rules.base import Rule, rule
from leadlint.rules.customer_data import (
    CREDIT_MODELS,
    ENUM_SETS,
    ENUMS,
    age_on,
    birth_of,
    credit_model,
    customer_of,
    enum_suggestion,
    is_number,
    iso_date,
    iso_repair,
    looks_iso,
    months_lived,
    number_at,
    today_of,
)

ERROR, WARNING = Severity.ERROR, Severity.WARNING
SOMETIMES = FixAvailability.SOMETIMES
BIRTH = "/customer/birthDate"
_ENUM_ITEMS = tuple(ENUM_SETS.items())
_REPAIRS = {
    "trim": ("Remove the spaces around the date", Applicability.SAFE),
    "time": ("Keep only the date part", Applicability.UNSAFE),
    "year-first": ("Write the date as YYYY-MM-DD", Applicability.UNSAFE),
    "month-first": ("Write the date as YYYY-MM-DD, reading it month first", Applicability.UNSAFE),
}


@rule(code="LL501", name="birthdate-not-iso", severity=ERROR, fix=SOMETIMES, supersedes=("LL104",))
def birthdate_not_iso(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a `customer.birthDate` that is not a real day written YYYY-MM-DD,
    such as "01/13/1980" or "2023-02-30" (in place of `invalid-format`).

    ## Why is this bad?
    The API rejects the lead (400); an impossible day is a typo.

    ## Example
    ```json
    {"customer": {"birthDate": "01/13/1980"}}
    ```

    ## Use instead
    ```json
    {"customer": {"birthDate": "1980-01-13"}}
    ```

    ## Fix safety
    Removing spaces around an ISO date is safe. Unsafe, as a reading is
    chosen: dropping a time of day ("1980-01-13 00:00:00"), rewriting a
    year-first date ("1980/1/13"), and reading a slashed or dashed date with
    a four-digit year month first, the US order ("1/13/1980", "01-13-1980"),
    which is wrong for a day-first file wherever the day is 12 or less. No
    fix for two-digit years, day-first dates (first number above 12),
    impossible days or other forms.

    ## Options
    None.
    """
    customer = customer_of(lead)
    value = customer.get("birthDate") if customer is not None else None
    if type(value) is not str or iso_date(value) is not None:
        return
    fix = None
    if (repair := iso_repair(value)) is not None:
        title, applicability = _REPAIRS[repair[1]]
        fix = Fix(title, applicability, (Edit("set", BIRTH, repair[0]),))
    problem = "is not a real calendar date" if looks_iso(value) else "is not a YYYY-MM-DD date"
    yield Violation(BIRTH, f"`customer.birthDate` {problem}", fix)


@rule(code="LL502", name="birthdate-in-future", severity=ERROR)
def birthdate_in_future(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a `customer.birthDate` after today.

    ## Why is this bad?
    The year is mistyped ("2068" for "1968"), or another date such as the
    form's submission date landed in the field.

    ## Example
    ```json
    {"customer": {"birthDate": "2068-04-02"}}
    ```

    ## Use instead
    ```json
    {"customer": {"birthDate": "1968-04-02"}}
    ```

    ## Fix safety
    No fix: the intended date is unknown.

    ## Options
    None.
    """
    birth = birth_of(lead)
    # Only a birth year from this year on needs today's full date.
    if birth is not None and birth[0] >= options["now"].year and birth > today_of(options):
        yield Violation(BIRTH, "`customer.birthDate` is in the future")


@rule(
    code="LL503", name="age-out-of-range", severity=ERROR, options={"min-age": 18, "max-age": 120}
)
def age_out_of_range(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a `customer.birthDate` that makes the person younger than
    `min-age` or older than `max-age` today (future dates: see
    `birthdate-in-future`).

    ## Why is this bad?
    A minor cannot consent to be contacted or sign a contract; an age beyond
    any living person's is a typo or a default such as "1900-01-01".

    ## Example
    ```json
    {"customer": {"birthDate": "1900-01-01"}}
    ```

    ## Use instead
    ```json
    {"customer": {"birthDate": "1980-01-01"}}
    ```

    ## Fix safety
    No fix: the intended date is unknown.

    ## Options
    - `min-age` (integer, default 18): the youngest age accepted, in completed years.
    - `max-age` (integer, default 120): the oldest age accepted.
    """
    birth = birth_of(lead)
    if birth is None:
        return
    low, high = options["min-age"], options["max-age"]
    # The age is the difference of years, or one less before the birthday.
    years = options["now"].year - birth[0]
    if low < years <= high:
        return
    today = today_of(options)
    if birth > today:
        return
    age = age_on(birth, today)
    if age < low:
        yield Violation(BIRTH, f"`customer.birthDate` gives an age under {low}")
    elif age > high:
        yield Violation(BIRTH, f"`customer.birthDate` gives an age over {high}")


# A score past the int32 range is also out of every model's range: one finding.
@rule(
    code="LL504",
    name="credit-score-out-of-range",
    severity=ERROR,
    options={"model": "fico"},
    supersedes=("LL105",),
)
def credit_score_out_of_range(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a `customer.creditScore` outside its scoring model's range: FICO
    300-850 (the default), FICO industry-specific 250-900, VantageScore
    1.0/2.0 501-990, VantageScore 3.0/4.0 300-850.

    ## Why is this bad?
    Such a score does not exist: a typo, a placeholder (0, 999), or scores
    of another model mixed in.

    ## Example
    ```json
    {"customer": {"creditScore": 999}}
    ```

    ## Use instead
    ```json
    {"customer": {"creditScore": 720}}
    ```

    ## Fix safety
    No fix: the true score is unknown.

    ## Options
    - `model` (string, default "fico"): `fico`, `fico-industry`,
      `vantagescore` (or `vantagescore-1`, `-2`), `vantagescore-3` (or
      `vantagescore-4`); case, `_` and spaces do not matter. With any other
      name nothing can be checked, so every lead with a numeric score is
      reported, naming the option: a configuration typo shows at once
      instead of silently turning the rule off.
    """
    score = number_at(lead, "creditScore")
    if score is None:
        return
    name = options["model"]
    model = (CREDIT_MODELS.get(name) or credit_model(name)) if type(name) is str else None
    if model is None:
        known = ", ".join(CREDIT_MODELS)
        problem = f"LL504 option `model` = {name!r} is unknown (known: {known})"
        yield Violation("/customer/creditScore", f"`customer.creditScore` not checked: {problem}")
    elif not model[0] <= score <= model[1]:
        message = f"`customer.creditScore` is outside the {model[2]} range {model[0]}-{model[1]}"
        yield Violation("/customer/creditScore", message)


@rule(code="LL505", name="income-negative", severity=ERROR)
def income_negative(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a negative `customer.income`.

    ## Why is this bad?
    A yearly income is not negative: a sign error, or -1 meaning "unknown"
    (leave the field out instead).

    ## Example
    ```json
    {"customer": {"income": -1}}
    ```

    ## Use instead
    ```json
    {"customer": {"income": 52000}}
    ```

    ## Fix safety
    No fix: the intended amount is unknown.

    ## Options
    None.
    """
    income = number_at(lead, "income")
    if income is not None and income < 0:
        yield Violation("/customer/income", "`customer.income` is negative")


@rule(
    code="LL506",
    name="income-implausibly-high",
    severity=WARNING,
    options={"max-income": 10_000_000},
)
def income_implausibly_high(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a `customer.income` above `max-income` (yearly, in dollars).

    ## Why is this bad?
    Such incomes are rare among leads: usually cents sent as dollars,
    repeated digits, or a placeholder such as 99999999.

    ## Example
    ```json
    {"customer": {"income": 52000000}}
    ```

    ## Use instead
    ```json
    {"customer": {"income": 52000}}
    ```

    ## Fix safety
    No fix: the intended amount is unknown.

    ## Options
    - `max-income` (integer, default 10000000): the highest yearly income accepted.
    """
    income = number_at(lead, "income")
    if income is not None and income > options["max-income"]:
        message = f"`customer.income` is above {options['max-income']:,}"
        yield Violation("/customer/income", message)


@rule(
    code="LL507",
    name="height-weight-implausible",
    severity=WARNING,
    options={"min-height": 36, "max-height": 96, "min-weight": 50, "max-weight": 700},
)
def height_weight_implausible(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a `customer.height` (inches) or `customer.weight` (pounds)
    outside the range of adult bodies.

    ## Why is this bad?
    Such values are other units (centimetres), feet typed as inches ("5"),
    or 0 for "unknown"; quotes priced on them are wrong.

    ## Example
    ```json
    {"customer": {"height": 178, "weight": 165}}
    ```

    ## Use instead
    ```json
    {"customer": {"height": 70, "weight": 165}}
    ```

    ## Fix safety
    No fix: converting units would guess which unit was meant.

    ## Options
    - `min-height`, `max-height` (integers, default 36 and 96): inches.
    - `min-weight`, `max-weight` (integers, default 50 and 700): pounds.
    """
    customer = customer_of(lead)
    if customer is None:
        return
    height = customer.get("height")
    if is_number(height) and not options["min-height"] <= height <= options["max-height"]:
        low, high = options["min-height"], options["max-height"]
        yield Violation("/customer/height", f"`customer.height` is outside {low}-{high} inches")
    weight = customer.get("weight")
    if is_number(weight) and not options["min-weight"] <= weight <= options["max-weight"]:
        low, high = options["min-weight"], options["max-weight"]
        yield Violation("/customer/weight", f"`customer.weight` is outside {low}-{high} pounds")


@rule(code="LL508", name="months-at-residence-impossible", severity=ERROR)
def months_at_residence_impossible(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a negative `customer.monthsAtResidence`, or one longer than the
    person has lived (from a valid `customer.birthDate` to today, a started
    month counted as a whole one).

    ## Why is this bad?
    Nobody has lived somewhere longer than they have lived: the value or the
    birth date is wrong.

    ## Example
    ```json
    {"customer": {"birthDate": "2000-05-01", "monthsAtResidence": 400}}
    ```

    ## Use instead
    ```json
    {"customer": {"birthDate": "2000-05-01", "monthsAtResidence": 40}}
    ```

    ## Fix safety
    No fix: the intended value is unknown.

    ## Options
    None.
    """
    months = number_at(lead, "monthsAtResidence")
    if months is None:
        return
    if months < 0:
        yield Violation("/customer/monthsAtResidence", "`customer.monthsAtResidence` is negative")
        return
    birth = birth_of(lead)
    # Whoever was born in year Y has lived at least 12 * (this year - Y - 1) months.
    if birth is None or months <= 12 * (options["now"].year - birth[0] - 1):
        return
    today = today_of(options)
    if birth <= today and months > months_lived(birth, today):
        message = "`customer.monthsAtResidence` is longer than the person has lived"
        yield Violation("/customer/monthsAtResidence", message)


@rule(
    code="LL509", name="dependents-out-of-range", severity=WARNING, options={"max-dependents": 20}
)
def dependents_out_of_range(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a `customer.numberOfDependents` below 0 or above `max-dependents`.

    ## Why is this bad?
    A negative count is impossible; a very large one is a typo or a
    placeholder such as 99.

    ## Example
    ```json
    {"customer": {"numberOfDependents": 99}}
    ```

    ## Use instead
    ```json
    {"customer": {"numberOfDependents": 2}}
    ```

    ## Fix safety
    No fix: the true count is unknown.

    ## Options
    - `max-dependents` (integer, default 20): the largest count accepted.
    """
    count = number_at(lead, "numberOfDependents")
    if count is not None and not 0 <= count <= options["max-dependents"]:
        message = f"`customer.numberOfDependents` is outside 0-{options['max-dependents']}"
        yield Violation("/customer/numberOfDependents", message)


@rule(
    code="LL510", name="profile-enum-spelling", severity=ERROR, fix=SOMETIMES, supersedes=("LL103",)
)
def profile_enum_spelling(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a `customer.gender`, `maritalStatus` or `employmentType` string
    that is not an API value, naming the value it stands for when one fits
    (in place of `value-not-in-enum`).

    ## Why is this bad?
    The API rejects the lead (400): "male" is not `M`, "married" is not
    `Married`, "Full-Time" is not `Employed`.

    ## Example
    ```json
    {"customer": {"gender": "male", "maritalStatus": "married"}}
    ```

    ## Use instead
    ```json
    {"customer": {"gender": "M", "maritalStatus": "Married"}}
    ```

    ## Fix safety
    Safe when only case, spaces, `-`, `_` or `.` differ ("married",
    "part-time", " m "). Unsafe for another word, as it interprets: "male"
    or "man" as `M`, "female" or "woman" as `F`, "widowed" as `Widow`, "full
    time" as `Employed`. No fix when nothing fits ("unknown").

    ## Options
    None.
    """
    customer = customer_of(lead)
    if customer is None:
        return
    for field, allowed in _ENUM_ITEMS:
        value = customer.get(field)
        if type(value) is str and value not in allowed:
            pointer = f"/customer/{field}"
            message = f"`customer.{field}` is not one of the API values: {', '.join(ENUMS[field])}"
            yield Violation(pointer, message, _enum_fix(field, value, pointer))


def _enum_fix(field: str, value: str, pointer: str) -> Fix | None:
    suggestion = enum_suggestion(field, value)
    if suggestion is None:
        return None
    canonical, safe = suggestion
    applicability = Applicability.SAFE if safe else Applicability.UNSAFE
    return Fix(f"Replace with `{canonical}`", applicability, (Edit("set", pointer, canonical),))


RULES: tuple[Rule, ...] = (
    birthdate_not_iso,
    birthdate_in_future,
    age_out_of_range,
    credit_score_out_of_range,
    income_negative,
    income_implausibly_high,
    height_weight_implausible,
    months_at_residence_impossible,
    dependents_out_of_range,
    profile_enum_spelling,
)
