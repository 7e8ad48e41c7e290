"""benchmarks/run_audit.py runs end to end on a tiny file and reports every step.

Only that the benchmark works is asserted here, never how fast anything is.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

from leadlint.cli import cli

ROOT = Path(__file__).resolve().parents[1]
STEPS = ("naive", "check_jsonschema", "jobs1", "jobs2", "halves", "million")


def check_jsonschema_installed() -> bool:
    """What the benchmark looks for: the module here, else the script."""
    if importlib.util.find_spec("check_jsonschema") is not None:
        return True
    beside = Path(sys.executable).with_name("check-jsonschema")
    return shutil.which("check-jsonschema") is not None or beside.is_file()


def test_every_step_reports_positive_numbers(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    cmd = [sys.executable, str(ROOT / "benchmarks" / "run_audit.py"), "--count", "300"]
    cmd += ["--million-count", "400", "--baseline-sample", "50", "--repeat", "1"]
    cmd += ["--workdir", str(tmp_path / "work"), "--json-out", str(out)]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["failures"] == {}

    installed = check_jsonschema_installed()
    measured = [step for step in STEPS if installed or step != "check_jsonschema"]
    for step in measured:
        row = results[step]
        assert row["status"] == "measured", step
        assert row["seconds"] > 0 and row["leads_per_s"] > 0 and row["cpu_s"] > 0, step
    assert [results[step]["leads"] for step in measured] == [
        400 if step == "million" else 300 for step in measured
    ]
    assert results["naive"]["sampled"] is True
    assert results["naive"]["leads_timed"] == 50
    assert results["million"]["peak_mib"] > 0
    assert results["jobs2"]["speedup_vs_jobs1"] > 0
    assert results["halves"]["speedup_vs_jobs1"] > 0  # the control: two processes at once
    assert set(results["targets"]) == {"jobs1", "jobs2", "million_seconds", "million_rss"}

    table = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    assert len(table) == 1 + len(STEPS)  # header and one row per step
    assert "SAMPLED 50 leads" in table[1]
    if installed:
        # the generator's dirty leads are found, item by item
        assert results["check_jsonschema"]["leads_with_schema_errors"] > 0
    else:
        assert results["check_jsonschema"] == {
            "status": "not installed",
            "install": "pip install check-jsonschema",
        }
        assert "not installed (`pip install check-jsonschema`)" in table[2]

    audit = "audit" in cli.commands
    assert results["params"]["command"] == ("audit" if audit else "check")
    noted = "NOTE: audit not available, timed check instead" in done.stdout
    assert noted is not audit
