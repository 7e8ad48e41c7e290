"""Output formats: one module per format, chosen from one table.

A format is a pair of pure functions: one renders a diagnostic (streamed as
found), one renders the end of the report from the summary.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from leadlint.models import Diagnostic, Summary
from leadlint.report import json, jsonl, text


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


FORMATTERS: dict[str, Formatter] = {
    "text": Formatter(text.render_diagnostic, text.render_summary),
    "json": Formatter(json.render_diagnostic, json.render_document_head, summary_first=True),
    "jsonl": Formatter(jsonl.render_diagnostic, jsonl.render_end),
}


def write_report(
    diagnostics: Iterator[Diagnostic], summary: Summary, name: str, style: Style, out: IO[str]
) -> None:
    """Stream a report to ``out``; ``summary`` is complete once ``diagnostics`` is exhausted.

    Formats whose summary comes first spool the rendered diagnostics to a
    temporary file, so memory stays flat on files with millions of findings.
    """
    formatter = FORMATTERS[name]
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
