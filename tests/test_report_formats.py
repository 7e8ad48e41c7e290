"""The CI report formats: SARIF 2.1.0, GitHub workflow commands, JUnit XML, GitLab Code Quality."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import junitparser
import pytest
from conftest import clean_env
from jsonschema.validators import validator_for

from leadlint.models import Diagnostic, Location, Severity, Summary
from leadlint.report import FORMATTERS, Style
from leadlint.report import github as github_report
from leadlint.rules import ALL_RULES

ROOT = Path(__file__).resolve().parents[1]
SARIF_SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
EXAMPLES = sorted(p for p in (ROOT / "examples").rglob("*") if p.is_file())
FORMATS = ("sarif", "github", "junit", "gitlab")


def run_format(fmt: str, path: Path, cwd: Path = ROOT) -> str:
    """``python -m leadlint check --format FMT PATH``: its stdout."""
    command = [sys.executable, "-m", "leadlint", "check", "--format", fmt, str(path)]
    result = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, env=clean_env(), timeout=60, check=False
    )
    assert result.returncode in (0, 1), result.stderr
    return result.stdout


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@cache
def _sarif_validator() -> Any:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator = validator_for(schema)
    validator.check_schema(schema)
    return validator(schema)


@cache
def _json_diagnostics(rel: str) -> list[dict[str, Any]]:
    document = json.loads(run_format("json", Path(rel)))
    diagnostics: list[dict[str, Any]] = document["diagnostics"]
    return diagnostics


def _sarif(path: Path | str, cwd: Path = ROOT) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(run_format("sarif", Path(path), cwd))
    _sarif_validator().validate(document)
    return document


def test_examples_cover_clean_and_dirty_inputs() -> None:
    names = {_rel(p) for p in EXAMPLES}
    for kind in ("clean", "dirty"):
        for suffix in (".json", ".ndjson", ".csv"):
            assert any(n.startswith(f"examples/{kind}/") and n.endswith(suffix) for n in names)
    assert any(_json_diagnostics(_rel(p)) for p in EXAMPLES)


@pytest.mark.parametrize("example", EXAMPLES, ids=_rel)
def test_sarif_validates_and_matches_the_json_report(example: Path) -> None:
    rel = _rel(example)
    document = _sarif(rel)
    assert document["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert document["version"] == "2.1.0"
    [run] = document["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "leadlint"
    from leadlint import __version__

    assert driver["version"] == __version__
    assert [r["id"] for r in driver["rules"]] == [r.code for r in ALL_RULES]
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for rule, described in zip(ALL_RULES, driver["rules"], strict=True):
        assert described["name"] == rule.name
        assert described["shortDescription"]["text"]
        assert described["help"]["markdown"] == rule.doc.strip()
        assert described["defaultConfiguration"]["level"] == levels[rule.severity.value]
    expected = _json_diagnostics(rel)
    results = run["results"]
    assert len(results) == len(expected)
    for result, diagnostic in zip(results, expected, strict=True):
        assert result["ruleId"] == diagnostic["code"]
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == levels[diagnostic["severity"]]
        assert result["message"]["text"] == diagnostic["message"]
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == rel
        if diagnostic["line"] is None:
            assert "region" not in physical
        else:
            assert physical["region"]["startLine"] == diagnostic["line"]
        logical = result["locations"][0].get("logicalLocations")
        if diagnostic["pointer"]:
            assert logical == [{"fullyQualifiedName": diagnostic["pointer"], "kind": "member"}]
        else:
            assert logical is None
        assert re.fullmatch(r"[0-9a-f]{64}", result["partialFingerprints"]["leadlint/v1"])
        assert "fixes" not in result
    prints = [r["partialFingerprints"]["leadlint/v1"] for r in results]
    assert len(set(prints)) == len(prints)


def _prints(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (r["ruleId"], r["partialFingerprints"]["leadlint/v1"])
        for r in document["runs"][0]["results"]
    ]


@pytest.mark.parametrize(
    "example", [p for p in EXAMPLES if "dirty" in p.parts and p.suffix != ".csv"], ids=_rel
)
def test_sarif_fingerprints_are_stable_and_ignore_line_numbers(
    example: Path, tmp_path: Path
) -> None:
    copy = tmp_path / example.name
    shutil.copyfile(example, copy)
    first = _sarif(copy.name, tmp_path)
    assert _prints(first) == _prints(_sarif(copy.name, tmp_path))
    # A line inserted above everything: every line number moves, no fingerprint does.
    copy.write_text("\n" + example.read_text(encoding="utf-8"), encoding="utf-8")
    moved = _sarif(copy.name, tmp_path)
    assert _prints(moved) == _prints(first)
    lines = [
        r["locations"][0]["physicalLocation"].get("region", {}).get("startLine")
        for r in first["runs"][0]["results"]
    ]
    moved_lines = [
        r["locations"][0]["physicalLocation"].get("region", {}).get("startLine")
        for r in moved["runs"][0]["results"]
    ]
    assert [None if n is None else n + 1 for n in lines] == moved_lines


@pytest.mark.parametrize("example", EXAMPLES, ids=_rel)
def test_junit_has_a_test_case_per_lead_failing_on_errors(example: Path, tmp_path: Path) -> None:
    rel = _rel(example)
    report = tmp_path / "junit.xml"
    report.write_text(run_format("junit", Path(rel)), encoding="utf-8")
    xml = junitparser.JUnitXml.fromfile(str(report))
    suites = list(xml)
    assert [s.name for s in suites] == [rel]
    [suite] = suites
    records = json.loads(run_format("json", Path(rel)))["summary"]["records"]
    cases = list(suite)
    leads = [c for c in cases if c.name.startswith("lead ")]
    assert len(leads) == records
    assert suite.tests == len(cases)
    diagnostics = _json_diagnostics(rel)
    failing = {d["record"] for d in diagnostics if d["severity"] == "error"}
    for case in cases:
        assert case.classname == rel
        record = None if case.name == "file" else int(case.name.split()[1])
        failures = [r for r in case.result if isinstance(r, junitparser.Failure)]
        assert bool(failures) == (record in failing), case.name
        if failures:
            errors = [d for d in diagnostics if d["record"] == record and d["severity"] == "error"]
            n = len(errors)
            assert failures[0].message == f"{n} error{'' if n == 1 else 's'}"
            assert failures[0].type == "leadlint"
            assert failures[0].text.splitlines() == [
                f"{d['code']} {d['pointer'] or '/'}: {d['message']}" for d in errors
            ]
        ids = {d["lead_id"] for d in diagnostics if d["record"] == record and d["lead_id"]}
        if record is not None and ids:
            assert case.name == f"lead {record} ({ids.pop()})"
    assert suite.failures == len(failing)


_COMMAND = re.compile(
    r"::(error|warning|notice) file=(?P<file>[^,:]+)(,line=\d+(,col=\d+)?)?"
    r",title=(?P<title>LL\d+ [a-z0-9-]+)::(?P<message>[^\r\n]*)"
)


@pytest.mark.parametrize("example", EXAMPLES, ids=_rel)
def test_github_commands(example: Path) -> None:
    rel = _rel(example)
    lines = run_format("github", Path(rel)).splitlines()
    expected = _json_diagnostics(rel)
    assert len(lines) == len(expected)
    commands = {"error": "error", "warning": "warning", "info": "notice"}
    for line, diagnostic in zip(lines, expected, strict=True):
        match = _COMMAND.fullmatch(line)
        assert match is not None, line
        assert match[1] == commands[diagnostic["severity"]]
        assert match["file"] == rel
        assert match["title"] == f"{diagnostic['code']} {diagnostic['name']}"
        if diagnostic["line"] is not None:
            assert f",line={diagnostic['line']}," in line


def test_github_escaping() -> None:
    location = Location("dir/we,ird:na%me\nx.json", 0, 3, 7, "/contact/email")
    diagnostic = Diagnostic(
        "LL201", "email-invalid-syntax", Severity.WARNING, "100% bad: a, b\r\nnext", location
    )
    line = github_report.render_diagnostic(diagnostic, Style())
    assert line == (
        "::warning file=dir/we%2Cird%3Ana%25me%0Ax.json,line=3,col=7,"
        "title=LL201 email-invalid-syntax::100% bad: a, b%0D%0Anext\n".replace("100%", "100%25")
    )
    assert line.count("\n") == 1
    info = Diagnostic("LL001", "x", Severity.INFO, "m", Location("f.json", None, None, None))
    assert (
        github_report.render_diagnostic(info, Style()) == "::notice file=f.json,title=LL001 x::m\n"
    )
    assert FORMATTERS["github"].finish(Summary(), Style()) == ""


@pytest.mark.parametrize("example", EXAMPLES, ids=_rel)
def test_gitlab_code_quality(example: Path) -> None:
    rel = _rel(example)
    issues = json.loads(run_format("gitlab", Path(rel)))
    expected = _json_diagnostics(rel)
    assert isinstance(issues, list)
    assert len(issues) == len(expected)
    severities = {"error": "major", "warning": "minor", "info": "info"}
    sarif_prints = [code_print[1] for code_print in _prints(_sarif(rel))] if expected else []
    for issue, diagnostic, sarif_print in zip(issues, expected, sarif_prints, strict=True):
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["description"] == diagnostic["message"]
        assert issue["check_name"] == diagnostic["code"]
        assert issue["severity"] == severities[diagnostic["severity"]]
        assert issue["fingerprint"] == sarif_print
        assert issue["location"] == {"path": rel, "lines": {"begin": diagnostic["line"] or 1}}


SECRETS = ("Zebulon", "zeb.secret@example.org", "SECRET720")


def test_no_format_prints_lead_values(tmp_path: Path) -> None:
    lead = {
        "id": "p1",
        "contact": {"firstName": "Zebulon", "lastName": 7, "email": "zeb.secret@example.org"},
        "customer": {"creditScore": "SECRET720"},
    }
    path = tmp_path / "secret.json"
    path.write_text(json.dumps(lead), encoding="utf-8")
    assert _prints(_sarif(path.name, tmp_path))  # it does have findings
    for fmt in FORMATS:
        output = run_format(fmt, Path(path.name), tmp_path)
        assert output.strip(), fmt
        for secret in SECRETS:
            assert secret not in output, (fmt, secret)
