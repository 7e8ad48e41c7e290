"""Big NDJSON files checked by several workers give exactly the one-process result."""

from __future__ import annotations

import sys
from pathlib import Path

import orjson
import pytest

import leadlint.parallel as parallel
from leadlint.api import lint_paths
from leadlint.config import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from generate_leads import generate


def run(path: Path, jobs: int) -> tuple[list[object], tuple[int, ...]]:
    lint = lint_paths([str(path)], Settings(jobs=jobs))
    found = list(lint.diagnostics())
    s = lint.summary
    return found, (s.files, s.records, s.errors, s.warnings, s.infos, s.fixable)


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 4096)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 8192)


def test_workers_match_one_process(tmp_path: Path, small_chunks: None) -> None:
    path = tmp_path / "leads.ndjson"
    lines = [orjson.dumps(lead) for lead in generate(300, 3, 0.4)]
    lines[10] = b'{"id": "broken",}'
    lines[50] = b"   "
    lines[120] = b'{"id": "dup", "id": "again"}'
    path.write_bytes(b"\n".join(lines) + b"\n")
    assert parallel.worth_splitting(*lint_paths([str(path)], Settings()).sources[0], 2)
    assert len(parallel.chunk_bounds(path)) > 10
    one, one_summary = run(path, 1)
    many, many_summary = run(path, 2)
    assert many == one
    assert many_summary == one_summary
    assert {d.code for d in one} >= {"LL001", "LL007", "LL102"}  # type: ignore[attr-defined]


def test_small_or_non_ndjson_files_stay_in_one_process(tmp_path: Path) -> None:
    small = tmp_path / "few.ndjson"
    small.write_bytes(b'{"id": "a"}\n')
    source, path = lint_paths([str(small)], Settings()).sources[0]
    assert path is not None
    assert not parallel.worth_splitting(source, path, 2)
