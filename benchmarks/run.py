"""Benchmark leadlint against the obvious python-jsonschema loop.

Run from the repository root with the project's interpreter:

    python benchmarks/run.py                  # speed and start-up (100,000 leads)
    python benchmarks/run.py --memory         # also peak RSS on 100,000 and 1,000,000 leads
    python benchmarks/run.py --baseline-sample 10000 --json-out results.json

One run generates one seeded NDJSON file (``generate_leads.py``) and, on that
same file, measures:

a. baseline: per line ``json.loads`` then
   ``list(Draft202012Validator(schema, format_checker=...).iter_errors(lead))``
   with python-jsonschema and ``leadlint/schemas/put.schema.json`` (validator
   built once, import and build time reported apart). ``--baseline-sample N``
   times the first N leads only and extrapolates to the whole file.
b. ``python -m leadlint check FILE --select LL0,LL1 --format json``: wall time,
   best of ``--repeat``. Exit codes 0 and 1 (findings) count as success.
c. the ratio baseline / leadlint (target: at least 20x).
d. start-up: ``python -m leadlint check one.json`` on a one-lead file beside
   ``python -c pass``, and the ``leadlint`` console script when installed,
   best of 10 each (target: under 250 ms).
e. with ``--memory``: peak RSS of ``leadlint check`` (all rules, text output to
   /dev/null) on the 100,000-lead file and on a streamed 1,000,000-lead file
   (target: under 300 MiB, and not growing with the file). Two figures: the
   kernel's ``ru_maxrss`` of the child, taken with ``os.wait4`` in a bare
   wrapper process (the largest single process of the child's tree; floor
   about 10 MiB, the wrapper's own size), and the summed RSS of the child's
   whole process tree sampled every 50 ms with psutil (counts worker
   processes too). The target is judged on the larger of the two.

Results are printed as a table and, with ``--json-out``, written as JSON.
Exit status: 0 when every measurement ran, 1 when one could not (e.g. the CLI
failed), also 1 with ``--check`` when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from generate_leads import generate, write_ndjson

try:
    import psutil
except ImportError:  # the tree-RSS figure is then skipped
    psutil = None

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SCHEMA = ROOT / "leadlint" / "schemas" / "put.schema.json"
TARGET_RATIO = 20.0
TARGET_STARTUP_S = 0.250
TARGET_RSS_MIB = 300.0
STARTUP_RUNS = 10
STDERR_TAIL = 2000


class StepFailed(Exception):
    """A measurement could not be taken; the message says why."""


# --- inputs ------------------------------------------------------------------


def leads_file(folder: Path, count: int, seed: int, dirty: float) -> Path:
    """The NDJSON file of these parameters in ``folder`` (shared by the benchmarks)."""
    return folder / f"leads-{count}-s{seed}-d{dirty}.ndjson"


def ensure_leads(path: Path, count: int, seed: int, dirty: float) -> float | None:
    """Write ``count`` leads to ``path`` unless it is there; return seconds taken."""
    if path.exists():
        return None
    partial = path.with_suffix(".partial")
    start = time.perf_counter()
    with partial.open("w", encoding="utf-8") as out:
        write_ndjson(generate(count, seed, dirty), out)
    partial.replace(path)
    return time.perf_counter() - start


def write_one_lead(path: Path, seed: int) -> None:
    lead = next(generate(1, seed, 0.0))
    path.write_text(json.dumps(lead, indent=2) + "\n", encoding="utf-8")


# --- a. baseline -------------------------------------------------------------


def run_baseline(path: Path, schema_path: Path, count: int, sample: int) -> dict[str, Any]:
    if not schema_path.is_file():
        raise StepFailed(f"schema not found: {schema_path}")
    start = time.perf_counter()
    from jsonschema import Draft202012Validator

    imported = time.perf_counter()
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    built = time.perf_counter()
    # Without jsonschema's format extras these formats are silently not
    # checked, which would make the baseline look faster than it is.
    missing = sorted({"date-time", "uri", "email"} - set(validator.format_checker.checkers))

    measured = leads_with_errors = errors = bad_json = 0
    start_loop = time.perf_counter()
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if measured >= sample:
                break
            measured += 1
            try:
                lead = json.loads(line)
            except json.JSONDecodeError:
                bad_json += 1
                continue
            found = list(validator.iter_errors(lead))
            if found:
                leads_with_errors += 1
                errors += len(found)
    loop_s = time.perf_counter() - start_loop
    if not measured:
        raise StepFailed(f"no leads in {path}")
    per_lead = loop_s / measured
    return {
        "schema": str(schema_path),
        "import_s": imported - start,
        "build_s": built - imported,
        "formats_not_checked": missing,
        "leads_measured": measured,
        "sampled": measured < count,
        "measured_s": loop_s,
        "us_per_lead": per_lead * 1e6,
        "leads_per_s": 1 / per_lead,
        "total_s": per_lead * count,
        "leads_with_errors": leads_with_errors,
        "errors": errors,
        "invalid_json_lines": bad_json,
    }


# --- subprocess helpers ------------------------------------------------------


def _tail(path: Path) -> str:
    text = path.read_text(encoding="utf-8", errors="replace")
    return text[-STDERR_TAIL:].strip()


def _check_ok(cmd: list[str], returncode: int, stderr_path: Path) -> None:
    """Exit 0 or 1 (findings) is success; a traceback under exit 1 is a crash."""
    stderr = _tail(stderr_path)
    if returncode not in (0, 1) or "Traceback (most recent call last)" in stderr:
        raise StepFailed(
            f"`{' '.join(cmd)}` exited with {returncode}" + (f":\n{stderr}" if stderr else "")
        )


def timed_run(cmd: list[str], stdout_path: Path | None, scratch: Path) -> float:
    """Wall seconds of one run of ``cmd``; raises StepFailed if it failed."""
    stderr_path = scratch / "stderr.txt"
    with (
        open(stdout_path or os.devnull, "wb") as out,
        stderr_path.open("wb") as err,
    ):
        start = time.perf_counter()
        returncode = subprocess.call(cmd, cwd=ROOT, stdout=out, stderr=err)
        elapsed = time.perf_counter() - start
    _check_ok(cmd, returncode, stderr_path)
    return elapsed


def best_of(runs: int, cmd: list[str], scratch: Path, stdout_path: Path | None = None) -> float:
    return min(timed_run(cmd, stdout_path, scratch) for _ in range(runs))


def leadlint_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "leadlint", *args]


# --- b. leadlint schema-only -------------------------------------------------


def run_leadlint(cmd: list[str], count: int, repeat: int, scratch: Path) -> dict[str, Any]:
    """Best wall time of ``cmd`` (a ``--format json`` run over ``count`` leads)."""
    report_path = scratch / "report.json"
    best = best_of(repeat, cmd, scratch, report_path)
    result: dict[str, Any] = {
        "command": cmd,
        "runs": repeat,
        "best_s": best,
        "leads_per_s": count / best,
    }
    try:
        report = json.loads(report_path.read_bytes())
        if "totals" in report:  # an audit report (leadlint-audit-v1)
            totals = report["totals"]
            summary = {"records": totals["leads"], **totals}
        else:
            summary = report["summary"]
    except (ValueError, KeyError, TypeError) as exc:
        raise StepFailed(f"`{' '.join(cmd)}` did not print a JSON report: {exc!r}") from exc
    result["summary"] = summary
    if summary.get("records") != count:
        result["warning"] = f"report counts {summary.get('records')} records, file has {count}"
    return result


# --- d. start-up -------------------------------------------------------------


def console_script(name: str = "leadlint") -> str | None:
    found = shutil.which(name)
    if found:
        return found
    beside = Path(sys.executable).with_name(name)  # venv used without activating it
    return str(beside) if beside.is_file() and os.access(beside, os.X_OK) else None


def run_startup(one_lead: Path, scratch: Path) -> dict[str, Any]:
    result: dict[str, Any] = {
        "runs": STARTUP_RUNS,
        "python_pass_s": best_of(STARTUP_RUNS, [sys.executable, "-c", "pass"], scratch),
    }
    result["module_s"] = best_of(STARTUP_RUNS, leadlint_cmd("check", str(one_lead)), scratch)
    script = console_script()
    if script:
        result["script"] = script
        result["script_s"] = best_of(STARTUP_RUNS, [script, "check", str(one_lead)], scratch)
    return result


# --- e. memory ---------------------------------------------------------------


def _tree_rss(wrapper: Any) -> int:
    """Summed RSS of the wrapper's descendants (the command and its workers)."""
    total = 0
    try:
        members = wrapper.children(recursive=True)
    except psutil.Error:
        return 0
    for member in members:
        with suppress(psutil.Error):
            total += member.memory_info().rss
    return total


