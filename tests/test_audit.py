"""``leadlint audit``: totals, scorecards per source, rejects, exit codes, HTML.

The audit must agree with ``check`` (the same findings, counted), give the
same report from one process and from workers, refuse to group by personal
data, and never print a lead value.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson
import pytest
from jsonschema import Draft202012Validator

import leadlint.parallel as parallel
from leadlint.audit import Audit, AuditError, audit_paths, created_day, group_path
from leadlint.config import Settings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from generate_leads import generate, write_csv  # noqa: E402

SCHEMA = json.loads((ROOT / "leadlint/schemas/leadlint-audit-v1.schema.json").read_text())
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
NOW = "2026-11-26T12:00:00Z"


def lead(
    lead_id: str,
    source: str | None,
    created: str = "2026-07-01T10:00:00Z",
    credit: Any = 700,
    email: str | None = None,
) -> dict[str, Any]:
    metadata: dict[str, Any] = {"externalId": "ext-" + lead_id}
    if source is not None:
        metadata["utmSource"] = source
    contact: dict[str, Any] = {"firstName": "Zelda", "lastName": "Quartermaine"}
    if email is not None:
        contact["email"] = email
    return {
        "id": lead_id,
        "createdAt": created,
        "metadata": metadata,
        "contact": contact,
        "customer": {"creditScore": credit},
    }


def write_ndjson(path: Path, leads: list[Any]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(x) + b"\n" for x in leads))
    return path


def leadlint(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "leadlint", *args],
        capture_output=True,
        text=True,
        input=None if stdin is None else stdin.decode(),
        cwd=ROOT,
        check=False,
    )


def audit_json(*args: str) -> dict[str, Any]:
    done = leadlint("audit", "--format", "json", "--no-progress", *args)
    assert done.returncode in (0, 1), done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    VALIDATOR.validate(report)
    return report


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    leads = [
        lead("a-1", "google"),
        lead("a-2", "google", credit=9999),  # error: credit score out of range
        lead("a-3", "google", created="2026-07-02T10:00:00Z"),
        lead("a-4", "bing", credit="seven"),  # error: wrong type
        lead("a-5", "bing", created="not a date", email="zelda.q@example.com"),  # error: LL104
        lead("a-6", None, email="Zelda.Q@example.com"),  # duplicate contact (warning)
        lead("a-1", "bing", created="2026-07-02T11:00:00Z"),  # duplicate id (error)
    ]
    path = write_ndjson(tmp_path / "leads.ndjson", leads)
    with path.open("ab") as out:
        out.write(b'{"id": "broken",\n')  # a line that is not JSON: a lead with an error
    return path


def test_report_counts_leads_sources_rules_and_days(sample: Path) -> None:
    report = audit_json(str(sample), "--select", "LL0,LL1,LL504,LL7")
    totals = report["totals"]
    assert totals["leads"] == 8
    assert totals["leadsWithErrors"] == 5  # a-2, a-4, a-5, the second a-1, the broken line
    assert totals["cleanLeads"] == 2  # a-1, a-3 (a-6 has a warning)
    assert totals["cleanShare"] == 0.25
    assert totals["duplicateLeads"] == 2
    assert totals["fileFindings"] == 0
    sources = {s["source"]: s for s in report["sources"]}
    assert [s["source"] for s in report["sources"]] == ["bing", "google", None]
    assert sources["google"]["leads"] == 3 and sources["google"]["cleanLeads"] == 2
    assert sources["bing"]["leads"] == 3 and sources["bing"]["leadsWithErrors"] == 3
    assert sources["bing"]["duplicateLeads"] == 1
    assert sources[None]["leads"] == 2  # a-6 and the unreadable line
    top = {p["code"]: p["leads"] for p in sources["bing"]["topProblems"]}
    assert top == {"LL102": 1, "LL104": 1, "LL701": 1, "LL702": 1}
    rules = {r["code"]: r for r in report["rules"]}
    assert rules["LL504"]["findings"] == 1 and rules["LL504"]["severity"] == "error"
    assert rules["LL703"]["severity"] == "warning"
    assert report["timeline"]["unit"] == "day"
    periods = {p["period"]: p for p in report["timeline"]["periods"]}
    assert periods["2026-07-01"]["leads"] == 4 and periods["2026-07-02"]["leads"] == 2
    assert report["timeline"]["undated"] == 2  # "not a date" and the broken line
    assert report["files"] == [{"path": str(sample), "leads": 8}]


def test_the_audit_counts_what_check_reports(tmp_path: Path) -> None:
    path = write_ndjson(tmp_path / "g.ndjson", list(generate(400, 21, 0.3)))
    check = leadlint("check", str(path), "--format", "json", "--no-progress")
    checked = json.loads(check.stdout)
    report = audit_json(str(path))
    findings = checked["diagnostics"] if "diagnostics" in checked else checked["findings"]
    assert report["totals"]["findings"] == len(findings)
    by_code: dict[str, int] = {}
    for finding in findings:
        by_code[finding["code"]] = by_code.get(finding["code"], 0) + 1
    assert {r["code"]: r["findings"] for r in report["rules"]} == by_code
    assert sum(s["leads"] for s in report["sources"]) == report["totals"]["leads"] == 400


def test_leads_alike_in_source_day_and_findings_each_count(tmp_path: Path) -> None:
    """Leads are tallied by (file, view, findings): each still counts, as a naive tally says."""
    leads = list(generate(600, 8, 0.5))
    for clean in leads[::4]:  # an info only (LL206): such leads still count as clean
        clean["contact"]["firstName"] = clean["contact"]["lastName"] = "Morgan"
    for number, one in enumerate(leads):  # few sources and days: many leads share a key
        one.setdefault("metadata", {})["utmSource"] = ("a", "b")[number % 2]
        one["createdAt"] = f"2026-07-0{1 + number % 3}T10:00:00Z"
        if number % 5 == 0:
            one["id"] = "same"  # LL701 for all but the first
    path = write_ndjson(tmp_path / "alike.ndjson", leads)
    run, audit = audit_paths([str(path)], Settings(now=_now()))
    by_lead: dict[int, list[Any]] = {}
    for finding in run.diagnostics():
        by_lead.setdefault(finding.location.record, []).append(finding)
    report = audit.report("test", _now())

    def expected(numbers: list[int]) -> dict[str, Any]:
        found = [d for n in numbers for d in by_lead.get(n, [])]
        severities = [d.severity.value for d in found]
        with_errors = [
            n for n in numbers if any(d.severity.value == "error" for d in by_lead.get(n, []))
        ]
        warned = [
            n for n in numbers if any(d.severity.value == "warning" for d in by_lead.get(n, []))
        ]
        return {
            "leads": len(numbers),
            "leadsWithErrors": len(with_errors),
            "cleanLeads": len(set(numbers) - set(with_errors) - set(warned)),
            "duplicateLeads": sum(
                any(d.code.startswith("LL7") for d in by_lead.get(n, [])) for n in numbers
            ),
            "errors": severities.count("error"),
            "warnings": severities.count("warning"),
            "infos": severities.count("info"),
            "rules": {
                code: (
                    sum(d.code == code for d in found),
                    sum(any(d.code == code for d in by_lead.get(n, [])) for n in numbers),
                )
                for code in {d.code for d in found}
            },
        }

    totals = expected(list(range(len(leads))))
    rules = totals.pop("rules")
    assert {key: report["totals"][key] for key in totals} == totals
    assert {r["code"]: (r["findings"], r["leads"]) for r in report["rules"]} == rules
    assert totals["duplicateLeads"] == 119 and totals["warnings"] and totals["infos"]
    for source in report["sources"]:
        want = expected([n for n in range(len(leads)) if n % 2 == "ab".index(source["source"])])
        rules = want.pop("rules")
        assert {key: source[key] for key in want} == want
        assert all(rules[r["code"]] == (r["findings"], r["leads"]) for r in source["topProblems"])
    for period in report["timeline"]["periods"]:
        want = expected([n for n in range(len(leads)) if n % 3 == int(period["period"][-1]) - 1])
        findings = want["errors"] + want["warnings"] + want["infos"]
        assert (period["leads"], period["cleanLeads"], period["errors"], period["findings"]) == (
            want["leads"],
            want["cleanLeads"],
            want["errors"],
            findings,
        )


def test_group_by_another_field_and_refuse_personal_fields(sample: Path) -> None:
    report = audit_json(str(sample), "--group-by", "metadata.externalId")
    assert {s["source"] for s in report["sources"]} >= {"ext-a-1", "ext-a-2"}
    for personal in ("contact.email", "customer.creditScore", "metadata.ipAddress", "email"):
        done = leadlint("audit", str(sample), "--group-by", personal)
        assert done.returncode == 2
        assert "personal data" in done.stderr and "Traceback" not in done.stderr
    with pytest.raises(AuditError):
        group_path("metadata..utmSource")
    assert group_path("contact.email", allow_personal=True) == ("contact", "email")


def test_text_report_has_no_lead_values_and_no_terminal_control(tmp_path: Path) -> None:
    leads = [
        lead("id-1", "evil\x1b[31m\u202esource"),
        lead("id-2", "ok", email="zelda@example.com"),
    ]
    path = write_ndjson(tmp_path / "x.ndjson", leads)
    done = leadlint("audit", str(path), "--no-progress", "--color", "never")
    assert done.returncode in (0, 1)
    for value in ("Zelda", "Quartermaine", "zelda@example.com"):
        assert value not in done.stdout and value not in done.stderr
    assert "\x1b" not in done.stdout and "\u202e" not in done.stdout
    assert "Sources by metadata.utmSource" in done.stdout


def test_exit_codes(sample: Path, tmp_path: Path) -> None:
    assert leadlint("audit", str(sample), "--no-progress").returncode == 1
    assert leadlint("audit", str(sample), "--fail-on", "never").returncode == 0
    clean = write_ndjson(tmp_path / "clean.ndjson", [lead("c-1", "x")])
    assert leadlint("audit", str(clean), "--select", "LL0,LL1").returncode == 0
    done = leadlint("audit", str(sample), "--format", "sarif")
    assert done.returncode == 2 and "text or json" in done.stderr
    missing = leadlint("audit", str(tmp_path / "nope.ndjson"))
    assert missing.returncode == 2 and "no such file" in missing.stderr


@pytest.mark.parametrize("fmt", ["ndjson", "csv", "json"])
def test_rejects_are_the_leads_with_errors_in_the_input_format(tmp_path: Path, fmt: str) -> None:
    leads = [lead("r-1", "s"), lead("r-2", "s", credit=9999), lead("r-3", "t", credit="x")]
    source = tmp_path / f"in.{fmt}"
    if fmt == "ndjson":
        write_ndjson(source, leads)
    elif fmt == "json":
        source.write_bytes(orjson.dumps(leads))
    else:
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        columns = ["id", "metadata.utmSource", "customer.creditScore", "contact.firstName"]
        writer.writerow(columns)
        for item in leads:
            writer.writerow(
                [
                    item["id"],
                    item["metadata"]["utmSource"],
                    item["customer"]["creditScore"],
                    "Zelda",
                ]
            )
        source.write_text(text.getvalue())
    rejects = tmp_path / "out" / f"rejects.{fmt}"
    rejects.parent.mkdir()
    done = leadlint("audit", str(source), "--rejects", str(rejects), "--no-progress")
    assert done.returncode == 1, done.stderr
    assert "wrote 2 rejected leads" in done.stderr
    if fmt == "ndjson":
        written = [json.loads(line) for line in rejects.read_text().splitlines()]
    elif fmt == "json":
        written = json.loads(rejects.read_text())
    else:
        written = list(csv.DictReader(rejects.open()))
    assert [w["id"] for w in written] == ["r-2", "r-3"]
    sidecar = json.loads((rejects.parent / f"rejects.{fmt}.findings.json").read_text())
    assert [entry["record"] for entry in sidecar] == [1, 2]
    assert "Zelda" not in json.dumps(sidecar)
    assert sorted(p.name for p in rejects.parent.iterdir()) == sorted(
        [rejects.name, rejects.name + ".findings.json"]
    )  # no temporary file left behind


def test_rejects_from_stdin(sample: Path, tmp_path: Path) -> None:
    rejects = tmp_path / "r.ndjson"
    selection = ("--select", "LL0,LL1,LL504,LL7")
    done = leadlint("audit", "-", *selection, "--rejects", str(rejects), stdin=sample.read_bytes())
    assert done.returncode == 1, done.stderr
    ids = [json.loads(x)["id"] for x in rejects.read_text().splitlines()]
    assert ids == ["a-2", "a-4", "a-5", "a-1"]
    sidecar = json.loads((tmp_path / "r.ndjson.findings.json").read_text())
    assert sidecar[-1]["unreadable"] is True  # the broken line: in the sidecar only


def test_workers_give_the_same_audit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 4096)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 8192)
    leads = list(generate(500, 4, 0.3))
    for index in range(50, 500, 23):
        leads[index]["id"] = leads[index // 4]["id"]
    ndjson = write_ndjson(tmp_path / "a.ndjson", leads)
    text = io.StringIO()
    write_csv(leads, text)
    csv_path = tmp_path / "a.csv"
    csv_path.write_text(text.getvalue())

    def report(jobs: int, locate: bool = False) -> tuple[dict[str, Any], list[tuple[Any, ...]]]:
        settings = Settings(jobs=jobs, now=Settings().now or _now())
        run, audit = audit_paths([str(ndjson), str(csv_path)], settings)
        if locate:
            run.engine.locate_findings = True
        found = [
            (d.code, d.location.file, d.location.record, d.location.line, d.location.column)
            for d in run.diagnostics()
        ]
        return audit.report("test", _now()), found

    (one, one_found), (two, two_found), (placed, placed_found) = (
        report(1),
        report(2),
        report(1, locate=True),
    )
    assert one == two == placed
    assert one["totals"]["duplicateLeads"] > 10
    VALIDATOR.validate(one)
    # An audit's findings point at their lead (so workers and one process
    # agree on them too); placing each at its field would change no count.
    assert one_found == two_found
    assert sorted(d[:3] for d in one_found) == sorted(d[:3] for d in placed_found)

    def places(found: list[tuple[Any, ...]]) -> dict[tuple[str, int], set[tuple[Any, Any]]]:
        by_lead: dict[tuple[str, int], set[tuple[Any, Any]]] = {}
        for _code, file, record, line, column in found:
            by_lead.setdefault((file, record), set()).add((line, column))
        return by_lead

    assert all(len(at) == 1 for at in places(one_found).values())
    assert any(len(at) > 1 for at in places(placed_found).values())


def test_an_audit_places_findings_at_their_field_only_when_asked(tmp_path: Path) -> None:
    leads = [lead("a-1", "google", credit=9999), lead("a-2", "bing", credit="seven")]
    path = write_ndjson(tmp_path / "leads.ndjson", leads)
    settings = Settings(jobs=1, now=_now())
    run, _audit = audit_paths([str(path)], settings)
    assert [(d.location.line, d.location.column) for d in run.diagnostics()] == [
        (1, None),
        (2, None),
    ]
    run, _audit = audit_paths([str(path)], settings)
    run.engine.locate_findings = True  # as check does: each finding at its field
    placed = [(d.code, d.location.line, d.location.column) for d in run.diagnostics()]
    text = path.read_text().splitlines()
    assert [(code, line) for code, line, _column in placed] == [("LL504", 1), ("LL102", 2)]
    for _code, line, column in placed:
        assert text[line - 1][column - 1 :].startswith('"creditScore"')


def test_findings_about_a_file_count_in_the_totals(tmp_path: Path) -> None:
    empty = tmp_path / "empty.ndjson"
    empty.write_bytes(b"")
    path = write_ndjson(tmp_path / "leads.ndjson", [lead("a-1", "google", credit=9999)])
    report = audit_json(str(empty), str(path))
    totals = report["totals"]
    assert (totals["leads"], totals["fileFindings"]) == (1, 1)
    assert totals["findings"] == 2 and totals["errors"] >= 1
    assert {r["code"] for r in report["rules"]} == {"LL006", "LL504"}
    assert [f["path"] for f in report["files"]] == [str(empty), str(path)]


def test_workers_tally_their_ranges(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without diagnostics, workers tally their ranges; the report is the same as ever."""
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 4096)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 8192)
    leads = list(generate(400, 6, 0.3))
    for index in range(40, 400, 9):  # repeats of earlier leads, in other ranges and the same
        leads[index]["id"] = leads[index - (index % 5) - 1]["id"]
    ndjson = write_ndjson(tmp_path / "a.ndjson", leads)
    with ndjson.open("ab") as out:  # a line that is not JSON, then more leads
        out.write(b'{"id": "broken",\n')
        out.write(b"".join(orjson.dumps(x) + b"\n" for x in leads[:30]))  # all repeats
    text = io.StringIO()
    write_csv(leads[100:300], text)
    csv_path = tmp_path / "b.csv"
    csv_path.write_text(text.getvalue())
    paths = [str(ndjson), str(csv_path)]
    settings = Settings(jobs=1, now=_now())

    whole, audit = audit_paths(paths, settings)
    by_lead: dict[tuple[str, int | None], set[str]] = {}
    for finding in whole.diagnostics():
        by_lead.setdefault((finding.location.file, finding.location.record), set()).add(
            finding.code
        )
    expected = audit.report("test", _now())
    repeated = [codes for codes in by_lead.values() if any(c.startswith("LL7") for c in codes)]
    # Both kinds of lead gain a repeat: one with other findings, one without.
    assert any(all(c.startswith("LL7") for c in codes) for codes in repeated)
    assert sum(any(not c.startswith("LL7") for c in codes) for codes in repeated) > 5
    assert expected["totals"]["leads"] == 400 + 1 + 30 + 200  # the broken line is a lead
    for jobs in (1, 2):
        run, tallied = audit_paths(paths, replace(settings, jobs=jobs), diagnostics=False)
        assert list(run.diagnostics()) == []
        assert tallied.report("test", _now()) == expected
        counts = (run.summary.errors, run.summary.warnings, run.summary.infos)
        assert counts == (whole.summary.errors, whole.summary.warnings, whole.summary.infos)
        assert run.summary.records == whole.summary.records
    with pytest.raises(ValueError):
        audit_paths(paths, settings, keep_rejected=True, diagnostics=False)


