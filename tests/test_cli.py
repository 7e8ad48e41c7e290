"""The ``leadlint`` command, run for real in a subprocess (DESIGN.md sections 3 and 5)."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import (
    CLEAN,
    CLEAN_TOO,
    ERROR,
    FIXABLE,
    ROOT,
    WARNING,
    check_jsonl,
    check_report,
    clean_env,
    run_cli,
    write_lead,
)

import leadlint
import leadlint.api
from leadlint import cli
from leadlint.rules import ALL_RULES
from leadlint.rules.base import DOC_HEADINGS

LINE = re.compile(
    r"^(?P<path>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<code>LL\d{3})(?P<fix> \[\*\])? (?P<msg>\S.*)$"
)
ANSI = "\x1b["


def findings(stdout: str) -> list[re.Match[str]]:
    return [m for m in map(LINE.match, stdout.splitlines()) if m]


def codes(stdout: str) -> set[str]:
    return {m["code"] for m in findings(stdout)}


# --- version and help ---------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(project: Path, flag: str) -> None:
    result = run_cli(flag, cwd=project)
    assert result.returncode == 0
    assert leadlint.__version__ in result.stdout
    assert result.stderr == ""


def test_console_script(project: Path) -> None:
    script = Path(sys.executable).parent / "leadlint"
    result = subprocess.run(
        [str(script), "--version"], cwd=project, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert leadlint.__version__ in result.stdout


def test_help(project: Path) -> None:
    result = run_cli("--help", cwd=project)
    assert result.returncode == 0
    for command in ("check", "rules", "rule"):
        assert command in result.stdout


def test_check_help_lists_options(project: Path) -> None:
    result = run_cli("check", "--help", cwd=project)
    assert result.returncode == 0
    for option in (
        "--profile",
        "--schema",
        "--openapi",
        "--component",
        "--select",
        "--extend-select",
        "--ignore",
        "--per-file-ignores",
        "--fail-on",
        "--config",
        "--format",
        "--show-values",
        "--color",
        "--quiet",
        "--verbose",
    ):
        assert option in result.stdout, option


# --- exit codes -----------------------------------------------------------------------------


def test_clean_exits_0(project: Path) -> None:
    write_lead(project / "ok.json", CLEAN)
    result = run_cli("check", "ok.json", cwd=project)
    assert result.returncode == 0, result.stderr
    assert findings(result.stdout) == []
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("lead", "fail_on", "expected"),
    [
        (WARNING, None, 0),
        (WARNING, "error", 0),
        (WARNING, "warning", 1),
        (WARNING, "info", 1),
        (WARNING, "never", 0),
        (ERROR, None, 1),
        (ERROR, "warning", 1),
        (ERROR, "never", 0),
        (CLEAN, "info", 0),
    ],
)
def test_fail_on(
    project: Path, lead: dict[str, object], fail_on: str | None, expected: int
) -> None:
    write_lead(project / "lead.json", lead)
    args = ["check", "lead.json"] + (["--fail-on", fail_on] if fail_on else [])
    result = run_cli(*args, cwd=project)
    assert result.returncode == expected, result.stdout + result.stderr
    if lead is not CLEAN:
        assert findings(result.stdout)  # reported even when they do not fail the run


@pytest.mark.parametrize("missing", ["nope.json", "nodir", "sub/nope.ndjson"])
def test_missing_input_exits_2_with_one_line(project: Path, missing: str) -> None:
    write_lead(project / "ok.json", CLEAN)
    result = run_cli("check", "ok.json", missing, cwd=project)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert missing in lines[0]


def test_unknown_option_exits_2(project: Path) -> None:
    result = run_cli("check", "--frobnicate", cwd=project)
    assert result.returncode == 2
    assert "--frobnicate" in result.stderr
    assert result.stdout == ""


def test_unknown_command_exits_2(project: Path) -> None:
    result = run_cli("chekc", cwd=project)
    assert result.returncode == 2
    assert "chekc" in result.stderr


def test_bad_choice_exits_2(project: Path) -> None:
    result = run_cli("check", "--fail-on", "sometimes", ".", cwd=project)
    assert result.returncode == 2


@pytest.mark.parametrize("entry", ["no-colon", ":LL106", "x.json:LL9x9"])
def test_bad_per_file_ignores_exits_2(project: Path, entry: str) -> None:
    write_lead(project / "ok.json", CLEAN)
    result = run_cli("check", "--per-file-ignores", entry, "ok.json", cwd=project)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("option", "selector", "suggestion"),
    [
        ("--select", "LL1O1", "LL101"),
        ("--ignore", "unknwon-field", "unknown-field"),
        ("--extend-select", "missing-requird-field", "missing-required-field"),
    ],
)
def test_unknown_selector_suggests(
    project: Path, option: str, selector: str, suggestion: str
) -> None:
    write_lead(project / "ok.json", CLEAN)
    result = run_cli("check", option, selector, "ok.json", cwd=project)
    assert result.returncode == 2
    assert selector in result.stderr
    assert f"did you mean `{suggestion}`" in result.stderr
    assert result.stdout == ""


def test_unknown_profile_exits_2(project: Path) -> None:
    write_lead(project / "ok.json", CLEAN)
    result = run_cli("check", "--profile", "curent", "ok.json", cwd=project)
    assert result.returncode == 2
    assert "curent" in result.stderr
    assert "current" in result.stderr


@pytest.mark.parametrize("text", ["not json at all", '{"type": 5}', '{"required": "id"}'])
def test_bad_schema_file_exits_2(project: Path, text: str) -> None:
    write_lead(project / "ok.json", CLEAN)
    (project / "my.schema.json").write_text(text, encoding="utf-8")
    result = run_cli("check", "--schema", "my.schema.json", "ok.json", cwd=project)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "schema" in result.stderr.lower()


def test_missing_schema_file_exits_2(project: Path) -> None:
    write_lead(project / "ok.json", CLEAN)
    result = run_cli("check", "--schema", "absent.json", "ok.json", cwd=project)
    assert result.returncode == 2
    assert "absent.json" in result.stderr


def test_own_schema_is_used(project: Path) -> None:
    (project / "my.schema.json").write_text(
        json.dumps({"type": "object", "required": ["zzz"]}), encoding="utf-8"
    )
    write_lead(project / "ok.json", CLEAN)
    result = run_cli("check", "--schema", "my.schema.json", "ok.json", cwd=project)
    assert result.returncode == 1
    assert codes(result.stdout) == {"LL101"}


def test_openapi_unknown_component_suggests(project: Path) -> None:
    openapi = ROOT.parent / "shared" / "leadping" / "openapi-2026-08.json"
    write_lead(project / "ok.json", CLEAN)
    args = ["check", "--openapi", openapi, "--component", "LeadReqest", "ok.json"]
    result = run_cli(*args, cwd=project)
    assert result.returncode == 2
    assert "did you mean" in result.stderr
    assert "LeadRequest" in result.stderr


def test_openapi_component_is_used(project: Path) -> None:
    openapi = ROOT.parent / "shared" / "leadping" / "openapi-2026-08.json"
    write_lead(project / "ok.json", CLEAN)
    args = ["check", "--openapi", openapi, "--component", "LeadRequest", "ok.json"]
    result = run_cli(*args, cwd=project)
    assert result.returncode == 1  # LeadRequest requires tagIds, tagNames, trustedFormUrl
    assert "LL101" in codes(result.stdout)


# --- exit 3: internal errors, in-process -----------------------------------------------------


def _crash(*args: object, **kwargs: object) -> None:
    raise RuntimeError("secret-lead-value")


@pytest.mark.parametrize("extra", [[], ["-q"]])
def test_internal_error_hides_details(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
) -> None:
    write_lead(project / "ok.json", CLEAN)
    monkeypatch.chdir(project)
    monkeypatch.setattr(leadlint.api, "lint_paths", _crash)
    monkeypatch.setattr(sys, "argv", ["leadlint", "check", *extra, "ok.json"])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 3
    out, err = capsys.readouterr()
    assert "please report" in err
    assert "RuntimeError" in err
    assert "Traceback" not in err
    assert "secret-lead-value" not in out + err


@pytest.mark.parametrize("flag", ["-v", "--verbose", "-qv"])
def test_internal_error_verbose_shows_traceback(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    flag: str,
) -> None:
    write_lead(project / "ok.json", CLEAN)
    monkeypatch.chdir(project)
    monkeypatch.setattr(leadlint.api, "lint_paths", _crash)
    monkeypatch.setattr(sys, "argv", ["leadlint", "check", flag, "ok.json"])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 3
    err = capsys.readouterr().err
    assert "Traceback" in err
    assert "secret-lead-value" in err
    assert "please report" in err


# --- selection ------------------------------------------------------------------------------


@pytest.fixture
def mixed(project: Path) -> Path:
    """One file with an LL102 error, an LL106 warning and a fixable LL107."""
    lead = {
        "id": "m1",
        "contact": {"lastName": 7, "bogus": 1},
        "metadata": {"trustedFormUri": "https://example.com/c"},
    }
    return write_lead(project / "mixed.json", lead)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], {"LL102", "LL106", "LL107"}),
        (["--select", "LL102"], {"LL102"}),
        (["--select", "unknown-field"], {"LL106"}),
        (["--select", "LL1"], {"LL102", "LL106", "LL107"}),
        (["--select", "LL10"], {"LL102", "LL106", "LL107"}),
        (["--select", "LL0"], set()),
        (["--select", "ALL"], {"LL102", "LL106", "LL107"}),
        (["--select", "LL102,LL106"], {"LL102", "LL106"}),
        (["--select", "LL102", "--select", "legacy-field-name"], {"LL102", "LL107"}),
        (["--ignore", "LL106"], {"LL102", "LL107"}),
        (["--ignore", "wrong-type,LL107"], {"LL106"}),
        (["--select", "LL102", "--extend-select", "LL106"], {"LL102", "LL106"}),
        (["--select", "LL1", "--ignore", "LL10"], set()),
        (["--per-file-ignores", "mixed.json:LL106,LL107"], {"LL102"}),
        (["--per-file-ignores", "*.json:LL1"], set()),
        (["--per-file-ignores", "other/*.json:LL1"], {"LL102", "LL106", "LL107"}),
    ],
)
def test_selection(project: Path, mixed: Path, args: list[str], expected: set[str]) -> None:
    result = run_cli("check", *args, "mixed.json", cwd=project)
    assert result.returncode == (1 if {"LL102", "LL107"} & expected else 0), result.stderr
    assert codes(result.stdout) == expected


def test_per_file_ignores_with_directory_glob(project: Path) -> None:
    write_lead(project / "dirty" / "a.json", WARNING)
    write_lead(project / "clean" / "a.json", WARNING)
    args = ["check", "--fail-on", "warning", "--ignore", "LL7"]
    args += ["--per-file-ignores", "dirty/*.json:LL106", "."]
    result = run_cli(*args, cwd=project)
    assert result.returncode == 1
    reported = {Path(m["path"]).parent.name for m in findings(result.stdout)}
    assert reported == {"clean"}
    only_dirty = run_cli(*args[:-1], "dirty", cwd=project)
    assert only_dirty.returncode == 0, only_dirty.stdout


# --- text output ----------------------------------------------------------------------------


def test_text_lines_and_summary(project: Path, mixed: Path) -> None:
    result = run_cli("check", "mixed.json", cwd=project)
    lines = result.stdout.splitlines()
    matched = findings(result.stdout)
    assert len(matched) == 3
    for match in matched:
        assert match["path"] == "mixed.json"
        assert int(match["line"]) >= 1 and int(match["col"]) >= 1
        assert (match["fix"] is not None) == (match["code"] == "LL107")
    rest = [line for line in lines if not LINE.match(line)]
    assert rest and rest[0].startswith("Found 3 problems")
    assert ANSI not in result.stdout


def test_fix_marker_matches_json_fix(project: Path) -> None:
    write_lead(project / "leads.json", CLEAN, WARNING, ERROR, FIXABLE, FIXABLE)
    text = run_cli("check", "leads.json", cwd=project).stdout
    document = check_report(run_cli("check", "--format", "json", "leads.json", cwd=project).stdout)
    matched = findings(text)
    assert len(matched) == len(document["diagnostics"]) > 0
    for match, diagnostic in zip(matched, document["diagnostics"], strict=True):
        assert match["code"] == diagnostic["code"]
        assert (match["fix"] is not None) == (diagnostic["fix"] is not None)
        assert (int(match["line"]), int(match["col"])) == (diagnostic["line"], diagnostic["column"])


def test_clean_summary(project: Path) -> None:
    write_lead(project / "ok.json", CLEAN, CLEAN_TOO)
    result = run_cli("check", "ok.json", cwd=project)
    assert result.stdout == "All checks passed: 2 leads in 1 file.\n"


def test_quiet_drops_summary(project: Path, mixed: Path) -> None:
    result = run_cli("check", "-q", "mixed.json", cwd=project)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines and all(LINE.match(line) for line in lines)
    clean = run_cli("check", "--quiet", write_lead(project / "ok.json", CLEAN), cwd=project)
    assert clean.returncode == 0
    assert clean.stdout == ""


@pytest.mark.parametrize("choice", ["never", "auto"])
def test_no_color_when_piped_or_never(project: Path, mixed: Path, choice: str) -> None:
    result = run_cli("check", "--color", choice, "mixed.json", cwd=project)
    assert ANSI not in result.stdout
    assert findings(result.stdout)


@pytest.mark.parametrize("env", [{}, {"NO_COLOR": "1"}])
def test_color_always(project: Path, mixed: Path, env: dict[str, str]) -> None:
    result = run_cli("check", "--color", "always", "mixed.json", cwd=project, env=clean_env(**env))
    assert ANSI in result.stdout
    plain = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
    assert len(findings(plain)) == 3


def _run_in_pty(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    primary, secondary = pty.openpty()
    try:
        process = subprocess.run(
            [sys.executable, "-m", "leadlint", *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=secondary,
            stderr=subprocess.PIPE,
            timeout=60,
            check=False,
        )
    finally:
        os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # EIO once the terminal has no writer left
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    assert process.returncode == 1, process.stderr
    return b"".join(chunks).decode()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_color_auto_on_a_terminal_honours_no_color(project: Path, mixed: Path) -> None:
    args = ["check", "--color", "auto", "mixed.json"]
    assert ANSI in _run_in_pty(args, project, clean_env())
    assert ANSI not in _run_in_pty(args, project, clean_env(NO_COLOR="1"))


def test_use_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert cli._use_color("auto")
    monkeypatch.setenv("NO_COLOR", "1")
    assert not cli._use_color("auto")
    assert cli._use_color("always")
    assert not cli._use_color("never")
    monkeypatch.setenv("NO_COLOR", "")  # an empty NO_COLOR does not count (no-color.org)
    assert cli._use_color("auto")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False)
    monkeypatch.delenv("NO_COLOR")
    assert not cli._use_color("auto")


# --- personal data ---------------------------------------------------------------------------

SECRETS = ("Zebulon", "zeb.secret@example.org", "SECRET720")
PERSONAL = {
    "id": "p1",
    "contact": {
        "firstName": "Zebulon",
        "nickname": "Zebulon",
        "email": "zeb.secret@example.org",
        "workEmail": "zeb.secret@example.org",
    },
    "customer": {"creditScore": "SECRET720"},
}


@pytest.mark.parametrize("output_format", ["text", "json", "jsonl"])
@pytest.mark.parametrize("show_values", [False, True])
def test_values_never_leak(project: Path, output_format: str, show_values: bool) -> None:
    write_lead(project / "lead.json", PERSONAL)
    write_lead(project / "leads.ndjson", PERSONAL, PERSONAL)
    args = ["check", "--format", output_format, "lead.json", "leads.ndjson"]
    result = run_cli(*args, *(["--show-values"] if show_values else []), cwd=project)
    assert result.returncode == 1
    output = result.stdout + result.stderr
    if output_format == "json":
        assert len(check_report(result.stdout)["diagnostics"]) >= 9
    elif output_format == "jsonl":
        assert len(check_jsonl(result.stdout)) >= 9
    else:
        assert {"LL102", "LL106"} <= codes(result.stdout)
    if show_values and output_format == "text":
        for secret in SECRETS:
            assert secret in result.stdout
    else:
        for secret in SECRETS:
            assert secret not in output


def test_show_values_strips_control_characters(project: Path) -> None:
    lead = {"id": "c1", "contact": {"bogus": "\x1b[31mred\nline"}}
    write_lead(project / "lead.json", lead)
    result = run_cli("check", "--show-values", "lead.json", cwd=project)
    assert "\x1b" not in result.stdout
    assert len(findings(result.stdout)) == 1


# --- rules and rule ------------------------------------------------------------------------


def test_rules_lists_every_rule(project: Path) -> None:
    result = run_cli("rules", cwd=project)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(ALL_RULES)
    for rule, line in zip(ALL_RULES, lines, strict=True):
        fields = line.split()
        assert fields[:4] == [rule.code, rule.name, rule.severity.value, rule.fix.value]


def test_rules_json(project: Path) -> None:
    result = run_cli("rules", "--format", "json", cwd=project)
    assert result.returncode == 0
    rows = json.loads(result.stdout)
    assert [row["code"] for row in rows] == [rule.code for rule in ALL_RULES]
    for row, rule in zip(rows, ALL_RULES, strict=True):
        assert row["name"] == rule.name
        assert row["severity"] == rule.severity.value
        assert row["fix"] == rule.fix.value
        assert row["summary"]


@pytest.mark.parametrize("selector", ["LL101", "ll101", "missing-required-field"])
def test_rule_doc(project: Path, selector: str) -> None:
    result = run_cli("rule", selector, cwd=project)
    assert result.returncode == 0
    assert "LL101" in result.stdout
    assert "missing-required-field" in result.stdout
    for heading in DOC_HEADINGS:
        assert f"## {heading}" in result.stdout


@pytest.mark.parametrize("selector", ["LL999", "no-such-rule"])
def test_rule_unknown_exits_2(project: Path, selector: str) -> None:
    result = run_cli("rule", selector, cwd=project)
    assert result.returncode == 2
    assert result.stdout == ""
    assert selector in result.stderr


def test_rule_ambiguous_prefix_exits_2(project: Path) -> None:
    result = run_cli("rule", "LL1", cwd=project)
    assert result.returncode == 2
    assert "several" in result.stderr


# --- stdin and directories --------------------------------------------------------------------


@pytest.mark.parametrize("stdin_format", [None, "ndjson"])
def test_stdin_ndjson(project: Path, stdin_format: str | None) -> None:
    text = "".join(json.dumps(lead) + "\n" for lead in (CLEAN, ERROR, WARNING))
    extra = ["--stdin-format", stdin_format] if stdin_format else []
    result = run_cli("check", *extra, "--format", "json", "-", cwd=project, stdin=text)
    assert result.returncode == 1, result.stderr
    document = check_report(result.stdout)
    assert document["summary"]["records"] == 3
    assert {d["file"] for d in document["diagnostics"]} == {"-"}
    assert {d["record"] for d in document["diagnostics"]} == {1, 2}
    text_result = run_cli("check", "-", cwd=project, stdin=text)
    assert {m["path"] for m in findings(text_result.stdout)} == {"-"}


def test_directory_walk(project: Path) -> None:
    data = project / "data"
    write_lead(data / "a.json", WARNING)
    write_lead(data / "sub" / "deeper" / "b.ndjson", WARNING)
    write_lead(data / "sub" / "c.jsonl", WARNING)
    write_lead(data / "D.JSON", WARNING)
    (data / "e.csv").write_text("id,contact.bogus\nc1,x\n", encoding="utf-8")
    (data / "notes.txt").write_text("not a lead", encoding="utf-8")
    write_lead(data / ".hidden" / "h.json", ERROR)
    write_lead(data / "node_modules" / "pkg" / "n.json", ERROR)
    write_lead(data / "sub" / ".git" / "g.json", ERROR)
    # The same lead in every file: leave duplicate-lead findings (LL7xx) aside.
    result = run_cli("check", "--format", "json", "--ignore", "LL7", "data", cwd=project)
    assert result.returncode == 0, result.stdout
    document = check_report(result.stdout)
    files = {Path(d["file"]).relative_to("data").as_posix() for d in document["diagnostics"]}
    assert files == {"a.json", "sub/deeper/b.ndjson", "sub/c.jsonl", "D.JSON", "e.csv"}
    assert document["summary"]["files"] == 5


def test_exclude_config(project: Path) -> None:
    data = project / "data"
    write_lead(data / "keep.json", ERROR)
    write_lead(data / "skip" / "x.json", ERROR)
    write_lead(data / "generated.json", ERROR)
    (project / "leadlint.toml").write_text(
        'exclude = ["data/skip/*", "generated.*"]\n', encoding="utf-8"
    )
    result = run_cli("check", "--format", "json", "data", cwd=project)
    document = check_report(result.stdout)
    assert {d["file"] for d in document["diagnostics"]} == {"data/keep.json"}


# --- the bundled examples --------------------------------------------------------------------

EXAMPLES = ROOT / "examples"


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="examples/ not written yet")
def test_examples_clean(project: Path) -> None:
    result = run_cli("check", EXAMPLES / "clean", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="examples/ not written yet")
def test_examples_dirty(project: Path) -> None:
    result = run_cli("check", EXAMPLES / "dirty", cwd=project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert findings(result.stdout)
    check_report(run_cli("check", "--format", "json", EXAMPLES / "dirty", cwd=project).stdout)
