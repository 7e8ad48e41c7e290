"""Benchmark the full rule set against the obvious per-lead implementation.

Run from the repository root with the project's interpreter:

    python benchmarks/run_rules.py                 # 100,000 leads
    python benchmarks/run_rules.py --count 20000 --baseline-sample 2000

On one seeded NDJSON file of realistic, distinct leads (``generate_leads.py``),
in one run:

a. baseline, "the obvious implementation": per line ``json.loads``, then
   python-jsonschema ``iter_errors`` (format checker on), ``phonenumbers.parse``
   + ``is_valid_number``, ``email_validator.validate_email`` (no DNS) and
   ``usaddress.tag(line1)``, each called once per lead. ``--baseline-sample N``
   times the first N leads and extrapolates (the table says so).
b. ``python -m leadlint check FILE --format json --jobs 1``: every rule, one
   process (the target is at least 30,000 leads/s, issue 7), best of ``--repeat``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from run import ROOT, best_of, ensure_leads, leadlint_cmd, leads_file


def baseline(path: Path, sample: int) -> dict[str, Any]:
    import email_validator
    import phonenumbers
    import usaddress
    from jsonschema import Draft202012Validator

    schema = json.loads((ROOT / "leadlint" / "schemas" / "put.schema.json").read_text())
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    done = leads_with_errors = schema_errors = 0
    cpu_start = time.process_time()
    start = time.perf_counter()
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if done == sample:
                break
            lead = json.loads(line)
            found = len(list(validator.iter_errors(lead)))
            schema_errors += found
            leads_with_errors += found > 0
            contact = lead.get("contact") or {}
            phone = (contact.get("phone") or {}).get("number")
            if isinstance(phone, str):
                try:
                    phonenumbers.is_valid_number(phonenumbers.parse(phone, "US"))
                except phonenumbers.NumberParseException:
                    pass
            email = contact.get("email")
            if isinstance(email, str):
                try:
                    email_validator.validate_email(email, check_deliverability=False)
                except email_validator.EmailNotValidError:
                    pass
            line1 = (contact.get("streetAddress") or {}).get("line1")
            if isinstance(line1, str):
                try:
                    usaddress.tag(line1)
                except usaddress.RepeatedLabelError:
                    pass
            done += 1
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    return {
        "leads_timed": done,
        "seconds": elapsed,
        "cpu_s": cpu,
        "per_lead_us": elapsed / done * 1e6,
        "leads_with_schema_errors": leads_with_errors,
        "schema_errors": schema_errors,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dirty", type=float, default=0.1)
    parser.add_argument("--baseline-sample", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="leadlint-rules-"))
    work.mkdir(parents=True, exist_ok=True)
    path = leads_file(work, args.count, args.seed, args.dirty)
    ensure_leads(path, args.count, args.seed, args.dirty)
    base = baseline(path, min(args.baseline_sample, args.count))
    base_total = base["per_lead_us"] * args.count / 1e6
    cmd = leadlint_cmd("check", str(path), "--format", "json", "--jobs", "1")
    best = best_of(args.repeat, cmd, work, work / "report.json")
    summary = json.loads((work / "report.json").read_bytes())["summary"]
    sampled = " (SAMPLED, extrapolated)" if base["leads_timed"] < args.count else ""
    print(f"full rule set, {args.count:,} leads, seed {args.seed}, dirty {args.dirty}")
    print(
        f"a. baseline{sampled}: {base['per_lead_us']:.0f} us/lead, "
        f"{args.count / base_total:,.0f} leads/s, {base_total:.2f} s for the file"
    )
    print(
        f"b. leadlint --jobs 1:  {best:.2f} s, {args.count / best:,.0f} leads/s "
        f"(target >= 30,000), {summary['errors']:,} errors, {summary['warnings']:,} warnings, "
        f"{summary['infos']:,} infos"
    )
    print(f"c. ratio baseline / leadlint: {base_total / best:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
