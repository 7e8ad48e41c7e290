"""The pre-commit hooks in .pre-commit-hooks.yaml, run by the real pre-commit.

`pre-commit try-repo` installs leadlint from a git repository into its own
virtualenv (from PyPI: needs the network the first time) and runs a hook on
every file of another repository. try-repo only carries *tracked* changes of
the hook repository over (``git add -u``), so the checkout's files (tracked
and untracked, not ignored) are copied into a fresh repository and committed
there; PRE_COMMIT_HOME is shared by the module so the environment is built once.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pre_commit  # noqa: F401  # the real pre-commit (test extras); never skipped
import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
HOOK_IDS = ("leadlint", "leadlint-fix")
# Not needed to build or run the hooks; keeps the copy small.
_SKIP_TOP = {"tests", "benchmarks"}

TryRepo = Callable[[Path, str], "subprocess.CompletedProcess[str]"]


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env["PRE_COMMIT_HOME"] = str(home)
    env["PRE_COMMIT_COLOR"] = "never"
    env["NO_COLOR"] = "1"
    return env


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "init.defaultBranch=main", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        env=_env(cwd),
    )


def _commit_all(repo: Path) -> None:
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "tests@leadlint.invalid")
    _git(repo, "config", "user.name", "leadlint tests")
    _git(repo, "config", "commit.gpgsign", "false")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "files")


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The checkout as it is on disk, committed in a repository of its own."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.decode()
    repo = tmp_path_factory.mktemp("hook-repo")
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if Path(name).parts[0] in _SKIP_TOP or not source.is_file():
            continue  # a tracked file deleted in the working tree is skipped
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, repo / name)
    assert (repo / ".pre-commit-hooks.yaml").is_file()
    _commit_all(repo)
    return repo


@pytest.fixture
def try_repo(hook_repo: Path, pre_commit_home: Path) -> Iterator[TryRepo]:
    def run(work: Path, hook: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), hook, "--all-files"],
            cwd=work,
            env=_env(pre_commit_home),
            capture_output=True,
            text=True,
            timeout=900,
        )

    yield run


def _work_repo(tmp_path: Path, files: dict[str, bytes]) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    for name, data in files.items():
        (work / name).write_bytes(data)
    _commit_all(work)
    return work


def _examples(kind: str) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((EXAMPLES / kind).iterdir()) if p.is_file()}


def _output(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr


def test_manifest_declares_both_hooks() -> None:
    from pre_commit.clientlib import load_manifest  # type: ignore[import-untyped]

    hooks = {hook["id"]: hook for hook in load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}
    assert set(hooks) == set(HOOK_IDS)
    assert hooks["leadlint"]["entry"] == "leadlint check"
    assert hooks["leadlint-fix"]["entry"] == "leadlint check --fix"
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["require_serial"] is False
        assert hook["description"]
        assert hook["types"] == ["file"] and not hook["types_or"]
    import re

    pattern = re.compile(hooks["leadlint"]["files"])
    for name in ("a.json", "b.ndjson", "c.jsonl", "d/e.csv"):
        assert pattern.search(name), name
    for name in ("README.md", "x.json.bak", "x.yaml", "x.tsv"):
        assert not pattern.search(name), name


@pytest.mark.parametrize("hook", HOOK_IDS)
def test_clean_leads_pass(tmp_path: Path, try_repo: TryRepo, hook: str) -> None:
    files = _examples("clean") | {"notes.md": b"# not a lead file, not checked\n"}
    work = _work_repo(tmp_path, files)
    result = try_repo(work, hook)
    print(f"\n$ pre-commit try-repo <leadlint checkout> {hook} --all-files  (clean leads)")
    print(_output(result))
    assert result.returncode == 0, _output(result)
    assert "Passed" in result.stdout
    for name, data in files.items():
        assert (work / name).read_bytes() == data  # nothing rewritten


def test_dirty_leads_fail_with_findings(tmp_path: Path, try_repo: TryRepo) -> None:
    work = _work_repo(tmp_path, _examples("dirty"))
    result = try_repo(work, "leadlint")
    print("\n$ pre-commit try-repo <leadlint checkout> leadlint --all-files  (dirty leads)")
    print(_output(result))
    assert result.returncode == 1, _output(result)
    assert "Failed" in result.stdout
    assert "- exit code: 1" in result.stdout
    for expected in ("LL001", "LL510", "leads.ndjson", "leads.csv", "leads.json"):
        assert expected in result.stdout, expected


def test_fix_hook_rewrites_then_passes(tmp_path: Path, try_repo: TryRepo) -> None:
    # Two different clean leads (the same lead twice would be a cross-file duplicate).
    one = json.loads((EXAMPLES / "clean" / "lead.json").read_bytes())
    two = json.loads((EXAMPLES / "clean" / "leads.ndjson").read_bytes().splitlines()[0])
    leads = {"lead.json": one, "leads.jsonl": two}
    for lead in leads.values():
        lead["contact"]["firstName"] = " Ann"
    dirty = {name: json.dumps(lead).encode() + b"\n" for name, lead in leads.items()}
    work = _work_repo(tmp_path, dirty)

    check = try_repo(work, "leadlint")
    # LL204 (whitespace) is a warning: with the default --fail-on error the check passes.
    assert check.returncode == 0, _output(check)
    for name, data in dirty.items():
        assert (work / name).read_bytes() == data  # the check hook never writes

    first = try_repo(work, "leadlint-fix")
    print("\n$ pre-commit try-repo <leadlint checkout> leadlint-fix --all-files  (fixable lead)")
    print(_output(first))
    assert first.returncode == 1, _output(first)  # pre-commit fails a hook that changed files
    assert "files were modified by this hook" in first.stdout
    for name, lead in leads.items():
        fixed = json.loads((work / name).read_bytes())
        assert fixed["contact"] == lead["contact"] | {"firstName": "Ann"}, name
        assert {k: v for k, v in fixed.items() if k != "contact"} == {
            k: v for k, v in lead.items() if k != "contact"
        }

    second = try_repo(work, "leadlint-fix")
    assert second.returncode == 0, _output(second)
    assert "Passed" in second.stdout
    again = try_repo(work, "leadlint")
    assert again.returncode == 0, _output(again)
