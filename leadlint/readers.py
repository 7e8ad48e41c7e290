"""Sources -> records: JSON (object, array, envelope), NDJSON and CSV.

NDJSON and CSV are streamed line by line; a JSON document is parsed whole
(with the garbage collector paused, which halves the time of a large load).
"""

from __future__ import annotations

import gc
import io
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import IO, Any

import orjson

from leadlint.core import CORE
from leadlint.encoding import sniff_encoding, utf8_problem
from leadlint.parsing import (
    compact_form,
    depth_exceeds,
    depth_problem,
    duplicate_key_problems,
    may_have_duplicate_keys,
    parse_error,
    too_deep,
)
from leadlint.positions import (
    LazyOffsets,
    LineIndex,
    compact_offset,
    member_offsets,
    nearest_offset,
    split_pointer,
)
from leadlint.records import Problem, ReadOptions, Record
from leadlint.rules.input import EMPTY_FILE, UNSUPPORTED_SHAPE

FORMATS = ("json", "ndjson", "csv")
EXTENSIONS = {".json": "json", ".ndjson": "ndjson", ".jsonl": "ndjson", ".csv": "csv"}
ENVELOPE_KEYS = ("leads", "items", "data")


@dataclass(frozen=True, slots=True)
class Source:
    display: str
    format: str | None  # None: sniff from the content


def read_source(
    source: Source, stream: IO[bytes], options: ReadOptions
) -> Iterator[Record | Problem]:
    """Every record and input problem of one source, in order."""
    buffered = _peekable(stream)
    skip, problems, readable = sniff_encoding(buffered.peek(4)[:4])
    yield from problems
    if not readable:
        return
    buffered.read(skip)
    fmt = source.format or sniff_format(buffered)
    if fmt == "ndjson":
        yield from read_ndjson(source.display, buffered, options)
    elif fmt == "csv":
        from leadlint.csvfile import read_csv

        yield from read_csv(source.display, buffered, options)
    else:
        yield from read_json(source.display, buffered.read(), options)


def _peekable(stream: IO[bytes]) -> Any:
    """A stream with ``peek`` (files opened "rb" and stdin already have one)."""
    return stream if hasattr(stream, "peek") else io.BufferedReader(stream)


def sniff_format(stream: Any) -> str:
    """JSON, NDJSON or CSV from the first line (stdin and unknown extensions)."""
    head = stream.peek(65536)
    first = head.lstrip()[:1]
    if first == b"[":
        return "json"
    if first != b"{":
        return "csv"
    line = head.lstrip().split(b"\n", 1)[0]
    try:
        orjson.loads(line)
    except orjson.JSONDecodeError:
        return "json"
    return "ndjson"


def read_json(display: str, raw: bytes, options: ReadOptions) -> Iterator[Record | Problem]:
    if not raw.strip():
        yield Problem(EMPTY_FILE.code, "File is empty", None, 1, 1)
        return
    bad_utf8 = utf8_problem(raw, None)
    if bad_utf8 is not None:
        yield bad_utf8
        return
    text = raw.decode("utf-8")
    gc.disable()
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        yield parse_error(error, text, None)
        return
    finally:
        gc.enable()
    document_view = _JsonDocument(display, text)
    found = _records_of(document, options.records_key)
    if isinstance(found, str):
        yield Problem(UNSUPPORTED_SHAPE.code, found, None, 1, 1)
        return
    prefix, leads = found
    duplicates: dict[int | None, list[Problem]] = {}
    if may_have_duplicate_keys(raw, document):
        for problem in document_view.duplicates(prefix):
            duplicates.setdefault(problem.record, []).append(problem)
    yield from duplicates.pop(None, [])
    # Cheap bound first: a file with few brackets cannot nest deeply.
    check_depth = raw.count(b"{") + raw.count(b"[") > options.max_depth
    for index, lead in enumerate(leads):
        record = document_view.record(prefix, index, lead, duplicates.get(index, []))
        if check_depth and record.checkable and depth_exceeds(lead, options.max_depth):
            record.problems.append(
                depth_problem(index, *document_view.start(prefix, index), options.max_depth)
            )
            record.checkable = False
        yield record