def test_a_split_file_without_leads_is_tallied_not_yielded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 4096)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 8192)
    blank = tmp_path / "blank.ndjson"
    blank.write_bytes(b"\n" * 20_000)  # split in ranges, and not one lead
    settings = Settings(jobs=2, now=_now())
    run, audit = audit_paths([str(blank)], settings)
    assert [d.code for d in run.diagnostics()] == ["LL006"]
    expected = audit.report("test", _now())
    run, tallied = audit_paths([str(blank)], settings, diagnostics=False)
    assert list(run.diagnostics()) == []
    assert tallied.report("test", _now()) == expected
    assert expected["totals"]["fileFindings"] == 1 and run.summary.errors + run.summary.warnings


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime(2026, 11, 26, 12, tzinfo=UTC)


def test_long_timelines_are_by_month() -> None:
    audit = Audit()
    for number, created in enumerate(["2026-01-05", "2026-01-20", "2026-06-01"]):
        audit.lead("f", number, ("s", created), [])
    timeline = audit.report("test")["timeline"]
    assert timeline["unit"] == "month"
    assert [(p["period"], p["leads"]) for p in timeline["periods"]] == [
        ("2026-01", 2),
        ("2026-06", 1),
    ]


@pytest.mark.parametrize(
    ("given", "day"),
    [
        ({"createdAt": "2026-02-28T23:59:59-05:00"}, "2026-02-28"),
        ({"metadata": {"createdAt": "2026-03-01"}}, "2026-03-01"),
        ({"createdAt": "2026-02-30T00:00:00Z"}, None),
        ({"createdAt": 20260101}, None),
        ([], None),
        ({"createdAt": "2026-13-01T00:00:00Z"}, None),
        ({"createdAt": "2026-1-01"}, None),
    ],
)
def test_created_day(given: Any, day: str | None) -> None:
    assert created_day(given) == day
    assert created_day(given) == day  # the second time from the cache


