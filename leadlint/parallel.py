"""Large NDJSON and CSV files across every core.

The file is cut into byte ranges at record ends; worker processes (forked, so
they share the parent's compiled engine) check one range each and send back
each record's diagnostics with range-local line and record numbers, which the
parent shifts into place, in file order. Duplicate checks (LL7xx) need every
earlier lead: workers send their keys (hashes, never values) and the parent
decides them in order (:meth:`Engine.resolve`), so a parallel run reports
exactly what one process reports. Memory stays bounded by the range size and
the number of ranges in flight, whatever the file's size (DESIGN.md section
9: byte ranges per worker scale better than pickling lines).

A CSV range must start at a row: a newline inside a quoted cell is not one.
Ranges are cut where the count of quote characters so far is even, and each
worker proves its cut by parsing its range with one more line after it; if
that line does not come out as a row of its own (a stray quote inside an
unquoted cell breaks the parity rule), the parent checks the rest of the file
in one process from the last proven row.
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from leadlint.encoding import sniff_encoding
from leadlint.engine import Engine, LeadResult, _position_key, lead_id, lead_key
from leadlint.models import Diagnostic, Location, Severity, Summary
from leadlint.readers import Source, read_source
from leadlint.records import ReadOptions, Record
from leadlint.rules.input import EMPTY_FILE
from leadlint.rules.records import KeyBatch

CHUNK_BYTES = 8 << 20
MIN_PARALLEL_BYTES = 2 * CHUNK_BYTES
# What follows a CSV range in its worker: a row of its own iff the cut was at a row.
_SENTINEL = "\x00leadlint-range-end\x00"

_engine: Engine | None = None  # the forked workers' engine
# A diagnostic as a worker sends it: a tuple of plain values, which pickle
# and unpickle several times faster than the dataclasses (the file name is
# the parent's to add): (code, name, severity, message, record, line,
# column, pointer, lead id, lead key, fix, value).
Sent = tuple[str, str, str, str, int | None, int | None, int | None, str, Any, Any, Any, Any]
SentResult = tuple[int | None, Any, list[Sent]]
Reader = Callable[[int, int], bytes]  # a range's bytes: (start, end) -> data


@dataclass(frozen=True, slots=True)
class Plan:
    """How one file is split: ranges, and for CSV the header row prepended to each.

    ``path`` is a local file, or with ``storage_options`` (Dask runs) any
    fsspec URL.
    """

    source: Source
    path: Path
    bounds: list[tuple[int, int]]
    header: bytes = b""  # CSV only: the header row's bytes
    header_lines: int = 0
    url: str | None = None  # an fsspec URL read instead of ``path``
    storage_options: tuple[tuple[str, Any], ...] = ()

    def read(self, start: int, end: int | None = None) -> bytes:
        """Bytes ``start`` to ``end`` (or the end of the file)."""
        if self.url is None:
            with self.path.open("rb") as handle:
                handle.seek(start)
                return handle.read(-1 if end is None else end - start)
        import fsspec

        with fsspec.open(self.url, "rb", **dict(self.storage_options)) as handle:
            handle.seek(start)
            data: bytes = handle.read(-1 if end is None else end - start)
            return data


@dataclass(slots=True)
class RangeResult:
    """What a worker sends back for one range: little per lead, most of it in arrays."""

    results: list[SentResult]  # leads with findings, and findings about the file, in order
    records: int  # records read in the range (each has a record index)
    newlines: int  # newlines in the range, header excluded
    proven: bool  # a CSV range ended at a row (always True for NDJSON)
    keys: KeyBatch  # the duplicate keys of every lead, decided by the parent
    views: list[Any] | None = None  # every lead's view, by range index (audits)


def plan_split(source: Source, path: Path, jobs: int) -> Plan | None:
    """How to split a big local NDJSON or CSV file across ``jobs`` workers; None: don't."""
    if jobs < 2 or source.format not in ("ndjson", "csv"):
        return None
    try:
        total = path.stat().st_size
        if total < MIN_PARALLEL_BYTES:
            return None
        import multiprocessing  # only for files big enough to split

        if "fork" not in multiprocessing.get_all_start_methods():
            return None
        with path.open("rb") as handle:
            return split_file(source, handle, total, path)
    except OSError:
        return None


