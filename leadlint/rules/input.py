"""LL0xx: problems with the input file itself, found by the readers.

Examples are whole files: the fence names the format (``json``, ``ndjson``,
``csv``) or gives raw ``bytes`` as a Python literal, written to a ``.json``
file.
"""

from __future__ import annotations

from leadlint.models import FixAvailability, Severity
from leadlint.rules.base import declare

INVALID_JSON = declare(
    code="LL001",
    name="invalid-json",
    severity=Severity.ERROR,
    doc="""
    ## What it does
    Reports text that is not valid JSON (RFC 8259), at the position where parsing failed.

    ## Why is this bad?
    The API rejects the whole request with 400; in an NDJSON file one bad line
    hides one lead.

    ## Example
    ```json
    [{"id": "a-1",}]
    ```

    ## Use instead
    ```json
    [{"id": "a-1"}]
    ```

    ## Fix safety
    No fix: repairing broken JSON means guessing.

    ## Options
    None.
    """,
)

NON_FINITE_NUMBER = declare(
    code="LL002",
    name="non-finite-number",
    severity=Severity.ERROR,
    doc="""
    ## What it does
    Reports `NaN`, `Infinity` and `-Infinity`, which Python's `json` module
    writes and accepts but JSON does not allow.

    ## Why is this bad?
    Files exported with `json.dumps(allow_nan=True)` look fine to Python and
    fail at the API and in every strict parser.

    ## Example
    ```json
    {"customer": {"income": NaN}}
    ```

    ## Use instead
    ```json
    {"customer": {"income": null}}
    ```

    ## Fix safety
    No fix.

    ## Options
    None.
    """,
)

INVALID_UTF8 = declare(
    code="LL003",
    name="invalid-utf8",
    severity=Severity.ERROR,
    doc="""
    ## What it does
    Reports bytes that are not valid UTF-8 (JSON text exchanged between
    systems must be UTF-8, RFC 8259 section 8.1).

    ## Why is this bad?
    Latin-1 or Windows-1252 exports turn names such as "José" into invalid
    bytes that the API rejects or stores as replacement characters.

    ## Example
    ```bytes
    b'{"contact": {"firstName": "Jos\\xe9"}}'
    ```

    ## Use instead
    ```bytes
    b'{"contact": {"firstName": "Jos\\xc3\\xa9"}}'
    ```

    ## Fix safety
    No fix: the original encoding cannot be known for sure.

    ## Options
    None.
    """,
)

UNSUPPORTED_ENCODING = declare(
    code="LL004",
    name="unsupported-encoding",
    severity=Severity.ERROR,
    doc="""
    ## What it does
    Reports files in UTF-16 or UTF-32 (found by byte order mark or by the
    pattern of zero bytes RFC 4627 describes).

    ## Why is this bad?
    The API accepts UTF-8 only. Excel and PowerShell often save "Unicode"
    text as UTF-16.

    ## Example
    ```bytes
    b'\\xff\\xfe{\\x00}\\x00'
    ```

    ## Use instead
    ```bytes
    b'{}'
    ```

    ## Fix safety
    No fix.

    ## Options
    None.
    """,
)

UTF8_BOM = declare(
    code="LL005",
    name="utf8-bom",
    severity=Severity.WARNING,
    fix=FixAvailability.ALWAYS,
    doc="""
    ## What it does
    Reports a UTF-8 byte order mark at the start of a file.

    ## Why is this bad?
    RFC 8259 forbids it in JSON text; many strict parsers, including the
    API's, reject the request.

    ## Example
    ```bytes
    b'\\xef\\xbb\\xbf{}'
    ```

    ## Use instead
    ```bytes
    b'{}'
    ```

    ## Fix safety
    Safe: removing the mark does not change any value.

    ## Options
    None.
    """,
)

EMPTY_FILE = declare(
    code="LL006",
    name="empty-file",
    severity=Severity.ERROR,
    doc="""
    ## What it does
    Reports a file with no content (or only whitespace, or a CSV with no
    header).

    ## Why is this bad?
    An export that came out empty usually means a failed job upstream.

    ## Example
    ```json
    ```

    ## Use instead
    ```json
    []
    ```

    ## Fix safety
    No fix.

    ## Options
    None.
    """,
)

