"""Baselines (leadlint/baseline.py): unit tests, the Python API end to end, and the CLI."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from leadlint.api import lint_paths
from leadlint.baseline import Baseline, BaselineError, finding_key, write_baseline
from leadlint.config import Settings
from leadlint.models import Diagnostic, Location, Severity

DIRTY = ROOT / "examples" / "dirty"


def diag(
    code: str = "LL102",
    file: str = "leads.json",
    record: int | None = 0,
    lead: str | None = "id-1",
    pointer: str = "/contact/lastName",
    applied: bool = False,
    line: int = 1,
) -> Diagnostic:
    location = Location(file, record, line, 1, pointer, lead, lead)
    return Diagnostic(code, "name", Severity.ERROR, "message", location, applied=applied)


def read(path: Path) -> dict[str, object]:
    result: dict[str, object] = json.loads(path.read_text())
    return result


# --- unit tests ------------------------------------------------------------------


def test_write_format_sorted_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "baseline.json"
    findings = [
        diag("LL501", lead="b"),
        diag("LL102", lead="a"),
        diag("LL102", lead="a", line=9),  # same key again: count 2
        diag("LL001", record=None, lead="ignored", pointer=""),  # file level: lead None
        diag("LL107", lead="c", applied=True),  # fixed: not recorded
    ]
    assert write_baseline(path, findings) == 3
    document = read(path)
    assert document["version"] == 1
    assert document["tool"] == "leadlint"
    assert document["findings"] == [
        {"file": "leads.json", "lead": None, "code": "LL001", "pointer": "", "count": 1},
        {
            "file": "leads.json",
            "lead": "a",
            "code": "LL102",
            "pointer": "/contact/lastName",
            "count": 2,
        },
        {
            "file": "leads.json",
            "lead": "b",
            "code": "LL501",
            "pointer": "/contact/lastName",
            "count": 1,
        },
    ]
    # Deterministic: the same findings in another order write the same bytes.
    first = path.read_bytes()
    write_baseline(path, reversed(findings))
    assert path.read_bytes() == first
    assert [p.name for p in tmp_path.iterdir()] == ["baseline.json"]  # no temp file left


def test_file_relative_to_baseline_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "ci").mkdir()
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "ci" / "baseline.json"
    write_baseline(path, [diag(file=os.path.join("data", "leads.json")), diag(file="-")])
    files = {entry["file"] for entry in read(path)["findings"]}  # type: ignore[attr-defined]
    assert files == {"../data/leads.json", "-"}
    # From another directory, the same file given differently matches.
    monkeypatch.chdir(tmp_path / "data")
    baseline = Baseline.load(path)
    assert list(baseline.filter([diag(file="leads.json")])) == []
    assert finding_key(diag(file="leads.json"), path.parent)[0] == "../data/leads.json"


def test_filter_consumes_counts_and_reports_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "b.json"
    write_baseline(path, [diag("LL102"), diag("LL501", lead="gone")])
    baseline = Baseline.load(path)
    twice = [diag("LL102", line=1), diag("LL102", line=5), diag("LL106", lead="new")]
    shown = list(baseline.filter(twice))
    assert [(d.code, d.location.line) for d in shown] == [("LL102", 5), ("LL106", 1)]
    assert baseline.hidden == 1
    assert baseline.stale() == [
        {
            "file": "leads.json",
            "lead": "gone",
            "code": "LL501",
            "pointer": "/contact/lastName",
            "count": 1,
        }
    ]


def test_positions_do_not_matter_but_identity_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "b.json"
    write_baseline(path, [diag(record=0, line=1), diag(record=None, lead=None, pointer="")])
    baseline = Baseline.load(path)
    moved = [diag(record=7, line=40), diag(record=None, lead=None, pointer="", line=3)]
    assert list(baseline.filter(moved)) == []
    other = [diag(lead="id-2"), diag(pointer="/contact/firstName"), diag(file="other.json")]
    assert len(list(Baseline.load(path).filter(other))) == 3


def test_applied_fixes_always_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "b.json"
    write_baseline(path, [diag()])
    baseline = Baseline.load(path)
    assert list(baseline.filter([diag(applied=True)])) == [diag(applied=True)]
    assert baseline.hidden == 0
    assert len(baseline.stale()) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such baseline file"),
        (b"{not json", "not valid JSON"),
        (b'{"version": 2, "tool": "leadlint", "findings": []}', "unsupported baseline version"),
        (b'{"version": 1, "tool": "other", "findings": []}', "not a leadlint baseline"),
        (b"[]", "not a leadlint baseline"),
        (b'{"version": 1, "findings": [{"file": 1}]}', "malformed baseline"),
    ],
)
def test_load_errors_name_the_file(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "my-baseline.json"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(BaselineError, match=message) as caught:
        Baseline.load(path)
    assert "my-baseline.json" in str(caught.value)


# --- end to end through the Python API ---------------------------------------------


def lint(directory: Path) -> Iterable[Diagnostic]:
    return lint_paths([str(directory)], Settings()).diagnostics()


@pytest.fixture
def dirty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "dirty"
    shutil.copytree(DIRTY, target)
    monkeypatch.chdir(tmp_path)
    return target


def baseline_of(directory: Path) -> tuple[Path, int]:
    path = directory.parent / "baseline.json"
    return path, write_baseline(path, lint(directory))


def shown_and_stale(
    path: Path, directory: Path
) -> tuple[list[Diagnostic], list[dict[str, object]]]:
    baseline = Baseline.load(path)
    shown = list(baseline.filter(lint(directory)))
    return shown, baseline.stale()


def edit_ndjson(path: Path, index: int, change: object) -> None:
    lines = path.read_text().splitlines()
    lead = json.loads(lines[index])
    change(lead)  # type: ignore[operator]
    lines[index] = json.dumps(lead)
    path.write_text("\n".join(lines) + "\n")


def test_second_run_shows_nothing(dirty: Path) -> None:
    path, entries = baseline_of(dirty)
    assert entries > 10
    baseline = Baseline.load(path)
    assert list(baseline.filter(lint(dirty))) == []
    assert baseline.hidden == sum(e["count"] for e in read(path)["findings"])  # type: ignore[attr-defined]
    assert baseline.stale() == []


def test_new_problem_only_it_shows(dirty: Path) -> None:
    path, _ = baseline_of(dirty)
    edit_ndjson(dirty / "leads.ndjson", 0, lambda lead: lead["contact"].update(lastName=7))
    shown, stale = shown_and_stale(path, dirty)
    assert [(d.code, d.location.pointer) for d in shown] == [("LL102", "/contact/lastName")]
    assert stale == []  # the lead has an id: its old findings stay hidden


def test_reordered_ndjson_and_json_array_stay_hidden(dirty: Path) -> None:
    path, _ = baseline_of(dirty)
    ndjson = dirty / "leads.ndjson"
    ndjson.write_text("".join(reversed(ndjson.read_text().splitlines(keepends=True))))
    array = dirty / "leads.json"
    leads = json.loads(array.read_text())
    array.write_text(json.dumps(list(reversed(leads)), indent=2))
    shown, stale = shown_and_stale(path, dirty)
    assert shown == []
    assert stale == []


def test_changed_lead_without_id_comes_back(dirty: Path) -> None:
    leads = dirty / "anon.ndjson"
    anonymous = [
        {"contact": {"firstName": "Zelda", "lastName": 7}},
        {"contact": {"firstName": "Quincy", "lastName": 8}},
    ]
    leads.write_text("".join(json.dumps(lead) + "\n" for lead in anonymous))
    path, _ = baseline_of(dirty)
    anonymous[0]["contact"]["firstName"] = "Zora"
    leads.write_text("".join(json.dumps(lead) + "\n" for lead in anonymous))
    shown, stale = shown_and_stale(path, dirty)
    assert shown, "the changed lead's findings come back"
    assert {d.location.record for d in shown} == {0}
    assert all(d.location.file.endswith("anon.ndjson") for d in shown)
    assert "LL102" in {d.code for d in shown}
    # Its old key (the old content hash) matched nothing now.
    assert stale and all(entry["lead"].startswith("sha256:") for entry in stale)  # type: ignore[union-attr]


def test_fixed_problem_is_stale(dirty: Path) -> None:
    path, _ = baseline_of(dirty)
    edit_ndjson(dirty / "leads.ndjson", 0, lambda lead: lead["customer"].update(creditScore=720))
    shown, stale = shown_and_stale(path, dirty)
    assert shown == []
    assert [(e["lead"], e["code"], e["pointer"]) for e in stale] == [
        ("7f3c2a10-5b1e-4c8d-9a44-1e2f3a4b5c70", "LL102", "/customer/creditScore")
    ]
    assert stale[0]["file"] == "dirty/leads.ndjson"


def test_baseline_holds_no_lead_values(dirty: Path) -> None:
    path, _ = baseline_of(dirty)
    text = path.read_text()
    for value in (
        "jordan.ellis84.70@gmail.com",
        "gmail.com",
        "Ellis",
        "Jordan",
        "Cleveland",
        "+1312555",
        "73.45.112.18",
        "ext-5c0a91d2e7b3",
        "1984-06-19",
        "Married",
    ):
        assert value not in text, value


# --- the CLI (options wired by cli.py) ---------------------------------------------


def test_cli_write_then_use_baseline(dirty: Path) -> None:
    cwd = dirty.parent
    written = run_cli("check", "--write-baseline", "b.json", "dirty", cwd=cwd)
    assert written.returncode == 0, written.stderr
    document = read(cwd / "b.json")
    assert document["version"] == 1
    hidden = sum(entry["count"] for entry in document["findings"])  # type: ignore[attr-defined]

    used = run_cli("check", "--baseline", "b.json", "dirty", cwd=cwd)
    assert used.returncode == 0, used.stdout + used.stderr
    output = used.stdout + used.stderr
    assert "hidden" in output.lower()
    assert str(hidden) in output
    assert "stale" not in output.lower()

    edit_ndjson(dirty / "leads.ndjson", 0, lambda lead: lead["customer"].update(creditScore=720))
    fixed = run_cli("check", "--baseline", "b.json", "dirty", cwd=cwd)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "stale" in (fixed.stdout + fixed.stderr).lower()


def test_cli_missing_baseline_is_a_usage_error(dirty: Path) -> None:
    result = run_cli("check", "--baseline", "nope.json", "dirty", cwd=dirty.parent)
    assert result.returncode == 2
    assert "nope.json" in result.stderr
