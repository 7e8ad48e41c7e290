"""Putting a file's checked ranges together, exactly as one process reads the file.

The process that runs the show (the parent of the worker processes, a Dask
client) takes each range's :class:`~leadlint.ranges.RangeResult` in range
order: it shifts line and record numbers into place, decides the duplicate
keys in run order (:meth:`DuplicateTables.resolve`: hashes, never values),
reads a lead again only where a key is a repeat (to say where the field
is), and calls the engine's hooks, so the findings, their order and the
audit are those of a one-process run. An audit that wants no findings
(``Engine.range_audit``) has each worker tally its own range: the parent
then only decides the keys and counts again the few leads that gain a
repeat.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from leadlint.engine import Engine, _position_key, lead_id, lead_key
from leadlint.models import Diagnostic, Location, Severity, Summary
from leadlint.ranges import (
    Plan,
    RangeResult,
    Reader,
    Sent,
    SentResult,
    Tallied,
    clean_counts,
    collect_range,
)
from leadlint.readers import read_source
from leadlint.records import ReadOptions, Record
from leadlint.rules import BY_CODE


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
    # A range's line starts are byte offsets in the file: of use only to plan.read.
    exact = read is None
    read = read or plan.read
    display = plan.source.display
    file_number = engine.start_file(display)
    summary.files += 1
    lines_before = plan.header_lines
    records_before = 0
    for number, ((start, end), part) in enumerate(zip(plan.bounds, parts, strict=False)):
        if number == 0:
            engine.duplicates.expect(part.keys, len(plan.bounds))
        if not part.proven and start != plan.bounds[-1][0]:
            yield from _rest_in_one_process(
                engine, plan, start, file_number, lines_before, records_before, summary
            )
            return
        shift = lines_before - plan.header_lines
        starts = part.line_starts if exact else None
        text = _RangeText(plan, (start, end), engine.read_options, read, starts)
        yield from _merge(engine, plan, text, file_number, part, shift, records_before, summary)
        lines_before += part.newlines
        records_before += part.records
    summary.records += records_before
    summary.records_by_file[display] = records_before
    if records_before == 0 and len(plan.bounds) > 1:  # one range reported it itself
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
    if part.tallied is not None:
        _merge_tallied(engine, part, part.tallied, display, file_number, records, summary)
        return
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


def _merge_tallied(
    engine: Engine,
    part: RangeResult,
    tallied: Tallied,
    display: str,
    file_number: int,
    records: int,
    summary: Summary,
) -> None:
    """A range its worker tallied: only the leads that gain a repeat are counted again."""
    assert engine.range_sink is not None and part.views is not None
    gained: dict[int, list[str]] = {}
    for code, keyed, position in engine.duplicates.resolve(part.keys, file_number, records):
        gained.setdefault(keyed.lead(position), []).append(code)
    for local, codes in gained.items():
        before = tallied.codes.get(local, [])
        tallied.audit.correct(display, part.views[local], before, before + codes)
        for code in codes:
            summary.count(BY_CODE[code].severity)
    summary.add_counts(tallied.summary)
    engine.range_sink(tallied.audit)


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
        pointer = keyed.pointer(position)
        local = keyed.lead(position)
        again = _LeadAgain(text, part.keys.line(local), local, lines, engine.locate_findings)
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
    engine.clean_sink(display, clean_counts(views, emitted))


class _LeadAgain:
    """Lead ``index`` of a range (at range line ``line``), read again when needed."""

    def __init__(
        self, text: _RangeText, line: int | None, index: int, shift: int, locate: bool = True
    ) -> None:
        self.text, self.line, self.index, self.shift = text, line, index, shift
        self.locate = locate  # the field's own position (else the lead's), as Engine._stamp

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
        located = record.locate(pointer) if self.locate else None
        found_line, column = located or (record.line, record.column)
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
        self,
        plan: Plan,
        span: tuple[int, int],
        options: ReadOptions,
        read: Reader,
        line_starts: Sequence[int] | None = None,
    ) -> None:
        self.plan = plan
        self.options = options
        self.read = read
        self.span = span
        self._data: bytes | None = None
        self._line_starts = [0]  # byte offset of each line of the range, found as needed
        self._known_starts = line_starts  # every line's, when the worker sent them
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
        starts = self._known_starts
        if starts is not None and self.plan.source.format == "ndjson" and line < len(starts):
            # Only the lead's line is read again.
            first, end = self.span[0] + starts[line - 1], self.span[0] + starts[line]
            text = self.read(first, min(end, self.span[1]))
        elif self.plan.source.format == "ndjson":  # the lead is its line: copy no more
            data = self._bytes()
            offset = self._line_offset(line)
            end = data.find(b"\n", offset)
            text = data[offset : None if end < 0 else end + 1]
        else:  # a CSV row may go on over several lines
            data = self._bytes()
            text = self.plan.header + data[self._line_offset(line - self.plan.header_lines) :]
        stream = io.BufferedReader(io.BytesIO(text))
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
    part = collect_range(engine, plan, stream, data, True)
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
    if engine.range_audit is None:  # else the run yields no diagnostics
        yield from found


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
    return Diagnostic(code, name, _SEVERITIES[severity], message, location, fix, value)


_SEVERITIES = {severity.value: severity for severity in Severity}  # cheaper than Severity(...)
