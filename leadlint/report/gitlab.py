"""GitLab Code Quality (a subset of the Code Climate issue format): a JSON array.

Fingerprints are the SARIF ones (sha256, independent of line numbers), so an
issue keeps its identity across merge requests. Values are never included.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from leadlint.models import Diagnostic, Severity, Summary
from leadlint.report.sarif import fingerprints, reported

if TYPE_CHECKING:
    from leadlint.report import Style

SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def _issue(diagnostic: Diagnostic, print_: str) -> dict[str, Any]:
    loc = diagnostic.location
    return {
        "description": diagnostic.message,
        "check_name": diagnostic.code,
        "fingerprint": print_,
        "severity": SEVERITIES[diagnostic.severity],
        "location": {"path": loc.file, "lines": {"begin": loc.line or 1}},
    }


def render_document(diagnostics: list[Diagnostic], summary: Summary, style: Style) -> str:
    shown = reported(diagnostics)
    issues = [_issue(d, p) for d, p in zip(shown, fingerprints(shown), strict=True)]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
