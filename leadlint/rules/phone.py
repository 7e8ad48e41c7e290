"""LL3xx: phone numbers: parse, E.164, NANP validity, lookup consistency.

Each distinct (number, country) is analysed once (:func:`analyse`, cached).
The number is read with the address country (``contact.streetAddress.country``,
ISO alpha-2) as its region, or ``US`` when that is absent or unknown. An E.164
NANP number whose area code has one verdict for all its numbers is judged
from :func:`~leadlint.rules.phone_data.nanp_verdict` without the library.

A number gets at most one error among LL302, LL303 and LL304, the most
specific: a placeholder or fiction-range number (LL304), else a bad area code
(LL303), else an invalid number (LL302). LL301, LL305 and LL308 look only at
numbers with none of those errors.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from leadlint.models import Applicability, Edit, Fix, FixAvailability, Severity, Violation
from leadlint.rules.base import Rule, rule
from leadlint.rules.phone_data import (
    area_code_problem,
    nanp_fiction,
    nanp_verdict,
    normalise_state,
    npa_states,
    repeated_digits,
    state_codes,
)

NUMBER = "/contact/phone/number"
LOOKUP_NUMBER = "/contact/phone/lookup/number"
LOOKUP_VALID = "/contact/phone/lookup/isValid"

_E164_NANP = re.compile(r"\+1[2-9][0-9]{2}[2-9][0-9]{6}").fullmatch
# phonenumbers.PhoneNumberType values (the library is imported lazily).
_KINDS = {3: "toll-free", 4: "premium-rate", 5: "shared-cost"}
_UNKNOWN = 99

_BAD_AREA = {
    "area-n11": "has an N11 service code (211-911) as its area code",
    "area-0-1": "has an area code starting with 0 or 1, which NANP never assigns",
    "area-unassigned": "has an area code that is not in service",
}
_FICTIONAL = {
    "fiction-range": "is in the 555-0100 to 555-0199 range reserved for fiction",
    "placeholder": "is a placeholder (one repeated digit or a run such as 1234567890)",
}


@dataclass(frozen=True, slots=True)
class Phone:
    """What the rules need to know about one phone number text."""

    e164: str | None  # None when the text is not a phone number at all
    problem: str | None  # "invalid", a key of _BAD_AREA or _FICTIONAL; None: valid
    kind: str | None = None  # "toll-free", "premium-rate", "shared-cost"
    npa: str | None = None  # area code of a valid NANP number
    fix: Applicability | None = None  # safety of formatting as E.164; None: no fix


@functools.lru_cache(maxsize=65536)
def analyse(text: str, country: str | None) -> Phone:
    """The verdict on ``text`` read in the region of ``country`` (default US)."""
    if _E164_NANP(text):
        national = text[2:]
        verdict = nanp_verdict(national[:3])
        if verdict is not None and nanp_fiction(national) is None:
            if not verdict.valid:
                return Phone(text, area_code_problem(national[:3]))
            return Phone(text, None, _KINDS.get(verdict.number_type), national[:3])
    return _parse(text, country)


def _parse(text: str, country: str | None) -> Phone:
    import phonenumbers

    region, explicit = _region(country)
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        digits = "".join(c for c in text if c.isdigit())
        return Phone(None, "placeholder" if repeated_digits(digits) else "invalid")
    nsn = phonenumbers.national_significant_number(number)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    nanp = number.country_code == 1 and len(nsn) == 10
    problem = nanp_fiction(nsn) if nanp else ("placeholder" if repeated_digits(nsn) else None)
    if problem is not None:
        return Phone(e164, problem)
    verdict = nanp_verdict(nsn[:3]) if nanp and nsn[3] in "23456789" else None
    if verdict is not None:
        valid, kind = verdict.valid, verdict.number_type
    else:
        valid = phonenumbers.is_valid_number(number)
        kind = phonenumbers.number_type(number) if valid else _UNKNOWN
    if not valid:
        return Phone(e164, (area_code_problem(nsn[:3]) if nanp else None) or "invalid")
    safety = Applicability.SAFE if explicit or text.lstrip()[:1] in ("+", "\uff0b") else None
    fix = None if number.extension else safety or Applicability.UNSAFE
    return Phone(e164, None, _KINDS.get(kind), nsn[:3] if nanp else None, fix)


@functools.lru_cache(maxsize=1024)
def _region(country: str | None) -> tuple[str, bool]:
    """The region to read a number in, and whether the lead gave it."""
    if country is not None:
        import phonenumbers

        code = country.strip().upper()
        if code in phonenumbers.SUPPORTED_REGIONS:
            return code, True
    return "US", False


def _contact_phone(lead: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The lead's contact and phone objects, when both are objects."""
    contact = lead.get("contact") if isinstance(lead, dict) else None
    if not isinstance(contact, dict):
        return None
    phone = contact.get("phone")
    return (contact, phone) if isinstance(phone, dict) else None


