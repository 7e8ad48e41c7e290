"""Acceptance over JSONTestSuite and the Big List of Naughty Strings (../shared/corpora)."""

from __future__ import annotations

import copy
import csv
import io
import json
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from leadlint.api import lint_paths
from leadlint.config import Settings
from leadlint.models import Diagnostic, Severity
from leadlint.rules.input import PARSE_ERROR_CODES

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPORA = SHARED / "corpora"
SUITE = CORPORA / "json" / "JSONTestSuite"
PARSING = sorted((SUITE / "test_parsing").iterdir())
TRANSFORM = sorted((SUITE / "test_transform").iterdir())
REPORT_SCHEMA = json.loads((SHARED / "schemas" / "leadlint-report-v1.schema.json").read_text())
NAUGHTY: list[str] = json.loads((CORPORA / "fuzz" / "blns.json").read_text())
CLEAN_LEAD: dict[str, Any] = json.loads((REPO / "examples" / "clean" / "lead.json").read_text())


def lint_file(path: Path) -> list[Diagnostic]:
    return list(lint_paths([str(path)], Settings()).diagnostics())


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "leadlint", "check", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=300,
        cwd=cwd,
    )


def assert_clean_exit(proc: subprocess.CompletedProcess[str]) -> None:
    assert proc.returncode in (0, 1), (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr
    assert "internal error" not in proc.stderr


def json_report(proc: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(proc.stdout)
    jsonschema.validate(report, REPORT_SCHEMA)
    return report


def assert_jsonl(output: str) -> None:
    # Lines end at "\n" only: U+2028 and friends may sit unescaped inside strings.
    assert output.endswith("\n")
    for line in output[:-1].split("\n"):
        assert isinstance(json.loads(line), dict)


def test_corpus_is_there() -> None:
    names = [p.name for p in PARSING]
    assert len(PARSING) == 318 and len(TRANSFORM) == 22
    assert sum(n.startswith("n_") for n in names) > 180
    assert sum(n.startswith("y_") for n in names) > 90
    assert len(NAUGHTY) == 485


# --- JSONTestSuite: n_ rejected, y_ accepted ---------------------------------


N_FILES = [p for p in PARSING if p.name.startswith("n_")]
Y_FILES = [p for p in PARSING if p.name.startswith("y_")]


@pytest.mark.parametrize("path", N_FILES, ids=lambda p: p.name)
def test_n_file_is_rejected(path: Path) -> None:
    diagnostics = lint_file(path)
    input_errors = [
        d for d in diagnostics if d.code.startswith("LL0") and d.severity is Severity.ERROR
    ]
    assert input_errors, [(d.code, d.message) for d in diagnostics]


@pytest.mark.parametrize("path", Y_FILES, ids=lambda p: p.name)
def test_y_file_is_not_a_parse_error(path: Path) -> None:
    diagnostics = lint_file(path)
    assert not [(d.code, d.message) for d in diagnostics if d.code in PARSE_ERROR_CODES]


def test_n_files_exit_1_through_the_cli() -> None:
    proc = run_cli("--format", "json", *map(str, N_FILES))
    assert_clean_exit(proc)
    assert proc.returncode == 1
    report = json_report(proc)
    assert report["summary"]["files"] == len(N_FILES)
    failing = {
        d["file"]
        for d in report["diagnostics"]
        if d["code"].startswith("LL0") and d["severity"] == "error"
    }
    assert failing == {str(p) for p in N_FILES}


@pytest.mark.parametrize(
    "name",
    [
        "n_number_NaN.json",
        "n_structure_unclosed_array.json",
        "n_string_invalid_utf8_after_escape.json",
        "n_object_trailing_comma.json",
        "n_structure_100000_opening_arrays.json",
        "n_multidigit_number_then_00.json",
    ],
)
def test_single_n_file_exits_1(name: str) -> None:
    proc = run_cli(str(SUITE / "test_parsing" / name))
    assert_clean_exit(proc)
    assert proc.returncode == 1
    assert f"{name}:" in proc.stdout


def test_whole_suite_through_the_cli_never_crashes() -> None:
    paths = [str(p) for p in PARSING + TRANSFORM]
    proc = run_cli("--format", "json", *paths)
    assert_clean_exit(proc)
    report = json_report(proc)
    assert report["summary"]["files"] == len(paths)
    for diagnostic in report["diagnostics"]:
        assert diagnostic["file"] in paths
        if diagnostic["record"] is None:
            assert diagnostic["pointer"] == ""


def test_whole_suite_as_text_and_jsonl() -> None:
    paths = [str(p) for p in PARSING + TRANSFORM]
    text = run_cli(*paths)
    assert_clean_exit(text)
    assert_terminal_safe(text.stdout)
    lines = run_cli("--format", "jsonl", *paths)
    assert_clean_exit(lines)
    assert_jsonl(lines.stdout)


@pytest.mark.parametrize("suffix", [".ndjson", ".csv"])
def test_suite_read_as_other_formats_never_crashes(suffix: str, tmp_path: Path) -> None:
    copies = []
    for path in PARSING + TRANSFORM:
        target = tmp_path / (path.stem + suffix)
        target.write_bytes(path.read_bytes())
        copies.append(str(target))
    proc = run_cli("--format", "json", *copies)
    assert_clean_exit(proc)
    json_report(proc)


# --- naughty strings in every kind of field ------------------------------------


def naughty_lead(number: int, value: str) -> dict[str, Any]:
    lead = copy.deepcopy(CLEAN_LEAD)
    lead["id"] = f"lead-{number}"
    contact = lead["contact"]
    contact["firstName"] = value
    contact["lastName"] = value
    contact["email"] = value
    contact["streetAddress"]["line1"] = value
    contact["streetAddress"]["postalCode"] = value
    lead["metadata"]["utmSource"] = value
    lead[value] = "x"
    return lead


COLUMNS = [
    "id",
    "contact.firstName",
    "contact.lastName",
    "contact.email",
    "contact.streetAddress.line1",
    "contact.streetAddress.postalCode",
    "metadata.utmSource",
]


@pytest.fixture(scope="module")
def naughty_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("naughty")
    leads = [naughty_lead(n, s) for n, s in enumerate(NAUGHTY)]
    ndjson = folder / "leads.ndjson"
    ndjson.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in leads), "utf-8")
    array = folder / "leads.json"
    array.write_text(json.dumps(leads, indent=2, ensure_ascii=False), "utf-8")
    ascii_array = folder / "leads-ascii.json"
    ascii_array.write_text(json.dumps(leads), "ascii")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for number, value in enumerate(NAUGHTY):
        writer.writerow([f"lead-{number}"] + [value] * (len(COLUMNS) - 1))
    cells = folder / "cells.csv"
    cells.write_bytes(out.getvalue().encode("utf-8"))
    files = [ndjson, array, ascii_array, cells]
    # A naughty string as a column name (one file each: a bad header stops a file).
    for number, value in enumerate(NAUGHTY):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerows([["id", value], [f"lead-{number}", "x"]])
        header = folder / f"header-{number:03}.csv"
        header.write_bytes(out.getvalue().encode("utf-8"))
        files.append(header)
    return files


