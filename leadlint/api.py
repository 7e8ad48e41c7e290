"""The Python API: what the CLI calls, usable from pipeline code.

>>> from leadlint.api import lint_paths
>>> from leadlint.config import Settings
>>> run = lint_paths(["examples/clean"], Settings())
>>> findings = list(run.diagnostics())
>>> run.summary.records > 0
True
"""

from __future__ import annotations

import fnmatch
import io
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import orjson

from leadlint.config import Settings
from leadlint.encoding import UTF8_BOM_BYTES
from leadlint.engine import Engine, path_names
from leadlint.models import (
    Applicability,
    Diagnostic,
    Edit,
    Fix,
    Location,
    Severity,
    Summary,
)
from leadlint.parallel import default_jobs, lint_in_parallel, plan_split
from leadlint.readers import EXTENSIONS, Source, sniff_format
from leadlint.rules.input import UTF8_BOM

if TYPE_CHECKING:
    from leadlint.fixes import FixedLead
    from leadlint.writer import FileFix

STDIN = "-"
_SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", ".leadlint", "node_modules", "__pycache__", ".venv", "venv"}
)


class InputError(Exception):
    """A path that does not exist or cannot be read (exit 2)."""


@dataclass
class LintRun:
    """A lint in progress: iterate :meth:`diagnostics`, then read ``summary``."""

    engine: Engine
    sources: list[tuple[Source, Path | None]]
    stdin: IO[bytes] | None = None
    summary: Summary = field(default_factory=Summary)
    unreadable: list[str] = field(default_factory=list)

    @property
    def jobs(self) -> int:
        return self.engine.settings.jobs or default_jobs()

    def diagnostics(self) -> Iterator[Diagnostic]:
        for source, path in self.sources:
            if path is None:
                assert self.stdin is not None
                yield from self.engine.lint_source(source, self.stdin, None, self.summary)
                continue
            plan = plan_split(source, path, self.jobs)
            if plan is not None:
                yield from lint_in_parallel(self.engine, plan, self.jobs, self.summary)
                continue
            try:
                stream = path.open("rb")
            except OSError as error:
                self.unreadable.append(f"{source.display}: cannot read: {error.strerror}")
                continue
            with stream:
                yield from self.engine.lint_source(source, stream, path, self.summary)


def lint_paths(paths: Sequence[str], settings: Settings, stdin: IO[bytes] | None = None) -> LintRun:
    """Prepare a lint of files, directories and ``-`` (stdin)."""
    engine = Engine(settings)
    return LintRun(engine, collect_sources(paths, settings), stdin)


def lint_leads(
    leads: Iterable[Any], settings: Settings, display: str = "<leads>"
) -> Iterator[Diagnostic]:
    """Check leads already in memory (pipeline code); records are numbered in order.

    Positions refer to the leads written one per line as compact JSON.
    """
    engine = Engine(settings)
    text = b"".join(orjson.dumps(lead) + b"\n" for lead in leads)
    return engine.lint_source(Source(display, "ndjson"), io.BytesIO(text), None, Summary())


def collect_sources(paths: Sequence[str], settings: Settings) -> list[tuple[Source, Path | None]]:
    """Sources in the order given; directories walked for lead files, sorted."""
    found: list[tuple[Source, Path | None]] = []
    for given in paths:
        if given == STDIN:
            found.append((Source(STDIN, settings.stdin_format), None))
            continue
        path = Path(given)
        if path.is_dir():
            found.extend(
                (Source(str(p), EXTENSIONS[p.suffix.lower()]), p) for p in _walk(path, settings)
            )
        elif path.exists():
            found.append((Source(given, EXTENSIONS.get(path.suffix.lower())), path))
        else:
            raise InputError(f"{given}: no such file or directory")
    return found


def _walk(directory: Path, settings: Settings) -> list[Path]:
    files = []
    for folder, dirs, names in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        for name in sorted(names):
            path = Path(folder, name)
            if path.suffix.lower() in EXTENSIONS and not _excluded(path, settings):
                files.append(path)
    return files


def _excluded(path: Path, settings: Settings) -> bool:
    names = path_names(path, settings.root)
    return any(fnmatch.fnmatchcase(name, pattern) for name in names for pattern in settings.exclude)


def exit_code(summary: Summary, fail_on: str, unreadable: bool = False) -> int:
    """The one place the exit status of ``check`` is decided."""
    if unreadable:
        return 2
    if fail_on == "never":
        return 0
    return 1 if summary.count_at_least(Severity(fail_on)) else 0


@dataclass
class FixRun(LintRun):
    """``check --fix`` / ``--diff``: fix each source, then report what remains.

    ``write`` False is ``--diff``: nothing is written and ``files`` keeps each
    source's before and after. Findings that were fixed come first, marked
    ``applied`` (counted in ``summary.fixed``, not as problems).
    """

    unsafe: bool = False
    write: bool = True
    files: list[tuple[str, Path | None, FileFix]] = field(default_factory=list)

    def diagnostics(self) -> Iterator[Diagnostic]:
        # Imported here: a plain check never pays for the fixing machinery.
        from leadlint.fixes import fix_lead
        from leadlint.writer import fix_document, write_atomic

        for source, path in self.sources:
            data = self._read(source, path)
            if data is None:
                continue
            fmt = source.format or sniff_format(io.BufferedReader(io.BytesIO(data)))
            codes = self.engine.codes_for(path)

            def fix_one(lead: Any, codes: frozenset[str] = codes) -> FixedLead:
                return fix_lead(
                    lead, lambda candidate: self.engine.check_lead(candidate, codes), self.unsafe
                )

            bom = data.startswith(UTF8_BOM_BYTES) and UTF8_BOM.code in codes
            result = fix_document(fmt, data, fix_one, self.engine.read_options, strip_bom=bom)
            self.files.append((source.display, path, result))
            if self.write and result.changed and path is not None:
                write_atomic(path, result.fixed)
            if bom:
                self.summary.fixed += 1
                yield _bom_removed(source.display)
            for index, finding in result.applied:
                self.summary.fixed += 1
                location = replace(finding.location, file=source.display, record=index)
                yield replace(finding, location=location, applied=True)
            stream = io.BytesIO(result.fixed)
            yield from self.engine.lint_source(
                Source(source.display, fmt), stream, path, self.summary
            )

    def _read(self, source: Source, path: Path | None) -> bytes | None:
        if path is None:
            assert self.stdin is not None
            return self.stdin.read()
        try:
            return path.read_bytes()
        except OSError as error:
            self.unreadable.append(f"{source.display}: cannot read: {error.strerror}")
            return None


def _bom_removed(display: str) -> Diagnostic:
    fix = Fix("Remove the byte order mark", Applicability.SAFE, (Edit("remove", ""),))
    location = Location(display, None, 1, 1)
    message = "File starts with a UTF-8 byte order mark"
    return Diagnostic(
        UTF8_BOM.code, UTF8_BOM.name, UTF8_BOM.severity, message, location, fix, applied=True
    )


def fix_paths(
    paths: Sequence[str],
    settings: Settings,
    *,
    unsafe: bool = False,
    write: bool = True,
    stdin: IO[bytes] | None = None,
) -> FixRun:
    """Prepare ``check --fix`` (``write``) or ``check --diff`` (not ``write``)."""
    engine = Engine(settings)
    sources = collect_sources(paths, settings)
    return FixRun(engine, sources, stdin, unsafe=unsafe, write=write)
