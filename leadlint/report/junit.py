"""JUnit XML for CI test dashboards: a test suite per file, a test case per lead.

* ``<testsuite name=FILE>``: one per file, in reading order.
* ``<testcase classname=FILE name="lead N">``: one per lead, ``N`` being the
  ``record`` of the JSON report (0-based), with `` (ID)`` when the lead has an
  id (ids are not personal data). Leads without findings pass.
* Findings about the file rather than a lead go to a test case named ``file``.
* A test case with errors gets one ``<failure message="N errors"
  type="leadlint">`` listing ``CODE pointer: message`` lines; warnings and
  infos are listed in its ``<system-out>`` and do not fail it.

Findings ``--fix`` has fixed are left out. Values are never included.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import TYPE_CHECKING

from leadlint.models import Diagnostic, Severity, Summary
from leadlint.report.sarif import reported

if TYPE_CHECKING:
    from leadlint.report import Style

# Characters XML 1.0 cannot carry at all, even escaped (a file name may hold them).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
FILE_CASE = "file"


def _xml(text: str) -> str:
    return _NOT_XML.sub("\N{REPLACEMENT CHARACTER}", text)


def _line(diagnostic: Diagnostic, with_severity: bool = False) -> str:
    pointer = diagnostic.location.pointer or "/"
    prefix = f"{diagnostic.severity.value} " if with_severity else ""
    return f"{prefix}{diagnostic.code} {pointer}: {diagnostic.message}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def render_document(diagnostics: list[Diagnostic], summary: Summary, style: Style) -> str:
    # file -> record (None: the file itself) -> findings, files in reading order.
    by_file: dict[str, dict[int | None, list[Diagnostic]]] = {
        name: defaultdict(list) for name in summary.records_by_file
    }
    for diagnostic in reported(diagnostics):
        loc = diagnostic.location
        by_file.setdefault(loc.file, defaultdict(list))[loc.record].append(diagnostic)

    root = ET.Element("testsuites", name="leadlint")
    total_tests = total_failures = 0
    for name, findings in by_file.items():
        records = set(range(summary.records_by_file.get(name, 0)))
        records.update(r for r in findings if r is not None)
        cases: list[tuple[str, list[Diagnostic]]] = []
        if None in findings:
            cases.append((FILE_CASE, findings[None]))
        for record in sorted(records):
            found = findings.get(record, [])
            lead_id = next((d.location.lead_id for d in found if d.location.lead_id), None)
            label = f"lead {record}" + (f" ({lead_id})" if lead_id else "")
            cases.append((label, found))
        suite = ET.SubElement(root, "testsuite", name=_xml(name))
        failures = 0
        for label, found in cases:
            case = ET.SubElement(suite, "testcase", classname=_xml(name), name=_xml(label))
            errors = [d for d in found if d.severity is Severity.ERROR]
            others = [d for d in found if d.severity is not Severity.ERROR]
            if errors:
                failures += 1
                failure = ET.SubElement(
                    case, "failure", message=_plural(len(errors), "error"), type="leadlint"
                )
                failure.text = _xml("\n".join(_line(d) for d in errors))
            if others:
                out = ET.SubElement(case, "system-out")
                out.text = _xml("\n".join(_line(d, with_severity=True) for d in others))
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        total_tests += len(cases)
        total_failures += failures
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
