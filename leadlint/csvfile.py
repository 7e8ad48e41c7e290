"""CSV exports: dotted headers -> nested leads, cells typed by the schema.

Convention (DESIGN.md section 4): one lead per row; headers are dotted paths
(``contact.streetAddress.postalCode``); an empty cell is an absent field;
arrays and objects are JSON text in one cell; numbers and booleans are typed
by the schema and strings stay strings (a ZIP keeps its leading zero).
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterator
from typing import IO, Any

import orjson

from leadlint.positions import escape_token
from leadlint.records import Problem, ReadOptions, Record
from leadlint.rules.input import CSV_FIELD_COUNT, CSV_HEADER, EMPTY_FILE, INVALID_UTF8

_INTEGER = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_SURROGATE = re.compile("[\udc80-\udcff]")

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class LineTap:
    """Feeds csv.reader line by line and remembers the raw text of each row."""

    def __init__(self, text: IO[str]) -> None:
        self._text = text
        self.pending: list[str] = []
        self.lines_read = 0

    def __iter__(self) -> LineTap:
        return self

    def __next__(self) -> str:
        line = next(self._text)
        self.pending.append(line)
        self.lines_read += 1
        return line

    def take(self) -> str:
        row_text = "".join(self.pending)
        self.pending.clear()
        return row_text


def read_csv(display: str, stream: IO[bytes], options: ReadOptions) -> Iterator[Record | Problem]:
    text = io.TextIOWrapper(stream, encoding="utf-8", errors="surrogateescape", newline="")
    tap = LineTap(text)
    reader = csv.reader(tap, strict=False)
    header = next(reader, None)
    header_text = tap.take()
    if header is None or not any(cell.strip() for cell in header):
        yield Problem(EMPTY_FILE.code, "CSV file has no header row", None, 1, 1)
        return
    paths, problem = parse_header(header, header_text)
    if problem is not None:
        yield problem
        return
    types = [options.field_types(".".join(p)) for p in paths]
    index = 0
    while True:
        start_line = tap.lines_read + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            # A lead that cannot be read is still a lead read: a record
            # that is not checked (as an NDJSON line that is not JSON).
            tap.take()
            record = Record(display, index, start_line, 1, None, checkable=False)
            message = f"Unreadable CSV row: {error}"
            record.problems.append(Problem(CSV_FIELD_COUNT.code, message, index, start_line, 1))
            yield record
            index += 1
            continue
        row_text = tap.take()
        if not row:
            continue
        yield _row_record(display, index, start_line, row, row_text, paths, types)
        index += 1


def parse_header(
    header: list[str], header_text: str
) -> tuple[list[tuple[str, ...]], Problem | None]:
    paths = [tuple(name.strip().split(".")) for name in header]
    starts = cell_offsets(header_text)
    seen: set[tuple[str, ...]] = set()
    for number, path in enumerate(paths):
        column = starts[number] + 1 if number < len(starts) else 1
        if _SURROGATE.search(header[number]):
            return paths, Problem(INVALID_UTF8.code, "Invalid UTF-8 in the header", None, 1, column)
        if not all(path):
            message = f"Column {number + 1} has an empty name or an empty path segment"
            return paths, Problem(CSV_HEADER.code, message, None, 1, column)
        if path in seen:
            message = f"Column `{'.'.join(path)}` appears more than once"
            return paths, Problem(CSV_HEADER.code, message, None, 1, column)
        seen.add(path)
    for number, path in enumerate(paths):
        if any(path[:cut] in seen for cut in range(1, len(path))):
            column = starts[number] + 1 if number < len(starts) else 1
            message = f"Column `{'.'.join(path)}` is inside another column's value"
            return paths, Problem(CSV_HEADER.code, message, None, 1, column)
    return paths, None


def cell_offsets(row_text: str) -> list[int]:
    """Character offset where each cell of one CSV row starts."""
    starts = [0]
    quoted = False
    for offset, char in enumerate(row_text):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            starts.append(offset + 1)
    return starts


def _row_record(
    display: str,
    index: int,
    line: int,
    row: list[str],
    row_text: str,
    paths: list[tuple[str, ...]],
    types: list[frozenset[str]],
) -> Record:
    position = _RowPosition(line, row_text, paths)
    record = Record(display, index, line, 1, None, position.locate, checkable=False)
    if len(row) != len(paths):
        message = f"Row has {len(row)} fields; the header has {len(paths)}"
        record.problems.append(Problem(CSV_FIELD_COUNT.code, message, index, line, 1))
        return record
    lead: dict[str, Any] = {}
    for number, cell in enumerate(row):
        if not cell:
            continue
        if _SURROGATE.search(cell):
            line_col = position.cell(number)
            message = "Invalid UTF-8 byte sequence"
            record.problems.append(Problem(INVALID_UTF8.code, message, index, *line_col))
            return record
        put_path(lead, paths[number], typed_cell(cell, types[number]))
    record.data = lead
    record.checkable = True
    return record


def put_path(lead: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = lead
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value


def typed_cell(cell: str, types: frozenset[str]) -> Any:
    """The JSON value of a cell, by the types the schema allows there.

    A cell that does not fit stays a string, so the schema check reports it.
    """
    if not types or "string" in types:
        return cell
    text = cell.strip()
    if "null" in types and text == "null":
        return None
    if "integer" in types and _INTEGER.fullmatch(text):
        return int(text)
    if "number" in types and _NUMBER.fullmatch(text):
        number = float(text)
        return (
            int(number)
            if number.is_integer() and "." not in text and "e" not in text.lower()
            else number
        )
    if "boolean" in types and text.lower() in ("true", "false"):
        return text.lower() == "true"
    if ("array" in types and text.startswith("[")) or ("object" in types and text.startswith("{")):
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            return cell
    return cell


class _RowPosition:
    """Maps pointers inside a row's lead to the line and column of their cell."""

    def __init__(self, line: int, row_text: str, paths: list[tuple[str, ...]]) -> None:
        self.line = line
        self.row_text = row_text
        self.pointers = ["".join("/" + escape_token(k) for k in path) for path in paths]
        self._starts: list[int] | None = None

    def cell(self, number: int) -> tuple[int, int]:
        if self._starts is None:
            self._starts = cell_offsets(self.row_text)
        offset = self._starts[number] if number < len(self._starts) else 0
        before = self.row_text[:offset]
        line = self.line + before.count("\n")
        return line, offset - (before.rfind("\n") + 1) + 1

    def locate(self, pointer: str) -> tuple[int, int] | None:
        for number, column_pointer in enumerate(self.pointers):
            if pointer == column_pointer or pointer.startswith(column_pointer + "/"):
                return self.cell(number)
        for number, column_pointer in enumerate(self.pointers):
            if column_pointer.startswith(pointer + "/") or not pointer:
                return self.cell(number)
        return (self.line, 1)
