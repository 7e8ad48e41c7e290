"""LL2xx, person names: `contact.firstName` and `contact.lastName`.

Each name value is analysed once (``names_data.assess_name``, cached); the
rules read that analysis. Values that are not strings are left to the schema
rules. Where one name has several problems, the most precise finding wins:
a placeholder, digits or keyboard mashing is not also reported for its
casing, nor as a first name repeated in the last name.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from leadlint.models import Applicability, Edit, Fix, FixAvailability, Severity, Violation
from leadlint.rules.base import Rule, rule
from leadlint.rules.names_data import PLACEHOLDER_PAIRS, NameAssessment, assess_name

FIRST = "/contact/firstName"
LAST = "/contact/lastName"
_FIELD = {FIRST: "`contact.firstName`", LAST: "`contact.lastName`"}
_JUNK = ("LL205", "LL206")  # casing and repetition of a name that is not one


def _names(lead: Any) -> tuple[str | None, str | None]:
    """The first and last name when they are strings."""
    contact = lead.get("contact") if isinstance(lead, dict) else None
    if not isinstance(contact, dict):
        return None, None
    first, last = contact.get("firstName"), contact.get("lastName")
    return (first if isinstance(first, str) else None, last if isinstance(last, str) else None)


def _each(lead: Any) -> list[tuple[str, str, NameAssessment]]:
    """Pointer, value and analysis of each name that is a string."""
    if lead is _last_lead[0]:
        return _last_lead[1]  # type: ignore[no-any-return]  # the name rules ask in a row
    first, last = _names(lead)
    found = []
    if first is not None:
        found.append((FIRST, first, assess_name(first)))
    if last is not None:
        found.append((LAST, last, assess_name(last)))
    _last_lead[:] = [lead, found]
    return found


# The lead _each last answered for, and its answer (held, so its identity
# cannot be reused; rules never mutate a lead, so the answer holds).
_last_lead: list[Any] = [None, None]


@lru_cache(maxsize=64)
def _extra_keys(extra: tuple[str, ...]) -> frozenset[str]:
    keys = (assess_name(name).key for name in extra)
    return frozenset(key for key in keys if key)  # "..." would match every letterless name


@rule(
    code="LL201",
    name="placeholder-name",
    severity=Severity.ERROR,
    options={"extra-placeholders": []},
    supersedes=("LL203", *_JUNK),
)
def placeholder_name(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a placeholder or test value as a first or last name, and a stock
    or cartoon name. Placeholders are values such as "Test", "asdf", "N/A",
    "Unknown", "First Name" or "xxx"; stock names are first and last names
    that together make "John Doe" or "Mickey Mouse".

    Case, spacing and punctuation are ignored. Each part of a stock name is a
    real name on its own (John, Doe, Mickey, Simpson), so only the pair is
    reported, in either order (exports swap the fields), at
    `contact.firstName`; a stock name written whole into one field is
    reported at that field. "Sample" and "Null" are real surnames
    and are reported only as first names; "Na" is a real surname and given
    name, so only "N/A" and "n.a." count.

    ## Why is this bad?
    Test and placeholder leads cost money: they are bought, routed and called.
    A form filled in with "asdf" or "Mickey Mouse" is not a person.

    ## Example
    ```json
    {"contact": {"firstName": "Test", "lastName": "Lead"}}
    ```

    ## Use instead
    ```json
    {"contact": {"firstName": "Dana", "lastName": "Whitfield"}}
    ```

    ## Fix safety
    No fix: leadlint cannot know the person's name.

    ## Options
    - `extra-placeholders` (list of strings, default `[]`): more names to
      report, such as your own test personas ("Leadping Persona"), compared
      ignoring case, spacing and punctuation, as one field or as first + last.
    """
    extra = _extra_keys(tuple(options["extra-placeholders"] or ()))
    keys = []
    reported = False
    for pointer, _value, found in _each(lead):
        keys.append(found.key)
        level = 1 if pointer == FIRST else 2
        if found.placeholder >= level or found.key in extra:
            reported = reported or pointer == FIRST
            yield Violation(pointer, f"{_FIELD[pointer]} is a placeholder, not a person's name")
    if len(keys) == 2 and not reported and all(keys):
        # Either order: forms and exports swap the two fields.
        pairs = {f"{keys[0]} {keys[1]}", f"{keys[1]} {keys[0]}"}
        if not pairs.isdisjoint(PLACEHOLDER_PAIRS) or not pairs.isdisjoint(extra):
            message = "`contact.firstName` and `contact.lastName` together are a placeholder name"
            yield Violation(FIRST, message)


@rule(
    code="LL202",
    name="name-has-digits-or-only-punctuation",
    severity=Severity.ERROR,
    supersedes=_JUNK,
)
def name_has_digits_or_only_punctuation(
    lead: Any, options: Mapping[str, Any]
) -> Iterator[Violation]:
    """
    ## What it does
    Reports a first or last name that contains a digit, or that has no letter
    at all (only punctuation or symbols, such as "-" or "."). Letters of every
    script count. A blank name is left to the schema's required-field check.

    ## Why is this bad?
    No person's name holds digits: "John2" or "12345" is a form filled in by
    a bot, a field mapped to the wrong column, or test data. A name of "." or
    "--" is a way of skipping a required form field.

    ## Example
    ```json
    {"contact": {"firstName": "Maria", "lastName": "G4rcia"}}
    ```

    ## Use instead
    ```json
    {"contact": {"firstName": "Maria", "lastName": "Garcia"}}
    ```

    ## Fix safety
    No fix: leadlint cannot know the person's name.

    ## Options
    None.
    """
    for pointer, _value, found in _each(lead):
        if found.has_digit:
            yield Violation(pointer, f"{_FIELD[pointer]} contains digits")
        elif not found.has_letter and found.normalized:
            yield Violation(pointer, f"{_FIELD[pointer]} has no letters")


