"""SARIF 2.1.0 for code-scanning dashboards (GitHub, Azure DevOps, IDE viewers).

The document lists every rule leadlint knows, and one result per finding.
Results never carry a lead's values (nor fixes): only codes, messages,
positions, JSON Pointers and a fingerprint that survives edits elsewhere in
the file.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from leadlint import __version__
from leadlint.models import Diagnostic, Severity, Summary
from leadlint.rules import ALL_RULES

if TYPE_CHECKING:
    from leadlint.report import Style

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/leadlint/leadlint"
FINGERPRINT_KEY = "leadlint/v1"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_RULE_INDEX = {rule.code: index for index, rule in enumerate(ALL_RULES)}


def fingerprint(diagnostic: Diagnostic, occurrence: int = 0) -> str:
    """sha256 of (file, lead key or record, code, pointer): line numbers play no part.

    ``occurrence`` tells apart findings that share all four (the second and
    later ones in reading order), so fingerprints stay unique in a report.
    """
    loc = diagnostic.location
    lead: list[Any] = ["key", loc.lead_key] if loc.lead_key is not None else ["record", loc.record]
    parts: list[Any] = [loc.file, lead, diagnostic.code, loc.pointer]
    if occurrence:
        parts.append(occurrence)
    text = json.dumps(parts, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def fingerprints(diagnostics: Sequence[Diagnostic]) -> list[str]:
    """One stable, unique fingerprint per diagnostic, in order."""
    seen: Counter[str] = Counter()
    result = []
    for diagnostic in diagnostics:
        base = fingerprint(diagnostic)
        result.append(fingerprint(diagnostic, seen[base]) if seen[base] else base)
        seen[base] += 1
    return result


def reported(diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    """The findings CI formats report: those ``--fix`` has fixed are gone from the file."""
    return [d for d in diagnostics if not d.applied]


def artifact_uri(path: str) -> str:
    """The file as given, as a URI reference: forward slashes, percent-encoded."""
    posix = path.replace("\\", "/")
    if len(posix) > 2 and posix[1] == ":" and posix[0].isalpha() and posix[2] == "/":
        return "file:///" + posix[:2] + quote(posix[2:], safe="/")
    if posix.startswith("/"):
        return "file://" + quote(posix, safe="/")
    return quote(posix, safe="/")


def _rule(rule: Any) -> dict[str, Any]:
    doc = rule.doc.strip()
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary or rule.name},
        "fullDescription": {"text": doc, "markdown": doc},
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"fix": rule.fix.value},
    }


def _result(diagnostic: Diagnostic, print_: str) -> dict[str, Any]:
    loc = diagnostic.location
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(loc.file)}}
    if loc.line is not None:
        region = {"startLine": loc.line}
        if loc.column is not None:
            region["startColumn"] = loc.column
        physical["region"] = region
    location: dict[str, Any] = {"physicalLocation": physical}
    if loc.pointer:
        location["logicalLocations"] = [{"fullyQualifiedName": loc.pointer, "kind": "member"}]
    result: dict[str, Any] = {"ruleId": diagnostic.code}
    if diagnostic.code in _RULE_INDEX:
        result["ruleIndex"] = _RULE_INDEX[diagnostic.code]
    result["level"] = LEVELS[diagnostic.severity]
    result["message"] = {"text": diagnostic.message}
    result["locations"] = [location]
    result["partialFingerprints"] = {FINGERPRINT_KEY: print_}
    return result


def render_document(diagnostics: list[Diagnostic], summary: Summary, style: Style) -> str:
    shown = reported(diagnostics)
    results = [_result(d, p) for d, p in zip(shown, fingerprints(shown), strict=True)]
    document = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "leadlint",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule(rule) for rule in ALL_RULES],
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
