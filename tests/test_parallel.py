"""Big NDJSON and CSV files checked by several workers give exactly the one-process result.

Every rule is on, duplicates (LL7xx) included: workers send keys, the parent
decides them in order. Chunks are made tiny so that a few hundred leads
cross many range boundaries.
"""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

import leadlint.assemble as assemble
import leadlint.parallel as parallel
from leadlint.api import lint_paths
from leadlint.config import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from generate_leads import generate, write_csv

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)


def run(path: Path, jobs: int, *more: Path) -> tuple[list[Any], tuple[int, ...]]:
    lint = lint_paths([str(path), *map(str, more)], Settings(jobs=jobs, now=NOW))
    found = list(lint.diagnostics())
    s = lint.summary
    return found, (s.files, s.records, s.errors, s.warnings, s.infos, s.fixable)


def with_duplicates(leads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Later leads repeat the id, external id, phone or email of earlier ones."""
    for index in range(40, len(leads), 37):
        earlier = leads[index // 3]
        lead = leads[index]
        which = index % 4
        if which == 0:
            lead["id"] = earlier["id"]
        elif which == 1 and "metadata" in earlier and "metadata" in lead:
            lead["metadata"]["externalId"] = earlier["metadata"].get("externalId")
        elif which == 2 and "contact" in earlier and "contact" in lead:
            lead["contact"]["phone"] = earlier["contact"].get("phone")
        elif "contact" in earlier and "contact" in lead:
            lead["contact"]["email"] = earlier["contact"].get("email")
    return leads


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
    assert parallel.plan_split(*lint_paths([str(path)], Settings()).sources[0], 2) is not None
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
    assert parallel.plan_split(source, path, 2) is None


def test_duplicates_across_ranges_and_files_match_one_process(
    tmp_path: Path, small_chunks: None
) -> None:
    leads = with_duplicates(list(generate(400, 5, 0.2)))
    first, second = tmp_path / "a.ndjson", tmp_path / "b.ndjson"
    first.write_bytes(b"".join(orjson.dumps(lead) + b"\n" for lead in leads[:300]))
    second.write_bytes(b"".join(orjson.dumps(lead) + b"\n" for lead in leads[300:] + leads[:5]))
    one, one_summary = run(first, 1, second)
    many, many_summary = run(first, 2, second)
    assert many == one
    assert many_summary == one_summary
    codes = {d.code for d in one}
    assert {"LL701", "LL702", "LL703"} <= codes
    # The last five leads of b repeat the first five of a: named across files.
    across_files = [d for d in one if d.location.file == str(second) and str(first) in d.message]
    assert len({d.location.record for d in across_files}) >= 5


def csv_text(leads: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    write_csv(leads, out)
    return out.getvalue()


def test_csv_ranges_match_one_process_with_newlines_inside_quoted_cells(
    tmp_path: Path, small_chunks: None
) -> None:
    leads = with_duplicates(list(generate(400, 7, 0.2)))
    for index in range(0, len(leads), 3):  # quoted cells with newlines and quotes inside
        leads[index]["contact"]["lastName"] = 'O"Neil\nof the\r\n"Glen"\n' * 3
    path = tmp_path / "leads.csv"
    path.write_text(csv_text(leads), encoding="utf-8", newline="")
    source, file_path = lint_paths([str(path)], Settings()).sources[0]
    assert file_path is not None
    plan = parallel.plan_split(source, file_path, 2)
    assert plan is not None and len(plan.bounds) > 10
    data = path.read_bytes()
    for start, _end in plan.bounds:  # every cut is at the start of a row
        assert data[:start].count(b'"') % 2 == 0 and data[start - 1 : start] == b"\n"
    one, one_summary = run(path, 1)
    many, many_summary = run(path, 2)
    assert many == one
    assert many_summary == one_summary
    assert one_summary[1] == 400
    assert {"LL701", "LL703"} <= {d.code for d in one}


def test_a_stray_quote_that_breaks_the_parity_cut_falls_back_to_one_process(
    tmp_path: Path, small_chunks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    fallbacks: list[int] = []
    rest = assemble._rest_in_one_process

    def counted(engine: Any, plan: Any, start: int, *args: Any) -> Any:
        fallbacks.append(start)
        return rest(engine, plan, start, *args)

    monkeypatch.setattr(assemble, "_rest_in_one_process", counted)
    leads = list(generate(300, 9, 0.1))
    for index in range(30, len(leads), 2):
        leads[index]["contact"]["lastName"] = "Lee\n" * 40
    rows = csv_text(leads).split("\n")
    # An unquoted cell with one quote: csv reads it as a literal character,
    # so from here on the count of quotes is odd at every row's end, and
    # even inside the quoted cells with newlines: the cut lands in a cell.
    rows[20] = rows[20].replace(",", ',5" tall ', 1)
    path = tmp_path / "stray.csv"
    path.write_text("\n".join(rows), encoding="utf-8", newline="")
    source, file_path = lint_paths([str(path)], Settings()).sources[0]
    assert file_path is not None
    plan = parallel.plan_split(source, file_path, 2)
    assert plan is not None and len(plan.bounds) > 3
    one, one_summary = run(path, 1)
    many, many_summary = run(path, 2)
    assert many == one
    assert many_summary == one_summary
    assert one_summary[1] == 300
    assert len(fallbacks) == 1  # from the first range whose end the parity rule got wrong


def test_lead_sink_and_progress_see_every_lead_in_order(tmp_path: Path, small_chunks: None) -> None:
    path = tmp_path / "leads.ndjson"
    leads = with_duplicates(list(generate(300, 11, 0.3)))
    path.write_bytes(b"".join(orjson.dumps(lead) + b"\n" for lead in leads))

    def seen(jobs: int) -> tuple[list[tuple[str, int, Any, list[str]]], int]:
        lint = lint_paths([str(path)], Settings(jobs=jobs, now=NOW))
        calls: list[tuple[str, int, Any, list[str]]] = []
        ticks = []
        lint.engine.lead_view = lambda lead: lead.get("id")
        lint.engine.lead_sink = lambda f, i, view, found: calls.append(
            (f, i, view, [d.code for d in found])
        )
        lint.engine.on_record = lambda: ticks.append(1)
        list(lint.diagnostics())
        return calls, len(ticks)

    one, one_ticks = seen(1)
    many, many_ticks = seen(2)
    assert many == one
    assert [index for _f, index, _v, _c in one] == list(range(300))
    assert [view for _f, _i, view, _c in one] == [lead["id"] for lead in leads]
    assert one_ticks == many_ticks == 300


def test_shown_values_match_one_process(tmp_path: Path, small_chunks: None) -> None:
    """--show-values: workers keep each key's shown value for the repeats the parent finds."""
    path = tmp_path / "leads.ndjson"
    leads = with_duplicates(list(generate(300, 19, 0.3)))
    path.write_bytes(b"".join(orjson.dumps(lead) + b"\n" for lead in leads))

    def found(jobs: int) -> list[Any]:
        settings = Settings(jobs=jobs, now=NOW, show_values=True)
        return list(lint_paths([str(path)], settings).diagnostics())

    one, many = found(1), found(2)
    assert many == one
    repeats = [d for d in one if d.code.startswith("LL7")]
    assert repeats and all(d.value is not None for d in repeats)


def test_the_result_pipe_holds_a_range_s_result() -> None:
    import fcntl
    import multiprocessing

    most = int(Path("/proc/sys/fs/pipe-max-size").read_text())
    with multiprocessing.get_context("fork").Pool(1) as pool:
        writer = pool._outqueue._writer  # type: ignore[attr-defined]
        before = fcntl.fcntl(writer.fileno(), fcntl.F_GETPIPE_SZ)
        parallel._widen_result_pipe(pool)
        after = fcntl.fcntl(writer.fileno(), fcntl.F_GETPIPE_SZ)
        assert pool.apply(len, ("abc",)) == 3
    assert before == 65536
    assert after == min(1 << 20, most)