def _records_of(document: Any, records_key: str | None) -> tuple[str | None, list[Any]] | str:
    """(pointer prefix of the list or None for a single lead, the leads) or a message."""
    if isinstance(document, list):
        return "", document
    if not isinstance(document, dict):
        return "Top-level value is not a lead object or a list of leads"
    keys = (records_key,) if records_key else ENVELOPE_KEYS
    for key in keys:
        if isinstance(document.get(key), list):
            return f"/{key}", document[key]
    if records_key:
        return f"Envelope object has no list of leads under `{records_key}`"
    return None, [document]


class _JsonDocument:
    """Positions inside one JSON document, computed on first need."""

    def __init__(self, display: str, text: str) -> None:
        self.display = display
        self.text = text
        self.has_duplicates = False

    @cached_property
    def _offsets(self) -> LazyOffsets:
        return member_offsets(self.text, last_wins=self.has_duplicates)

    @cached_property
    def _lines(self) -> LineIndex:
        return LineIndex(self.text)

    def position(self, offset: int) -> tuple[int, int]:
        return self._lines.position(offset)

    def locate(self, pointer: str) -> tuple[int, int] | None:
        offset = nearest_offset(self._offsets, pointer)
        return None if offset is None else self.position(offset)

    def duplicates(self, prefix: str | None) -> list[Problem]:
        problems = duplicate_key_problems(self.text, None, self.position)
        self.has_duplicates = bool(problems)
        return [_relative(p, prefix) for p in problems]

    def start(self, prefix: str | None, index: int) -> tuple[int, int]:
        return self.locate(_record_pointer(prefix, index)) or (1, 1)

    def record(self, prefix: str | None, index: int, lead: Any, problems: list[Problem]) -> Record:
        base = _record_pointer(prefix, index)
        record = Record(self.display, index, None, None, lead, lambda p: self.locate(base + p))
        record.problems.extend(problems)
        if not isinstance(lead, dict):
            message = "List item is not a lead object"
            line, column = self.start(prefix, index)
            record.problems.append(Problem(UNSUPPORTED_SHAPE.code, message, index, line, column))
            record.checkable = False
        return record


def _record_pointer(prefix: str | None, index: int) -> str:
    return "" if prefix is None else f"{prefix}/{index}"


def _relative(problem: Problem, prefix: str | None) -> Problem:
    """Re-address a file-level pointer to (record index, pointer inside the lead)."""
    if prefix is None:
        return Problem(
            problem.code, problem.message, 0, problem.line, problem.column, problem.pointer
        )
    tokens = split_pointer(problem.pointer)
    depth = len(split_pointer(prefix))
    if len(tokens) <= depth or not tokens[depth].isdigit():
        return problem
    inner = problem.pointer.split("/", depth + 2)
    pointer = "/" + inner[depth + 2] if len(inner) > depth + 2 else ""
    return Problem(
        problem.code, problem.message, int(tokens[depth]), problem.line, problem.column, pointer
    )


def read_ndjson(
    display: str, stream: IO[bytes], options: ReadOptions
) -> Iterator[Record | Problem]:
    index = 0
    line_no = 0
    loads, dumps = orjson.loads, orjson.dumps
    limit, locate = options.max_depth, options.locate
    # Nesting within the limit: counting brackets is a quick bound in Python,
    # the compiled core walks the parsed lead instead (the exact depth, in a
    # fifth of the time); without positions, it also tells repeated keys
    # without writing the lead out again.
    deep = None if CORE is None else CORE.depth_exceeds
    plain = None if CORE is None or locate else CORE.plain_line
    for line_no, raw in enumerate(stream, 1):
        raw = raw.rstrip(b"\r\n")
        try:
            data = loads(raw)
        except orjson.JSONDecodeError:
            if not raw.strip():
                continue
            data = _UNSET
        # The common line: a lead object that repeats no key, nested within
        # the limit, and, where findings are placed inside lines, written
        # exactly as orjson writes it (so no key repeats either, see
        # ``may_have_duplicate_keys``). Anything else takes the careful path below.
        if type(data) is dict and (
            plain(raw, data, limit)
            if plain is not None
            else (
                (
                    raw.count(b"{") + raw.count(b"[") <= limit
                    if deep is None
                    else not deep(data, limit)
                )
                and dumps(data) == raw
            )
        ):
            if locate:
                yield Record(
                    display, index, line_no, None, data, _CompactLine(raw, line_no, data).locate
                )
            else:
                yield Record(display, index, line_no, None, data)
        else:
            yield _ndjson_record(display, raw, index, line_no, options, data)
        index += 1
    if index == 0:
        yield Problem(EMPTY_FILE.code, "File has no leads", None, max(line_no, 1), 1)


