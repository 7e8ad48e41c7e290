"""Large NDJSON and CSV files across every core.

The file is cut into byte ranges at record ends (``ranges.py``); forked
worker processes (sharing the parent's compiled engine) check one range each,
and the parent puts the ranges together in file order (``assemble.py``), so
a parallel run reports exactly what one process reports, duplicates
included. Memory stays bounded by the range size and the number of ranges in
flight, whatever the file's size (DESIGN.md section 9: byte ranges per
worker scale better than pickling lines).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from leadlint.assemble import assemble
from leadlint.engine import Engine
from leadlint.models import Diagnostic, Summary
from leadlint.ranges import Plan, RangeResult, check_range, line_bounds, split_file
from leadlint.readers import Source

CHUNK_BYTES = 8 << 20
MIN_PARALLEL_BYTES = 2 * CHUNK_BYTES

_engine: Engine | None = None  # the forked workers' engine


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
            return split_file(source, handle, total, path, size=CHUNK_BYTES)
    except OSError:
        return None


def chunk_bounds(path: Path, size: int | None = None, start: int = 0) -> list[tuple[int, int]]:
    """Byte ranges of about ``size`` bytes, each ending after a newline (or at EOF)."""
    with path.open("rb") as handle:
        return line_bounds(handle, start, path.stat().st_size, size or CHUNK_BYTES)


def _check_range(job: tuple[Plan, int, int]) -> RangeResult:
    plan, start, end = job
    assert _engine is not None
    return check_range(_engine, plan, start, end)


def lint_in_parallel(
    engine: Engine, plan: Plan, jobs: int, summary: Summary
) -> Iterator[Diagnostic]:
    """Diagnostics of one big file, in file order, from ``jobs`` workers."""
    global _engine
    _engine = engine
    import multiprocessing

    pool = multiprocessing.get_context("fork").Pool(min(jobs, len(plan.bounds)))
    _widen_result_pipe(pool)
    with pool:
        jobs_list = [(plan, start, end) for start, end in plan.bounds]
        yield from assemble(engine, plan, _windowed(pool, jobs_list, 2 * jobs), summary)
        pool.terminate()


def _widen_result_pipe(pool: Any) -> None:
    """Let a worker write a whole range's result (about 0.6 MB) and go on to its next range.

    A pipe holds 64 KiB: a worker would wait, mid-write, for the parent's
    result thread, which reads between the main thread's merges (it needs the
    GIL). Linux lets a pipe grow to ``/proc/sys/fs/pipe-max-size`` (1 MiB by
    default); where it cannot, the pipe stays as it is.
    """
    try:
        import fcntl

        fcntl.fcntl(pool._outqueue._writer.fileno(), fcntl.F_SETPIPE_SZ, _RESULT_PIPE_BYTES)
    except (AttributeError, OSError):
        pass


_RESULT_PIPE_BYTES = 1 << 20


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


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
