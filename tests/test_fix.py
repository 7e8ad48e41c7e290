"""--fix, --unsafe-fixes and --diff: shape kept, nothing lost, atomic writes."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadlint.api import fix_paths
from leadlint.config import Settings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate_leads import generate, write_csv  # noqa: E402

REPORT_SCHEMA = ROOT.parent / "shared" / "schemas" / "leadlint-report-v1.schema.json"


def cli(*args: str, cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "leadlint", "check", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        timeout=120,
    )


# --- defects with a known fix -----------------------------------------------------------


def pad_name(lead: dict[str, Any]) -> None:
    lead["contact"]["firstName"] = "  " + lead["contact"]["firstName"] + " "


def shout_domain(lead: dict[str, Any]) -> None:
    local, _, domain = lead["contact"]["email"].partition("@")
    lead["contact"]["email"] = f"{local}@{domain.upper()}"


def lower_state(lead: dict[str, Any]) -> None:
    lead["contact"]["streetAddress"]["state"] = lead["contact"]["streetAddress"]["state"].lower()


def long_country(lead: dict[str, Any]) -> None:
    lead["contact"]["streetAddress"]["country"] = "USA"


def national_phone(lead: dict[str, Any]) -> None:
    number = lead["contact"]["phone"]["number"]
    lead["contact"]["phone"]["number"] = f"({number[2:5]}) {number[5:8]}-{number[8:]}"


def lower_gender(lead: dict[str, Any]) -> None:
    if lead["customer"].get("gender") in ("M", "F"):
        lead["customer"]["gender"] = lead["customer"]["gender"].lower()


def legacy_zip(lead: dict[str, Any]) -> None:  # unsafe fix: rename
    address = lead["contact"]["streetAddress"]
    address["zip"] = address.pop("postalCode")


SAFE_DEFECTS = [pad_name, shout_domain, lower_state, long_country, national_phone, lower_gender]
DEFECTS = [*SAFE_DEFECTS, legacy_zip]


def leads_with_defects(count: int, seed: int, unsafe: bool) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    leads = list(generate(count, seed, 0.0))
    for lead in leads:
        for defect in rng.sample(DEFECTS if unsafe else SAFE_DEFECTS, rng.randint(0, 3)):
            defect(lead)
    return leads


def write_leads(path: Path, leads: list[dict[str, Any]], style: str) -> None:
    if style == "ndjson":
        path.write_text("".join(json.dumps(lead) + "\n" for lead in leads), encoding="utf-8")
    elif style == "json":
        path.write_text(json.dumps(leads, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    else:
        with path.open("w", encoding="utf-8", newline="") as out:
            write_csv(leads, out)


def read_leads(path: Path) -> list[Any]:
    if path.suffix == ".ndjson":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    if path.suffix == ".json":
        return list(json.loads(path.read_text(encoding="utf-8")))
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def leaves(value: Any, pointer: str = "") -> dict[str, Any]:
    if isinstance(value, dict) and value:
        return {
            k: v
            for key, child in value.items()
            for k, v in leaves(child, f"{pointer}/{key}").items()
        }
    if isinstance(value, list) and value:
        return {
            k: v
            for i, child in enumerate(value)
            for k, v in leaves(child, f"{pointer}/{i}").items()
        }
    return {pointer: value}


def touched(pointer: str, edits: list[str]) -> bool:
    return any(pointer == p or pointer.startswith(p + "/") for p in edits)


# --- properties ----------------------------------------------------------------------------

STYLES = ["ndjson", "json", "csv"]
EXAMPLES = 40  # x 12 leads each: the closing note quotes the figure


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(seed=st.integers(0, 10_000), style=st.sampled_from(STYLES), unsafe=st.booleans())
def test_fix_keeps_every_lead_and_field_and_is_idempotent(
    tmp_path_factory: pytest.TempPathFactory, seed: int, style: str, unsafe: bool
) -> None:
    folder = tmp_path_factory.mktemp("fix")
    path = folder / f"leads.{style}"
    leads = leads_with_defects(12, seed, unsafe)
    write_leads(path, leads, style)
    before = read_leads(path)
    run = fix_paths([str(path)], Settings(), unsafe=unsafe)
    list(run.diagnostics())
    after = read_leads(path)
    assert len(after) == len(before)  # no lead lost or added
    edited: dict[int, list[str]] = {}
    for index, finding in run.files[0][2].applied:
        assert finding.fix is not None
        for edit in finding.fix.edits:
            edited.setdefault(index, []).extend(p for p in (edit.pointer, edit.to) if p)
    for index, (old, new) in enumerate(zip(before, after, strict=True)):
        if style == "csv":
            names = [f"/{k.replace('.', '/')}" for k in old]
            changed = [n for n, k in zip(names, old, strict=True) if old[k] != new[k]]
        else:
            old_leaves, new_leaves = leaves(old), leaves(new)
            changed = [p for p in old_leaves if old_leaves[p] != new_leaves.get(p, object())]
        assert all(touched(p, edited.get(index, [])) for p in changed), (index, changed)
    # A second run has nothing left to fix and does not touch the file.
    stamp = path.stat().st_mtime_ns
    again = fix_paths([str(path)], Settings(), unsafe=unsafe)
    list(again.diagnostics())
    assert not again.files[0][2].changed and not again.files[0][2].applied
    assert path.stat().st_mtime_ns == stamp


# --- shape ----------------------------------------------------------------------------------


def test_json_shape_is_kept(tmp_path: Path) -> None:
    text = (
        '[\n    {\n        "id": "a\\u00e9",\n        "contact": {"firstName": " Ann ",'
        ' "lastName": "L\u00e9e"},\n        "metadata": {"price": 1.0, "subId": "x"},\n'
        '        "customer": {"income": 1e3}\n    }\n]'
    )
    path = tmp_path / "leads.json"
    path.write_text(text, encoding="utf-8")
    result = cli("--fix", "--select", "LL204", "leads.json", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    new = path.read_text(encoding="utf-8")
    assert new == text.replace('" Ann "', '"Ann"')  # only the fixed string changed


def test_ndjson_untouched_lines_are_byte_identical(tmp_path: Path) -> None:
    lines = [
        b'{"id":"a","contact":{"firstName":"Ann"}}',
        b'{ "id" : "b" , "contact" : { "firstName" : "  Bea" } }',
        b'{"id":"c",}',
        b"",
        b'{"id":"d","contact":{"firstName":"Cy"},"n":1.50}',
    ]
    path = tmp_path / "leads.ndjson"
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")
    cli("--fix", "--select", "LL204", "leads.ndjson", cwd=tmp_path)
    new = path.read_bytes().split(b"\r\n")
    assert new[1] == b'{ "id" : "b" , "contact" : { "firstName" : "Bea" } }'
    assert [new[i] for i in (0, 2, 3, 4)] == [lines[i] for i in (0, 2, 3, 4)]


def test_csv_keeps_untouched_rows_quoting_and_line_endings(tmp_path: Path) -> None:
    text = (
        "id,contact.firstName,contact.streetAddress.state\r\n"
        '"a","Ann","MA"\r\n'
        'b,"  Bea",ma\r\n'
        'c,"Cy, Jr",NY\r\n'
    )
    path = tmp_path / "leads.csv"
    path.write_bytes(text.encode())
    cli("--fix", "--select", "LL204,LL404", "leads.csv", cwd=tmp_path)
    rows = path.read_bytes().decode().split("\r\n")
    assert rows[0:2] == text.split("\r\n")[0:2] and rows[3] == 'c,"Cy, Jr",NY'
    assert rows[2] == "b,Bea,MA"


def test_no_fix_means_no_write(tmp_path: Path) -> None:
    path = tmp_path / "leads.ndjson"
    path.write_text('{"id": "a", "customer": {"creditScore": "720"}}\n', encoding="utf-8")
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    result = cli("--fix", "leads.ndjson", cwd=tmp_path)
    assert result.returncode == 1
    assert path.stat().st_mtime_ns == 1_000_000_000


def test_mode_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "leads.ndjson"
    path.write_text('{"contact": {"firstName": " Ann"}}\n', encoding="utf-8")
    path.chmod(0o640)
    cli("--fix", "leads.ndjson", cwd=tmp_path)
    assert path.read_text(encoding="utf-8") == '{"contact": {"firstName": "Ann"}}\n'
    assert path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["leads.ndjson"]  # no temp file left


# --- CLI behaviour ---------------------------------------------------------------------------


def test_diff_writes_nothing_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "leads.ndjson"
    original = '{"contact": {"firstName": " Ann", "email": "ann@GMAIL.COM"}}\n'
    path.write_text(original, encoding="utf-8")
    result = cli("--diff", "leads.ndjson", cwd=tmp_path)
    assert result.returncode == 1
    out = result.stdout.decode()
    assert out.startswith("--- a/leads.ndjson\n+++ b/leads.ndjson\n")
    assert '+{"contact": {"firstName": "Ann", "email": "ann@gmail.com"}}' in out
    assert path.read_text(encoding="utf-8") == original
    clean = tmp_path / "ok.ndjson"
    clean.write_text('{"contact": {"firstName": "Ann"}}\n', encoding="utf-8")
    nothing = cli("--diff", "ok.ndjson", cwd=tmp_path)
    assert (nothing.returncode, nothing.stdout) == (0, b"")


def test_stdin_fix_prints_the_document(tmp_path: Path) -> None:
    result = cli(
        "--fix",
        "--stdin-format",
        "ndjson",
        "-",
        cwd=tmp_path,
        stdin=b'{"contact": {"firstName": "Ann "}}\n',
    )
    assert result.stdout == b'{"contact": {"firstName": "Ann"}}\n'
    assert b"Fixed 1 problem" in result.stderr


def test_unsafe_fixes_only_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "leads.ndjson"
    path.write_text('{"contact": {"email": "zeb@gmial.com"}}\n', encoding="utf-8")
    safe = cli("--fix", "leads.ndjson", cwd=tmp_path)
    assert "gmial.com" in path.read_text(encoding="utf-8")
    assert b"1 more fixable with `--fix --unsafe-fixes`" in safe.stdout
    cli("--fix", "--unsafe-fixes", "leads.ndjson", cwd=tmp_path)
    assert path.read_text(encoding="utf-8") == '{"contact": {"email": "zeb@gmail.com"}}\n'


def test_json_report_lists_applied_fixes(tmp_path: Path) -> None:
    import jsonschema

    path = tmp_path / "leads.ndjson"
    path.write_text(
        '{"id": "a1", "contact": {"firstName": " Ann"}, "customer": {"creditScore": "7"}}\n',
        encoding="utf-8",
    )
    result = cli("--fix", "--format", "json", "leads.ndjson", cwd=tmp_path)
    report = json.loads(result.stdout)
    jsonschema.validate(report, json.loads(REPORT_SCHEMA.read_text(encoding="utf-8")))
    applied = [d for d in report["diagnostics"] if d["fix"] and d["fix"].get("applied")]
    assert [(d["code"], d["record"], d["pointer"]) for d in applied] == [
        ("LL204", 0, "/contact/firstName")
    ]
    assert report["summary"]["fixed"] == 1 and report["summary"]["errors"] == 1
    assert " Ann" not in result.stdout.decode()


# --- kill test ------------------------------------------------------------------------------

KILLS = 24


def test_sigkill_never_leaves_a_partial_file(tmp_path: Path) -> None:
    leads = leads_with_defects(6000, 99, unsafe=False)
    original = "".join(orjson.dumps(lead).decode() + "\n" for lead in leads).encode()
    reference = tmp_path / "reference.ndjson"
    reference.write_bytes(original)
    started = time.perf_counter()
    cli("--fix", "--jobs", "1", str(reference), cwd=tmp_path)
    full_run = time.perf_counter() - started
    fixed = reference.read_bytes()
    assert fixed != original
    rng = random.Random(7)
    outcomes = {"original": 0, "fixed": 0}
    target = tmp_path / "leads.ndjson"
    for _ in range(KILLS):
        target.write_bytes(original)
        process = subprocess.Popen(
            [sys.executable, "-m", "leadlint", "check", "--fix", str(target)],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.0, full_run * 1.1))
        process.send_signal(signal.SIGKILL)
        process.wait()
        content = target.read_bytes()
        assert content in (original, fixed), "a killed --fix left a partial file"
        outcomes["original" if content == original else "fixed"] += 1
    assert sum(outcomes.values()) == KILLS
    print(f"kills survived: {KILLS} ({outcomes})")


def test_fix_removes_a_utf8_bom_and_nothing_else(tmp_path: Path) -> None:
    body = b'{"contact": {"firstName": "Ann"}}\n'
    path = tmp_path / "leads.ndjson"
    path.write_bytes(b"\xef\xbb\xbf" + body)
    result = cli("--fix", "--format", "json", "leads.ndjson", cwd=tmp_path)
    assert path.read_bytes() == body
    report = json.loads(result.stdout)
    assert [d["code"] for d in report["diagnostics"]] == ["LL005"]
    assert report["diagnostics"][0]["fix"]["applied"] is True
    ignored = tmp_path / "kept.ndjson"
    ignored.write_bytes(b"\xef\xbb\xbf" + body)
    cli("--fix", "--ignore", "LL005", "kept.ndjson", cwd=tmp_path)
    assert ignored.read_bytes() == b"\xef\xbb\xbf" + body