def test_merged_partial_audits_equal_the_whole() -> None:
    from leadlint.models import Diagnostic, Location, Severity

    def finding(code: str, severity: Severity) -> Diagnostic:
        return Diagnostic(code, "name-" + code, severity, "m", Location("f", 0, 1, 1))

    rows = [
        ("a", ("s1", "2026-01-01"), [finding("LL504", Severity.ERROR)]),
        ("a", ("s2", None), []),
        ("b", ("s1", "2026-01-02"), [finding("LL703", Severity.WARNING)]),
    ]
    whole, first, second = Audit(), Audit(), Audit()
    for number, (display, view, found) in enumerate(rows):
        whole.lead(display, number, view, found)
        (first if number < 2 else second).lead(display, number, view, found)
    first.merge(second)
    assert first.report("t", _now()) == whole.report("t", _now())


def test_html_report_from_the_cli_opens_in_chromium(sample: Path, tmp_path: Path) -> None:
    from test_audit_html import Seen, browser_session, open_file

    html = tmp_path / "report.html"
    done = leadlint("audit", str(sample), "--html", str(html), "--no-progress")
    assert done.returncode == 1, done.stderr
    page_text = html.read_text()
    for value in ("Zelda", "Quartermaine", "zelda.q@example.com"):
        assert value not in page_text
    with browser_session() as chromium:
        seen = Seen()
        page = open_file(chromium, html, seen)
        page.wait_for_selector("body[data-drawn]", timeout=30_000)
        page.screenshot(path=tmp_path / "cli-report.png", full_page=True)
        seen.offline_and_quiet()
        drawn = page.eval_on_selector_all(
            "#chart-rules .main-svg .barlayer .point path", "paths => paths.length"
        )
        assert drawn == len(audit_json(str(sample))["rules"])


