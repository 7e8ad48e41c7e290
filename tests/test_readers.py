"""Readers: records, positions (1-based line/column, JSON Pointer) and LL0xx findings."""

from __future__ import annotations

import copy
import csv
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadlint.api import lint_paths
from leadlint.config import Settings
from leadlint.engine import Engine
from leadlint.models import Diagnostic, Severity
from leadlint.positions import escape_token
from leadlint.readers import ENVELOPE_KEYS, Source, read_source
from leadlint.records import Problem, ReadOptions, Record

REPO = Path(__file__).resolve().parents[1]
CLEAN_LEAD: dict[str, Any] = json.loads((REPO / "examples" / "clean" / "lead.json").read_text())
FIELD_TYPES = Engine(Settings()).schema.field_types
CSV_OPTIONS = ReadOptions(field_types=FIELD_TYPES)


def lead(**changes: Any) -> dict[str, Any]:
    """A clean lead with dotted-path changes (value None removes the field)."""
    data = copy.deepcopy(CLEAN_LEAD)
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        node = data
        for key in parents:
            node = node.setdefault(key, {})
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
    return data


def lint(tmp_path: Path, name: str, data: bytes | str, **options: Any) -> list[Diagnostic]:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    # The reader tests repeat one lead; duplicate-lead findings (LL7xx) are not theirs.
    options.setdefault("ignore", ("LL7",))
    run = lint_paths([str(path)], Settings(**options))
    return list(run.diagnostics())


def codes(diagnostics: list[Diagnostic]) -> list[str]:
    return [d.code for d in diagnostics]


def only(diagnostics: list[Diagnostic], code: str) -> Diagnostic:
    found = [d for d in diagnostics if d.code == code]
    assert len(found) == 1, [(d.code, d.message, d.location) for d in diagnostics]
    return found[0]


def where(d: Diagnostic) -> tuple[int | None, int | None, int | None, str]:
    loc = d.location
    return loc.record, loc.line, loc.column, loc.pointer


def read(data: bytes, fmt: str | None, options: ReadOptions | None = None) -> list[Any]:
    stream = io.BytesIO(data)
    return list(read_source(Source("x", fmt), stream, options or ReadOptions()))


def records(items: list[Any]) -> list[Record]:
    return [i for i in items if isinstance(i, Record)]


def problems(items: list[Any]) -> list[Problem]:
    found = [i for i in items if isinstance(i, Problem)]
    for item in items:
        if isinstance(item, Record):
            found.extend(item.problems)
    return found