def _ndjson_record(
    display: str, raw: bytes, index: int, line_no: int, options: ReadOptions, data: Any
) -> Record:
    """A line off the common path: ``data`` is its value, or _UNSET when it is not JSON."""
    view = _LineView(raw, line_no)
    record = Record(display, index, line_no, None, None, view.locate, checkable=False)
    try:
        if data is _UNSET:
            data = orjson.loads(raw)  # raises again, for the message
        record.data = view.data = data
    except orjson.JSONDecodeError as error:
        bad_utf8 = utf8_problem(raw, index, line_no)
        if bad_utf8 is not None:
            record.problems.append(bad_utf8)
        else:
            record.problems.append(parse_error(error, view.text, index, line_no))
        return record
    if too_deep(raw, record.data, options.max_depth):
        record.problems.append(depth_problem(index, line_no, view.column(), options.max_depth))
        return record
    if may_have_duplicate_keys(raw, record.data, view.serialised):
        record.problems.extend(view.duplicates(index))
    if not isinstance(record.data, dict):
        message = "Line is not a lead object"
        record.problems.append(
            Problem(UNSUPPORTED_SHAPE.code, message, index, line_no, view.column())
        )
        return record
    record.checkable = True
    return record


_UNSET: Any = object()


class _CompactLine:
    """Positions inside a line that is exactly orjson's compact form of ``data``."""

    __slots__ = ("data", "line_no", "raw")

    def __init__(self, raw: bytes, line_no: int, data: Any) -> None:
        self.raw = raw
        self.line_no = line_no
        self.data = data

    def locate(self, pointer: str) -> tuple[int, int]:
        return self.line_no, _compact_column(self.raw, self.data, pointer)


def _compact_column(raw: bytes, data: Any, pointer: str) -> int:
    """The 1-based column of ``pointer`` in ``raw``, orjson's compact form of ``data``.

    A member's pointer addresses the member's key, after the nesting
    container's key when the member is missing.
    """
    offset = compact_offset(data, pointer)
    prefix = raw[:offset]
    return 1 + (offset if prefix.isascii() else len(prefix.decode("utf-8", "replace")))


class _LineView:
    """Positions inside one NDJSON line; decoded only when one is needed."""

    def __init__(self, raw: bytes, line_no: int) -> None:
        self._raw = raw
        self.line_no = line_no
        self.has_duplicates = False
        self.data: Any = _UNSET

    @cached_property
    def text(self) -> str:
        return self._raw.decode("utf-8", "replace")

    @cached_property
    def _offsets(self) -> LazyOffsets:
        return member_offsets(self.text, last_wins=self.has_duplicates)

    def locate(self, pointer: str) -> tuple[int, int] | None:
        if self.compact:
            return self.line_no, _compact_column(self._raw, self.data, pointer)
        found = nearest_offset(self._offsets, pointer)
        return None if found is None else (self.line_no, found + 1)

    @cached_property
    def serialised(self) -> bytes | None:
        return None if self.data is _UNSET else compact_form(self.data)

    @property
    def compact(self) -> bool:
        """Whether the line is exactly orjson's compact form of its value."""
        return self.serialised == self._raw

    def column(self) -> int:
        return len(self.text) - len(self.text.lstrip()) + 1

    def duplicates(self, index: int) -> list[Problem]:
        problems = duplicate_key_problems(
            self.text, index, lambda offset: (self.line_no, offset + 1)
        )
        self.has_duplicates = bool(problems)
        return problems
