"""Benchmark ``leadlint audit`` at scale (issue 7), side by side with the alternatives.

Run from the repository root with the project's interpreter:

    python benchmarks/run_audit.py                      # 100,000 and 1,000,000 leads
    python benchmarks/run_audit.py --skip-million --json-out audit.json
    python benchmarks/run_audit.py --workdir /tmp/leadlint-bench   # keep and reuse the files

On one seeded NDJSON file of realistic, distinct leads (``generate_leads.py``,
``--dirty 0.1``), in one run:

a. naive: the obvious implementation of ``run_rules.py`` (per line
   ``json.loads``, python-jsonschema with its format checker, phonenumbers,
   email-validator, usaddress). ``--baseline-sample N`` times the first N leads
   and extrapolates; the table says SAMPLED.
b. check-jsonschema, the CLI from PyPI (not a dependency of leadlint: ``pip
   install check-jsonschema``; reported as "not installed" when absent). It
   reads no NDJSON, so the leads are written once as a JSON array and checked
   against a wrapper schema whose ``items`` is a ``$ref`` to
   ``leadlint/schemas/put.schema.json`` (file URI). Before timing, the wrapper
   is tried on three leads whose last one is bad: the run must fail with errors
   at that item only. One run, whole command timed (start-up included).
c. ``leadlint audit FILE --format json --jobs 1``: every rule, one process,
   best of ``--repeat`` (target >= 30,000 leads/s).
d. the same with ``--jobs 2``; target: >= 1.8x the leads/s of c.
   Control, beside d: the file's two halves, each audited by its own
   ``--jobs 1`` process, both started at once, best of ``--repeat``: no
   splitting and no assembling, only the machine's own two-core scaling, so
   c over it is about the most any split of this work can give here.
e. ``leadlint audit BIG`` with the default jobs and output (stdout to
   /dev/null) on a 1,000,000-lead file, generated once into ``--workdir``:
   wall seconds (target < 40 s) and peak RSS over the whole process tree
   (target < 500 MiB), measured as in ``run.py --memory``. ``--skip-million``
   leaves it out; ``--million-count`` changes its size.

Until ``leadlint audit`` exists, c-e time ``leadlint check`` with the same
options and say so ("audit not available, timed check instead").

Prints a Markdown table; ``--json-out FILE`` also writes every figure as JSON.
Exit status: 0 when every step ran (or was left out on purpose), 1 when one
failed, also 1 with ``--check`` when a target is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from generate_leads import generate
from run import (
    DEFAULT_SCHEMA,
    ROOT,
    StepFailed,
    attempt,
    console_script,
    ensure_leads,
    leadlint_cmd,
    leads_file,
    peak_rss,
    run_leadlint,
    timed_run,
    workdir,
)
from run_rules import baseline

TARGET_JOBS1_LEADS_PER_S = 30_000.0
TARGET_JOBS2_SPEEDUP = 1.8
TARGET_MILLION_S = 40.0
TARGET_MILLION_MIB = 500.0
AUDIT_MISSING = "audit not available, timed check instead"
CJS_INSTALL = "pip install check-jsonschema"
STEPS = ("naive", "check_jsonschema", "jobs1", "jobs2", "halves", "million")
ITEM_PATH = re.compile(r"^\$\[(\d+)\]")


def children_cpu() -> float:
    """CPU seconds of every finished child process so far (workers included).

    Wall time on a shared machine depends on the other load; CPU time mostly
    does not, so each step reports both.
    """
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# --- which leadlint command --------------------------------------------------


def audit_command() -> tuple[str, str | None]:
    """``("audit", None)`` when ``leadlint audit`` exists, else ``check`` and a note."""
    probe = subprocess.run(leadlint_cmd("audit", "--help"), cwd=ROOT, capture_output=True)
    return ("audit", None) if probe.returncode == 0 else ("check", AUDIT_MISSING)


# --- a. naive ----------------------------------------------------------------


def run_naive(path: Path, count: int, sample: int) -> dict[str, Any]:
    timed = baseline(path, min(sample, count))
    seconds = timed["per_lead_us"] * count / 1e6
    return {
        **timed,
        "timed_s": timed["seconds"],
        "timed_cpu_s": timed["cpu_s"],
        "status": "measured",
        "leads": count,
        "seconds": seconds,
        "cpu_s": timed["cpu_s"] * count / timed["leads_timed"],
        "leads_per_s": count / seconds,
        "sampled": timed["leads_timed"] < count,
    }


# --- b. check-jsonschema -----------------------------------------------------


def check_jsonschema_cmd() -> list[str] | None:
    """How to start check-jsonschema: this interpreter's module, else a script."""
    if importlib.util.find_spec("check_jsonschema") is not None:
        return [sys.executable, "-m", "check_jsonschema"]
    script = console_script("check-jsonschema")
    return [script] if script else None