def split_file(
    source: Source,
    handle: Any,
    total: int,
    path: Path,
    url: str | None = None,
    storage_options: tuple[tuple[str, Any], ...] = (),
    size: int | None = None,
) -> Plan | None:
    """The ranges of an NDJSON or CSV file read through ``handle`` (seekable, binary).

    None when the file must be read in one piece: a byte order mark or
    UTF-16/32 (the one-process path reports them), a CSV header with problems.
    """
    handle.seek(0)
    _skip, problems, _readable = sniff_encoding(handle.read(4))
    if problems:
        return None
    size = size or CHUNK_BYTES
    if source.format == "ndjson":
        bounds = _line_bounds(handle, 0, total, size)
        return Plan(source, path, bounds, url=url, storage_options=storage_options)
    header = _csv_header(handle)
    if header is None:
        return None
    bounds = _quoted_bounds(handle, len(header), size)
    return Plan(
        source, path, bounds, header, header.count(b"\n"), url=url, storage_options=storage_options
    )


def worth_splitting(source: Source, path: Path, jobs: int) -> bool:
    """Whether a file is an NDJSON or CSV file big enough to gain from workers."""
    return plan_split(source, path, jobs) is not None


def chunk_bounds(path: Path, size: int | None = None, start: int = 0) -> list[tuple[int, int]]:
    """Byte ranges of about ``size`` bytes, each ending after a newline (or at EOF)."""
    with path.open("rb") as handle:
        return _line_bounds(handle, start, path.stat().st_size, size or CHUNK_BYTES)


def _line_bounds(handle: Any, start: int, total: int, size: int) -> list[tuple[int, int]]:
    bounds = []
    while start < total:
        handle.seek(min(start + size, total))
        handle.readline()
        end = min(handle.tell(), total)
        bounds.append((start, end))
        start = end
    return bounds


def _csv_header(handle: Any) -> bytes | None:
    """The header row's bytes; None if it has a problem (reported by the one-process path)."""
    from leadlint.csvfile import LineTap, parse_header

    handle.seek(0)
    text = io.TextIOWrapper(handle, encoding="utf-8", errors="surrogateescape", newline="")
    tap = LineTap(text)
    header = next(csv.reader(tap, strict=False), None)
    header_text = tap.take()
    text.detach()
    if not header or parse_header(header, header_text)[1] is not None:
        return None
    raw = header_text.encode("utf-8", "surrogateescape")
    return raw if raw.endswith(b"\n") else None


def csv_bounds(path: Path, start: int, size: int | None = None) -> list[tuple[int, int]]:
    """Ranges after the header, each cut at a newline with an even count of quotes before it."""
    with path.open("rb") as handle:
        return _quoted_bounds(handle, start, size or CHUNK_BYTES)


def _quoted_bounds(handle: Any, start: int, size: int) -> list[tuple[int, int]]:
    bounds: list[tuple[int, int]] = []
    quotes = 0  # quote characters from ``start`` to the current position
    handle.seek(start)
    position = start
    while True:
        block = handle.read(size)
        if not block:
            break
        quotes += block.count(b'"')
        position += len(block)
        # Extend to the end of the line, then line by line while inside quotes.
        while True:
            line = handle.readline()
            position += len(line)
            quotes += line.count(b'"')
            if not line or quotes % 2 == 0:
                break
        bounds.append((bounds[-1][1] if bounds else start, position))
    return bounds


def _check_range(job: tuple[Plan, int, int]) -> RangeResult:
    plan, start, end = job
    assert _engine is not None
    return check_range(_engine, plan, start, end)


def check_range(
    engine: Engine, plan: Plan, start: int, end: int, data: bytes | None = None
) -> RangeResult:
    """One range of a file (or ``data``), checked by a worker's ``engine`` (duplicates deferred)."""
    if data is None:
        data = plan.read(start, end)
    stream = io.BufferedReader(io.BytesIO(plan.header + data))
    return _collect(engine, plan, stream, data, not plan.header or _ends_at_row(plan.header + data))


