"""leadlint.dask on a real ``distributed.LocalCluster`` of two worker processes.

Whatever the partitioning, the cluster's findings and audit are the ones of
one process on one machine, in the same order: duplicates across
partitions and files included.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dask.bag as db
import dask.dataframe as dd
import orjson
import pandas as pd
import pytest
from distributed import Client, LocalCluster

from leadlint import dask as ldask
from leadlint.api import lint_leads, lint_paths
from leadlint.audit import audit_paths
from leadlint.config import Settings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from generate_leads import generate, write_csv  # noqa: E402

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
SETTINGS = Settings(now=NOW)


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as local:
        yield local


@pytest.fixture(scope="module")
def client(cluster: LocalCluster) -> Iterator[Client]:
    with Client(cluster) as connected:
        assert len(connected.scheduler_info()["workers"]) == 2
        yield connected


def leads_with_repeats(count: int, seed: int) -> list[dict[str, Any]]:
    leads = list(generate(count, seed, 0.3))
    for index in range(60, count, 31):
        earlier = leads[index // 3]
        if index % 2:
            leads[index]["id"] = earlier["id"]
        elif "contact" in earlier and "contact" in leads[index]:
            leads[index]["contact"]["email"] = earlier["contact"].get("email")
    return leads


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("exports")
    leads = leads_with_repeats(900, 13)
    (folder / "a.ndjson").write_bytes(b"".join(orjson.dumps(x) + b"\n" for x in leads[:500]))
    text = io.StringIO()
    write_csv(leads[500:800], text)
    (folder / "b.csv").write_text(text.getvalue())
    (folder / "c.json").write_bytes(orjson.dumps(leads[800:] + leads[:3]))
    (folder / "d.json").write_bytes(b"")  # "File is empty"
    (folder / "e.ndjson").write_bytes(b"\n  \n")  # "File has no leads", at line 2
    return folder


def local_findings(paths: list[str]) -> list[Any]:
    return list(lint_paths(paths, SETTINGS).diagnostics())


def test_files_on_the_cluster_match_one_process(client: Client, files: Path) -> None:
    paths = sorted(str(p) for p in files.iterdir())
    expected = local_findings(paths)
    found = list(ldask.lint_files(str(files / "*"), SETTINGS, client=client, chunk_bytes=20_000))
    assert found == expected
    codes = {d.code for d in found}
    assert {"LL701", "LL703", "LL006"} <= codes
    # c.json repeats the first leads of a.ndjson: found across files and partitions
    assert any(d.location.file.endswith("c.json") and "a.ndjson" in d.message for d in found)


def test_audit_on_the_cluster_matches_the_local_audit(client: Client, files: Path) -> None:
    paths = sorted(str(p) for p in files.iterdir())
    run, local = audit_paths(paths, SETTINGS, "metadata.utmSource")
    list(run.diagnostics())
    remote = ldask.audit_files(
        paths, SETTINGS, "metadata.utmSource", client=client, chunk_bytes=16_000
    )
    assert remote.report("t", NOW) == local.report("t", NOW)
    assert remote.report("t", NOW)["totals"]["duplicateLeads"] > 5


def test_a_bag_of_leads_matches_lint_leads(client: Client) -> None:
    leads = leads_with_repeats(600, 17)
    bag = db.from_sequence(leads, npartitions=9)
    found = list(ldask.lint_bag(bag, SETTINGS, client=client))
    assert found == list(lint_leads(leads, SETTINGS))
    assert any(d.code == "LL701" for d in found)
    audit = ldask.audit_bag(bag, SETTINGS, client=client)
    assert audit.report("t", NOW)["totals"]["leads"] == 600


def test_a_dataframe_with_dotted_columns_is_leads(client: Client) -> None:
    rows = [
        {
            "id": "d-1",
            "metadata.utmSource": "x",
            "customer.creditScore": 700,
            "contact.firstName": "Ann",
        },
        {
            "id": "d-2",
            "metadata.utmSource": "y",
            "customer.creditScore": 9999,
            "contact.firstName": None,
        },
        {
            "id": "d-1",
            "metadata.utmSource": "x",
            "customer.creditScore": None,
            "contact.firstName": "Bo",
        },
    ]
    frame = dd.from_pandas(pd.DataFrame(rows), npartitions=2)
    found = list(ldask.lint_dataframe(frame, SETTINGS, client=client))
    leads = [
        {
            "id": "d-1",
            "metadata": {"utmSource": "x"},
            "customer": {"creditScore": 700},
            "contact": {"firstName": "Ann"},
        },
        {"id": "d-2", "metadata": {"utmSource": "y"}, "customer": {"creditScore": 9999}},
        {"id": "d-1", "metadata": {"utmSource": "x"}, "contact": {"firstName": "Bo"}},
    ]
    assert ldask.dataframe_leads(frame).compute() == leads
    assert found == list(lint_leads(leads, SETTINGS))
    assert {d.code for d in found} >= {"LL504", "LL701"}


def test_the_cli_audits_on_a_scheduler(cluster: LocalCluster, files: Path) -> None:
    def audit(*extra: str) -> dict[str, Any]:
        done = subprocess.run(
            [sys.executable, "-m", "leadlint", "audit", str(files), "--format", "json", *extra],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 1, done.stderr
        report: dict[str, Any] = json.loads(done.stdout)
        report.pop("generatedAt")
        return report

    local = audit("-j", "1")
    remote = audit("--scheduler", cluster.scheduler_address)
    assert remote["totals"] == local["totals"]
    assert remote["sources"] == local["sources"]
    assert remote["rules"] == local["rules"]
    assert remote["files"] == local["files"]


def test_an_unreachable_scheduler_is_a_clear_error(files: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "leadlint", "audit", str(files), "--scheduler", "tcp://127.0.0.1:9"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 2
    assert "cannot reach the Dask scheduler" in done.stderr and "Traceback" not in done.stderr