def write_wrapper_schema(path: Path) -> None:
    """An array schema whose every item must be a valid ``put`` lead."""
    wrapper = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "array",
        "items": {"$ref": DEFAULT_SCHEMA.as_uri()},
    }
    path.write_text(json.dumps(wrapper, indent=2) + "\n", encoding="utf-8")


def ensure_array(ndjson: Path, array: Path) -> float | None:
    """Write the NDJSON leads as one JSON array unless it is there; return seconds."""
    if array.exists():
        return None
    partial = array.with_name(array.name + ".partial")
    start = time.perf_counter()
    with ndjson.open("rb") as lines, partial.open("wb") as out:
        separator = b"[\n"
        for line in lines:
            if line.strip():
                out.write(separator + line.rstrip(b"\r\n"))
                separator = b",\n"
        out.write(b"[]\n" if separator == b"[\n" else b"\n]\n")
    partial.replace(array)
    return time.perf_counter() - start


def _item_errors(cmd: list[str], report_path: Path) -> list[int | None]:
    """The item index of each error in a check-jsonschema JSON report (None: not an item)."""
    try:
        report = json.loads(report_path.read_bytes())
        errors = report["errors"]
        parse_errors = report.get("parse_errors", [])  # absent when all is well
    except (ValueError, KeyError, TypeError) as exc:
        raise StepFailed(f"`{' '.join(cmd)}` did not print a JSON report: {exc!r}") from exc
    if parse_errors:
        raise StepFailed(f"`{' '.join(cmd)}` could not read its input ({len(parse_errors)} errors)")
    indexes: list[int | None] = []
    for error in errors:
        found = ITEM_PATH.match(str(error.get("path", "")))
        indexes.append(int(found.group(1)) if found else None)
    return indexes


def check_wrapper(prefix: list[str], schema: Path, scratch: Path, seed: int) -> None:
    """Fail unless the wrapper schema reports a bad third lead, and only it."""
    leads = list(generate(3, seed, 0.0))
    leads[2]["contact"] = 12345  # the put schema wants an object
    sample = scratch / "wrapper-check.json"
    sample.write_text(json.dumps(leads), encoding="utf-8")
    cmd = [*prefix, "--schemafile", str(schema), "--output-format", "json", str(sample)]
    report = scratch / "wrapper-check-report.json"
    timed_run(cmd, report, scratch)
    indexes = _item_errors(cmd, report)
    if set(indexes) != {2}:
        raise StepFailed(
            "the wrapper schema does not validate each item: on three leads with the "
            f"third one bad, check-jsonschema reported errors at items {sorted(set(indexes), key=str)}"
        )


def run_check_jsonschema(
    prefix: list[str], array: Path, schema: Path, count: int, scratch: Path, seed: int
) -> dict[str, Any]:
    check_wrapper(prefix, schema, scratch, seed)
    cmd = [*prefix, "--schemafile", str(schema), "--output-format", "json", str(array)]
    report = scratch / "check-jsonschema-report.json"
    cpu = children_cpu()
    seconds = timed_run(cmd, report, scratch)
    cpu = children_cpu() - cpu
    indexes = _item_errors(cmd, report)
    if None in indexes:
        raise StepFailed("check-jsonschema reported an error outside the array's items")
    return {
        "status": "measured",
        "command": cmd,
        "runs": 1,
        "leads": count,
        "seconds": seconds,
        "leads_per_s": count / seconds,
        "cpu_s": cpu,
        "schema_errors": len(indexes),
        "leads_with_schema_errors": len(set(indexes)),
    }


# --- c, d, e. leadlint -------------------------------------------------------


