"""Shared helpers for the CLI, config and report tests: run the real CLI, check reports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[1]
REPORT_SCHEMA = ROOT.parent / "shared" / "schemas" / "leadlint-report-v1.schema.json"
DIAGNOSTIC_FIELDS = frozenset(
    {"code", "name", "severity", "message", "file", "record", "line", "column"}
    | {"pointer", "lead_id", "fix"}
)

# One lead per outcome, under the default `put` profile.
CLEAN = {"id": "a1", "contact": {"firstName": "Ann", "email": "ann.lee@gmail.com"}}
CLEAN_TOO = {"id": "a2", "contact": {"firstName": "Bea", "email": "bea.kim@gmail.com"}}
WARNING = {"id": "w1", "contact": {"firstName": "Ann", "bogus": 1}}  # LL106 only
ERROR = {"id": "e1", "contact": {"lastName": 7}}  # LL102 only
FIXABLE = {"id": "f1", "metadata": {"trustedFormUri": "https://example.com/c"}}  # LL107 [*]


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "FORCE_COLOR"}}
    env.update(extra)
    return env


def run_cli(
    *args: str | Path,
    cwd: Path,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """``python -m leadlint ARGS`` in ``cwd``; stdout is a pipe, so never a tty."""
    return subprocess.run(
        [sys.executable, "-m", "leadlint", *map(str, args)],
        cwd=cwd,
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        env=env if env is not None else clean_env(),
        timeout=60,
        check=False,
    )


def write_lead(path: Path, *leads: dict[str, Any]) -> Path:
    """A .json file with one lead (object) or several (array); NDJSON by suffix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix in (".ndjson", ".jsonl"):
        text = "".join(json.dumps(lead) + "\n" for lead in leads)
    else:
        text = json.dumps(leads[0] if len(leads) == 1 else list(leads))
    path.write_text(text, encoding="utf-8")
    return path


@cache
def _report_validator() -> Draft202012Validator:
    schema = json.loads(REPORT_SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def check_report(text: str) -> dict[str, Any]:
    """Parse a ``--format json`` report and validate it against the v1 contract."""
    document: dict[str, Any] = json.loads(text)
    _report_validator().validate(document)
    assert set(document) == {"version", "summary", "diagnostics"}
    for diagnostic in document["diagnostics"]:
        assert set(diagnostic) == DIAGNOSTIC_FIELDS
    return document


def check_jsonl(text: str) -> list[dict[str, Any]]:
    """Parse a ``--format jsonl`` report; each line must be a valid v1 diagnostic."""
    assert text == "" or text.endswith("\n")
    # Split on "\n" only: str.splitlines() would also split on U+2028 inside strings.
    rows = [json.loads(line) for line in text.split("\n")[:-1]]
    assert all(isinstance(row, dict) for row in rows)
    summary = {"files": 0, "records": 0, "errors": 0, "warnings": 0, "infos": 0, "fixable": 0}
    check_report(json.dumps({"version": 1, "summary": summary, "diagnostics": rows}))
    return rows


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty working directory whose config search ends just above it.

    Discovery walks up to ``/``; the empty ``leadlint.toml`` in the parent stops
    it there, so a stray config in ``/tmp`` cannot change what a test sees.
    """
    (tmp_path / "leadlint.toml").write_text("", encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    return work
