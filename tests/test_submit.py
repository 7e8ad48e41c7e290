"""leadlint submit: gate, journal, delivery, report, security, and a kill test."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson
import pytest
from faultserver import FaultServer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate_leads import generate  # noqa: E402

TOKEN = "tok-SECRET-7f3a9c2e"


def submit(*args: str, cwd: Path, token: str | None = TOKEN) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "LEADPING_API_TOKEN"}
    if token is not None:
        env["LEADPING_API_TOKEN"] = token
    return subprocess.run(
        [sys.executable, "-m", "leadlint", "submit", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def write_leads(path: Path, leads: list[dict[str, Any]]) -> None:
    path.write_bytes(b"".join(orjson.dumps(lead) + b"\n" for lead in leads))


def clean_leads(count: int, seed: int = 5) -> list[dict[str, Any]]:
    return list(generate(count, seed, 0.0))


def journal_states(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as db:
        return dict(db.execute("SELECT lead_id, state FROM leads"))


def test_delivers_clean_leads_and_rejects_dirty_ones(tmp_path: Path) -> None:
    leads = clean_leads(6)
    leads[2]["customer"]["creditScore"] = "720"  # LL102: not sent
    del leads[4]["id"]  # no id: not sent
    write_leads(tmp_path / "leads.ndjson", leads)
    with FaultServer() as server:
        result = submit(
            "leads.ndjson", "--base-url", server.url, "--rejects", "bad.ndjson", cwd=tmp_path
        )
        sent = {r.path for r in server.requests}
    assert result.returncode == 4, result.stdout + result.stderr  # some leads not delivered
    assert sent == {f"/leads/{lead['id']}" for i, lead in enumerate(leads) if i not in (2, 4)}
    assert "4 delivered" in result.stdout and "2 rejected by lint" in result.stdout
    rejected = [json.loads(line) for line in (tmp_path / "bad.ndjson").read_text().splitlines()]
    assert rejected == [leads[2], leads[4]]
    sidecar = json.loads((tmp_path / "bad.ndjson.findings.json").read_text())
    assert [entry["codes"] for entry in sidecar] == [["LL102"], ["LL101"]]
    assert journal_states(tmp_path / ".leadlint" / "journal.sqlite")[leads[0]["id"]] == "delivered"


def test_rerun_skips_unchanged_and_resends_changed(tmp_path: Path) -> None:
    leads = clean_leads(3)
    write_leads(tmp_path / "leads.ndjson", leads)
    with FaultServer() as server:
        first = submit("leads.ndjson", "--base-url", server.url, cwd=tmp_path)
        leads[1]["contact"]["firstName"] = "Changed"
        write_leads(tmp_path / "leads.ndjson", leads)
        second = submit("leads.ndjson", "--base-url", server.url, cwd=tmp_path)
        counts = dict(server.counts)
    assert first.returncode == 0 and second.returncode == 0
    assert "2 unchanged (skipped)" in second.stdout
    assert counts == {leads[0]["id"]: 1, leads[1]["id"]: 2, leads[2]["id"]: 1}


def test_api_failures_are_reported_by_status_and_exit_4(tmp_path: Path) -> None:
    leads = clean_leads(3)
    write_leads(tmp_path / "leads.ndjson", leads)
    script = {leads[0]["id"]: [("problem", 400, "Bad lead", "The lead is invalid.")]}
    with FaultServer(script) as server:
        result = submit("leads.ndjson", "--base-url", server.url, "--format", "json", cwd=tmp_path)
    report = json.loads(result.stdout)["submit"]
    assert result.returncode == 4
    assert report["delivered"] == 2 and report["failed_by_status"] == {"400": 1}


def test_dry_run_opens_no_connection(tmp_path: Path) -> None:
    write_leads(tmp_path / "leads.ndjson", clean_leads(2))
    with FaultServer() as server:
        result = submit(
            "leads.ndjson", "--base-url", server.url, "--dry-run", cwd=tmp_path, token=None
        )
        assert server.requests == []
    assert result.returncode == 0
    assert result.stdout.count("would PUT /leads/") == 2
    assert not (tmp_path / ".leadlint").exists()


@pytest.mark.parametrize(
    ("token", "url", "message"),
    [
        (None, "https://api.example.net", "no API token"),
        ("lp_src_123", "https://api.example.net", "source key"),
        (TOKEN, "http://api.example.net", "refusing plain http"),
        (TOKEN, "ftp://api.example.net", "absolute http(s) URL"),
    ],
)
def test_refused_before_any_request(
    tmp_path: Path, token: str | None, url: str, message: str
) -> None:
    write_leads(tmp_path / "leads.ndjson", clean_leads(1))
    result = submit("leads.ndjson", "--base-url", url, cwd=tmp_path, token=token)
    assert result.returncode == 2 and message in result.stderr
    assert "lp_src_123" not in result.stderr and TOKEN not in result.stderr


def test_token_never_appears_anywhere(tmp_path: Path) -> None:
    leads = clean_leads(4)
    leads[3]["customer"]["creditScore"] = "x"
    write_leads(tmp_path / "leads.ndjson", leads)
    script = {leads[0]["id"]: [("problem", 401, "Unauthorized", "Bad token")]}
    with FaultServer(script) as server:
        outputs = [
            submit(
                "leads.ndjson",
                "--base-url",
                server.url,
                "--rejects",
                "r.ndjson",
                *extra,
                cwd=tmp_path,
            )
            for extra in ([], ["--format", "json"], ["-v"])
        ]
        headers = {r.headers.get("authorization") for r in server.requests}
    assert headers == {f"Bearer {TOKEN}"}
    for result in outputs:
        assert TOKEN not in result.stdout + result.stderr
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path


def test_journal_is_private(tmp_path: Path) -> None:
    write_leads(tmp_path / "leads.ndjson", clean_leads(1))
    with FaultServer() as server:
        submit("leads.ndjson", "--base-url", server.url, cwd=tmp_path)
    assert (tmp_path / ".leadlint" / "journal.sqlite").stat().st_mode & 0o777 == 0o600


# --- kill test ------------------------------------------------------------------------------

KILLS = 12
CONCURRENCY = 4


def test_sigkill_and_resume_deliver_every_lead_once_or_in_flight(tmp_path: Path) -> None:
    leads = clean_leads(2000, seed=11)
    write_leads(tmp_path / "leads.ndjson", leads)
    rng = random.Random(3)
    args = [
        sys.executable, "-m", "leadlint", "submit", "leads.ndjson", "--rate-limit", "0",
        "--concurrency", str(CONCURRENCY), "--format", "json",
    ]  # fmt: skip
    env = {**os.environ, "LEADPING_API_TOKEN": TOKEN}
    kills = 0
    # Each answer takes 20 ms, so a whole run lasts long enough to be killed often.
    with FaultServer(default=("slow", 0.02)) as server:
        args += ["--base-url", server.url]
        while True:
            process = subprocess.Popen(
                args, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
            )
            if kills < KILLS:
                time.sleep(rng.uniform(0.4, 1.6))
                if process.poll() is None:
                    process.send_signal(signal.SIGKILL)
                    process.wait()
                    kills += 1
                    continue
            process.communicate(timeout=300)
            if process.returncode == 0:
                break
        counts = dict(server.counts)
    assert kills >= KILLS - 2  # a run may finish before its kill comes
    assert set(counts) == {lead["id"] for lead in leads}  # every lead delivered
    states = journal_states(tmp_path / ".leadlint" / "journal.sqlite")
    assert set(states.values()) == {"delivered"} and len(states) == len(leads)
    repeated = sum(n - 1 for n in counts.values())
    # Only requests in flight at a kill are ever repeated: at most CONCURRENCY per kill.
    assert repeated <= KILLS * CONCURRENCY, repeated
    print(f"kills: {kills}, leads repeated: {repeated} ({repeated / kills:.2f} per kill)")