@rule(
    code="LL203",
    name="keyboard-mash-name",
    severity=Severity.WARNING,
    supersedes=_JUNK,
)
def keyboard_mash_name(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a first or last name that looks typed at random on the keyboard.
    That is runs of neighbouring keys along a keyboard row ("qwert", "hjkl",
    "zxcvb", "asdasd"), a Latin word of five or more letters without a vowel
    ("sdfghk"; y and w count as vowels), or one letter repeated ("aaa",
    "Xxxx").

    The vowel and keyboard tests apply only to names written in ASCII
    letters: many real names in other scripts, and with accents, have no
    Latin vowel. Short real surnames such as Ng, Vu or Ek are never reported.

    ## Why is this bad?
    Keyboard mashing is how people get past a form that requires a name.
    Such a lead has no reachable person behind it, or one who did not want
    to be contacted.

    ## Example
    ```json
    {"contact": {"firstName": "Hjkl", "lastName": "Turner"}}
    ```

    ## Use instead
    ```json
    {"contact": {"firstName": "Hana", "lastName": "Turner"}}
    ```

    ## Fix safety
    No fix: leadlint cannot know the person's name.

    ## Options
    None.
    """
    for pointer, _value, found in _each(lead):
        if found.mashed:
            yield Violation(pointer, f"{_FIELD[pointer]} looks like keyboard mashing, not a name")


@rule(
    code="LL204",
    name="name-whitespace",
    severity=Severity.WARNING,
    fix=FixAvailability.ALWAYS,
)
def name_whitespace(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a first or last name with leading or trailing whitespace, a run
    of whitespace inside it, or whitespace other than a plain space (a tab,
    a line break, a no-break space).

    ## Why is this bad?
    " Smith" and "Smith" are the same person to a reader but not to
    deduplication, search or a CRM's exact match; stray spaces are usually
    left over from copy and paste or padded CSV columns.

    ## Example
    ```json
    {"contact": {"firstName": " Mary  Ann", "lastName": "Smith "}}
    ```

    ## Use instead
    ```json
    {"contact": {"firstName": "Mary Ann", "lastName": "Smith"}}
    ```

    ## Fix safety
    Safe: trimming the ends and writing each inner run of whitespace as one
    space does not change the name.

    ## Options
    None.
    """
    for pointer, value, found in _each(lead):
        if value != found.normalized:
            fix = Fix(
                "Trim the name and collapse its whitespace",
                Applicability.SAFE,
                (Edit("set", pointer, found.normalized),),
            )
            yield Violation(pointer, f"{_FIELD[pointer]} has stray whitespace", fix)


@rule(
    code="LL205",
    name="name-casing",
    severity=Severity.INFO,
    fix=FixAvailability.SOMETIMES,
)
def name_casing(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a first or last name of two or more letters written all in upper
    case or all in lower case. Names in scripts without case (Chinese,
    Arabic, Hindi...) and mixed-case names ("de la Cruz", "McDonald") pass.

    ## Why is this bad?
    "SMITH" or "smith" in a greeting or a mail merge looks careless, and
    all-caps input often comes from an export that lost the original
    spelling.

    ## Example
    ```json
    {"contact": {"firstName": "JOHN", "lastName": "o'brien"}}
    ```

    ## Use instead
    ```json
    {"contact": {"firstName": "John", "lastName": "O'Brien"}}
    ```

    ## Fix safety
    Unsafe: the fix guesses the spelling. It capitalises each part after a
    space, hyphen or one-letter apostrophe prefix ("SMITH-JONES" to
    "Smith-Jones", "o'brien" to "O'Brien", "DE LA CRUZ" to "De La Cruz"),
    and Mc and the common Gaelic Mac names ("mcdonald" to "McDonald",
    "MACLEOD" to "MacLeod", but "MACIAS" to "Macias"). It cannot know
    "de la Cruz", "van der Berg" or "DiMaggio".

    ## Options
    None.
    """
    for pointer, value, found in _each(lead):
        if found.recased is None:
            continue
        case = "upper" if value.isupper() else "lower"
        fix = None
        if found.recased != value:
            edit = Edit("set", pointer, found.recased)
            fix = Fix("Write the name in title case", Applicability.UNSAFE, (edit,))
        yield Violation(pointer, f"{_FIELD[pointer]} is all {case} case", fix)


@rule(code="LL206", name="first-last-identical", severity=Severity.INFO)
def first_last_identical(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a lead whose last name repeats its first name. Case and
    surrounding whitespace are ignored; the finding points at
    `contact.lastName`.

    ## Why is this bad?
    A form filler who types the same word twice ("Smith Smith") usually
    entered one name in both fields, or invented both. A few real names do
    repeat, which is why this is only information.

    ## Example
    ```json
    {"contact": {"firstName": "Jordan", "lastName": "jordan"}}
    ```

    ## Use instead
    ```json
    {"contact": {"firstName": "Jordan", "lastName": "Reyes"}}
    ```

    ## Fix safety
    No fix: leadlint cannot know which field is right.

    ## Options
    None.
    """
    first, last = _names(lead)
    if first is None or last is None:
        return
    same = assess_name(first).normalized.casefold()
    if same and same == assess_name(last).normalized.casefold():
        yield Violation(LAST, "`contact.lastName` repeats `contact.firstName`")


RULES: tuple[Rule, ...] = (
    placeholder_name,
    name_has_digits_or_only_punctuation,
    keyboard_mash_name,
    name_whitespace,
    name_casing,
    first_last_identical,
)