def _collect(engine: Engine, plan: Plan, stream: Any, data: bytes, proven: bool) -> RangeResult:
    summary = Summary()
    batch = engine.deferred = KeyBatch(engine.settings.show_values)
    views: list[Any] | None = None
    results = []
    try:
        if engine.lead_view is None:
            for result in engine.lead_results(plan.source, stream, plan.path, summary):
                if result[2] and not _no_leads(result):
                    results.append((result[0], result[1], [_sent(d) for d in result[2]]))
        else:
            views = []
            seen: dict[Any, Any] = {}  # one object per distinct view: pickled once
            for result in engine.lead_results(plan.source, stream, plan.path, summary):
                index, view, found = result
                if index is not None:
                    views.append(seen.setdefault(view, view))
                if found and not _no_leads(result):
                    results.append((index, view, [_sent(d) for d in found]))
    finally:
        engine.deferred = None
    return RangeResult(results, summary.records, data.count(b"\n"), proven, batch, views)


def _sent(d: Diagnostic) -> Sent:
    loc = d.location
    return (
        d.code,
        d.name,
        d.severity.value,
        d.message,
        loc.record,
        loc.line,
        loc.column,
        loc.pointer,
        loc.lead_id,
        loc.lead_key,
        d.fix,
        d.value,
    )


def _no_leads(result: LeadResult) -> bool:
    """A range's own "no leads" finding (the file's is decided when it is put together)."""
    index, _view, found = result
    return index is None and all(d.code == EMPTY_FILE.code for d in found)


def _ends_at_row(data: bytes) -> bool:
    """Whether a CSV text ends at a row: one more line then reads as a row of its own."""
    text = data.decode("utf-8", "surrogateescape")
    if not text.endswith("\n"):
        return True  # the end of the file
    rows = csv.reader(io.StringIO(text + _SENTINEL + "\n", newline=""), strict=False)
    return deque(rows, maxlen=1) == deque([[_SENTINEL]])


def lint_in_parallel(
    engine: Engine, plan: Plan, jobs: int, summary: Summary
) -> Iterator[Diagnostic]:
    """Diagnostics of one big file, in file order, from ``jobs`` workers."""
    global _engine
    _engine = engine
    import multiprocessing

    pool = multiprocessing.get_context("fork").Pool(min(jobs, len(plan.bounds)))
    with pool:
        jobs_list = [(plan, start, end) for start, end in plan.bounds]
        yield from assemble(engine, plan, _windowed(pool, jobs_list, 2 * jobs), summary)
        pool.terminate()


def _windowed(
    pool: Any, jobs_list: list[tuple[Plan, int, int]], window: int
) -> Iterator[RangeResult]:
    """Results in order, with at most ``window`` ranges in flight or waiting.

    ``Pool.imap`` would run ahead of a slow consumer and keep every finished
    range's results in memory; this keeps memory bounded whatever the file size.
    """
    pending: deque[Any] = deque()
    for job in jobs_list:
        pending.append(pool.apply_async(_check_range, (job,)))
        if len(pending) >= window:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


def assemble(
    engine: Engine,
    plan: Plan,
    parts: Iterable[RangeResult],
    summary: Summary,
    read: Reader | None = None,
) -> Iterator[Diagnostic]:
    """Put a file's range results (in range order) together as one process would.

    ``engine`` is the run's: it numbers the file, decides duplicates and
    calls the hooks. A CSV range whose cut was not at a row stops the
    assembly; the rest of the file is then checked here. ``read(start, end)``
    gives a range's bytes again (default ``plan.read``), to locate repeats.
    """
    read = read or plan.read
    display = plan.source.display
    file_number = engine.start_file(display)
    summary.files += 1
    lines_before = plan.header_lines
    records_before = 0
    for (start, end), part in zip(plan.bounds, parts, strict=False):
        if not part.proven and start != plan.bounds[-1][0]:
            yield from _rest_in_one_process(
                engine, plan, start, file_number, lines_before, records_before, summary
            )
            return
        shift = lines_before - plan.header_lines
        text = _RangeText(plan, (start, end), engine.read_options, read)
        yield from _merge(engine, plan, text, file_number, part, shift, records_before, summary)
        lines_before += part.newlines
        records_before += part.records
    summary.records += records_before
    summary.records_by_file[display] = records_before
    if records_before == 0:
        yield from _empty_file(engine, display, lines_before, plan, summary)