def test_naughty_leads_are_read_whole(naughty_files: list[Path]) -> None:
    run = lint_paths([str(p) for p in naughty_files[:4]], Settings())
    diagnostics = list(run.diagnostics())
    assert run.summary.records == 4 * len(NAUGHTY)
    # Nothing is wrong with the files themselves.
    assert not [d for d in diagnostics if d.code in PARSE_ERROR_CODES]


def test_naughty_leads_json_report(naughty_files: list[Path]) -> None:
    proc = run_cli("--format", "json", *map(str, naughty_files))
    assert_clean_exit(proc)
    report = json_report(proc)
    assert report["summary"]["files"] == len(naughty_files)
    assert report["summary"]["records"] >= 4 * len(NAUGHTY)


def test_naughty_leads_jsonl_report(naughty_files: list[Path]) -> None:
    proc = run_cli("--format", "jsonl", *map(str, naughty_files[:4]))
    assert_clean_exit(proc)
    assert_jsonl(proc.stdout)


# Bidirectional overrides and isolates steer how a terminal shows a line
# (CVE-2021-42574) just as escape sequences do.
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def assert_terminal_safe(output: str) -> None:
    for number, line in enumerate(output.split("\n"), 1):
        bad = sorted(
            {
                f"U+{ord(ch):04X}"
                for ch in line
                if unicodedata.category(ch) in ("Cc", "Zl", "Zp") or ch in _BIDI
            }
        )
        assert not bad, f"line {number}: {bad}: {line[:200]!r}"


@pytest.mark.parametrize("show_values", [False, True])
def test_naughty_leads_text_report_is_terminal_safe(
    naughty_files: list[Path], show_values: bool
) -> None:
    args = [*map(str, naughty_files), "--color", "never"]
    if show_values:
        args.append("--show-values")
    proc = run_cli(*args)
    assert_clean_exit(proc)
    assert proc.returncode == 1
    assert proc.stdout.count("\n") > len(NAUGHTY)
    assert ("(value: " in proc.stdout) is show_values
    assert_terminal_safe(proc.stdout)
    assert_terminal_safe(proc.stderr)
