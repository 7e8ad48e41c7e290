"""Output formats: one module per format, chosen from one table.

A format is a pair of pure functions: one renders a diagnostic (streamed as
found), one renders the end of the report from the summary. A format that
needs every finding at once (SARIF, JUnit, GitLab: CI documents, whose
findings fit in memory) gives a ``document`` function instead.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from leadlint.models import Diagnostic, Summary
from leadlint.report import github, gitlab, json, jsonl, junit, sarif, text


@dataclass(frozen=True, slots=True)
class Style:
    color: bool = False
    show_values: bool = False
    summary: bool = True


@dataclass(frozen=True, slots=True)
class Formatter:
    diagnostic: Callable[[Diagnostic, Style], str]
    finish: Callable[[Summary, Style], str]
    # Documents whose summary comes first buffer their diagnostics.
    summary_first: bool = False
    # Renders the whole report from the complete list (used instead of streaming).
    document: Callable[[list[Diagnostic], Summary, Style], str] | None = None


def _whole_document_only(*_args: object) -> str:
    raise TypeError("this format renders whole documents: use write_report")


def document_formatter(render: Callable[[list[Diagnostic], Summary, Style], str]) -> Formatter:
    """A format rendered in one piece from every diagnostic and the summary."""
    return Formatter(_whole_document_only, _whole_document_only, document=render)


FORMATTERS: dict[str, Formatter] = {
    "text": Formatter(text.render_diagnostic, text.render_summary),
    "json": Formatter(json.render_diagnostic, json.render_document_head, summary_first=True),
    "jsonl": Formatter(jsonl.render_diagnostic, jsonl.render_end),
    "sarif": document_formatter(sarif.render_document),
    "github": Formatter(github.render_diagnostic, github.render_end),
    "junit": document_formatter(junit.render_document),
    "gitlab": document_formatter(gitlab.render_document),
}


def write_report(
    diagnostics: Iterator[Diagnostic], summary: Summary, name: str, style: Style, out: IO[str]
) -> None:
    """Stream a report to ``out``; ``summary`` is complete once ``diagnostics`` is exhausted.

    Formats whose summary comes first spool the rendered diagnostics to a
    temporary file, so memory stays flat on files with millions of findings.
    """
    formatter = FORMATTERS[name]
    if formatter.document is not None:
        found = list(diagnostics)  # exhausted first: now ``summary`` is complete
        out.write(formatter.document(found, summary, style))
        return
    if not formatter.summary_first:
        for diagnostic in diagnostics:
            out.write(formatter.diagnostic(diagnostic, style))
        out.write(formatter.finish(summary, style))
        return
    with tempfile.SpooledTemporaryFile(max_size=8 << 20, mode="w+", encoding="utf-8") as spool:
        separator = ""
        for diagnostic in diagnostics:
            spool.write(separator + formatter.diagnostic(diagnostic, style))
            separator = ","
        out.write(formatter.finish(summary, style))
        spool.seek(0)
        shutil.copyfileobj(spool, out)
        out.write("]}\n")