def _merge(
    engine: Engine,
    plan: Plan,
    text: _RangeText,
    file_number: int,
    part: RangeResult,
    lines: int,
    records: int,
    summary: Summary,
) -> Iterator[Diagnostic]:
    """One range's results, shifted into place, duplicates decided, hooks called.

    ``lines`` is what to add to a line number in the range (as its worker saw
    it, header included); ``records`` likewise for record indexes.
    """
    display = plan.source.display
    sink, tick = engine.lead_sink, engine.on_record
    if tick is not None:
        for _ in range(part.records):
            tick()
    repeats = _repeats(engine, part, text, display, file_number, lines, records)
    views = part.views
    emitted: list[int] = []  # range indexes of the leads given to the sink one by one
    add = summary.add
    every = sorted(repeats)
    if sink is not None and engine.clean_sink is None:
        every = list(range(part.records))  # a sink without clean_sink sees every lead in order
    for index, view, found in _with_repeats(part.results, every, views):
        final = [_shift(d, display, lines, records) for d in found]
        if index is not None and index in repeats:
            final.extend(repeats[index])
            final.sort(key=_position_key)
        if sink is not None:
            if index is not None:
                emitted.append(index)
            sink(display, None if index is None else index + records, view, final)
        for diagnostic in final:
            add(diagnostic)
            yield diagnostic
    if sink is not None and engine.clean_sink is not None:
        _clean_leads(engine, display, part, emitted)


def _repeats(
    engine: Engine,
    part: RangeResult,
    text: _RangeText,
    display: str,
    file_number: int,
    lines: int,
    records: int,
) -> dict[int, list[Diagnostic]]:
    """The range's duplicate findings by range index, decided in run order."""
    found: dict[int, list[Diagnostic]] = {}
    for code, keyed, position in engine.duplicates.resolve(part.keys, file_number, records):
        pointer = keyed.pointers[keyed.pointer_ids[position]]
        local = keyed.leads[position]
        line = keyed.lines[position]
        again = _LeadAgain(text, None if line < 0 else line, local, lines)
        earlier = engine.duplicates.first_of(code, keyed.keys[position])
        found_id, found_key = again.ids()
        at_line, column = again.position(pointer)
        location = Location(display, local + records, at_line, column, pointer, found_id, found_key)
        value = keyed.values[position] if keyed.values is not None else None
        found.setdefault(local, []).append(engine.repeat(code, pointer, earlier, location, value))
    return found


def _with_repeats(
    results: list[SentResult], repeated: list[int], views: list[Any] | None
) -> Iterator[SentResult]:
    """``results`` in order, with the leads of ``repeated`` (ascending) merged in."""
    have = {index for index, _view, _found in results if index is not None}
    extra = iter([i for i in repeated if i not in have])
    upcoming = next(extra, None)
    for result in results:
        index = result[0]
        while upcoming is not None and index is not None and upcoming < index:
            yield upcoming, views[upcoming] if views is not None else None, []
            upcoming = next(extra, None)
        yield result
    while upcoming is not None:
        yield upcoming, views[upcoming] if views is not None else None, []
        upcoming = next(extra, None)


def _clean_leads(engine: Engine, display: str, part: RangeResult, emitted: list[int]) -> None:
    """Give the clean sink the range's leads that had nothing to report, by view."""
    assert engine.clean_sink is not None
    views = part.views if part.views is not None else [None] * part.records
    counts = Counter(views)
    for index in emitted:
        counts[views[index]] -= 1
    engine.clean_sink(display, +counts)


class _LeadAgain:
    """Lead ``index`` of a range (at range line ``line``), read again when needed."""

    def __init__(self, text: _RangeText, line: int | None, index: int, shift: int) -> None:
        self.text, self.line, self.index, self.shift = text, line, index, shift

    def _record(self) -> Record | None:
        return self.text.record(self.line, self.index)

    def ids(self) -> tuple[str | None, str | None]:
        record = self._record()
        return (None, None) if record is None else (lead_id(record.data), lead_key(record.data))

    def position(self, pointer: str) -> tuple[int | None, int | None]:
        line, shift = self.line, self.shift
        record = self._record()
        if record is None:
            return (None if line is None else line + shift), None
        found_line, column = record.locate(pointer) or (record.line, record.column)
        if found_line is None:
            return None, column
        if line is None or record.line is None:  # a whole document: the file's own lines
            return found_line + shift, column
        return found_line - record.line + line + shift, column


