"""Byte-level checks before parsing: BOMs, UTF-16/32, invalid UTF-8."""

from __future__ import annotations

from leadlint.records import Problem
from leadlint.rules.input import INVALID_UTF8, UNSUPPORTED_ENCODING, UTF8_BOM

UTF8_BOM_BYTES = b"\xef\xbb\xbf"

_BOMS = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xfe\xff", "UTF-16"),
    (b"\xff\xfe", "UTF-16"),
)


def sniff_encoding(head: bytes) -> tuple[int, list[Problem], bool]:
    """Look at the first bytes of a file.

    Returns (bytes to skip, problems, readable). Detects UTF-16/32 by BOM or,
    without one, by the zero-byte pattern of RFC 4627 section 3.
    """
    if head.startswith(UTF8_BOM_BYTES):
        bom = Problem(UTF8_BOM.code, "File starts with a UTF-8 byte order mark", None, 1, 1)
        return len(UTF8_BOM_BYTES), [bom], True
    name = _wide_encoding(head)
    if name is not None:
        message = f"File is encoded as {name}; leads must be UTF-8"
        return 0, [Problem(UNSUPPORTED_ENCODING.code, message, None, 1, 1)], False
    return 0, [], True


def _wide_encoding(head: bytes) -> str | None:
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    if len(head) >= 4:
        zeros = tuple(b == 0 for b in head[:4])
        if zeros in ((True, True, True, False), (False, True, True, True)):
            return "UTF-32"
        if zeros in ((True, False, True, False), (False, True, False, True)):
            return "UTF-16"
    return None


def utf8_problem(data: bytes, record: int | None, first_line: int = 1) -> Problem | None:
    """The position of the first invalid UTF-8 byte, if any."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = first_line + before.count(b"\n")
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        message = "Invalid UTF-8 byte sequence"
        return Problem(INVALID_UTF8.code, message, record, line, column)
    return None
