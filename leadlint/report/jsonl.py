"""One JSON object per diagnostic per line (same fields as the JSON report)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from leadlint.models import Diagnostic, Summary
from leadlint.report.json import render_diagnostic as _one

if TYPE_CHECKING:
    from leadlint.report import Style


def render_diagnostic(diagnostic: Diagnostic, style: Style) -> str:
    return _one(diagnostic, style) + "\n"


def render_end(summary: Summary, style: Style) -> str:
    return ""