def run_jobs(
    command: str, path: Path, count: int, jobs: int, repeat: int, scratch: Path
) -> dict[str, Any]:
    cmd = leadlint_cmd(command, str(path), "--format", "json", "--jobs", str(jobs))
    cpu = children_cpu()
    timed = run_leadlint(cmd, count, repeat, scratch)
    cpu = (children_cpu() - cpu) / repeat
    return {
        "status": "measured",
        "leads": count,
        "seconds": timed["best_s"],
        "cpu_s": cpu,  # mean of the runs
        **timed,
    }


def run_halves(command: str, path: Path, count: int, repeat: int, scratch: Path) -> dict[str, Any]:
    """Two ``--jobs 1`` processes at once, one per half of ``path`` (the machine's scaling)."""
    lines = path.read_bytes().splitlines(keepends=True)
    halves = [scratch / "first-half.ndjson", scratch / "second-half.ndjson"]
    cut = len(lines) // 2
    halves[0].write_bytes(b"".join(lines[:cut]))
    halves[1].write_bytes(b"".join(lines[cut:]))
    del lines
    best = float("inf")
    cpu = children_cpu()
    for _ in range(repeat):
        reports = [scratch / f"half-{n}.json" for n in (0, 1)]
        with contextlib.ExitStack() as files:
            outputs = [files.enter_context(report.open("wb")) for report in reports]
            start = time.perf_counter()
            running = [
                subprocess.Popen(
                    leadlint_cmd(command, str(half), "--format", "json", "--jobs", "1"),
                    stdout=output,
                    stderr=subprocess.PIPE,
                )
                for half, output in zip(halves, outputs, strict=True)
            ]
            errors = [process.communicate()[1] for process in running]
            best = min(best, time.perf_counter() - start)
        for process, error in zip(running, errors, strict=True):
            if process.returncode not in (0, 1):
                raise StepFailed(error.decode("utf-8", "replace")[-2000:])
        leads = sum(json.loads(report.read_bytes())["totals"]["leads"] for report in reports)
        if leads != count:
            raise StepFailed(f"the halves' reports count {leads} leads, the file has {count}")
    return {
        "status": "measured",
        "leads": count,
        "seconds": best,
        "leads_per_s": count / best,
        "runs": repeat,
        "cpu_s": (children_cpu() - cpu) / repeat,
    }


def run_million(command: str, path: Path, count: int, scratch: Path) -> dict[str, Any]:
    cmd = leadlint_cmd(command, str(path))
    cpu = children_cpu()
    memory = peak_rss(cmd, scratch)
    cpu = children_cpu() - cpu
    seconds = memory["wall_s"]
    return {
        "status": "measured",
        "command": cmd,
        "leads": count,
        "seconds": seconds,
        "leads_per_s": count / seconds,
        "cpu_s": cpu,
        **memory,
    }


# --- targets and report ------------------------------------------------------


def judge(results: dict[str, Any]) -> None:
    """Fill ``results["targets"]`` from the measured steps."""
    targets = results["targets"]
    jobs1 = results.get("jobs1") or {}
    jobs2 = results.get("jobs2") or {}
    million = results.get("million") or {}
    if jobs1.get("status") == "measured":
        targets["jobs1"] = jobs1["leads_per_s"] >= TARGET_JOBS1_LEADS_PER_S
        if jobs2.get("status") == "measured":
            jobs2["speedup_vs_jobs1"] = jobs2["leads_per_s"] / jobs1["leads_per_s"]
        halves = results.get("halves") or {}
        if halves.get("status") == "measured":
            halves["speedup_vs_jobs1"] = halves["leads_per_s"] / jobs1["leads_per_s"]
            targets["jobs2"] = jobs2["speedup_vs_jobs1"] >= TARGET_JOBS2_SPEEDUP
    if million.get("status") == "measured":
        targets["million_seconds"] = million["seconds"] < TARGET_MILLION_S
        targets["million_rss"] = million["peak_mib"] < TARGET_MILLION_MIB


def _times(ratio: float) -> str:
    return f"{ratio:.1f}x" if ratio >= 1 else f"{ratio:.2f}x"


def _met(*verdicts: bool | None) -> str:
    known = [v for v in verdicts if v is not None]
    if not known:
        return ""
    return "yes" if all(known) else "**NO**"