def key_position(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based line and column of the n-th occurrence of ``needle``."""
    offset = -1
    for _ in range(occurrence):
        offset = text.index(needle, offset + 1)
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


# --- shapes ------------------------------------------------------------------


def test_single_object_is_one_record() -> None:
    items = read(json.dumps(CLEAN_LEAD).encode(), "json")
    assert [(r.index, r.data) for r in records(items)] == [(0, CLEAN_LEAD)]
    assert problems(items) == []


def test_array_gives_one_record_per_lead() -> None:
    leads = [lead(id=f"id-{n}") for n in range(3)]
    items = read(json.dumps(leads).encode(), "json")
    assert [(r.index, r.data["id"]) for r in records(items)] == [
        (0, "id-0"),
        (1, "id-1"),
        (2, "id-2"),
    ]


@pytest.mark.parametrize("key", ENVELOPE_KEYS)
def test_envelope_keys(key: str, tmp_path: Path) -> None:
    leads = [lead(id="a"), lead(customer__creditScore="abc")]
    text = json.dumps({"total": 2, key: leads}, indent=2)
    items = read(text.encode(), "json")
    assert [r.data for r in records(items)] == leads
    wrong = only(lint(tmp_path, "env.json", text), "LL102")
    assert where(wrong) == (1, *key_position(text, '"creditScore"', 2), "/customer/creditScore")


def test_records_key_option() -> None:
    document = {"meta": {"n": 1}, "payload": [CLEAN_LEAD], "leads": "not a list"}
    items = read(json.dumps(document).encode(), "json", ReadOptions(records_key="payload"))
    assert [r.data for r in records(items)] == [CLEAN_LEAD]
    items = read(json.dumps(document).encode(), "json", ReadOptions(records_key="missing"))
    assert records(items) == []
    assert [p.code for p in problems(items)] == ["LL009"]


def test_records_key_through_settings(tmp_path: Path) -> None:
    text = json.dumps({"rows": [lead(), lead(customer__creditScore="x")]})
    wrong = only(lint(tmp_path, "env.json", text, records_key="rows"), "LL102")
    assert wrong.location.record == 1
    assert wrong.location.pointer == "/customer/creditScore"


def test_ndjson_skips_blank_lines_but_counts_them() -> None:
    lines = [json.dumps(lead(id="a")), "", "   ", json.dumps(lead(id="b")), ""]
    items = read("\n".join(lines).encode(), "ndjson")
    assert [(r.index, r.line, r.data["id"]) for r in records(items)] == [(0, 1, "a"), (1, 4, "b")]
    assert problems(items) == []


def test_ndjson_crlf_lines() -> None:
    text = json.dumps(lead(id="a")) + "\r\n" + json.dumps(lead(id="b")) + "\r\n"
    items = read(text.encode(), "ndjson")
    assert [(r.line, r.data["id"]) for r in records(items)] == [(1, "a"), (2, "b")]
    assert problems(items) == []


def test_csv_rows_become_nested_leads() -> None:
    text = csv_text(
        [
            ["id", "contact.firstName", "contact.streetAddress.postalCode"],
            ["a-1", "Ann", "02134"],
            ["a-2", "Bo", ""],
        ]
    )
    items = read(text.encode(), "csv", CSV_OPTIONS)
    assert [(r.index, r.line, r.data) for r in records(items)] == [
        (
            0,
            2,
            {
                "id": "a-1",
                "contact": {"firstName": "Ann", "streetAddress": {"postalCode": "02134"}},
            },
        ),
        (1, 3, {"id": "a-2", "contact": {"firstName": "Bo"}}),
    ]


# --- positions ---------------------------------------------------------------


def test_position_in_pretty_printed_array(tmp_path: Path) -> None:
    leads = [lead(id="a"), lead(id="b"), lead(id="c", customer__creditScore="seven hundred")]
    text = json.dumps(leads, indent=2)
    diagnostics = lint(tmp_path, "leads.json", text)
    wrong = only(diagnostics, "LL102")
    assert where(wrong) == (2, *key_position(text, '"creditScore"', 3), "/customer/creditScore")
    assert wrong.location.lead_id == "c"


def test_position_of_unknown_field_is_its_key(tmp_path: Path) -> None:
    leads = [lead(), lead(contact__nickName="Bud")]
    text = json.dumps(leads, indent=2)
    unknown = only(lint(tmp_path, "leads.json", text), "LL106")
    assert where(unknown) == (1, *key_position(text, '"nickName"'), "/contact/nickName")


# Compact lines (as orjson writes them) take the reader's fast path; spaced ones the careful one.
SEPARATORS = [pytest.param((",", ":"), id="compact"), pytest.param((", ", ": "), id="spaced")]


@pytest.mark.parametrize("separators", SEPARATORS)
def test_position_in_ndjson_line(separators: tuple[str, str], tmp_path: Path) -> None:
    bad = lead(customer__creditScore="x")
    lines = [
        json.dumps(lead(), separators=separators),
        "  ",
        json.dumps(bad, separators=separators),
    ]
    text = "\n".join(lines) + "\n"
    wrong = only(lint(tmp_path, "leads.ndjson", text), "LL102")
    column = lines[2].index('"creditScore"') + 1
    assert where(wrong) == (1, 3, column, "/customer/creditScore")


@pytest.mark.parametrize("separators", SEPARATORS)
def test_position_in_ndjson_counts_characters_not_bytes(
    separators: tuple[str, str], tmp_path: Path
) -> None:
    line = json.dumps(
        lead(contact__firstName="Zoë Łukasz", customer__creditScore="x"),
        ensure_ascii=False,
        separators=separators,
    )
    wrong = only(lint(tmp_path, "leads.ndjson", line + "\n"), "LL102")
    assert (wrong.location.line, wrong.location.column) == (1, line.index('"creditScore"') + 1)


CSV_HEADER = ["id", "contact.streetAddress.line1", "customer.creditScore", "contact.firstName"]


def test_position_of_csv_cell(tmp_path: Path) -> None:
    text = csv_text(
        [
            CSV_HEADER,
            ["a-1", "1 Main St", "720", "Ann"],
            ["a-2", "2, Main St", "abc", "Bo"],
        ]
    )
    diagnostics = lint(tmp_path, "leads.csv", text, select=("LL0", "LL102"))
    wrong = only(diagnostics, "LL102")
    row = text.splitlines()[2]
    assert row == 'a-2,"2, Main St",abc,Bo'
    assert where(wrong) == (1, 3, row.index(",abc,") + 2, "/customer/creditScore")


def test_csv_multiline_cell_keeps_later_line_numbers(tmp_path: Path) -> None:
    text = csv_text(
        [
            CSV_HEADER,
            ["a-1", "12 Main St\nApt 4\nBack door", "720", "Ann"],
            ["a-2", "3 Elm St", "720", "Bo"],
            ["a-3", "4 Elm St", "bad", "Cy"],
        ]
    )
    items = read(text.encode(), "csv", CSV_OPTIONS)
    assert [r.line for r in records(items)] == [2, 5, 6]
    assert (
        records(items)[0].data["contact"]["streetAddress"]["line1"]
        == "12 Main St\nApt 4\nBack door"
    )
    wrong = only(lint(tmp_path, "leads.csv", text, select=("LL0", "LL102")), "LL102")
    assert where(wrong) == (2, 6, len("a-3,4 Elm St,") + 1, "/customer/creditScore")


def test_csv_finding_in_multiline_cell_row(tmp_path: Path) -> None:
    text = csv_text(
        [
            CSV_HEADER,
            ["a-1", "12 Main St\nApt 4", "bad", "Ann"],
        ]
    )
    wrong = only(lint(tmp_path, "leads.csv", text, select=("LL0", "LL102")), "LL102")
    # The creditScore cell starts on the row's second physical line.
    assert where(wrong) == (0, 3, len('Apt 4",') + 1, "/customer/creditScore")


# --- CSV typing --------------------------------------------------------------


def test_csv_cells_typed_by_schema() -> None:
    text = csv_text(
        [
            [
                "contact.streetAddress.postalCode",
                "customer.creditScore",
                "customer.isHomeowner",
                "tagIds",
                "customer.income",
                "contact.firstName",
            ],
            ["02134", "720", "true", '["a","b"]', "", "123"],
            ["00501", "abc", "FALSE", "[]", "85000", "true"],
        ]
    )
    first, second = (r.data for r in records(read(text.encode(), "csv", CSV_OPTIONS)))
    assert first == {
        "contact": {"streetAddress": {"postalCode": "02134"}, "firstName": "123"},
        "customer": {"creditScore": 720, "isHomeowner": True},
        "tagIds": ["a", "b"],
    }
    assert second["customer"] == {"creditScore": "abc", "isHomeowner": False, "income": 85000}
    assert second["contact"]["firstName"] == "true"
    assert second["tagIds"] == []


def test_csv_uncastable_cell_reported_by_schema(tmp_path: Path) -> None:
    text = csv_text([["id", "customer.creditScore"], ["a-1", "abc"]])
    wrong = only(lint(tmp_path, "leads.csv", text, select=("LL0", "LL102")), "LL102")
    assert where(wrong) == (0, 2, 5, "/customer/creditScore")


# --- LL001 invalid JSON ------------------------------------------------------


def test_invalid_json_position(tmp_path: Path) -> None:
    text = '[\n  {"id": "a-1"},\n  {"id": "a-2",}\n]\n'
    bad = only(lint(tmp_path, "bad.json", text), "LL001")
    assert bad.severity is Severity.ERROR
    assert (bad.location.record, bad.location.line) == (None, 3)
    assert bad.location.column == text.splitlines()[2].index(",}") + 1


def test_invalid_json_position_after_non_ascii(tmp_path: Path) -> None:
    text = '{"contact": {"firstName": "Zoë"} "x": 1}'
    bad = only(lint(tmp_path, "bad.json", text), "LL001")
    assert (bad.location.line, bad.location.column) == (1, text.index(' "x"') + 2)


def test_invalid_ndjson_line_reports_that_line_only(tmp_path: Path) -> None:
    text = json.dumps(lead()) + "\n" + '{"id": "a",,}' + "\n" + json.dumps(lead()) + "\n"
    diagnostics = lint(tmp_path, "x.ndjson", text)
    bad = only(diagnostics, "LL001")
    assert (bad.location.record, bad.location.line, bad.location.column) == (1, 2, 12)
    assert codes(diagnostics) == ["LL001"]


# --- LL002 non-finite numbers ------------------------------------------------


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers(token: str, tmp_path: Path) -> None:
    text = '{\n  "customer": {\n    "income": ' + token + "\n  }\n}\n"
    found = only(lint(tmp_path, "nan.json", text), "LL002")
    assert found.severity is Severity.ERROR
    assert found.location.line == 3
    ndjson = json.dumps(lead()) + "\n" + '{"customer": {"income": ' + token + "}}\n"
    found = only(lint(tmp_path, "nan.ndjson", ndjson), "LL002")
    assert (found.location.record, found.location.line) == (1, 2)


def test_nan_inside_a_string_is_fine(tmp_path: Path) -> None:
    text = json.dumps(lead(contact__lastName="NaN", metadata__subId="Infinity"))
    assert not [c for c in codes(lint(tmp_path, "ok.json", text)) if c.startswith("LL0")]


# --- LL003 invalid UTF-8 -----------------------------------------------------


def test_invalid_utf8_in_json(tmp_path: Path) -> None:
    data = b'[\n  {"contact": {"firstName": "Jos\xe9"}}\n]\n'
    bad = only(lint(tmp_path, "latin1.json", data), "LL003")
    assert (bad.location.record, bad.location.line, bad.location.column) == (
        None,
        2,
        len('  {"contact": {"firstName": "Jos') + 1,
    )


def test_invalid_utf8_in_ndjson(tmp_path: Path) -> None:
    data = json.dumps(lead()).encode() + b'\n{"contact": {"firstName": "Z\xc3\xb6\xe9"}}\n'
    diagnostics = lint(tmp_path, "latin1.ndjson", data)
    bad = only(diagnostics, "LL003")
    assert (bad.location.record, bad.location.line, bad.location.column) == (
        1,
        2,
        len('{"contact": {"firstName": "Zö') + 1,
    )
    assert codes(diagnostics) == ["LL003"]


def test_invalid_utf8_in_csv_cell(tmp_path: Path) -> None:
    data = b"id,contact.firstName\na-1,Ann\na-2,Jos\xe9\n"
    bad = only(lint(tmp_path, "latin1.csv", data, select=("LL0",)), "LL003")
    assert (bad.location.record, bad.location.line, bad.location.column) == (1, 3, 5)


def test_invalid_utf8_in_csv_header(tmp_path: Path) -> None:
    data = b"id,contact.first\xe9Name\na-1,Ann\n"
    bad = only(lint(tmp_path, "latin1.csv", data), "LL003")
    assert (bad.location.record, bad.location.line, bad.location.column) == (None, 1, 4)


# --- LL004 wide encodings, LL005 BOM -------------------------------------------


@pytest.mark.parametrize(
    "encoding,bom",
    [
        ("utf-16-le", True),
        ("utf-16-le", False),
        ("utf-16-be", True),
        ("utf-16-be", False),
        ("utf-32-le", True),
        ("utf-32-le", False),
        ("utf-32-be", True),
        ("utf-32-be", False),
    ],
)
@pytest.mark.parametrize("suffix", [".json", ".ndjson", ".csv"])
def test_wide_encodings(encoding: str, bom: bool, suffix: str, tmp_path: Path) -> None:
    text = json.dumps(CLEAN_LEAD) if suffix != ".csv" else "id,contact.firstName\na-1,Ann\n"
    data = (("\ufeff" if bom else "") + text).encode(encoding)
    diagnostics = lint(tmp_path, "wide" + suffix, data)
    assert codes(diagnostics) == ["LL004"]
    assert diagnostics[0].location.record is None
    assert ("UTF-32" if "32" in encoding else "UTF-16") in diagnostics[0].message


@pytest.mark.parametrize("suffix", [".json", ".ndjson"])
def test_utf8_bom_warns_and_file_is_still_checked(suffix: str, tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + json.dumps(lead(customer__creditScore="x")).encode() + b"\n"
    diagnostics = lint(tmp_path, "bom" + suffix, data)
    bom = only(diagnostics, "LL005")
    assert bom.severity is Severity.WARNING
    assert where(bom)[:3] == (None, 1, 1)
    wrong = only(diagnostics, "LL102")
    assert wrong.location.record == 0


def test_utf8_bom_in_csv(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbfid,customer.creditScore\na-1,abc\n"
    diagnostics = lint(tmp_path, "bom.csv", data, select=("LL0", "LL102"))
    assert sorted(codes(diagnostics)) == ["LL005", "LL102"]
    # The BOM did not become part of the first column name.
    items = read(data, "csv", CSV_OPTIONS)
    assert records(items)[0].data == {"id": "a-1", "customer": {"creditScore": "abc"}}


# --- LL006 empty -------------------------------------------------------------


@pytest.mark.parametrize(
    "name,data",
    [
        ("e.json", b""),
        ("e.json", b" \n\t\r\n"),
        ("e.ndjson", b""),
        ("e.ndjson", b"\n\n  \n"),
        ("e.csv", b""),
        ("e.csv", b"\n\n"),
        ("e.json", b"\xef\xbb\xbf"),
    ],
)
def test_empty_files(name: str, data: bytes, tmp_path: Path) -> None:
    diagnostics = lint(tmp_path, name, data)
    assert [c for c in codes(diagnostics) if c != "LL005"] == ["LL006"]
    assert only(diagnostics, "LL006").severity is Severity.ERROR


def test_csv_header_only_has_no_records(tmp_path: Path) -> None:
    items = read(b"id,contact.firstName\n", "csv", CSV_OPTIONS)
    assert records(items) == []


# --- LL007 duplicate keys ----------------------------------------------------


@pytest.mark.parametrize(
    "text,pointer",
    [
        ('{"id": "a", "id": "b"}', "/id"),
        ('{"\\u0069d": "a", "id": "b"}', "/id"),
        ('{"id" : "a", "id" : "b"}', "/id"),
        ('{"id"\n:\n"a",\n"i\\u0064"\t:\t"b"}', "/id"),
        ('{"contact": {"email": "a@b.co", "email": "c@d.co"}}', "/contact/email"),
        ('{"a/b~c": 1, "a/b~c": 2}', "/a~1b~0c"),
    ],
)
def test_duplicate_key(text: str, pointer: str, tmp_path: Path) -> None:
    diagnostics = lint(tmp_path, "dup.json", text)
    dup = only(diagnostics, "LL007")
    last = text.rindex('"', 0, text.rindex(":"))
    last = text.rindex('"', 0, last)
    assert where(dup) == (0, *key_position(text, text[last:]), pointer)


def test_duplicate_key_nested_in_pretty_array(tmp_path: Path) -> None:
    first = json.dumps([lead(id="a")], indent=2)
    second = json.dumps(lead(id="b"), indent=2)
    second = second.replace('"email": ', '"email": "dup@example.com",\n    "email": ', 1)
    text = first[:-2] + ",\n" + "\n".join("  " + ln for ln in second.splitlines()) + "\n]"
    assert json.loads(text)[1]["id"] == "b"
    dup = only(lint(tmp_path, "dup.json", text), "LL007")
    assert where(dup) == (1, *key_position(text, '"email":', 3), "/contact/email")
    assert dup.location.lead_id == "b"


def test_duplicate_key_in_envelope_and_ndjson(tmp_path: Path) -> None:
    text = '{"leads": [{"id": "a"}, {"id": "b", "id": "c"}]}'
    dup = only(lint(tmp_path, "dup.json", text), "LL007")
    assert where(dup) == (1, 1, text.rindex('"id"') + 1, "/id")
    lines = '{"id": "a"}\n\n{"x": {"y": 1, "y": 2}}\n'
    dup = only(lint(tmp_path, "dup.ndjson", lines), "LL007")
    assert where(dup) == (1, 3, len('{"x": {"y": 1, ') + 1, "/x/y")


def test_same_key_in_different_objects_is_not_duplicate(tmp_path: Path) -> None:
    text = '[{"id": "a", "x": {"id": 1}}, {"id": "b", "x": {"id": 2}}]'
    assert "LL007" not in codes(lint(tmp_path, "ok.json", text))
    assert "LL007" not in codes(lint(tmp_path, "ok.ndjson", text[1:-1].replace("}}, ", "}}\n")))


# --- LL008 nesting -----------------------------------------------------------


def nested(depth: int) -> str:
    """A lead whose deepest value sits ``depth`` levels down (the lead is level 1)."""
    return '{"metadata": ' + "[" * (depth - 1) + "1" + "]" * (depth - 1) + "}"


@pytest.mark.parametrize("suffix", [".json", ".ndjson"])
def test_nesting_limit(suffix: str, tmp_path: Path) -> None:
    assert "LL008" not in codes(lint(tmp_path, "ok" + suffix, nested(32)))
    deep = only(lint(tmp_path, "deep" + suffix, nested(33)), "LL008")
    assert (deep.location.record, deep.location.line, deep.location.column) == (0, 1, 1)
    assert "LL008" not in codes(lint(tmp_path, "ok" + suffix, nested(33), max_depth=40))
    only(lint(tmp_path, "deep" + suffix, nested(6), max_depth=5), "LL008")


@pytest.mark.parametrize("suffix", [".json", ".ndjson"])
def test_nesting_beyond_orjson_limit(suffix: str, tmp_path: Path) -> None:
    deep = only(lint(tmp_path, "deep" + suffix, nested(2000), max_depth=5000), "LL008")
    assert deep.severity is Severity.ERROR


def test_nesting_between_orjson_write_and_read_limits(tmp_path: Path) -> None:
    # orjson reads 1024 levels but writes only 254: the reader must not crash.
    items = read(nested(500).encode(), "json", ReadOptions(max_depth=2000))
    assert [type(i) for i in items] == [Record]
    assert problems(items) == []
    only(lint(tmp_path, "deep.json", nested(500)), "LL008")
    only(lint(tmp_path, "deep.json", "[" + nested(500) + "]"), "LL008")
    diagnostics = lint(tmp_path, "deep.json", nested(200), max_depth=2000)
    assert "LL008" not in codes(diagnostics)


# --- LL009 shape ---------------------------------------------------------------


@pytest.mark.parametrize("text", ["42", '"lead"', "null", "true"])
def test_top_level_scalar(text: str, tmp_path: Path) -> None:
    diagnostics = lint(tmp_path, "s.json", text)
    assert codes(diagnostics) == ["LL009"]
    assert diagnostics[0].location.record is None


def test_array_of_numbers(tmp_path: Path) -> None:
    text = "[\n  1,\n  2,\n  3\n]"
    diagnostics = lint(tmp_path, "n.json", text)
    assert [
        (d.code, d.location.record, d.location.line, d.location.column) for d in diagnostics
    ] == [
        ("LL009", 0, 2, 3),
        ("LL009", 1, 3, 3),
        ("LL009", 2, 4, 3),
    ]


def test_ndjson_line_not_an_object(tmp_path: Path) -> None:
    text = json.dumps(lead()) + "\n  [1, 2]\n"
    nope = only(lint(tmp_path, "n.ndjson", text), "LL009")
    assert (nope.location.record, nope.location.line, nope.location.column) == (1, 2, 3)


# --- LL010, LL011, LL012 -----------------------------------------------------


def test_csv_field_count(tmp_path: Path) -> None:
    text = csv_text(
        [
            ["id", "contact.firstName"],
            ["a-1", "Ann"],
            ["a-2", "Bo", "extra"],
            ["a-3"],
            ["a-4", "Di"],
        ]
    )
    diagnostics = lint(tmp_path, "c.csv", text, select=("LL0",))
    assert [(d.code, d.location.record, d.location.line) for d in diagnostics] == [
        ("LL010", 1, 3),
        ("LL010", 2, 4),
    ]
    items = read(text.encode(), "csv", CSV_OPTIONS)
    assert [r.index for r in records(items) if r.checkable] == [0, 3]


@pytest.mark.parametrize("number", ["1e400", "-1e400", "1.5E+999"])
def test_number_out_of_range(number: str, tmp_path: Path) -> None:
    text = '{\n  "metadata": {"price": ' + number + "}\n}"
    big = only(lint(tmp_path, "big.json", text), "LL011")
    assert big.location.line == 2
    ndjson = json.dumps(lead()) + '\n{"metadata": {"price": ' + number + "}}\n"
    big = only(lint(tmp_path, "big.ndjson", ndjson), "LL011")
    assert (big.location.record, big.location.line) == (1, 2)


@pytest.mark.parametrize(
    "header,column",
    [
        ("id,contact.email,id", 18),
        ("id,,contact.email", 4),
        ("id,contact..email", 4),
        ("id,contact,contact.email", 12),
        ("id,contact.email,contact", 4),
    ],
)
def test_csv_header_problems(header: str, column: int, tmp_path: Path) -> None:
    diagnostics = lint(tmp_path, "h.csv", header + "\na,b,c\n")
    bad = only(diagnostics, "LL012")
    assert (bad.location.record, bad.location.line, bad.location.column) == (None, 1, column)


# --- stdin ---------------------------------------------------------------------


def run_stdin(data: bytes, *args: str) -> tuple[int, dict[str, Any]]:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "leadlint",
            "check",
            "--format",
            "json",
            "--ignore",
            "LL7",
            *args,
            "-",
        ],
        input=data,
        capture_output=True,
        timeout=60,
        cwd=REPO,
    )
    assert "Traceback" not in proc.stderr.decode(), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def test_stdin_sniffs_json_array() -> None:
    data = json.dumps([lead(), lead(customer__creditScore="x")], indent=2).encode()
    code, report = run_stdin(data)
    assert code == 1
    assert report["summary"]["records"] == 2
    assert [(d["code"], d["record"], d["file"]) for d in report["diagnostics"]] == [
        ("LL102", 1, "-")
    ]


def test_stdin_sniffs_pretty_object() -> None:
    code, report = run_stdin(json.dumps(lead(), indent=2).encode())
    assert (code, report["summary"]["records"], report["diagnostics"]) == (0, 1, [])


def test_stdin_sniffs_ndjson() -> None:
    data = "\n".join(json.dumps(x) for x in [lead(), lead(), lead(customer__creditScore="x")])
    code, report = run_stdin(data.encode() + b"\n")
    assert code == 1
    assert report["summary"]["records"] == 3
    assert [(d["code"], d["record"], d["line"]) for d in report["diagnostics"]] == [("LL102", 2, 3)]


def test_stdin_sniffs_csv() -> None:
    data = csv_text([["id", "customer.creditScore"], ["a-1", "abc"], ["a-2", "700"]]).encode()
    code, report = run_stdin(data, "--select", "LL0,LL102")
    assert code == 1
    assert report["summary"]["records"] == 2
    assert [(d["code"], d["record"], d["line"], d["column"]) for d in report["diagnostics"]] == [
        ("LL102", 0, 2, 5)
    ]


def test_stdin_format_option() -> None:
    pretty = json.dumps(lead(), indent=2).encode()
    code, report = run_stdin(pretty, "--stdin-format", "ndjson")
    assert code == 1
    # Read line by line: `{` alone is invalid, `"tag_hot"` alone is not a lead.
    assert {d["code"] for d in report["diagnostics"]} == {"LL001", "LL009"}
    assert report["diagnostics"][0]["line"] == 1
    ndjson = b'{"id": "a"}\n{"id": "b"}\n'
    code, report = run_stdin(ndjson, "--stdin-format", "json")
    assert code == 1
    assert [d["code"] for d in report["diagnostics"]] == ["LL001"]
    csv_data = b"id,customer.creditScore\na-1,abc\n"
    code, report = run_stdin(csv_data, "--stdin-format", "csv", "--select", "LL0,LL102")
    assert [d["code"] for d in report["diagnostics"]] == ["LL102"]


def test_stdin_with_bom_and_wide_encoding() -> None:
    code, report = run_stdin(b"\xef\xbb\xbf" + json.dumps([lead()]).encode())
    assert (code, [d["code"] for d in report["diagnostics"]]) == (0, ["LL005"])
    assert report["summary"]["records"] == 1
    code, report = run_stdin(json.dumps([lead()]).encode("utf-16"))
    assert (code, [d["code"] for d in report["diagnostics"]]) == (1, ["LL004"])


# --- property: the reader never raises; duplicates found exactly ---------------

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
KEYS = st.text(max_size=6)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=12,
)
LEADS = st.dictionaries(KEYS, VALUES, min_size=1, max_size=5).filter(
    lambda d: not any(isinstance(d.get(k), list) for k in ENVELOPE_KEYS)
)


def dump(
    value: Any,
    indent: int | None,
    ascii_only: bool,
    dup: tuple[str | int, ...] | None,
    path: tuple[str | int, ...] = (),
) -> str:
    """json.dumps look-alike that repeats the first member of the object at ``dup``."""
    pad = "" if indent is None else "\n" + " " * (indent * (len(path) + 1))
    end = "" if indent is None else "\n" + " " * (indent * len(path))
    sep = "," if indent is not None else ", "
    if isinstance(value, dict) and value:
        members = list(value.items())
        if path == dup:
            members.append(members[0])
        parts = [
            pad
            + json.dumps(k, ensure_ascii=ascii_only)
            + ": "
            + dump(v, indent, ascii_only, dup, (*path, k))
            for k, v in members
        ]
        return "{" + sep.join(parts) + end + "}"
    if isinstance(value, list) and value:
        parts = [pad + dump(v, indent, ascii_only, dup, (*path, n)) for n, v in enumerate(value)]
        return "[" + sep.join(parts) + end + "]"
    return json.dumps(value, ensure_ascii=ascii_only)


def dict_paths(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """Paths (keys and list indexes) of every non-empty object inside ``value``."""
    if isinstance(value, dict):
        if value:
            yield path
        for key, child in value.items():
            yield from dict_paths(child, (*path, key))
    elif isinstance(value, list):
        for number, child in enumerate(value):
            yield from dict_paths(child, (*path, number))


DEEP = ReadOptions(max_depth=1000)
PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DOCUMENTS = {
    "leads": st.lists(LEADS, min_size=1, max_size=3),
    "as_array": st.booleans(),
    "indent": st.sampled_from([None, 2]),
    "ascii_only": st.booleans(),
}


@PROPERTY
@given(**DOCUMENTS)
def test_property_no_duplicates_never_reported(
    leads: list[dict[str, Any]], as_array: bool, indent: int | None, ascii_only: bool
) -> None:
    document: Any = leads if as_array else leads[0]
    text = json.dumps(document, indent=indent, ensure_ascii=ascii_only)
    for fmt in ("json", None):
        items = read(text.encode(), fmt, DEEP)
        assert problems(items) == []
        assert [r.data for r in records(items)] == (leads if as_array else [leads[0]])
    assert dump(document, indent, ascii_only, None) == text


@PROPERTY
@given(**DOCUMENTS, data=st.data())
def test_property_inserted_duplicate_always_found(
    leads: list[dict[str, Any]], as_array: bool, indent: int | None, ascii_only: bool, data: Any
) -> None:
    record = data.draw(st.integers(0, len(leads) - 1)) if as_array else 0
    paths = list(dict_paths(leads[record]))
    dup = data.draw(st.sampled_from(paths))
    target: Any = leads[record]
    for key in dup:
        target = target[key]
    first_key = next(iter(target))
    if as_array:
        text = _dump_array(leads, record, indent, ascii_only, dup)
    else:
        text = dump(leads[0], indent, ascii_only, dup)
    items = read(text.encode(), "json", DEEP)
    found = [(p.code, p.record, p.pointer) for p in problems(items)]
    pointer = "".join("/" + escape_token(str(k)) for k in (*dup, first_key))
    assert found == [("LL007", record, pointer)]
    if indent is None and not as_array:
        ndjson = read(text.encode() + b"\n", "ndjson", DEEP)
        assert [(p.code, p.record, p.pointer) for p in problems(ndjson)] == [("LL007", 0, pointer)]


def _dump_array(
    leads: list[dict[str, Any]],
    record: int,
    indent: int | None,
    ascii_only: bool,
    dup: tuple[str | int, ...],
) -> str:
    sep = ", " if indent is None else ",\n"
    parts = [dump(x, indent, ascii_only, dup if n == record else None) for n, x in enumerate(leads)]
    return "[" + sep.join(parts) + "]"


# --- streaming ---------------------------------------------------------------


class CountingStream(io.RawIOBase):
    """A raw stream fed from a generator; counts reads and notes exhaustion."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = b""
        self.reads = 0
        self.exhausted = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        self.reads += 1
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                self.exhausted = True
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def lines_of(count: int, make: Any) -> Iterator[bytes]:
    for n in range(count):
        yield make(n)


@pytest.mark.parametrize("fmt", ["ndjson", None])
def test_ndjson_is_read_lazily(fmt: str | None) -> None:
    stream = CountingStream(
        lines_of(100_000, lambda n: json.dumps({"id": f"id-{n}"}).encode() + b"\n")
    )
    reader = read_source(Source("big", fmt), stream, ReadOptions())  # type: ignore[arg-type]
    first = next(reader)
    assert isinstance(first, Record) and first.data == {"id": "id-0"}
    assert not stream.exhausted
    reads_after_first = stream.reads
    assert reads_after_first < 1000
    second = next(reader)
    assert isinstance(second, Record) and second.index == 1
    assert not stream.exhausted


def test_csv_is_read_lazily() -> None:
    def row(n: int) -> bytes:
        return b"id,customer.creditScore\n" if n == 0 else f"id-{n},{n}\n".encode()

    stream = CountingStream(lines_of(100_000, row))
    reader = read_source(Source("big", "csv"), stream, CSV_OPTIONS)  # type: ignore[arg-type]
    first = next(reader)
    assert isinstance(first, Record) and first.data == {
        "id": "id-1",
        "customer": {"creditScore": 1},
    }
    assert not stream.exhausted


@pytest.mark.parametrize(
    ("name", "text", "line", "column"),
    [
        ("d.ndjson", '{"contact":{"firstName":"a"},"contact":{"firstName":7}}\n', 1, 41),
        ("d.json", '[\n {"contact":{"firstName":"a"},\n  "contact":{"firstName":7}}\n]\n', 3, 14),
    ],
)
def test_findings_on_a_repeated_key_point_at_the_copy_that_wins(
    tmp_path: Path, name: str, text: str, line: int, column: int
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    found = {d.code: d.location for d in lint_paths([str(path)], Settings()).diagnostics()}
    assert "LL007" in found
    assert (found["LL102"].line, found["LL102"].column) == (line, column)
