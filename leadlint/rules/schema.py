"""LL1xx: the lead against the selected JSON Schema profile (default ``put``).

Examples are leads checked with the default profile.
"""

from __future__ import annotations

from leadlint.models import FixAvailability, Severity
from leadlint.rules.base import declare

MISSING_REQUIRED = declare(
    code="LL101",
    name="missing-required-field",
    severity=Severity.ERROR,
    doc="""
    ## What it does
    Reports a field the schema requires that the lead lacks. The pointer
    names the missing field.

    ## Why is this bad?
    The API answers 400 and the lead is not stored. Under the `current`
    profile, `metadata.trustedFormUrl`, `tagIds` and `tagNames` are required.

    ## Example
    ```json
    {"contact": {"coordinate": {"latitude": 42.36}}}
    ```

    ## Use instead
    ```json
    {"contact": {"coordinate": {"latitude": 42.36, "longitude": -71.06}}}
    ```

    ## Fix safety
    No fix: leadlint cannot know the value.

    ## Options
    None.
    """,
)

WRONG_TYPE = declare(
    code="LL102",
    name="wrong-type",
    severity=Severity.ERROR,
    doc="""
    ## What it does
    Reports a value of the wrong JSON type, such as a number sent as a string.

    ## Why is this bad?
    The API rejects the request (400), or a CSV export has turned numbers
    into text.

    ## Example
    ```json
    {"customer": {"creditScore": "720"}}
    ```

    ## Use instead
    ```json
    {"customer": {"creditScore": 720}}
    ```

    ## Fix safety
    No fix yet.

    ## Options
    None.
    """,
)

NOT_IN_ENUM = declare(
    code="LL103",
    name="value-not-in-enum",
    severity=Severity.ERROR,
    doc="""
    ## What it does
    Reports a value outside the allowed set, such as `phone.lookup.lineType`;
    the message lists the allowed values. For `gender`, `maritalStatus` and
    `employmentType`, LL510 reports it instead, with a fix.

    ## Why is this bad?
    The API rejects values it does not know; "mobile" is not `Wireless`.

    ## Example
    ```json
    {"contact": {"phone": {"number": "+13125557342", "lookup": {"lineType": "mobile"}}}}
    ```

    ## Use instead
    ```json
    {"contact": {"phone": {"number": "+13125557342", "lookup": {"lineType": "Wireless"}}}}
    ```

    ## Fix safety
    No fix yet.

    ## Options
    None.
    """,
)

BAD_FORMAT = declare(
    code="LL104",
    name="invalid-format",
    severity=Severity.ERROR,
    doc="""
    ## What it does
    Reports a string that does not match its declared format: `date`
    (YYYY-MM-DD), `date-time` (RFC 3339), `uri`, `email`. For `email` this
    only checks the shape (an `@`); the email rules check full syntax, so
    one bad address is not reported twice.

    ## Why is this bad?
    "13/01/1980" is not a date the API can read; a relative link is not a
    URL the API can store. Rules that know a field better report it in its
    place: LL501 for `birthDate`, LL211 for `email`.

    ## Example
    ```json
    {"contact": {"avatarUrl": "photos/me.png"}}
    ```

    ## Use instead
    ```json
    {"contact": {"avatarUrl": "https://cdn.example.net/photos/me.png"}}
    ```

    ## Fix safety
    No fix yet.

    ## Options
    None.
    """,
)

INT32_RANGE = declare(
    code="LL105",
    name="int32-out-of-range",
    severity=Severity.ERROR,
    doc="""
    ## What it does
    Reports an integer field declared `int32` whose value lies outside
    -2,147,483,648 to 2,147,483,647.

    ## Why is this bad?
    The API stores these fields as 32-bit integers and rejects the request.

    ## Example
    ```json
    {"customer": {"income": 99999999999}}
    ```

    ## Use instead
    ```json
    {"customer": {"income": 99999}}
    ```

    ## Fix safety
    No fix.

    ## Options
    None.
    """,
)

UNKNOWN_FIELD = declare(
    code="LL106",
    name="unknown-field",
    severity=Severity.WARNING,
    doc="""
    ## What it does
    Reports a field the schema does not define.

    ## Why is this bad?
    The API silently drops fields it does not know, so a typo such as
    `fristName` loses data without any error.

    ## Example
    ```json
    {"contact": {"fristName": "Ann"}}
    ```

    ## Use instead
    ```json
    {"contact": {"firstName": "Ann"}}
    ```

    ## Fix safety
    No fix: the intended name is a guess.

    ## Options
    None.
    """,
)

LEGACY_FIELD = declare(
    code="LL107",
    name="legacy-field-name",
    severity=Severity.ERROR,
    fix=FixAvailability.SOMETIMES,
    doc="""
    ## What it does
    Reports old or flat-intake field names used in the structured body:
    `streetAddress.address1`, `address2`, `zip`, `customer.dateOfBirth`,
    `metadata.trustedFormUri`, `trusted_form`.

    ## Why is this bad?
    Leadping's own guide once showed these names, but the structured body
    (`PUT /leads/{id}`, `POST /leads`) drops them silently: the ZIP code or
    the consent certificate never arrives.

    ## Example
    ```json
    {"contact": {"streetAddress": {"zip": "02134"}}}
    ```

    ## Use instead
    ```json
    {"contact": {"streetAddress": {"postalCode": "02134"}}}
    ```

    ## Fix safety
    Unsafe: renames the field to the current name, unless the current name
    is already present (then there is no fix).

    ## Options
    None.
    """,
)

SCHEMA_VIOLATION = declare(
    code="LL108",
    name="schema-violation",
    severity=Severity.ERROR,
    doc="""
    ## What it does
    Reports any other schema constraint a value breaks (pattern, length,
    minimum, ...), mostly from your own `--schema` or `--openapi` documents.

    ## Why is this bad?
    The schema you check against says the API will reject it.

    ## Example
    With your own schema (`--schema`) that limits `state` to two capitals:
    ```schema
    {"type": "object", "properties": {"state": {"type": "string", "pattern": "^[A-Z]{2}$"}}}
    ```
    ```json
    {"state": "Massachusetts"}
    ```

    ## Use instead
    ```json
    {"state": "MA"}
    ```

    ## Fix safety
    No fix.

    ## Options
    None.
    """,
)

SCHEMA_RULES = (
    MISSING_REQUIRED,
    WRONG_TYPE,
    NOT_IN_ENUM,
    BAD_FORMAT,
    INT32_RANGE,
    UNKNOWN_FIELD,
    LEGACY_FIELD,
    SCHEMA_VIOLATION,
)
