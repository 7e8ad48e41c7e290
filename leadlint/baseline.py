"""Baselines: record today's findings, then report only new ones.

``write_baseline`` saves the findings of a run; ``Baseline.filter`` hides those
findings in a later run and yields the rest. A finding is identified by

* its file, as a POSIX path relative to the baseline file's directory (so the
  baseline works whatever the current directory; stdin stays ``-``),
* the lead's key (``Location.lead_key``): the lead's id, else its external
  id, else a hash of its content; ``None`` for file-level findings,
* the rule code and the JSON Pointer inside the lead.

Positions (record number, line, column) are not part of the key, so
reordering the leads of a file hides the same findings. Identity is the
lead's id: a lead with an id keeps its hidden findings when its content
changes (same code and pointer); a lead without any id is keyed by a hash of
its content, so once it changes its findings come back.

The file holds no lead values: only file names, ids or hashes, codes and
pointers. Each entry has a ``count``, consumed as findings match it: a key
recorded once hides one finding, a second one like it is shown. Entries that
matched nothing are *stale* (the problem was fixed); rewriting the baseline
drops them, so a baseline only ever shrinks.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from leadlint.models import Diagnostic
from leadlint.writer import write_atomic

VERSION = 1
TOOL = "leadlint"
STDIN = "-"

# (file, lead key, code, pointer)
Key = tuple[str, str | None, str, str]


class BaselineError(Exception):
    """A baseline file that is missing, unreadable or not a leadlint baseline."""


def normalize_file(file: str, base_dir: Path) -> str:
    """``file`` (as given on the command line) relative to ``base_dir``, POSIX style."""
    if file == STDIN:
        return file
    absolute = os.path.abspath(file)
    try:
        relative = os.path.relpath(absolute, os.path.abspath(base_dir))
    except ValueError:  # another drive on Windows
        return Path(absolute).as_posix()
    return Path(relative).as_posix()


def finding_key(diagnostic: Diagnostic, base_dir: Path) -> Key:
    location = diagnostic.location
    lead = None if location.record is None else location.lead_key
    return (normalize_file(location.file, base_dir), lead, diagnostic.code, location.pointer)


def _sort_key(key: Key) -> tuple[str, str, str, str]:
    file, lead, code, pointer = key
    return (file, lead or "", code, pointer)


def _entry(key: Key, count: int) -> dict[str, Any]:
    file, lead, code, pointer = key
    return {"file": file, "lead": lead, "code": code, "pointer": pointer, "count": count}


def write_baseline(path: Path, diagnostics: Iterable[Diagnostic]) -> int:
    """Write the findings (not those already fixed) to ``path``; return the entry count."""
    path = Path(path)
    base_dir = path.parent
    counts: Counter[Key] = Counter(finding_key(d, base_dir) for d in diagnostics if not d.applied)
    findings = [_entry(key, counts[key]) for key in sorted(counts, key=_sort_key)]
    document = {"version": VERSION, "tool": TOOL, "findings": findings}
    data = orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"
    write_atomic(path, data)
    return len(findings)


class Baseline:
    """Known findings; :meth:`filter` hides them, :meth:`stale` lists the fixed ones."""

    def __init__(self, entries: Iterable[dict[str, Any]], base_dir: Path) -> None:
        self.base_dir = base_dir
        self._entries: dict[Key, dict[str, Any]] = {}
        self._remaining: Counter[Key] = Counter()
        for entry in entries:
            key: Key = (entry["file"], entry["lead"], entry["code"], entry["pointer"])
            count = int(entry.get("count", 1))
            if key in self._entries:
                self._entries[key]["count"] += count
            else:
                self._entries[key] = _entry(key, count)
            self._remaining[key] += count
        self.hidden = 0

    @classmethod
    def load(cls, path: Path) -> Baseline:
        path = Path(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise BaselineError(f"{path}: no such baseline file") from None
        except OSError as error:
            raise BaselineError(f"{path}: cannot read baseline: {error.strerror}") from None
        try:
            document = orjson.loads(data)
        except orjson.JSONDecodeError as error:
            raise BaselineError(f"{path}: not valid JSON: {error}") from None
        if not isinstance(document, dict) or document.get("tool", TOOL) != TOOL:
            raise BaselineError(f"{path}: not a leadlint baseline")
        if document.get("version") != VERSION:
            raise BaselineError(
                f"{path}: unsupported baseline version {document.get('version')!r} "
                f"(expected {VERSION}); write it again with --write-baseline"
            )
        findings = document.get("findings")
        if not isinstance(findings, list) or not all(_valid_entry(e) for e in findings):
            raise BaselineError(f"{path}: malformed baseline (bad 'findings')")
        return cls(findings, path.parent)

    def filter(self, diagnostics: Iterable[Diagnostic]) -> Iterator[Diagnostic]:
        """Yield the findings not in the baseline; fixed findings always pass."""
        for diagnostic in diagnostics:
            if not diagnostic.applied:
                key = finding_key(diagnostic, self.base_dir)
                if self._remaining[key] > 0:
                    self._remaining[key] -= 1
                    self.hidden += 1
                    continue
            yield diagnostic

    def stale(self) -> list[dict[str, Any]]:
        """Entries that matched no finding (after :meth:`filter` has been consumed).

        An entry whose count was only partly used reports the unused count.
        """
        stale = []
        for key in sorted(self._entries, key=_sort_key):
            left = self._remaining[key]
            if left > 0:
                stale.append(_entry(key, left))
        return stale

    def __len__(self) -> int:
        return len(self._entries)


def _valid_entry(entry: Any) -> bool:
    if not isinstance(entry, dict):
        return False
    lead = entry.get("lead")
    count = entry.get("count", 1)
    return (
        isinstance(entry.get("file"), str)
        and (lead is None or isinstance(lead, str))
        and isinstance(entry.get("code"), str)
        and isinstance(entry.get("pointer"), str)
        and isinstance(count, int)
        and not isinstance(count, bool)
        and count >= 1
    )
