"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` per finding.

GitHub turns each line into an annotation on the file. No summary line is
written (it would be one more annotation); the exit status tells the result.
Findings ``--fix`` has fixed are left out. Values are never printed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from leadlint.models import Diagnostic, Severity, Summary

if TYPE_CHECKING:
    from leadlint.report import Style

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """The message after ``::`` (actions/toolkit ``escapeData``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A ``key=value`` property (actions/toolkit ``escapeProperty``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_diagnostic(diagnostic: Diagnostic, style: Style) -> str:
    if diagnostic.applied:
        return ""
    loc = diagnostic.location
    properties = [("file", loc.file)]
    if loc.line is not None:
        properties.append(("line", str(loc.line)))
        if loc.column is not None:
            properties.append(("col", str(loc.column)))
    properties.append(("title", f"{diagnostic.code} {diagnostic.name}"))
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    command = COMMANDS[diagnostic.severity]
    return f"::{command} {props}::{escape_data(diagnostic.message)}\n"


def render_end(summary: Summary, style: Style) -> str:
    return ""
