"""The version-1 JSON report (DESIGN.md section 5; a contract other tools parse)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from leadlint.models import Diagnostic, Summary

if TYPE_CHECKING:
    from leadlint.report import Style

VERSION = 1


def diagnostic_dict(diagnostic: Diagnostic) -> dict[str, Any]:
    loc = diagnostic.location
    fix = diagnostic.fix
    return {
        "code": diagnostic.code,
        "name": diagnostic.name,
        "severity": diagnostic.severity.value,
        "message": diagnostic.message,
        "file": loc.file,
        "record": loc.record,
        "line": loc.line,
        "column": loc.column,
        "pointer": loc.pointer,
        "lead_id": loc.lead_id,
        "fix": None if fix is None else _fix_dict(diagnostic),
    }


def _fix_dict(diagnostic: Diagnostic) -> dict[str, Any]:
    assert diagnostic.fix is not None
    fix: dict[str, Any] = {
        "title": diagnostic.fix.title,
        "applicability": diagnostic.fix.applicability.value,
    }
    if diagnostic.applied:
        fix["applied"] = True
    return fix


def render_diagnostic(diagnostic: Diagnostic, style: Style) -> str:
    """One element of the ``diagnostics`` array (values are never included)."""
    return orjson.dumps(diagnostic_dict(diagnostic)).decode()


def summary_dict(summary: Summary) -> dict[str, int]:
    return {
        "files": summary.files,
        "records": summary.records,
        "errors": summary.errors,
        "warnings": summary.warnings,
        "infos": summary.infos,
        "fixable": summary.fixable,
        **({"fixed": summary.fixed} if summary.fixed else {}),
    }


def render_document_head(summary: Summary, style: Style) -> str:
    """Everything before the diagnostics; the caller joins them and closes with ``]}``."""
    head = orjson.dumps({"version": VERSION, "summary": summary_dict(summary)}).decode()
    return head[:-1] + ',"diagnostics":['
