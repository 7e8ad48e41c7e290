"""A progress line on stderr for long runs: records done, records/s and ETA.

Drawn with ``rich`` when it is installed, else ``tqdm``, else as a plain
carriage-return line. The report goes to stdout, so progress never mixes with
it. :func:`progress_enabled` decides when to show it: only on an interactive
stderr and never with ``--no-progress``; the output format does not matter
(the report is on stdout), except ``github``, whose workflow commands only run
in CI, where progress would be noise.

Cost per record is a counter increment; the clock is read every
``CHECK_EVERY`` records and the display redrawn at most ``MAX_REFRESH_HZ``
times a second. The ETA is computed from bytes (``total_bytes`` and the
``nbytes`` passed to :meth:`Progress.advance` or :meth:`Progress.set_bytes`);
without a byte total there is no ETA.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import IO, Any, Protocol

MAX_REFRESH_HZ = 10
MIN_INTERVAL = 1.0 / MAX_REFRESH_HZ
CHECK_EVERY = 64


def progress_enabled(stderr_is_tty: bool, no_progress: bool, output_format: str) -> bool:
    """Whether ``check`` shows progress: interactive stderr, no ``--no-progress``, not github."""
    if no_progress or not stderr_is_tty:
        return False
    return output_format != "github"


def format_line(records: int, elapsed: float, done_bytes: int, total_bytes: int | None) -> str:
    """``12,345 leads · 4,321 leads/s · ETA 0:00:12`` (no ETA without a byte total)."""
    rate = records / elapsed if elapsed > 0 else 0.0
    parts = [f"{records:,} leads", f"{rate:,.0f} leads/s"]
    if total_bytes and done_bytes > 0 and elapsed > 0:
        remaining = max(total_bytes - done_bytes, 0) * elapsed / done_bytes
        parts.append(f"ETA {_clock(remaining)}")
    return "leadlint: " + " · ".join(parts)


def _clock(seconds: float) -> str:
    whole = int(seconds + 0.5)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"


class _Display(Protocol):
    def show(self, line: str, done_bytes: int) -> None: ...

    def close(self) -> None: ...


class _PlainDisplay:
    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.width = 0

    def show(self, line: str, done_bytes: int) -> None:
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = len(line)

    def close(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


class _RichDisplay:
    def __init__(self, stream: IO[str], total_bytes: int | None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn

        console = Console(file=stream, force_terminal=True, highlight=False)
        columns: list[Any] = [TextColumn("{task.description}")]
        if total_bytes:
            columns.insert(0, BarColumn())
        # We refresh ourselves (throttled): no background thread.
        self.progress = Progress(*columns, console=console, auto_refresh=False, transient=True)
        self.task = self.progress.add_task("", total=total_bytes or None)
        self.progress.start()

    def show(self, line: str, done_bytes: int) -> None:
        self.progress.update(self.task, description=line, completed=done_bytes)
        self.progress.refresh()

    def close(self) -> None:
        self.progress.stop()


class _TqdmDisplay:
    def __init__(self, stream: IO[str], total_bytes: int | None) -> None:
        from tqdm import tqdm  # type: ignore[import-untyped,import-not-found,unused-ignore]

        bar = "{desc} {bar}" if total_bytes else "{desc}"
        self.bar = tqdm(
            total=total_bytes or None,
            file=stream,
            bar_format=bar,
            leave=False,
            mininterval=0,
            dynamic_ncols=True,
        )

    def show(self, line: str, done_bytes: int) -> None:
        self.bar.n = done_bytes
        self.bar.set_description_str(line, refresh=False)
        self.bar.refresh()

    def close(self) -> None:
        self.bar.close()


def _make_display(stream: IO[str], total_bytes: int | None, backend: str | None) -> _Display:
    order = [backend] if backend else ["rich", "tqdm", "plain"]
    for name in order:
        try:
            if name == "rich":
                return _RichDisplay(stream, total_bytes)
            if name == "tqdm":
                return _TqdmDisplay(stream, total_bytes)
        except ImportError:
            continue
        if name == "plain":
            return _PlainDisplay(stream)
    raise ImportError(f"progress backend {backend!r} is not installed")


class Progress:
    """``with Progress(total_bytes, enabled) as progress: ... progress.advance()``.

    Disabled, it writes nothing and costs one counter increment per record.
    ``stream`` (default ``sys.stderr``), ``clock`` and ``backend`` (``rich``,
    ``tqdm`` or ``plain``; default: the first installed) are for tests.
    """

    def __init__(
        self,
        total_bytes: int | None,
        enabled: bool,
        *,
        stream: IO[str] | None = None,
        clock: Callable[[], float] = time.monotonic,
        backend: str | None = None,
    ) -> None:
        self.total_bytes = total_bytes
        self.enabled = enabled
        self.records = 0
        self.done_bytes = 0
        self.refreshes = 0
        self._stream = stream
        self._clock = clock
        self._backend = backend
        self._display: _Display | None = None
        self._start = 0.0
        self._last = 0.0
        self._next_check = CHECK_EVERY

    def __enter__(self) -> Progress:
        if self.enabled:
            self._start = self._last = self._clock()
            stream = self._stream if self._stream is not None else sys.stderr
            self._display = _make_display(stream, self.total_bytes, self._backend)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._display is not None:
            self._display.close()
            self._display = None

    def advance(self, records: int = 1, nbytes: int = 0) -> None:
        """Count ``records`` more leads (and ``nbytes`` more bytes read)."""
        self.records += records
        self.done_bytes += nbytes
        if self.records >= self._next_check and self._display is not None:
            self._next_check = self.records + CHECK_EVERY
            self._maybe_refresh()

    def set_bytes(self, done_bytes: int) -> None:
        """Set how many bytes of ``total_bytes`` have been read (e.g. at the end of a file)."""
        self.done_bytes = done_bytes
        if self._display is not None:
            self._maybe_refresh()

    def _maybe_refresh(self) -> None:
        now = self._clock()
        if now - self._last < MIN_INTERVAL:
            return
        self._last = now
        self.refresh(now)

    def refresh(self, now: float | None = None) -> None:
        """Redraw now (unthrottled)."""
        if self._display is None:
            return
        elapsed = (self._clock() if now is None else now) - self._start
        self.refreshes += 1
        line = format_line(self.records, elapsed, self.done_bytes, self.total_bytes)
        self._display.show(line, self.done_bytes)
