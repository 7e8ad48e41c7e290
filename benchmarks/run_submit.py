"""Benchmark ``leadlint submit`` against a local fault-free server.

    python benchmarks/run_submit.py             # throughput, rate limit lifted (target >= 500 PUT/s)
    python benchmarks/run_submit.py --limited   # also: the default limit keeps <= 300 per 60 s (~65 s)

The server is the scripted one the tests use (tests/faultserver.py), answering
200 at once; the leads come from generate_leads.py (clean, distinct).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson
from generate_leads import generate

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from faultserver import FaultServer  # noqa: E402


def run(work: Path, count: int, url: str, *extra: str) -> float:
    leads = work / f"leads-{count}.ndjson"
    leads.write_bytes(b"".join(orjson.dumps(lead) + b"\n" for lead in generate(count, 21, 0.0)))
    journal = work / f"journal-{count}-{time.monotonic_ns()}.sqlite"
    env = {**os.environ, "LEADPING_API_TOKEN": "bench-token"}
    cmd = [sys.executable, "-m", "leadlint", "submit", str(leads), "--base-url", url]
    cmd += ["--journal", str(journal), "--ignore", "LL7", *extra]
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"submit failed ({done.returncode}): {done.stdout}{done.stderr}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--limited", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, FaultServer() as server:
        work = Path(folder)
        elapsed = run(
            work,
            args.count,
            server.url,
            "--rate-limit",
            "0",
            "--concurrency",
            str(args.concurrency),
        )
        sent = len(server.requests)
        print(
            f"rate limit lifted: {sent:,} PUTs in {elapsed:.2f} s = {sent / elapsed:,.0f} PUT/s "
            f"(whole run: lint, journal, HTTP; target >= 500)"
        )
        if args.limited:
            before = len(server.requests)
            start = time.monotonic()
            run(work, 320, server.url)
            stamps = [time.monotonic() - start for _ in range(1)]
            sent = len(server.requests) - before
            print(
                f"default limit: {sent} PUTs in {time.monotonic() - start:.1f} s "
                f"(300 allowed per 60 s, so 320 need > 60 s)"
            )
            del stamps
    return 0


if __name__ == "__main__":
    sys.exit(main())
