"""Large NDJSON files across every core.

The file is cut into byte ranges at line ends; worker processes (forked, so
they share the parent's compiled engine) check one range each and send back
its diagnostics with range-local line and record numbers, which the parent
shifts into place, in file order. Memory stays bounded by the range size and
the number of ranges in flight, whatever the file's size (DESIGN.md
section 9: byte ranges per worker scale better than pickling lines).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from leadlint.encoding import sniff_encoding
from leadlint.engine import Engine
from leadlint.models import Diagnostic, Summary
from leadlint.readers import Source
from leadlint.rules.input import EMPTY_FILE

CHUNK_BYTES = 8 << 20
MIN_PARALLEL_BYTES = 2 * CHUNK_BYTES

_engine: Engine | None = None  # the forked workers' engine


def worth_splitting(source: Source, path: Path, jobs: int) -> bool:
    """Whether a file is an NDJSON file big enough to gain from workers."""
    if jobs < 2 or source.format != "ndjson":
        return False
    try:
        if path.stat().st_size < MIN_PARALLEL_BYTES:
            return False
        import multiprocessing  # only for files big enough to split

        if "fork" not in multiprocessing.get_all_start_methods():
            return False
        with path.open("rb") as handle:
            _skip, problems, _readable = sniff_encoding(handle.read(4))
    except OSError:
        return False
    return not problems  # BOMs and UTF-16/32 take the one-process path


def chunk_bounds(path: Path, size: int | None = None) -> list[tuple[int, int]]:
    """Byte ranges of about ``size`` bytes, each ending after a newline (or at EOF)."""
    size = size or CHUNK_BYTES
    total = path.stat().st_size
    bounds = []
    start = 0
    with path.open("rb") as handle:
        while start < total:
            handle.seek(min(start + size, total))
            handle.readline()
            end = min(handle.tell(), total)
            bounds.append((start, end))
            start = end
    return bounds


def _check_range(job: tuple[Source, str, int, int]) -> tuple[list[Diagnostic], Summary, int]:
    source, path, start, end = job
    assert _engine is not None
    with open(path, "rb") as handle:
        handle.seek(start)
        data = handle.read(end - start)
    summary = Summary()
    stream = io.BufferedReader(io.BytesIO(data))
    found = [
        d
        for d in _engine.lint_source(source, stream, Path(path), summary)
        if d.code != EMPTY_FILE.code
    ]
    return found, summary, data.count(b"\n")


def lint_in_parallel(
    engine: Engine, source: Source, path: Path, jobs: int, summary: Summary
) -> Iterator[Diagnostic]:
    """Diagnostics of one big NDJSON file, in file order, from ``jobs`` workers."""
    global _engine
    _engine = engine
    bounds = chunk_bounds(path)
    jobs_list = [(source, str(path), start, end) for start, end in bounds]
    import multiprocessing

    context = multiprocessing.get_context("fork")
    lines_before = 0
    records_before = 0
    summary.files += 1
    with context.Pool(min(jobs, len(bounds))) as pool:
        for found, part, newlines in pool.imap(_check_range, jobs_list):
            for diagnostic in found:
                moved = _shift(diagnostic, lines_before, records_before)
                summary.add(moved)
                yield moved
            lines_before += newlines
            records_before += part.records
    summary.records += records_before
    summary.records_by_file[source.display] = records_before
    if records_before == 0:
        for diagnostic in engine.empty_file_diagnostic(source.display, lines_before, path):
            summary.add(diagnostic)
            yield diagnostic


def _shift(diagnostic: Diagnostic, lines: int, records: int) -> Diagnostic:
    loc = diagnostic.location
    location = replace(
        loc,
        line=None if loc.line is None else loc.line + lines,
        record=None if loc.record is None else loc.record + records,
    )
    return replace(diagnostic, location=location)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
