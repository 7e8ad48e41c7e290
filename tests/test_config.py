"""Configuration: discovery, precedence, validation (through the real CLI where it matters)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import CLEAN, ERROR, WARNING, check_report, run_cli, write_lead

from leadlint.config import ConfigError, Settings, apply_options, find_config, load_settings

# A file with one LL102 error and one LL106 warning.
MIXED = {"id": "m1", "contact": {"lastName": 7, "bogus": 1}}


def reported(stdout: str) -> set[str]:
    return {d["code"] for d in check_report(stdout)["diagnostics"]}


def lint(project: Path, *args: str | Path, cwd: Path | None = None) -> set[str]:
    result = run_cli("check", "--format", "json", *args, cwd=cwd or project)
    assert result.returncode in (0, 1), result.stderr
    return reported(result.stdout)


# --- discovery --------------------------------------------------------------------------------


def test_pyproject_found_walking_up(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.leadlint]\nselect = ["LL102"]\n', encoding="utf-8"
    )
    write_lead(project / "a" / "b" / "lead.json", MIXED)
    assert lint(project, "a/b/lead.json") == {"LL102"}
    assert lint(project, "lead.json", cwd=project / "a" / "b") == {"LL102"}
    assert lint(project, "a/b") == {"LL102"}


def test_leadlint_toml_found_walking_up(project: Path) -> None:
    (project / "leadlint.toml").write_text('ignore = ["unknown-field"]\n', encoding="utf-8")
    write_lead(project / "nested" / "dir" / "lead.json", MIXED)
    assert lint(project, "nested/dir/lead.json") == {"LL102"}


def test_leadlint_toml_preferred_over_pyproject(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.leadlint]\nselect = ["LL102"]\n', encoding="utf-8"
    )
    (project / "leadlint.toml").write_text('select = ["LL106"]\n', encoding="utf-8")
    write_lead(project / "lead.json", MIXED)
    assert lint(project, "lead.json") == {"LL106"}


def test_pyproject_without_table_is_skipped(project: Path) -> None:
    (project / "leadlint.toml").write_text('select = ["LL106"]\n', encoding="utf-8")
    inner = project / "inner"
    inner.mkdir()
    (inner / "pyproject.toml").write_text("[tool.black]\nline-length = 99\n", encoding="utf-8")
    write_lead(inner / "lead.json", MIXED)
    assert lint(project, "inner/lead.json") == {"LL106"}
    assert find_config(inner / "lead.json") == (project / "leadlint.toml").resolve()


def test_discovery_starts_at_input_not_cwd(project: Path) -> None:
    elsewhere = project / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "leadlint.toml").write_text('select = ["LL106"]\n', encoding="utf-8")
    inputs = project / "inputs"
    (inputs / "leadlint.toml").parent.mkdir()
    (inputs / "leadlint.toml").write_text('select = ["LL102"]\n', encoding="utf-8")
    write_lead(inputs / "lead.json", MIXED)
    assert lint(project, inputs / "lead.json", cwd=elsewhere) == {"LL102"}


def test_no_config_means_defaults(project: Path) -> None:
    write_lead(project / "lead.json", MIXED)
    assert lint(project, "lead.json") == {"LL102", "LL106"}
    assert find_config(project / "lead.json") == (project.parent / "leadlint.toml").resolve()
    assert load_settings(None) == Settings()


def test_config_option_overrides_discovery(project: Path) -> None:
    (project / "leadlint.toml").write_text('select = ["LL106"]\n', encoding="utf-8")
    (project / "other.toml").write_text('select = ["LL102"]\n', encoding="utf-8")
    write_lead(project / "lead.json", MIXED)
    assert lint(project, "--config", "other.toml", "lead.json") == {"LL102"}
    (project / "custom").mkdir()
    (project / "custom" / "pyproject.toml").write_text(
        '[tool.leadlint]\nignore = ["LL1"]\n', encoding="utf-8"
    )
    assert lint(project, "--config", "custom/pyproject.toml", "lead.json") == set()


def test_config_option_missing_file_exits_2(project: Path) -> None:
    write_lead(project / "lead.json", CLEAN)
    result = run_cli("check", "--config", "nope.toml", "lead.json", cwd=project)
    assert result.returncode == 2
    assert "nope.toml" in result.stderr
    assert result.stdout == ""


# --- precedence -------------------------------------------------------------------------------


def test_cli_overrides_config(project: Path) -> None:
    (project / "leadlint.toml").write_text(
        'select = ["LL106"]\nfail-on = "warning"\nformat = "jsonl"\n', encoding="utf-8"
    )
    write_lead(project / "lead.json", MIXED)
    result = run_cli("check", "lead.json", cwd=project)
    assert result.returncode == 1  # fail-on warning from config
    assert [json.loads(line)["code"] for line in result.stdout.splitlines()] == ["LL106"]
    result = run_cli("check", "--fail-on", "error", "--format", "json", "lead.json", cwd=project)
    assert result.returncode == 0
    assert reported(result.stdout) == {"LL106"}
    assert lint(project, "--select", "LL102", "lead.json") == {"LL102"}


def test_extend_select_adds_to_config_select(project: Path) -> None:
    (project / "leadlint.toml").write_text('select = ["LL106"]\n', encoding="utf-8")
    write_lead(project / "lead.json", MIXED)
    assert lint(project, "--extend-select", "wrong-type", "lead.json") == {"LL102", "LL106"}


def test_schema_relative_to_config_file(project: Path) -> None:
    config_dir = project / "cfg"
    config_dir.mkdir()
    (config_dir / "my.schema.json").write_text(
        json.dumps({"type": "object", "required": ["zzz"]}), encoding="utf-8"
    )
    (config_dir / "leadlint.toml").write_text('schema = "my.schema.json"\n', encoding="utf-8")
    write_lead(config_dir / "data" / "lead.json", CLEAN)
    elsewhere = project / "elsewhere"
    elsewhere.mkdir()
    result = run_cli("check", "--format", "json", config_dir / "data", cwd=elsewhere)
    assert result.returncode == 1, result.stderr
    document = check_report(result.stdout)
    assert [(d["code"], d["pointer"]) for d in document["diagnostics"]] == [("LL101", "/zzz")]


def test_cli_profile_overrides_config_schema(project: Path) -> None:
    (project / "my.schema.json").write_text(
        json.dumps({"type": "object", "required": ["zzz"]}), encoding="utf-8"
    )
    (project / "leadlint.toml").write_text('schema = "my.schema.json"\n', encoding="utf-8")
    write_lead(project / "lead.json", CLEAN)
    assert lint(project, "--profile", "put", "lead.json") == set()


def test_per_file_ignores_relative_to_config(project: Path) -> None:
    root = project / "proj"
    (root / "leadlint.toml").parent.mkdir()
    (root / "leadlint.toml").write_text(
        'ignore = ["LL7"]\n[per-file-ignores]\n"dirty/*.json" = ["LL106"]\n', encoding="utf-8"
    )
    write_lead(root / "dirty" / "a.json", MIXED)
    write_lead(root / "other" / "a.json", MIXED)
    result = run_cli("check", "--format", "json", "proj", cwd=project)
    document = check_report(result.stdout)
    by_file = {
        Path(d["file"]).parent.name: {
            e["code"] for e in document["diagnostics"] if e["file"] == d["file"]
        }
        for d in document["diagnostics"]
    }
    assert by_file == {"dirty": {"LL102"}, "other": {"LL102", "LL106"}}


def test_per_file_ignores_in_pyproject(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.leadlint]\nselect = ["ALL"]\n\n[tool.leadlint.per-file-ignores]\n'
        '"fixtures/*" = ["wrong-type", "LL106"]\n',
        encoding="utf-8",
    )
    write_lead(project / "fixtures" / "a.json", MIXED)
    write_lead(project / "b.json", WARNING)
    assert lint(project, ".") == {"LL106"}


# --- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ('selct = ["LL1"]\n', ["selct", "did you mean `select`"]),
        ('fail_on = "warning"\n', ["fail_on", "did you mean `fail-on`"]),
        ('select = ["LL1O1"]\n', ["LL1O1", "did you mean `LL101`"]),
        ('ignore = ["unknwon-field"]\n', ["unknwon-field", "did you mean `unknown-field`"]),
        ('[per-file-ignores]\n"x/*" = ["LL9x9"]\n', ["LL9x9"]),
        ('fail-on = "warnings"\n', ["fail-on", "did you mean `warning`"]),
        ('format = "sarf"\n', ["format"]),
        ('select = "LL1"\n', ["select", "list"]),
        ('max-depth = "3"\n', ["max-depth", "integer"]),
        ("max-depth = 0\n", ["max-depth"]),
        ('profile = "nope"\n', ["nope"]),
        ('schema = "absent.json"\n', ["absent.json"]),
        ("select = [LL1]\n", ["invalid TOML", "line 1, column"]),
        ('select = ["LL1"\n', ["invalid TOML", "end of document"]),
        ("[tool\n", ["invalid TOML", "line 1, column"]),
    ],
)
def test_bad_config_exits_2(project: Path, config: str, expected: list[str]) -> None:
    (project / "leadlint.toml").write_text(config, encoding="utf-8")
    write_lead(project / "lead.json", CLEAN)
    result = run_cli("check", "lead.json", cwd=project)
    assert result.returncode == 2, result.stdout
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    for part in expected:
        assert part in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_config_names_the_file(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.leadlint]\nselct = ["LL1"]\n', "utf-8")
    write_lead(project / "lead.json", CLEAN)
    result = run_cli("check", "lead.json", cwd=project)
    assert result.returncode == 2
    assert "pyproject.toml" in result.stderr


def test_broken_pyproject_is_reported_not_skipped(project: Path) -> None:
    (project / "pyproject.toml").write_text("[project\n", encoding="utf-8")
    write_lead(project / "lead.json", ERROR)
    result = run_cli("check", "lead.json", cwd=project)
    assert result.returncode == 2
    assert "pyproject.toml" in result.stderr


def test_tool_leadlint_must_be_a_table(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[tool]\nleadlint = "yes"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="table"):
        load_settings(path)


# --- Settings in-process ------------------------------------------------------------------------


def test_settings_are_frozen_and_anchored(tmp_path: Path) -> None:
    path = tmp_path / "leadlint.toml"
    path.write_text('schema = "s.json"\nrecords-key = "leads"\nmax-depth = 8\n', "utf-8")
    settings = load_settings(path)
    assert settings.schema.schema_path == tmp_path / "s.json"
    assert settings.records_key == "leads"
    assert settings.max_depth == 8
    assert settings.root == tmp_path
    with pytest.raises(AttributeError):
        settings.max_depth = 3  # type: ignore[misc]


def test_apply_options_comma_strings_and_lists(tmp_path: Path) -> None:
    settings = apply_options(
        Settings(), {"select": ["LL1", "LL005"], "ignore": ["LL106"]}, source="t", base=tmp_path
    )
    assert settings.select == ("LL1", "LL005")
    assert "LL106" not in settings.enabled_codes()
    assert {"LL101", "LL005"} <= settings.enabled_codes()