def test_files_keep_their_reading_order_and_clean_leads_count() -> None:
    from leadlint.models import Diagnostic, Location, Severity

    bad = Diagnostic("LL504", "n", Severity.ERROR, "m", Location("b", 0, 1, 1))
    audit = Audit()
    audit.lead("a", 0, ("s", "2026-01-01"), [])
    audit.lead("b", 0, ("s", "2026-01-01"), [bad])
    audit.lead("a", 1, ("t", None), [])
    audit.lead("c", None, None, [])
    report = audit.report("t", _now())
    assert report["files"] == [
        {"path": "a", "leads": 2},
        {"path": "b", "leads": 1},
        {"path": "c", "leads": 0},
    ]
    assert report["totals"]["cleanLeads"] == 2 and report["totals"]["leads"] == 3
    assert {s["source"]: s["cleanLeads"] for s in report["sources"]} == {"s": 1, "t": 1}
    assert report["timeline"]["undated"] == 1
    assert audit.report("t", _now()) == report  # reporting twice changes nothing


@pytest.mark.parametrize("option", ["--html", "--rejects", "--output-file"])
def test_an_unwritable_output_is_a_usage_error(sample: Path, tmp_path: Path, option: str) -> None:
    target = tmp_path / "no" / "such" / "dir" / "out.ndjson"
    done = leadlint("audit", str(sample), option, str(target), "--no-progress")
    assert done.returncode == 2
    assert "cannot write" in done.stderr and "Traceback" not in done.stderr
    assert not target.parent.exists()


def test_one_lead_is_one_lead(tmp_path: Path) -> None:
    path = write_ndjson(tmp_path / "one.ndjson", [lead("o-1", "s")])
    done = leadlint("audit", str(path), "--no-progress", "--select", "LL0")
    assert done.stdout.startswith("1 lead in 1 file: 100.0% clean")
