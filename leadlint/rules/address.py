"""LL4xx: the postal address in ``contact.streetAddress``.

Blank or non-string fields count as absent. A lead without `country` is a
US address; the US checks (LL401-LL407) also run for a country written as a
recognised name of the US ("USA"), and none of them runs for a country
leadlint cannot read (LL408 reports that).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from leadlint.models import Applicability, Edit, Fix, FixAvailability, Severity, Violation
from leadlint.rules.address_data import (
    ISO_ALPHA2,
    POSTAL_PATTERNS,
    USPS_CODES,
    ZIP_FORMAT,
    LineKind,
    country_code,
    line_kind,
    restored_zip,
    state_code,
    zip_states,
)
from leadlint.rules.base import Rule, rule

_POINTER = "/contact/streetAddress/"
_LINE_PROBLEMS = {
    LineKind.NO_NUMBER: "has no street number",
    LineKind.UNPARSEABLE: "does not read as one street address",
}


def _address(lead: Any) -> dict[str, Any] | None:
    if isinstance(lead, dict):
        contact = lead.get("contact")
        if isinstance(contact, dict):
            address = contact.get("streetAddress")
            if isinstance(address, dict):
                return address
    return None


def _us_address(lead: Any) -> tuple[dict[str, Any] | None, bool]:
    """The address and whether it is in the US; remembered for the current lead."""
    if lead is _last_lead[0]:
        return _last_lead[1]  # type: ignore[no-any-return]  # nine rules ask in a row
    address = _address(lead)
    in_us = address is not None and (
        address.get("country", "US") == "US" or _country(address) == "US"
    )
    _last_lead[:] = [lead, (address, in_us)]
    return address, in_us


# The lead _us_address last answered for, and its answer (held, so its
# identity cannot be reused; rules never mutate a lead, so the answer holds).
_last_lead: list[Any] = [None, None]


def _text(address: dict[str, Any], key: str) -> str | None:
    value = address.get(key)
    if isinstance(value, str) and value and not value.isspace():
        return value
    return None


def _country(address: dict[str, Any]) -> str | None:
    """The address's ISO country: US when absent, None when unreadable."""
    value = _text(address, "country")
    return "US" if value is None else country_code(value)


def _field(lead: Any, key: str, us_only: bool = True) -> tuple[dict[str, Any], str] | None:
    """The address and its text ``key``, if present (and if the address is in the US)."""
    address, in_us = _us_address(lead)
    if address is None or (us_only and not in_us):
        return None
    value = address.get(key)
    if isinstance(value, str) and value and not value.isspace():
        return address, value
    return None