def _address(contact: dict[str, Any]) -> dict[str, Any]:
    address = contact.get("streetAddress")
    return address if isinstance(address, dict) else {}


def _country(contact: dict[str, Any]) -> str | None:
    country = _address(contact).get("country")
    return country if isinstance(country, str) else None


def _number(lead: Any) -> tuple[dict[str, Any], str, Phone] | None:
    """The contact, the phone number text and its analysis.

    Indexing under ``try`` is the cheap way past a lead of any shape (a list
    or a string where an object should be raises TypeError): every phone
    rule starts here, for every lead.
    """
    if lead is _last_lead[0]:
        return _last_lead[1]  # type: ignore[no-any-return]  # eight rules ask in a row
    try:
        contact = lead["contact"]
        text = contact["phone"]["number"]
    except (KeyError, TypeError, IndexError):
        found = None
    else:
        found = (contact, text, analyse(text, _country(contact))) if isinstance(text, str) else None
    _last_lead[:] = [lead, found]
    return found


# The lead _number last answered for, and its answer. Holding the lead keeps
# its identity from being reused; rules never mutate a lead, so the answer holds.
_last_lead: list[Any] = [None, None]


@rule(
    code="LL301",
    name="phone-not-e164",
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
)
def phone_not_e164(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a valid phone number not written in E.164. E.164 is `+`, the
    country code and the digits only ("+13125557342"), unlike
    "(312) 555-7342", "312-555-7342" or "+1 312 555 7342".

    ## Why is this bad?
    The API documents `phone.number` as E.164; other spellings are stored as
    typed, break de-duplication and dialers, or are rejected.

    ## Example
    ```json
    {"contact": {"phone": {"number": "(312) 555-7342"},
                 "streetAddress": {"country": "US"}}}
    ```

    ## Use instead
    ```json
    {"contact": {"phone": {"number": "+13125557342"},
                 "streetAddress": {"country": "US"}}}
    ```

    ## Fix safety
    The fix writes the E.164 form. It is safe when the number starts with
    `+` or the lead gives `contact.streetAddress.country`; unsafe when the
    country was assumed (US). No fix for a number with an extension, which
    E.164 cannot hold.

    ## Options
    None.
    """
    found = _number(lead)
    if found is None:
        return
    _contact, text, phone = found
    if phone.problem is not None or phone.e164 is None or phone.e164 == text:
        return
    if phone.fix is None:
        yield Violation(NUMBER, "`contact.phone.number` has an extension and is not E.164")
        return
    edit = Edit("set", NUMBER, phone.e164)
    fix = Fix("Format the number as E.164", phone.fix, (edit,))
    yield Violation(NUMBER, "`contact.phone.number` is not in E.164 format", fix)


@rule(code="LL302", name="phone-invalid", severity=Severity.ERROR)
def phone_invalid(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a phone number that is not valid for its country. libphonenumber
    cannot parse it or rejects it (wrong length, an exchange starting with 0
    or 1, a prefix not in use); it is read in the region of the address
    country (US when absent). Bad NANP area codes are LL303, placeholders
    LL304.

    ## Why is this bad?
    Nobody can be called on it: the lead is worthless to a buyer and may be
    returned.

    ## Example
    ```json
    {"contact": {"phone": {"number": "+1312555734"}}}
    ```

    ## Use instead
    ```json
    {"contact": {"phone": {"number": "+13125557342"}}}
    ```

    ## Fix safety
    No fix: the right digits are unknown.

    ## Options
    None.
    """
    found = _number(lead)
    if found is not None and found[2].problem == "invalid":
        yield Violation(NUMBER, "`contact.phone.number` is not a valid phone number")


@rule(code="LL303", name="phone-bad-area-code", severity=Severity.ERROR)
def phone_bad_area_code(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a NANP number (+1) whose area code no phone line has. That is an
    N11 service code (211 to 911), a code starting with 0 or 1, or one with
    no valid number at all in libphonenumber's metadata (not in service).
    Other invalid numbers are LL302.

    ## Why is this bad?
    No phone line has such an area code: the number was made up or mistyped.

    ## Example
    ```json
    {"contact": {"phone": {"number": "+19115557342"}}}
    ```

    ## Use instead
    ```json
    {"contact": {"phone": {"number": "+13125557342"}}}
    ```

    ## Fix safety
    No fix.

    ## Options
    None.
    """
    found = _number(lead)
    if found is not None and found[2].problem in _BAD_AREA:
        yield Violation(NUMBER, f"`contact.phone.number` {_BAD_AREA[found[2].problem or '']}")


@rule(code="LL304", name="phone-fictional", severity=Severity.ERROR)
def phone_fictional(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a made-up number: the 555-01xx fiction range, one repeated digit
    or a run of digits. Matched exactly: a NANP number (+1, ten
    digits) whose exchange is 555 and line 0100-0199 (any area code); a
    NANP number whose ten digits are one repeated digit or a run of
    consecutive digits up or down, wrapping (2222222222, 1234567890,
    0123456789, 2345678901, 9876543210); and a number of any country, or
    text that is no number, whose digits are one repeated digit, six or more.
    Runs are not matched outside NANP, where numbers such as +43 1234567890
    are valid.

    ## Why is this bad?
    555-0100 to 555-0199 is reserved for films and examples; the others are
    what people type to get past a form. libphonenumber accepts the fiction
    range as valid.

    ## Example
    ```json
    {"contact": {"phone": {"number": "+12015550123"}}}
    ```

    ## Use instead
    ```json
    {"contact": {"phone": {"number": "+12015557342"}}}
    ```

    ## Fix safety
    No fix.

    ## Options
    None.
    """
    found = _number(lead)
    if found is not None and found[2].problem in _FICTIONAL:
        yield Violation(NUMBER, f"`contact.phone.number` {_FICTIONAL[found[2].problem or '']}")


@rule(
    code="LL305",
    name="phone-toll-free-or-premium",
    severity=Severity.WARNING,
    options={"types": ["toll-free", "premium-rate", "shared-cost"]},
)
def phone_toll_free_or_premium(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a toll-free, premium-rate or shared-cost number as a lead's
    phone. The type is libphonenumber's: in NANP, 800, 833, 844, 855, 866,
    877 and 888 are toll-free and 900 premium-rate.

    ## Why is this bad?
    Such numbers belong to businesses and services, not to the person the
    lead is about; premium-rate numbers cost the caller money.

    ## Example
    ```json
    {"contact": {"phone": {"number": "+18002345678"}}}
    ```

    ## Use instead
    ```json
    {"contact": {"phone": {"number": "+13125557342"}}}
    ```

    ## Fix safety
    No fix.

    ## Options
    `types` (list, default `["toll-free", "premium-rate", "shared-cost"]`):
    the number types reported.
    """
    found = _number(lead)
    if found is None:
        return
    kind = found[2].kind
    if found[2].problem is None and kind is not None and kind in options["types"]:
        yield Violation(NUMBER, f"`contact.phone.number` is a {kind} number, not a person's line")


@rule(code="LL306", name="phone-lookup-mismatch", severity=Severity.ERROR)
def phone_lookup_mismatch(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a phone lookup made for another number than
    `contact.phone.number`. Both numbers are compared in E.164, so
    "(312) 555-7342" and "+13125557342" agree; text that is no number is
    compared by its digits.

    ## Why is this bad?
    The lookup (line type, carrier, validity) describes another number: it
    is stale or was copied from another lead.

    ## Example
    ```json
    {"contact": {"phone": {"number": "+13125557342",
                           "lookup": {"number": "+13125557343"}}}}
    ```

    ## Use instead
    ```json
    {"contact": {"phone": {"number": "+13125557342",
                           "lookup": {"number": "+13125557342"}}}}
    ```

    ## Fix safety
    No fix: which of the two is right is unknown.

    ## Options
    None.
    """
    found = _contact_phone(lead)
    if found is None:
        return
    contact, phone = found
    text, lookup = phone.get("number"), phone.get("lookup")
    if not isinstance(text, str) or not isinstance(lookup, dict):
        return
    other = lookup.get("number")
    if not isinstance(other, str) or not other.strip():
        return
    country = _country(contact)
    if _normalised(text, country) != _normalised(other, country):
        yield Violation(
            LOOKUP_NUMBER,
            "`contact.phone.lookup.number` is not the same number as `contact.phone.number`",
        )


def _normalised(text: str, country: str | None) -> str:
    return analyse(text, country).e164 or "".join(c for c in text if c.isdigit())


@rule(code="LL307", name="phone-lookup-invalid", severity=Severity.WARNING)
def phone_lookup_invalid(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a phone lookup whose `isValid` is `false`. The lookup provider
    found the number invalid or not in service.

    ## Why is this bad?
    A provider's lookup knows about disconnected and unassigned numbers that
    no pattern can tell; calling the lead will fail.

    ## Example
    ```json
    {"contact": {"phone": {"number": "+13125557342", "lookup": {"isValid": false}}}}
    ```

    ## Use instead
    ```json
    {"contact": {"phone": {"number": "+13125557342", "lookup": {"isValid": true}}}}
    ```

    ## Fix safety
    No fix.

    ## Options
    None.
    """
    found = _contact_phone(lead)
    lookup = found[1].get("lookup") if found is not None else None
    if isinstance(lookup, dict) and lookup.get("isValid") is False:
        yield Violation(LOOKUP_VALID, "`contact.phone.lookup.isValid` is false")


@rule(code="LL308", name="phone-area-code-state-mismatch", severity=Severity.INFO)
def phone_area_code_state_mismatch(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a valid NANP number whose area code does not serve the address
    state or province. The area code's states come from libphonenumber's
    geocoding data. Only for an address in the US or Canada (or without a
    country); the state is `contact.streetAddress.state` (else `province`),
    as a USPS or Canada Post code or a full name ("Illinois", "N.Y.").

    ## Why is this bad?
    Often harmless (people keep their mobile number when they move), but a
    cluster of such leads hints at made-up contact data.

    ## Example
    ```json
    {"contact": {"phone": {"number": "+13125557342"},
                 "streetAddress": {"state": "TX", "country": "US"}}}
    ```

    ## Use instead
    ```json
    {"contact": {"phone": {"number": "+13125557342"},
                 "streetAddress": {"state": "IL", "country": "US"}}}
    ```

    ## Fix safety
    No fix.

    ## Options
    None.
    """
    found = _number(lead)
    npa = found[2].npa if found is not None else None
    states = npa_states().get(npa) if npa is not None else None
    if found is None or states is None:
        return
    address = _address(found[0])
    state = address.get("state") or address.get("province")
    code = _state_code(state) if isinstance(state, str) else None
    if code is None or code in states or _region(_country(found[0]))[0] not in ("US", "CA"):
        return
    yield Violation(
        NUMBER,
        "`contact.phone.number` area code does not serve the address state or province",
    )


@functools.lru_cache(maxsize=4096)
def _state_code(text: str) -> str | None:
    return state_codes().get(normalise_state(text))


RULES: tuple[Rule, ...] = (
    phone_not_e164,
    phone_invalid,
    phone_bad_area_code,
    phone_fictional,
    phone_toll_free_or_premium,
    phone_lookup_mismatch,
    phone_lookup_invalid,
    phone_area_code_state_mismatch,
)
