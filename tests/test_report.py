"""The report formats: the v1 JSON contract, JSON Lines, and the pure renderers."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import CLEAN, ERROR, FIXABLE, WARNING, check_jsonl, check_report, run_cli, write_lead

from leadlint.models import Applicability, Diagnostic, Fix, Location, Severity, Summary
from leadlint.report import FORMATTERS, Style, write_report
from leadlint.report import text as text_report

SEVERITY_KEYS = {"error": "errors", "warning": "warnings", "info": "infos"}


@pytest.fixture
def inputs(project: Path) -> list[Path]:
    """Leads in every input format, clean and dirty, plus files a lead cannot come from."""
    (project / "broken.json").write_text('{"id": "b1", ', encoding="utf-8")
    (project / "empty.json").write_text("", encoding="utf-8")
    (project / "nan.json").write_text('{"id": "n1", "customer": {"income": NaN}}', "utf-8")
    (project / "leads.csv").write_text(
        "id,contact.lastName,contact.bogus\nc1,Smith,\nc2,Jones,x\n", encoding="utf-8"
    )
    (project / "bad.ndjson").write_text(
        json.dumps(CLEAN) + "\n{oops\n" + json.dumps(ERROR) + "\n", encoding="utf-8"
    )
    return [
        write_lead(project / "one.json", FIXABLE),
        write_lead(project / "many.json", CLEAN, WARNING, ERROR, FIXABLE),
        write_lead(project / "leads.ndjson", WARNING, ERROR),
        project / "broken.json",
        project / "empty.json",
        project / "nan.json",
        project / "leads.csv",
        project / "bad.ndjson",
    ]


def _counts(diagnostics: list[dict[str, Any]]) -> dict[str, int]:
    by_severity = Counter(d["severity"] for d in diagnostics)
    counts = {key: by_severity[severity] for severity, key in SEVERITY_KEYS.items()}
    counts["fixable"] = sum(d["fix"] is not None for d in diagnostics)
    return counts


def test_json_report_contract(project: Path, inputs: list[Path]) -> None:
    result = run_cli("check", "--format", "json", *[p.name for p in inputs], cwd=project)
    assert result.returncode == 1, result.stderr
    document = check_report(result.stdout)
    diagnostics = document["diagnostics"]
    summary = document["summary"]
    assert document["version"] == 1
    assert {k: summary[k] for k in (*SEVERITY_KEYS.values(), "fixable")} == _counts(diagnostics)
    assert summary["files"] == len(inputs)
    assert summary["records"] == 1 + 4 + 2 + 1 + 2 + 3 - 1  # the unparseable NDJSON line
    assert {p.name for p in inputs} - {"one.json"} <= {d["file"] for d in diagnostics} | {
        "many.json"
    }
    assert any(d["fix"] is not None for d in diagnostics)


def test_record_is_null_only_for_file_findings(project: Path, inputs: list[Path]) -> None:
    result = run_cli("check", "--format", "json", *[p.name for p in inputs], cwd=project)
    diagnostics = check_report(result.stdout)["diagnostics"]
    whole_file = {(d["file"], d["code"]) for d in diagnostics if d["record"] is None}
    assert {("broken.json", "LL001"), ("empty.json", "LL006")} <= whole_file
    # Only input problems (LL0xx) can be about a file rather than one of its leads.
    assert all(code.startswith("LL0") for _file, code in whole_file)
    assert not {"one.json", "many.json", "leads.ndjson", "leads.csv"} & {f for f, _ in whole_file}
    per_record = [d for d in diagnostics if d["record"] is not None]
    assert {(d["file"], d["record"]) for d in per_record if d["code"] == "LL001"} == {
        ("bad.ndjson", 1)
    }
    assert all(d["lead_id"] is None for d in diagnostics if d["record"] is None)
    assert {d["lead_id"] for d in per_record if d["file"] == "many.json"} == {"w1", "e1", "f1"}


def test_jsonl_has_the_same_diagnostics(project: Path, inputs: list[Path]) -> None:
    names = [p.name for p in inputs]
    document = check_report(run_cli("check", "--format", "json", *names, cwd=project).stdout)
    result = run_cli("check", "--format", "jsonl", *names, cwd=project)
    assert result.returncode == 1
    rows = check_jsonl(result.stdout)
    assert rows == document["diagnostics"]


@pytest.mark.parametrize("output_format", ["json", "jsonl"])
def test_machine_formats_ignore_quiet_and_color(project: Path, output_format: str) -> None:
    write_lead(project / "lead.json", WARNING, ERROR)
    plain = run_cli("check", "--format", output_format, "lead.json", cwd=project)
    styled = run_cli(
        "check", "--format", output_format, "-q", "--color", "always", "lead.json", cwd=project
    )
    assert plain.stdout == styled.stdout
    assert "\x1b" not in styled.stdout


def test_json_report_of_a_clean_run(project: Path) -> None:
    write_lead(project / "ok.json", CLEAN)
    result = run_cli("check", "--format", "json", "ok.json", cwd=project)
    assert result.returncode == 0
    document = check_report(result.stdout)
    assert document["diagnostics"] == []
    assert document["summary"] == {
        "files": 1,
        "records": 1,
        "errors": 0,
        "warnings": 0,
        "infos": 0,
        "fixable": 0,
    }


def test_jsonl_of_a_clean_run_is_empty(project: Path) -> None:
    write_lead(project / "ok.json", CLEAN)
    result = run_cli("check", "--format", "jsonl", "ok.json", cwd=project)
    assert result.returncode == 0
    assert result.stdout == ""


# --- the renderers in-process --------------------------------------------------------------------


def _diagnostic(severity: Severity = Severity.ERROR, **changes: Any) -> Diagnostic:
    location = Location("a.json", 0, 3, 7, "/contact/email", "lead-1")
    fields: dict[str, Any] = {
        "code": "LL102",
        "name": "wrong-type",
        "severity": severity,
        "message": "`contact.email` must be string",
        "location": location,
    }
    fields.update(changes)
    return Diagnostic(**fields)


PLAIN = Style()


def _render(diagnostics: list[Diagnostic], name: str, style: Style = PLAIN) -> str:
    summary = Summary(files=1, records=len(diagnostics))

    def stream() -> Any:
        for diagnostic in diagnostics:
            summary.add(diagnostic)
            yield diagnostic

    out = io.StringIO()
    write_report(stream(), summary, name, style, out)
    return out.getvalue()


def test_formatter_table_covers_the_config_choices() -> None:
    from leadlint.config import OUTPUT_FORMATS

    assert set(FORMATTERS) == set(OUTPUT_FORMATS)


def test_json_summary_is_complete_after_streaming() -> None:
    fix = Fix("Rename the field", Applicability.SAFE)
    items = [
        _diagnostic(),
        _diagnostic(Severity.WARNING, fix=fix),
        _diagnostic(Severity.INFO, value="secret"),
    ]
    document = check_report(_render(items, "json", Style(show_values=True)))
    assert document["summary"]["errors"] == 1
    assert document["summary"]["warnings"] == 1
    assert document["summary"]["infos"] == 1
    assert document["summary"]["fixable"] == 1
    assert document["diagnostics"][1]["fix"] == {
        "title": "Rename the field",
        "applicability": "safe",
    }
    assert "secret" not in json.dumps(document)


def test_json_escapes_awkward_text() -> None:
    location = Location('we"ird\\path\n.json', None, None, None)
    item = _diagnostic(location=location, message='quote " and \u2028 and \x00')
    document = check_report(_render([item], "json"))
    assert document["diagnostics"][0]["file"] == 'we"ird\\path\n.json'
    jsonl = _render([item], "jsonl")
    assert jsonl.count("\n") == 1
    assert check_jsonl(jsonl)[0]["message"] == item.message


def test_text_line_and_values() -> None:
    line = text_report.render_diagnostic(_diagnostic(value='"x@y"'), Style())
    assert line == "a.json:3:7: LL102 `contact.email` must be string\n"
    shown = text_report.render_diagnostic(_diagnostic(value='"x@y"'), Style(show_values=True))
    assert shown.endswith(' (value: "x@y")\n')


def test_text_cannot_be_steered_by_control_characters() -> None:
    item = _diagnostic(value="\x1b[2J\nevil", location=Location("a\x1b.json", 0, 1, 1))
    line = text_report.render_diagnostic(item, Style(show_values=True))
    assert "\x1b" not in line
    assert line.count("\n") == 1


def test_text_file_level_finding_has_position() -> None:
    item = _diagnostic(location=Location("broken.json", None, None, None))
    assert text_report.render_diagnostic(item, Style()).startswith("broken.json:1:1: LL102 ")


def test_text_summary_wording() -> None:
    fix = Fix("Rename the field", Applicability.SAFE)
    out = _render([_diagnostic(), _diagnostic(Severity.WARNING, fix=fix)], "text")
    assert out.splitlines()[-2:] == [
        "Found 2 problems (1 error, 1 warning) in 2 leads from 1 file.",
        "[*] 1 fixable with `--fix`.",
    ]
    assert _render([], "text") == "All checks passed: 0 leads in 1 file.\n"
    assert _render([_diagnostic()], "text", Style(summary=False)).count("\n") == 1
