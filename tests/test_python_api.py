"""The Python API in leadlint/__init__.py: lint, fix, lint_file."""

from __future__ import annotations

import copy
import importlib.resources
import json
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import leadlint

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
DIRTY_NDJSON = EXAMPLES / "dirty" / "leads.ndjson"


def _clean_lead() -> dict[str, Any]:
    lead: dict[str, Any] = json.loads((EXAMPLES / "clean" / "lead.json").read_bytes())
    return lead


def _dirty_lead() -> dict[str, Any]:
    lead = _clean_lead()
    lead["contact"]["firstName"] = " Ann"  # LL204, safe fix
    lead["customer"]["gender"] = "Female"  # LL510, unsafe fix
    return lead


def _keys(findings: Any) -> list[tuple[str, int | None, int | None, int | None, str]]:
    return [
        (d.code, d.location.record, d.location.line, d.location.column, d.location.pointer)
        for d in findings
    ]


def test_all_and_version() -> None:
    assert set(leadlint.__all__) == {
        "FixResult",
        "__version__",
        "audit_report",
        "fix",
        "lint",
        "lint_file",
    }
    assert isinstance(leadlint.__version__, str)


def test_import_is_light() -> None:
    code = (
        "import sys, leadlint; leadlint.__version__; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'jsonschema_rs', 'phonenumbers', 'email_validator', 'usaddress', 'httpx', 'orjson',"
        " 'leadlint.api', 'leadlint.engine'} or m.startswith('leadlint.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert out.strip() == "[]"


def test_clean_lead_has_no_findings() -> None:
    assert leadlint.lint(_clean_lead()) == []


def test_lint_dirty_lead() -> None:
    lead = _dirty_lead()
    before = copy.deepcopy(lead)
    found = leadlint.lint(lead)
    assert {(d.code, d.location.pointer) for d in found} == {
        ("LL204", "/contact/firstName"),
        ("LL510", "/customer/gender"),
    }
    assert all(d.location.record == 0 and d.location.line == 1 for d in found)
    assert lead == before


def test_lint_select_ignore_profile_now() -> None:
    lead = _dirty_lead()
    assert [d.code for d in leadlint.lint(lead, select=["LL510"])] == ["LL510"]
    assert [d.code for d in leadlint.lint(lead, ignore=["LL204"])] == ["LL510"]
    now = datetime(2026, 6, 1, tzinfo=UTC)
    assert {d.code for d in leadlint.lint(lead, profile="intake", now=now)} >= {"LL204"}
    with pytest.raises(Exception, match="profile"):
        leadlint.lint(lead, profile="nope")


def test_fix_safe_only() -> None:
    lead = _dirty_lead()
    before = copy.deepcopy(lead)
    result = leadlint.fix(lead)
    assert isinstance(result, leadlint.FixResult)
    assert result.lead["contact"]["firstName"] == "Ann"
    assert result.lead["customer"]["gender"] == "Female"
    assert [d.code for d in result.applied] == ["LL204"]
    assert _keys(result.remaining) == _keys(leadlint.lint(result.lead))
    assert [d.code for d in result.remaining] == ["LL510"]
    assert lead == before  # the input is not changed
    assert result.lead is not lead


def test_fix_unsafe() -> None:
    result = leadlint.fix(_dirty_lead(), unsafe=True)
    assert result.lead["customer"]["gender"] == "F"
    assert sorted(d.code for d in result.applied) == ["LL204", "LL510"]
    assert result.remaining == []


def test_fix_nothing_to_do_returns_a_copy() -> None:
    lead = _clean_lead()
    result = leadlint.fix(lead)
    assert result.lead == lead and result.lead is not lead
    assert result.applied == [] and result.remaining == []


def test_lint_file_matches_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    relative = str(DIRTY_NDJSON.relative_to(ROOT))
    cli = subprocess.run(
        [sys.executable, "-m", "leadlint", "check", "--format", "json", relative],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert cli.returncode == 1, cli.stderr
    expected = [
        (d["code"], d["record"], d["line"], d["column"], d["pointer"])
        for d in json.loads(cli.stdout)["diagnostics"]
    ]
    streamed = leadlint.lint_file(relative)
    assert iter(streamed) is streamed  # a generator: findings stream
    assert _keys(streamed) == expected
    assert _keys(leadlint.lint_file(DIRTY_NDJSON)) == expected
    assert {d.location.file for d in leadlint.lint_file(relative)} == {relative}


def test_audit_report_matches_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    cli = subprocess.run(
        [sys.executable, "-m", "leadlint", "audit", "--format", "json", "examples"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert cli.returncode == 1, cli.stderr
    expected = json.loads(cli.stdout)
    found = leadlint.audit_report("examples")
    assert found["totals"] == expected["totals"] and found["totals"]["leads"] > 10
    assert found["sources"] == expected["sources"]
    assert found["rules"] == expected["rules"]
    by_vendor = leadlint.audit_report(["examples"], group_by="metadata.externalId")
    assert by_vendor["groupBy"] == "metadata.externalId"
    assert by_vendor["totals"] == found["totals"]


def test_lint_file_missing() -> None:
    from leadlint.api import InputError

    with pytest.raises(InputError):
        list(leadlint.lint_file(ROOT / "no-such-file.ndjson"))


@pytest.mark.parametrize("unsafe", [False, True])
def test_fix_matches_cli_fix(tmp_path: Path, unsafe: bool) -> None:
    lead = _dirty_lead()
    path = tmp_path / "lead.ndjson"
    path.write_bytes(json.dumps(lead).encode() + b"\n")
    command = [sys.executable, "-m", "leadlint", "check", "--fix", str(path)]
    subprocess.run(command + (["--unsafe-fixes"] if unsafe else []), cwd=tmp_path)
    (written,) = [json.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    assert leadlint.fix(lead, unsafe=unsafe).lead == written


def test_py_typed_is_shipped() -> None:
    assert (importlib.resources.files("leadlint") / "py.typed").is_file()


def test_mypy_accepts_typed_use(tmp_path: Path) -> None:
    snippet = tmp_path / "use_api.py"
    snippet.write_text(
        textwrap.dedent(
            """
            from collections.abc import Iterator
            from pathlib import Path

            import leadlint
            from leadlint.models import Diagnostic

            found: list[Diagnostic] = leadlint.lint({"id": "x"}, select=["LL1"], ignore=())
            result: leadlint.FixResult = leadlint.fix({"id": "x"}, unsafe=True)
            applied: list[Diagnostic] = result.applied
            stream: Iterator[Diagnostic] = leadlint.lint_file(Path("leads.ndjson"))
            codes: list[str] = [d.code for d in found + result.remaining]
            version: str = leadlint.__version__
            """
        )
    )
    bad = tmp_path / "misuse.py"
    bad.write_text("import leadlint\nleadlint.lint({}, profile=1)\n")
    mypy = [sys.executable, "-m", "mypy", "--strict", "--no-incremental"]
    ok = subprocess.run([*mypy, str(snippet)], capture_output=True, text=True, cwd=tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    ko = subprocess.run([*mypy, str(bad)], capture_output=True, text=True, cwd=tmp_path)
    assert ko.returncode == 1 and "profile" in ko.stdout, ko.stdout
