"""The progress line (leadlint/progress.py): off by default, throttled, on stderr only."""

from __future__ import annotations

import io
import re

import pytest

from leadlint.progress import (
    CHECK_EVERY,
    MAX_REFRESH_HZ,
    Progress,
    format_line,
    progress_enabled,
)

BACKENDS = ["rich", "plain"]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)


@pytest.mark.parametrize(
    ("tty", "no_progress", "fmt", "expected"),
    [
        (True, False, "text", True),
        (True, False, "json", True),
        (True, False, "jsonl", True),
        (True, False, "github", False),
        (True, True, "text", False),
        (False, False, "text", False),
        (False, True, "json", False),
    ],
)
def test_progress_enabled(tty: bool, no_progress: bool, fmt: str, expected: bool) -> None:
    assert progress_enabled(tty, no_progress, fmt) is expected


def test_disabled_writes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    clock = FakeClock()
    with Progress(1000, False, clock=clock) as progress:
        for _ in range(10 * CHECK_EVERY):
            clock.now += 1
            progress.advance(nbytes=1)
        progress.set_bytes(1000)
        progress.refresh()
    assert progress.records == 10 * CHECK_EVERY
    assert progress.refreshes == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out == ""


def test_default_stream_is_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    clock = FakeClock()
    with Progress(None, True, clock=clock, backend="plain") as progress:
        clock.now += 1
        progress.advance(CHECK_EVERY)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"{CHECK_EVERY:,} leads" in captured.err


@pytest.mark.parametrize("backend", BACKENDS)
def test_enabled_shows_record_count_and_rate(backend: str) -> None:
    stream = io.StringIO()
    clock = FakeClock()
    with Progress(None, True, stream=stream, clock=clock, backend=backend) as progress:
        for _ in range(1234):
            clock.now += 0.001
            progress.advance()
        progress.refresh()
    text = plain(stream.getvalue())
    assert "1,234 leads" in text
    assert "leads/s" in text
    assert "ETA" not in text  # no byte total: no ETA


def test_eta_from_bytes() -> None:
    stream = io.StringIO()
    clock = FakeClock()
    with Progress(1000, True, stream=stream, clock=clock, backend="plain") as progress:
        clock.now += 10
        progress.advance(CHECK_EVERY, nbytes=250)  # a quarter in 10 s: 30 s left
    assert "ETA 0:00:30" in stream.getvalue()
    assert format_line(100, 0.0, 0, 1000) == "leadlint: 100 leads · 0 leads/s"
    assert format_line(500, 5.0, 500, 1000).endswith("100 leads/s · ETA 0:00:05")


@pytest.mark.parametrize("backend", BACKENDS)
def test_refreshes_at_most_ten_times_a_second(backend: str) -> None:
    stream = io.StringIO()
    clock = FakeClock()
    seconds = 3
    per_second = 100_000
    with Progress(None, True, stream=stream, clock=clock, backend=backend) as progress:
        for _ in range(seconds * per_second):
            clock.now += 1 / per_second
            progress.advance()
    assert progress.records == seconds * per_second
    assert MAX_REFRESH_HZ * seconds - 2 <= progress.refreshes <= MAX_REFRESH_HZ * seconds + 1


def test_clock_read_only_every_n_records() -> None:
    calls = 0

    def clock() -> float:
        nonlocal calls
        calls += 1
        return 0.0

    with Progress(None, True, stream=io.StringIO(), clock=clock, backend="plain") as progress:
        for _ in range(100 * CHECK_EVERY):
            progress.advance()
    assert calls <= 101  # once at start, then once per CHECK_EVERY records


def test_plain_display_clears_its_line() -> None:
    stream = io.StringIO()
    clock = FakeClock()
    with Progress(None, True, stream=stream, clock=clock, backend="plain") as progress:
        clock.now += 1
        progress.advance(CHECK_EVERY)
    output = stream.getvalue()
    assert output.startswith("\r")
    assert output.endswith("\r")
    assert "\n" not in output