def _labels(results: dict[str, Any]) -> dict[str, str]:
    command = f"leadlint {results['params']['command']}"
    big = results["params"]["million_count"]
    return {
        "naive": "a. naive: json + jsonschema + phonenumbers + email-validator + usaddress",
        "check_jsonschema": "b. check-jsonschema, JSON array, wrapper schema",
        "jobs1": f"c. `{command} --format json --jobs 1`",
        "jobs2": f"d. `{command} --format json --jobs 2`",
        "halves": "control: the two halves at once, one `--jobs 1` process each",
        "million": f"e. `{command}`, {big:,} leads, default jobs",
    }


def _notes(step: str, row: dict[str, Any], results: dict[str, Any]) -> str:
    notes: list[str] = []
    if step == "naive":
        if row["sampled"]:
            notes.append(f"SAMPLED {row['leads_timed']:,} leads, extrapolated")
        notes.append(f"loop only, imports not counted; CPU {row['cpu_s']:.1f} s")
    elif step == "check_jsonschema":
        notes.append(
            f"1 run, start-up and JSON load included; CPU {row['cpu_s']:.1f} s; schema checks only"
        )
        naive = results.get("naive") or {}
        notes.append(f"{row['leads_with_schema_errors']:,} leads with schema errors")
        if naive.get("status") == "measured" and not naive["sampled"]:
            agree = naive["leads_with_schema_errors"] == row["leads_with_schema_errors"]
            notes.append("same as naive" if agree else "**naive found a different number**")
    elif step in ("jobs1", "jobs2"):
        notes.append(f"best of {row['runs']}, start-up included; CPU {row['cpu_s']:.1f} s a run")
        if "speedup_vs_jobs1" in row:
            notes.append(f"{row['speedup_vs_jobs1']:.2f}x c")
        if "warning" in row:
            notes.append(f"**{row['warning']}**")
    elif step == "halves":
        notes.append(f"best of {row['runs']}; CPU {row['cpu_s']:.1f} s a run")
        if "speedup_vs_jobs1" in row:
            notes.append(f"{row['speedup_vs_jobs1']:.2f}x c: the machine's own scaling")
    elif step == "million":
        tree = row["tree_peak_mib"]
        detail = (
            f"process tree {tree:.0f}, largest process {row['ru_maxrss_mib']:.0f}"
            if tree is not None
            else "largest process only: psutil missing"
        )
        notes.append(f"CPU {row['cpu_s']:.1f} s")
        notes.append(f"peak RSS {row['peak_mib']:.0f} MiB ({detail}); stdout to /dev/null")
    return "; ".join(notes)


def table_rows(results: dict[str, Any]) -> list[list[str]]:
    targets = results["targets"]
    target_text = {
        "jobs1": (f">= {TARGET_JOBS1_LEADS_PER_S:,.0f} leads/s", _met(targets.get("jobs1"))),
        "jobs2": (f">= {TARGET_JOBS2_SPEEDUP}x c", _met(targets.get("jobs2"))),
        "million": (
            f"< {TARGET_MILLION_S:.0f} s, < {TARGET_MILLION_MIB:.0f} MiB",
            _met(targets.get("million_seconds"), targets.get("million_rss")),
        ),
    }
    naive = results.get("naive") or {}
    naive_rate = naive.get("leads_per_s") if naive.get("status") == "measured" else None
    rows = []
    for step, label in _labels(results).items():
        row = results.get(step) or {"status": "failed"}
        target, met = target_text.get(step, ("", ""))
        if row["status"] != "measured":
            status = {
                "not installed": f"not installed (`{CJS_INSTALL}`)",
                "skipped": "skipped (--skip-million)" if step == "million" else "skipped",
                "failed": "FAILED (see below)",
            }[row["status"]]
            rows.append([label, "", "", "", "", target, "", status])
            continue
        ratio = _times(row["leads_per_s"] / naive_rate) if naive_rate else ""
        rows.append(
            [
                label,
                f"{row['leads']:,}",
                f"{row['seconds']:.2f}",
                f"{row['leads_per_s']:,.0f}",
                ratio,
                target,
                met,
                _notes(step, row, results),
            ]
        )
    return rows


