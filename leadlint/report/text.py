"""``path:line:col: CODE [*] message`` and a summary line."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from leadlint.models import Diagnostic, Severity, Summary

if TYPE_CHECKING:
    from leadlint.report import Style

_COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def render_diagnostic(diagnostic: Diagnostic, style: Style) -> str:
    if diagnostic.applied:
        return ""  # fixed: counted in the summary line
    loc = diagnostic.location
    # A file name is as untrusted as the lead: Linux allows ESC and newlines in it.
    where = f"{_clean(loc.file)}:{loc.line or 1}:{loc.column or 1}:"
    code = diagnostic.code
    marker = " [*]" if diagnostic.fix is not None else ""
    message = _clean(diagnostic.message)
    if style.show_values and diagnostic.value is not None:
        message += f" (value: {_clean(diagnostic.value)})"
    if style.color:
        where = click.style(where, bold=True)
        code = click.style(code, fg=_COLORS[diagnostic.severity], bold=True)
    return f"{where} {code}{marker} {message}\n"


def _clean(text: str) -> str:
    """One line, no control characters (a terminal must not be steered)."""
    return "".join(ch if ch.isprintable() else "\N{REPLACEMENT CHARACTER}" for ch in text)


def render_summary(summary: Summary, style: Style) -> str:
    if not style.summary:
        return ""
    leads = _plural(summary.records, "lead")
    files = _plural(summary.files, "file")
    total = summary.errors + summary.warnings + summary.infos
    lines = []
    if summary.fixed:
        lines.append(f"Fixed {_plural(summary.fixed, 'problem')}.")
    if total == 0:
        line = f"All checks passed: {leads} in {files}."
        lines.append(click.style(line, fg="green") if style.color else line)
        return "\n".join(lines) + "\n"
    counts = ", ".join(
        _plural(n, word)
        for n, word in (
            (summary.errors, "error"),
            (summary.warnings, "warning"),
            (summary.infos, "info"),
        )
        if n
    )
    remain = " remain" if summary.fixed else ""
    lines.append(f"Found {_plural(total, 'problem')}{remain} ({counts}) in {leads} from {files}.")
    safe = summary.fixable - summary.unsafe_fixable
    if safe:
        lines.append(f"[*] {safe:,} fixable with `--fix`.")
    if summary.unsafe_fixable:
        lines.append(f"{summary.unsafe_fixable:,} more fixable with `--fix --unsafe-fixes`.")
    return "\n".join(lines) + "\n"


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"