@rule(code="LL401", name="street-unparseable", severity=Severity.WARNING)
def street_unparseable(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a US street line (`line1`) that has no street number or does not
    read as one street address. usaddress reads the line.

    ## Why is this bad?
    Carriers, mailers and address verification need a house number and a
    street. "Main Street" or a line holding two addresses is not deliverable.
    PO boxes are reported by LL402, rural-route boxes are deliverable.

    ## Example
    ```json
    {"contact": {"streetAddress": {"line1": "Main Street", "state": "IL", "postalCode": "62701"}}}
    ```

    ## Use instead
    ```json
    {"contact": {"streetAddress": {"line1": "100 Main Street", "state": "IL", "postalCode": "62701"}}}
    ```

    ## Fix safety
    No fix: leadlint cannot know the number.

    ## Options
    None.
    """
    found = _field(lead, "line1")
    problem = None if found is None else _LINE_PROBLEMS.get(line_kind(found[1]))
    if problem is not None:
        yield Violation(_POINTER + "line1", f"`contact.streetAddress.line1` {problem}")


@rule(code="LL402", name="po-box-address", severity=Severity.INFO)
def po_box_address(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a US street line (`line1`) that is a post-office box. usaddress
    recognises the forms "PO Box 12", "P.O. Box 12", "Post Office Box 12",
    "Box 12" and more.

    ## Why is this bad?
    A PO box receives mail but locates no home: insurance, home-services and
    solar buyers usually need the street address where the lead lives.

    ## Example
    ```json
    {"contact": {"streetAddress": {"line1": "PO Box 123", "state": "IL", "postalCode": "62701"}}}
    ```

    ## Use instead
    ```json
    {"contact": {"streetAddress": {"line1": "100 Main Street", "state": "IL", "postalCode": "62701"}}}
    ```

    ## Fix safety
    No fix.

    ## Options
    None.
    """
    found = _field(lead, "line1")
    if found is not None and line_kind(found[1]) is LineKind.PO_BOX:
        yield Violation(_POINTER + "line1", "`contact.streetAddress.line1` is a PO box")


@rule(code="LL403", name="state-not-usps-code", severity=Severity.ERROR)
def state_not_usps_code(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a US `state` that is not a USPS code and not a name LL404 can
    convert. USPS codes are those of the states, DC, the territories, the
    freely associated states and the military (AA, AE, AP).

    ## Why is this bad?
    Lead buyers route and price by state; "Georgia GA" or an obsolete code
    matches no state.

    ## Example
    ```json
    {"contact": {"streetAddress": {"state": "XX"}}}
    ```

    ## Use instead
    ```json
    {"contact": {"streetAddress": {"state": "GA"}}}
    ```

    ## Fix safety
    No fix: the state is unknown.

    ## Options
    None.
    """
    found = _field(lead, "state")
    if found is not None and state_code(found[1]) is None:
        yield Violation(
            _POINTER + "state", "`contact.streetAddress.state` is not a USPS state code"
        )


@rule(
    code="LL404",
    name="state-name-not-code",
    severity=Severity.WARNING,
    fix=FixAvailability.ALWAYS,
)
def state_name_not_code(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a US `state` written as a name, an AP abbreviation or a
    lower-case code instead of its USPS code. For example "Massachusetts",
    "new york", "N.Y.", "Mass." or "ma".

    ## Why is this bad?
    Systems downstream compare codes: "New York" and "NY" become two states.

    ## Example
    ```json
    {"contact": {"streetAddress": {"state": "Massachusetts"}}}
    ```

    ## Use instead
    ```json
    {"contact": {"streetAddress": {"state": "MA"}}}
    ```

    ## Fix safety
    Safe: the name and the code mean the same state.

    ## Options
    None.
    """
    found = _field(lead, "state")
    code = None if found is None or found[1] in USPS_CODES else state_code(found[1])
    if code is not None:
        edit = Edit("set", _POINTER + "state", code)
        fix = Fix(f"Write the state as its USPS code {code}", Applicability.SAFE, (edit,))
        message = f"`contact.streetAddress.state` is not written as a USPS code; use {code}"
        yield Violation(_POINTER + "state", message, fix)


@rule(code="LL405", name="zip-bad-format", severity=Severity.ERROR)
def zip_bad_format(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a US `postalCode` that is neither five digits nor ZIP+4
    (`12345-6789`). A ZIP that lost its leading zero is LL406 instead.

    ## Why is this bad?
    The ZIP code decides delivery, territory and price; "1234", "123456789"
    or "12345." cannot be matched to an area.

    ## Example
    ```json
    {"contact": {"streetAddress": {"state": "IL", "postalCode": "6270"}}}
    ```

    ## Use instead
    ```json
    {"contact": {"streetAddress": {"state": "IL", "postalCode": "62701"}}}
    ```

    ## Fix safety
    No fix.

    ## Options
    None.
    """
    found = _field(lead, "postalCode")
    if found is None or ZIP_FORMAT.fullmatch(found[1]):
        return
    if restored_zip(found[1], _text(found[0], "state")) is None:
        yield Violation(
            _POINTER + "postalCode",
            "`contact.streetAddress.postalCode` is not a ZIP code (12345 or 12345-6789)",
        )


@rule(
    code="LL406",
    name="zip-lost-leading-zero",
    severity=Severity.WARNING,
    fix=FixAvailability.ALWAYS,
)
def zip_lost_leading_zero(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a four-digit US ZIP code (or ZIP+4) that lost its leading zero,
    such as "2134" in MA. The restored ZIP must be a ZIP of the lead's state,
    or, without a state, a real ZIP.

    ## Why is this bad?
    Spreadsheets read ZIP codes as numbers and drop the zero that New
    England, New Jersey and Puerto Rico ZIPs begin with.

    ## Example
    ```json
    {"contact": {"streetAddress": {"state": "MA", "postalCode": "2134"}}}
    ```

    ## Use instead
    ```json
    {"contact": {"streetAddress": {"state": "MA", "postalCode": "02134"}}}
    ```

    ## Fix safety
    Safe: only a ZIP of the lead's own state is restored.

    ## Options
    None.
    """
    found = _field(lead, "postalCode")
    restored = None if found is None else restored_zip(found[1], _text(found[0], "state"))
    if restored is not None:
        edit = Edit("set", _POINTER + "postalCode", restored)
        fix = Fix("Restore the leading zero of the ZIP code", Applicability.SAFE, (edit,))
        message = "`contact.streetAddress.postalCode` has lost its leading zero"
        yield Violation(_POINTER + "postalCode", message, fix)


@rule(code="LL407", name="zip-state-mismatch", severity=Severity.ERROR)
def zip_state_mismatch(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a US ZIP code that belongs to another state than `state`. The
    ZIP-to-state data is the `zipcodes` package's; a ZIP it does not know is
    not reported, since missing data is no evidence of a wrong state.

    ## Why is this bad?
    One of the two is wrong, often a placeholder ZIP such as 12345, and the
    lead is routed or priced for the wrong place.

    ## Example
    ```json
    {"contact": {"streetAddress": {"state": "CO", "postalCode": "12345"}}}
    ```

    ## Use instead
    ```json
    {"contact": {"streetAddress": {"state": "CO", "postalCode": "80202"}}}
    ```

    ## Fix safety
    No fix: either field may be the wrong one.

    ## Options
    None.
    """
    found = _field(lead, "postalCode")
    if found is None or not ZIP_FORMAT.fullmatch(found[1]):
        return
    state = _text(found[0], "state")
    code = None if state is None else state_code(state)
    states = None if code is None else zip_states().get(found[1][:5])
    if states is not None and code not in states:
        where = ", ".join(sorted(states))
        message = f"`contact.streetAddress.postalCode` is a ZIP code of {where}, not of `state`"
        yield Violation(_POINTER + "postalCode", message)


@rule(
    code="LL408",
    name="country-not-iso-alpha2",
    severity=Severity.ERROR,
    fix=FixAvailability.SOMETIMES,
)
def country_not_iso_alpha2(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a `country` that is not an ISO 3166-1 alpha-2 code.

    ## Why is this bad?
    The API takes alpha-2 codes only: "USA", "United States" or "U.K." are
    not stored as a country, and leadlint skips its US checks for a country
    it cannot read.

    ## Example
    ```json
    {"contact": {"streetAddress": {"country": "United States"}}}
    ```

    ## Use instead
    ```json
    {"contact": {"streetAddress": {"country": "US"}}}
    ```

    ## Fix safety
    Safe, when the value is an alpha-2 code in the wrong case, an alpha-3
    code, or a name that means one country beyond doubt (United States,
    U.S.A., Canada, United Kingdom, UK, England, Mexico...). No fix otherwise.

    ## Options
    None.
    """
    found = _field(lead, "country", us_only=False)
    if found is None or found[1] in ISO_ALPHA2:
        return
    code = country_code(found[1])
    fix = None
    if code is not None:
        edit = Edit("set", _POINTER + "country", code)
        fix = Fix(f"Write the country as its ISO code {code}", Applicability.SAFE, (edit,))
    message = "`contact.streetAddress.country` is not an ISO 3166-1 alpha-2 code"
    yield Violation(_POINTER + "country", message, fix)


@rule(code="LL409", name="postal-code-format", severity=Severity.ERROR)
def postal_code_format(lead: Any, options: Mapping[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Reports a Canadian or UK `postalCode` that does not have its country's
    format. That is `A1A 1A1` in Canada, `SW1A 1AA` in the United Kingdom
    (the space is optional in both); US ZIP codes are LL405.

    ## Why is this bad?
    A malformed postal code cannot be delivered to or matched to an area.

    ## Example
    ```json
    {"contact": {"streetAddress": {"country": "CA", "postalCode": "12345"}}}
    ```

    ## Use instead
    ```json
    {"contact": {"streetAddress": {"country": "CA", "postalCode": "K1A 0B1"}}}
    ```

    ## Fix safety
    No fix.

    ## Options
    None.
    """
    found = _field(lead, "postalCode", us_only=False)
    if found is None:
        return
    known = POSTAL_PATTERNS.get(_country(found[0]) or "")
    if known is not None and not known[0].fullmatch(found[1]):
        message = f"`contact.streetAddress.postalCode` is not {known[1]}"
        yield Violation(_POINTER + "postalCode", message)


RULES: tuple[Rule, ...] = (
    street_unparseable,
    po_box_address,
    state_not_usps_code,
    state_name_not_code,
    zip_bad_format,
    zip_lost_leading_zero,
    zip_state_mismatch,
    country_not_iso_alpha2,
    postal_code_format,
)