class _RangeText:
    """Reads a lead of a range again, to find where a repeated field is.

    Workers do not look up positions of duplicate keys (most keys are new);
    the few repeats are located here, from the range's bytes.
    """

    def __init__(
        self, plan: Plan, span: tuple[int, int], options: ReadOptions, read: Reader
    ) -> None:
        self.plan = plan
        self.options = options
        self.read = read
        self.span = span
        self._data: bytes | None = None
        self._line_starts = [0]  # byte offset of each line of the range, found as needed
        self._records: dict[int, Record] | None = None
        self._last: tuple[tuple[int | None, int], Record | None] | None = None

    def record(self, line: int | None, index: int) -> Record | None:
        """The record at range line ``line`` (NDJSON, CSV) or of index ``index`` (JSON)."""
        if self._last is not None and self._last[0] == (line, index):
            return self._last[1]
        found = self._read_record(line, index)
        self._last = ((line, index), found)
        return found

    def _read_record(self, line: int | None, index: int) -> Record | None:
        if self.plan.source.format not in ("ndjson", "csv"):
            return self._whole_document().get(index)  # a JSON document: read whole
        if line is None:
            return None
        data = self._bytes()
        offset = self._line_offset(line - self.plan.header_lines)
        stream = io.BufferedReader(io.BytesIO(self.plan.header + data[offset:]))
        for item in read_source(self.plan.source, stream, self.options):
            return item if isinstance(item, Record) else None
        return None

    def _whole_document(self) -> dict[int, Record]:
        if self._records is None:
            stream = io.BufferedReader(io.BytesIO(self._bytes()))
            self._records = {
                item.index: item
                for item in read_source(self.plan.source, stream, self.options)
                if isinstance(item, Record)
            }
        return self._records

    def _bytes(self) -> bytes:
        if self._data is None:
            self._data = self.read(*self.span)
        return self._data

    def _line_offset(self, number: int) -> int:
        """Byte offset of line ``number`` (1-based) of the range."""
        starts, data = self._line_starts, self._bytes()
        while len(starts) < number:
            starts.append(data.index(b"\n", starts[-1]) + 1)
        return starts[number - 1]


def _rest_in_one_process(
    engine: Engine,
    plan: Plan,
    start: int,
    file_number: int,
    lines: int,
    records: int,
    summary: Summary,
) -> Iterator[Diagnostic]:
    """The file from ``start`` (a proven row) to its end, in this process."""
    data = plan.read(start)
    stream = io.BufferedReader(io.BytesIO(plan.header + data))
    part = _collect(engine, plan, stream, data, True)
    shift = lines - plan.header_lines
    text = _RangeText(plan, (start, start + len(data)), engine.read_options, plan.read)
    yield from _merge(engine, plan, text, file_number, part, shift, records, summary)
    total = records + part.records
    summary.records += total
    summary.records_by_file[plan.source.display] = total
    if total == 0:
        yield from _empty_file(engine, plan.source.display, lines, plan, summary)


def _empty_file(
    engine: Engine, display: str, lines: int, plan: Plan, summary: Summary
) -> Iterator[Diagnostic]:
    found = list(engine.empty_file_diagnostic(display, lines, plan.path))
    if engine.lead_sink is not None and found:
        engine.lead_sink(display, None, None, found)
    for diagnostic in found:
        summary.add(diagnostic)
        yield diagnostic


def _shift(sent: Sent, display: str, lines: int, records: int) -> Diagnostic:
    """A worker's diagnostic, moved to its place in the file."""
    code, name, severity, message, record, line, column, pointer, found_id, key, fix, value = sent
    location = Location(
        display,
        None if record is None else record + records,
        None if line is None else line + lines,
        column,
        pointer,
        found_id,
        key,
    )
    return Diagnostic(code, name, Severity(severity), message, location, fix, value)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