# A bare interpreter that starts the command and reports that one child's
# rusage. It exists because Linux carries the RSS high-water mark of the
# process that spawns a child into the child's ru_maxrss (across fork and
# exec): spawned straight from this process, which holds jsonschema and
# more, every child would report at least this process's RSS. The wrapper's
# own RSS (about 10 MiB) is the floor of the figure instead.
RUSAGE_WRAPPER = """
import os, sys
result, cmd = sys.argv[1], sys.argv[2:]
pid = os.posix_spawn(cmd[0], cmd, os.environ)
_, status, usage = os.wait4(pid, 0)
with open(result, "w") as out:
    out.write(f"{usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def peak_rss(cmd: list[str], scratch: Path) -> dict[str, Any]:
    """Run ``cmd`` (stdout to /dev/null) and return its peak memory."""
    stderr_path = scratch / "stderr.txt"
    result_path = scratch / "rusage.txt"
    result_path.unlink(missing_ok=True)
    wrapper = [sys.executable, "-I", "-S", "-c", RUSAGE_WRAPPER, str(result_path), *cmd]
    with stderr_path.open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(wrapper, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
    watched = psutil.Process(proc.pid) if psutil is not None else None
    tree_peak = 0
    while proc.poll() is None:
        if watched is not None:
            tree_peak = max(tree_peak, _tree_rss(watched))
        time.sleep(0.05)
    elapsed = time.perf_counter() - start
    try:
        maxrss, returncode = map(int, result_path.read_text(encoding="ascii").split())
    except (OSError, ValueError) as exc:
        raise StepFailed(f"the rusage wrapper failed (exit {proc.returncode}): {exc}") from exc
    _check_ok(cmd, returncode, stderr_path)
    # ru_maxrss is KiB on Linux, bytes on macOS.
    maxrss_mib = maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return {
        "wall_s": elapsed,
        "ru_maxrss_mib": maxrss_mib,
        "tree_peak_mib": tree_peak / 2**20 if watched is not None else None,
        "peak_mib": max(maxrss_mib, tree_peak / 2**20),
    }


def run_memory(files: dict[int, Path], scratch: Path) -> list[dict[str, Any]]:
    rows = []
    for count, path in sorted(files.items()):
        row = {"leads": count, "file": str(path)}
        row.update(peak_rss(leadlint_cmd("check", str(path)), scratch))
        rows.append(row)
    return rows


# --- report ------------------------------------------------------------------


def _mark(ok: bool | None) -> str:
    return "" if ok is None else ("ok" if ok else "MISSED")


def _table_rows(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(measure, value, target, verdict) rows in the order of the docstring."""
    rows: list[tuple[str, str, str, str]] = []

    def add(label: str, value: str, target: str = "", ok: bool | None = None) -> None:
        rows.append((label, value, target, _mark(ok)))

    targets = results["targets"]
    base = results.get("baseline")
    if base:
        label = "a. baseline python-jsonschema"
        if base["sampled"]:
            label += f" (SAMPLED {base['leads_measured']:,}, extrapolated)"
        add(label, f"{base['leads_per_s']:,.0f} leads/s")
        add("   per lead", f"{base['us_per_lead']:,.0f} us")
        add(f"   total for {results['params']['count']:,} leads", f"{base['total_s']:.2f} s")
        add("   import + build (not counted)", f"{base['import_s'] + base['build_s']:.2f} s")
        if base["formats_not_checked"]:
            add("   WARNING formats not checked", ", ".join(base["formats_not_checked"]))
    lint = results.get("leadlint")
    if lint:
        add(f"b. leadlint LL0,LL1 (best of {lint['runs']})", f"{lint['best_s']:.2f} s")
        add("   throughput", f"{lint['leads_per_s']:,.0f} leads/s")
        if "warning" in lint:
            add("   WARNING", lint["warning"])
    if "ratio" in results:
        ratio = f"{results['ratio']:.1f}x"
        add("c. ratio baseline / leadlint", ratio, f">= {TARGET_RATIO:.0f}x", targets["ratio"])
    start = results.get("startup")
    if start:
        target = f"< {TARGET_STARTUP_S * 1000:.0f} ms"
        add("d. python -c pass", f"{start['python_pass_s'] * 1000:.0f} ms")
        module_ms = f"{start['module_s'] * 1000:.0f} ms"
        add("   python -m leadlint check one.json", module_ms, target, targets["startup"])
        if "script_s" in start:
            add("   leadlint check one.json", f"{start['script_s'] * 1000:.0f} ms", target)
    for row in results.get("memory", []):
        detail = f"{row['peak_mib']:.0f} MiB (ru_maxrss {row['ru_maxrss_mib']:.0f}"
        tree = row["tree_peak_mib"]
        detail += f", tree {tree:.0f})" if tree is not None else ")"
        label = f"e. peak RSS, {row['leads']:,} leads ({row['wall_s']:.0f} s)"
        add(label, detail, f"< {TARGET_RSS_MIB:.0f} MiB", row["peak_mib"] < TARGET_RSS_MIB)
    for step in results["failures"]:
        add(f"FAILED {step}", "see below")
    return rows