DUPLICATE_KEY = declare(
    code="LL007",
    name="duplicate-key",
    severity=Severity.ERROR,
    doc="""
    ## What it does
    Reports an object that has the same key twice.

    ## Why is this bad?
    Parsers disagree on which value wins (most keep the last, some the
    first), so the API may store a value other than the one you checked.

    ## Example
    ```json
    {"contact": {"email": "a@b.co", "email": "c@d.co"}}
    ```

    ## Use instead
    ```json
    {"contact": {"email": "c@d.co"}}
    ```

    ## Fix safety
    No fix: which value is right is a guess.

    ## Options
    None.
    """,
)

NESTING_TOO_DEEP = declare(
    code="LL008",
    name="nesting-too-deep",
    severity=Severity.ERROR,
    doc="""
    ## What it does
    Reports a lead nested deeper than `max-depth` levels of objects and
    arrays (default 32; a real lead is about 5 deep).

    ## Why is this bad?
    Such input is malformed or hostile; deep nesting exhausts parsers and
    validators.

    ## Example
    ```json
    {"a": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}
    ```

    ## Use instead
    ```json
    {"a": [1]}
    ```

    ## Fix safety
    No fix.

    ## Options
    `max-depth` (integer, default 32).
    """,
)

UNSUPPORTED_SHAPE = declare(
    code="LL009",
    name="not-a-lead",
    severity=Severity.ERROR,
    doc="""
    ## What it does
    Reports a top-level value that is not a lead (an object), a list of
    leads, or an object holding the list under `leads`, `items`, `data` or
    the `records-key` setting; and list items that are not objects.

    ## Why is this bad?
    There is nothing to send: the file is not an export of leads.

    ## Example
    ```json
    [1, 2, 3]
    ```

    ## Use instead
    ```json
    [{"id": "a-1"}]
    ```

    ## Fix safety
    No fix.

    ## Options
    `records-key` (string): the key of the list in an envelope object.
    """,
)

CSV_FIELD_COUNT = declare(
    code="LL010",
    name="csv-field-count",
    severity=Severity.ERROR,
    doc="""
    ## What it does
    Reports a CSV row with more or fewer fields than the header.

    ## Why is this bad?
    A stray comma or a lost quote shifts every later cell into the wrong
    field: the row cannot be read reliably, so it is not checked further.

    ## Example
    ```csv
    id,contact.firstName
    a-1,Ann,extra
    ```

    ## Use instead
    ```csv
    id,contact.firstName
    a-1,Ann
    ```

    ## Fix safety
    No fix.

    ## Options
    None.
    """,
)

NUMBER_OUT_OF_RANGE = declare(
    code="LL011",
    name="number-out-of-range",
    severity=Severity.ERROR,
    doc="""
    ## What it does
    Reports a number too large to represent as a double (such as `1e400`).

    ## Why is this bad?
    Parsers turn it into infinity or reject it; either way the value is lost.

    ## Example
    ```json
    {"metadata": {"price": 1e400}}
    ```

    ## Use instead
    ```json
    {"metadata": {"price": 10.5}}
    ```

    ## Fix safety
    No fix.

    ## Options
    None.
    """,
)

CSV_HEADER = declare(
    code="LL012",
    name="csv-bad-header",
    severity=Severity.ERROR,
    doc="""
    ## What it does
    Reports a CSV header that cannot be turned into nested leads: an empty
    or repeated column name, or a column that is both a value and a parent
    (`contact` beside `contact.email`).

    ## Why is this bad?
    Cells under such columns would be lost or overwrite each other.

    ## Example
    ```csv
    id,id
    a-1,a-2
    ```

    ## Use instead
    ```csv
    id,externalId
    a-1,a-2
    ```

    ## Fix safety
    No fix.

    ## Options
    None.
    """,
)

INPUT_RULES = (
    INVALID_JSON,
    NON_FINITE_NUMBER,
    INVALID_UTF8,
    UNSUPPORTED_ENCODING,
    UTF8_BOM,
    EMPTY_FILE,
    DUPLICATE_KEY,
    NESTING_TOO_DEEP,
    UNSUPPORTED_SHAPE,
    CSV_FIELD_COUNT,
    NUMBER_OUT_OF_RANGE,
    CSV_HEADER,
)

# The codes that mean "this is not valid JSON text" (JSONTestSuite y_ files
# must never produce them).
PARSE_ERROR_CODES = frozenset(
    r.code
    for r in (INVALID_JSON, NON_FINITE_NUMBER, INVALID_UTF8, UNSUPPORTED_ENCODING, EMPTY_FILE)
)
