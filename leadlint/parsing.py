"""Strict JSON parsing with findings instead of exceptions.

orjson does the parsing (strict RFC 8259: it rejects NaN and Infinity,
invalid UTF-8 and lone surrogates). What it accepts silently, duplicate keys
and deep nesting, is checked here with cheap exact tests first and the
position tokenizer only when those cannot rule a problem out.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from leadlint.positions import duplicate_keys
from leadlint.records import Problem
from leadlint.rules.input import (
    DUPLICATE_KEY,
    INVALID_JSON,
    NESTING_TOO_DEEP,
    NON_FINITE_NUMBER,
    NUMBER_OUT_OF_RANGE,
)

_NON_FINITE = re.compile(r"-?(?:NaN|Infinity)")
_SPACED_COLON = re.compile(rb'"[ \t\r\n]+:')


def parse_error(
    error: orjson.JSONDecodeError, text: str, record: int | None, first_line: int = 1
) -> Problem:
    """Turn an orjson error into a positioned LL0xx finding."""
    pos = error.pos
    line = first_line + error.lineno - 1
    column = error.colno
    if _NON_FINITE.match(text, pos) or (pos > 0 and _NON_FINITE.match(text, pos - 1)):
        return Problem(
            NON_FINITE_NUMBER.code,
            "NaN and Infinity are not valid JSON numbers",
            record,
            line,
            column,
        )
    if "infinity when parsed" in error.msg:
        message = "Number is too large to represent"
        return Problem(NUMBER_OUT_OF_RANGE.code, message, record, line, column)
    if "depth limit" in error.msg:
        message = "Nesting is too deep to parse"
        return Problem(NESTING_TOO_DEEP.code, message, record, line, column)
    return Problem(INVALID_JSON.code, f"Invalid JSON: {error.msg}", record, line, column)


def may_have_duplicate_keys(raw: bytes, value: Any, serialised: bytes | None = None) -> bool:
    """False only when the text provably has no repeated key.

    Every key in compact text ends with ``":``; inside strings a quote is
    always escaped, so without ``\\u`` escapes and spaced colons the count of
    ``":`` in the source equals the count in orjson's re-serialisation
    exactly when no member was dropped as a duplicate.
    """
    if serialised is None:
        serialised = compact_form(value)
    if serialised is None:
        return True
    if serialised == raw:
        return False  # compact text that round-trips lost no member
    if b"\\u" in raw:
        return True
    # Whitespace after a closing quote is rare in NDJSON; only then look for
    # a spaced colon (`"key" : value`) with the slower regex.
    spaced = b'" ' in raw or b'"\n' in raw or b'"\t' in raw or b'"\r' in raw
    if spaced and _SPACED_COLON.search(raw):
        return True
    return raw.count(b'":') != serialised.count(b'":')


def compact_form(value: Any) -> bytes | None:
    """orjson's compact serialisation, or None past the 254 levels it writes."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        return None


def duplicate_key_problems(
    text: str, record: int | None, locate_offset: Any, start: int = 0, end: int | None = None
) -> list[Problem]:
    """Exact duplicate-key findings, positioned by ``locate_offset(offset)``."""
    problems = []
    for pointer, offset in duplicate_keys(text, start, end):
        line, column = locate_offset(offset)
        message = "Key appears more than once in the same object; the last value wins"
        problems.append(Problem(DUPLICATE_KEY.code, message, record, line, column, pointer))
    return problems


def too_deep(raw: bytes, value: Any, limit: int) -> bool:
    """True when objects and arrays nest deeper than ``limit``."""
    if raw.count(b"{") + raw.count(b"[") <= limit:
        return False
    return depth_exceeds(value, limit)


def depth_exceeds(value: Any, limit: int) -> bool:
    """True when ``value`` nests objects and arrays deeper than ``limit``."""
    return _depth(value, limit) > limit


def _depth(value: Any, limit: int) -> int:
    if not isinstance(value, dict | list):
        return 0
    stack = [(value, 1)]
    deepest = 0
    while stack:
        node, depth = stack.pop()
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                return deepest
        children = node.values() if isinstance(node, dict) else node
        for child in children:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))
    return deepest


def depth_problem(record: int | None, line: int | None, column: int | None, limit: int) -> Problem:
    message = f"Objects and arrays nest deeper than {limit} levels"
    return Problem(NESTING_TOO_DEEP.code, message, record, line, column)
