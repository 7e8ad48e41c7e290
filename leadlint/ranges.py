"""Byte ranges of a lead file, and what a worker makes of one range.

A file is cut into byte ranges at record ends (:func:`split_file`); a worker
(a forked process, a Dask task) checks one range with its own engine and
sends back a :class:`RangeResult`: the diagnostics of the leads that have
some, as plain tuples, every lead's duplicate keys in flat arrays, and for
an audit every lead's view. ``assemble.py`` puts the ranges together.

A CSV range must start at a row: a newline inside a quoted cell is not one.
Ranges are cut where the count of quote characters so far is even, and each
worker proves its cut by parsing its range with one more line after it; if
that line does not come out as a row of its own (a stray quote inside an
unquoted cell breaks the parity rule), the rest of the file is checked in
one process from the last proven row.
"""

from __future__ import annotations

import csv
import io
from array import array
from collections import Counter, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Any

from leadlint.encoding import sniff_encoding
from leadlint.engine import Engine, LeadResult
from leadlint.models import Diagnostic, Summary
from leadlint.readers import Source
from leadlint.rules.input import EMPTY_FILE
from leadlint.rules.records import KeyBatch

# What follows a CSV range in its worker: a row of its own iff the cut was at a row.
_SENTINEL = "\x00leadlint-range-end\x00"
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
    # NDJSON: where each line of the range starts (and, last, where the data
    # ends), so the parent reads one lead again, not the whole range.
    line_starts: array[int] | None = None
    # With the engine's ``range_audit``: the range tallied where it was read
    # (``results`` is then empty: the parent rebuilds no finding).
    tallied: Tallied | None = None


@dataclass(slots=True)
class Tallied:
    """A range's audit tally, made by its worker (see ``Engine.range_audit``)."""

    audit: Any  # the filled ``range_audit()``, folded
    codes: dict[int, list[str]]  # the codes found in each lead that has findings, by range index
    summary: Summary  # the range's findings counted

    def add(self, display: str, index: int | None, view: Any, found: list[Diagnostic]) -> None:
        """One result with findings (index None: about the file)."""
        for diagnostic in found:
            self.summary.add(diagnostic)
        if index is None:
            self.audit.lead(display, index, view, found)
            return
        codes = self.codes[index] = [diagnostic.code for diagnostic in found]
        self.audit.add_codes(display, view, codes)

    def finish(self, display: str, views: list[Any]) -> None:
        """Count the range's clean leads, and fold them in here, not in the parent."""
        self.audit.clean(display, clean_counts(views, self.codes))
        self.audit.fold()


def split_file(
    source: Source,
    handle: Any,
    total: int,
    path: Path,
    url: str | None = None,
    storage_options: tuple[tuple[str, Any], ...] = (),
    *,
    size: int,
) -> Plan | None:
    """The ranges of an NDJSON or CSV file read through ``handle`` (seekable, binary).

    None when the file must be read in one piece: a byte order mark or
    UTF-16/32 (the one-process path reports them), a CSV header with problems.
    """
    handle.seek(0)
    _skip, problems, _readable = sniff_encoding(handle.read(4))
    if problems:
        return None
    if source.format == "ndjson":
        bounds = line_bounds(handle, 0, total, size)
        return Plan(source, path, bounds, url=url, storage_options=storage_options)
    header = _csv_header(handle)
    if header is None:
        return None
    bounds = _quoted_bounds(handle, len(header), size)
    return Plan(
        source, path, bounds, header, header.count(b"\n"), url=url, storage_options=storage_options
    )


def line_bounds(handle: Any, start: int, total: int, size: int) -> list[tuple[int, int]]:
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


def check_range(
    engine: Engine, plan: Plan, start: int, end: int, data: bytes | None = None
) -> RangeResult:
    """One range of a file (or ``data``), checked by a worker's ``engine`` (duplicates deferred)."""
    if data is None:
        data = plan.read(start, end)
    stream = io.BufferedReader(io.BytesIO(plan.header + data))
    return collect_range(
        engine, plan, stream, data, not plan.header or _ends_at_row(plan.header + data)
    )


def collect_range(
    engine: Engine, plan: Plan, stream: Any, data: bytes, proven: bool
) -> RangeResult:
    """Check the records of ``stream`` (one range) with duplicates deferred into arrays."""
    # A range of a file cut in several says nothing of the file being empty:
    # that is decided once the ranges are put together.
    split = len(plan.bounds) > 1
    summary = Summary()
    batch = engine.deferred = KeyBatch(engine.settings.show_values)
    views: list[Any] | None = None
    results = []
    tallied = None
    try:
        if engine.lead_view is None:
            for result in engine.lead_results(plan.source, stream, plan.path, summary):
                if result[2] and not (split and _no_leads(result)):
                    results.append((result[0], result[1], [_sent(d) for d in result[2]]))
        else:
            views = []
            seen: dict[Any, Any] = {}  # one object per distinct view: pickled once
            if engine.range_audit is not None:
                tallied = Tallied(engine.range_audit(), {}, summary)
            for result in engine.lead_results(plan.source, stream, plan.path, summary):
                index, view, found = result
                if index is not None:
                    views.append(seen.setdefault(view, view))
                if not found or (split and _no_leads(result)):
                    continue
                if tallied is not None:
                    tallied.add(plan.source.display, index, view, found)
                else:
                    results.append((index, view, [_sent(d) for d in found]))
    finally:
        engine.deferred = None
    batch.finish()
    if tallied is not None:
        assert views is not None
        tallied.finish(plan.source.display, views)
        # The parent reads no lead again: an audit's repeats need no position.
        return RangeResult(
            [], summary.records, data.count(b"\n"), proven, batch, views, None, tallied
        )
    starts = _line_starts(data) if plan.source.format == "ndjson" and batch.by_code else None
    return RangeResult(results, summary.records, data.count(b"\n"), proven, batch, views, starts)


def clean_counts(views: Sequence[Any], dirty: Iterable[int]) -> Counter[Any]:
    """The views of a range's leads, counted, but for the leads of range index ``dirty``."""
    counts = Counter(views)
    for index in dirty:
        counts[views[index]] -= 1
    return +counts


def _line_starts(data: bytes) -> array[int]:
    """The offset of each line of ``data``, then the offset one past its end (all in C)."""
    return array("Q", accumulate(map((1).__add__, map(len, data.split(b"\n"))), initial=0))


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
    """A range's own "no leads" finding."""
    index, _view, found = result
    return index is None and all(d.code == EMPTY_FILE.code for d in found)


def _ends_at_row(data: bytes) -> bool:
    """Whether a CSV text ends at a row: one more line then reads as a row of its own."""
    text = data.decode("utf-8", "surrogateescape")
    if not text.endswith("\n"):
        return True  # the end of the file
    rows = csv.reader(io.StringIO(text + _SENTINEL + "\n", newline=""), strict=False)
    return deque(rows, maxlen=1) == deque([[_SENTINEL]])