def render(results: dict[str, Any]) -> str:
    params = results["params"]
    machine = results["machine"]
    lines = [
        f"leadlint audit benchmark: {params['count']:,} leads, seed {params['seed']}, "
        f"dirty {params['dirty']}, {machine['cpus']} CPUs, Python {machine['python']}",
        f"file: {params['file']}",
        f"{machine.get('leadlint', '')}",
        f"1-minute load average {machine['load_before']:.1f} before, "
        f"{machine['load_after']:.1f} after (above 0 means other work shared the cores)",
    ]
    if params["command_note"]:
        lines.append(f"NOTE: {params['command_note']}")
    lines.append("")
    header = ["step", "leads", "seconds", "leads/s", "ratio vs naive", "target", "met?", "note"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "|".join("---" for _ in header) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in table_rows(results)]
    for step, message in results["failures"].items():
        lines += ["", f"{step} failed:", message]
    return "\n".join(lines)


# --- main --------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="leads in the file (100000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dirty", type=float, default=0.1, help="fraction of bad leads (0.1)")
    parser.add_argument(
        "--baseline-sample",
        type=int,
        default=10_000,
        help="time the naive step on the first N leads and extrapolate (10000)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of c and d, best kept (3)")
    parser.add_argument("--skip-million", action="store_true", help="leave out step e")
    parser.add_argument(
        "--million-count", type=int, default=1_000_000, help="leads in step e's file (1000000)"
    )
    parser.add_argument(
        "--workdir", type=Path, help="keep generated files here and reuse them (default: temp)"
    )
    parser.add_argument("--json-out", type=Path, help="also write the results as JSON")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if min(args.count, args.baseline_sample, args.repeat, args.million_count) < 1:
        parser.error("--count, --baseline-sample, --repeat and --million-count must be positive")
    if not 0.0 <= args.dirty <= 1.0:
        parser.error("--dirty must be between 0 and 1")
    if args.json_out and not args.json_out.resolve().parent.is_dir():
        parser.error(f"--json-out: no such folder: {args.json_out.parent}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return run_all(args)
    except OSError as exc:  # an unusable --workdir or --json-out, a full disk
        print(f"run_audit.py: error: {exc}", file=sys.stderr)
        return 2


def run_all(args: argparse.Namespace) -> int:
    command, note = audit_command()
    results: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_before": os.getloadavg()[0],
            "leadlint": subprocess.run(
                leadlint_cmd("--version"), cwd=ROOT, capture_output=True, text=True
            ).stdout.strip(),
        },
        "params": {
            "count": args.count,
            "seed": args.seed,
            "dirty": args.dirty,
            "baseline_sample": args.baseline_sample,
            "repeat": args.repeat,
            "million_count": args.million_count,
            "command": command,
            "command_note": note,
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

        attempt(results, "naive", lambda: run_naive(leads, args.count, args.baseline_sample))

        prefix = check_jsonschema_cmd()
        if prefix is None:
            results["check_jsonschema"] = {"status": "not installed", "install": CJS_INSTALL}
        else:
            array = leads.with_suffix(".json")
            schema = scratch / "put-array.schema.json"
            write_wrapper_schema(schema)
            results["params"]["array_file"] = str(array)
            results["params"]["convert_s"] = ensure_array(leads, array)
            attempt(
                results,
                "check_jsonschema",
                lambda: run_check_jsonschema(prefix, array, schema, args.count, scratch, args.seed),
            )

        for step, jobs in (("jobs1", 1), ("jobs2", 2)):
            attempt(
                results,
                step,
                lambda jobs=jobs: run_jobs(command, leads, args.count, jobs, args.repeat, scratch),
            )
        if command == "audit":
            attempt(
                results,
                "halves",
                lambda: run_halves(command, leads, args.count, args.repeat, scratch),
            )
        else:
            results["halves"] = {"status": "skipped"}

        if args.skip_million:
            results["million"] = {"status": "skipped"}
        else:
            big = leads_file(work, args.million_count, args.seed, args.dirty)
            results["params"]["million_file"] = str(big)
            print(f"... generating {big}", file=sys.stderr, flush=True)
            generated = ensure_leads(big, args.million_count, args.seed, args.dirty)
            results["params"]["million_generate_s"] = generated
            attempt(
                results, "million", lambda: run_million(command, big, args.million_count, scratch)
            )

    for step in results["failures"]:
        results[step] = {"status": "failed"}
    results["machine"]["load_after"] = os.getloadavg()[0]
    judge(results)
    print(render(results))
    if args.json_out:
        args.json_out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if results["failures"]:
        return 1
    return 1 if args.check and not all(results["targets"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