def render(results: dict[str, Any]) -> str:
    params = results["params"]
    machine = results["machine"]
    lines = [
        f"leadlint benchmarks: {params['count']:,} leads, seed {params['seed']}, "
        f"dirty {params['dirty']}, {machine['cpus']} CPUs, Python {machine['python']}",
        f"file: {params['file']}",
        "",
    ]
    rows = _table_rows(results)
    widths = [max((len(row[i]) for row in rows), default=0) for i in range(4)]
    for row in rows:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        lines.append("  ".join(cells).rstrip())
    for step, message in results["failures"].items():
        lines += ["", f"{step} failed:", message]
    return "\n".join(lines)


# --- main --------------------------------------------------------------------


@contextmanager
def workdir(path: Path | None) -> Iterator[Path]:
    if path is not None:
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="leadlint-bench-") as tmp:
        yield Path(tmp)


def attempt(results: dict[str, Any], step: str, measure: Callable[[], Any]) -> Any:
    """Run one measurement; on failure note it and go on with the others."""
    print(f"... {step}", file=sys.stderr, flush=True)
    try:
        value = measure()
    except (StepFailed, OSError) as exc:
        results["failures"][step] = str(exc)
        print(f"    failed: {str(exc).splitlines()[0]}", file=sys.stderr, flush=True)
        return None
    results[step] = value
    return value


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="leads in the file (100000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dirty", type=float, default=0.1, help="fraction of bad leads (0.1)")
    parser.add_argument(
        "--baseline-sample",
        type=int,
        default=100_000,
        help="time the baseline on the first N leads and extrapolate (100000)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="leadlint runs, best kept (3)")
    parser.add_argument("--schema", type=Path, default=DEFAULT_SCHEMA, help="baseline schema")
    parser.add_argument("--memory", action="store_true", help="also measure peak RSS")
    parser.add_argument(
        "--memory-count", type=int, default=1_000_000, help="leads in the large file (1000000)"
    )
    parser.add_argument(
        "--workdir", type=Path, help="keep generated files here and reuse them (default: temp)"
    )
    parser.add_argument("--json-out", type=Path, help="also write the results as JSON")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if args.count < 1 or args.baseline_sample < 1 or args.repeat < 1:
        parser.error("--count, --baseline-sample and --repeat must be positive")
    if not 0.0 <= args.dirty <= 1.0:
        parser.error("--dirty must be between 0 and 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "params": {
            "count": args.count,
            "seed": args.seed,
            "dirty": args.dirty,
            "baseline_sample": args.baseline_sample,
            "repeat": args.repeat,
        },
        "failures": {},
        "targets": {},
    }
    with workdir(args.workdir) as work:
        scratch = work / "scratch"
        scratch.mkdir(exist_ok=True)
        leads = leads_file(work, args.count, args.seed, args.dirty)
        results["params"]["file"] = str(leads)
        print(f"... generating {leads}", file=sys.stderr, flush=True)
        results["params"]["generate_s"] = ensure_leads(leads, args.count, args.seed, args.dirty)

        base = attempt(
            results,
            "baseline",
            lambda: run_baseline(leads, args.schema, args.count, args.baseline_sample),
        )
        schema_only = leadlint_cmd("check", str(leads), "--select", "LL0,LL1", "--format", "json")
        lint = attempt(
            results, "leadlint", lambda: run_leadlint(schema_only, args.count, args.repeat, scratch)
        )
        if base and lint:
            results["ratio"] = base["total_s"] / lint["best_s"]
            results["targets"]["ratio"] = results["ratio"] >= TARGET_RATIO

        one_lead = work / "one.json"
        write_one_lead(one_lead, args.seed)
        start = attempt(results, "startup", lambda: run_startup(one_lead, scratch))
        if start:
            results["targets"]["startup"] = start["module_s"] < TARGET_STARTUP_S

        if args.memory:
            files = {args.count: leads}
            big = leads_file(work, args.memory_count, args.seed, args.dirty)
            print(f"... generating {big}", file=sys.stderr, flush=True)
            ensure_leads(big, args.memory_count, args.seed, args.dirty)
            files[args.memory_count] = big
            rows = attempt(results, "memory", lambda: run_memory(files, scratch))
            if rows:
                results["targets"]["memory"] = all(r["peak_mib"] < TARGET_RSS_MIB for r in rows)

    print(render(results))
    if args.json_out:
        args.json_out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if results["failures"]:
        return 1
    return 1 if args.check and not all(results["targets"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
