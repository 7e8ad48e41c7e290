"""The compiled core (leadlint/_core.pyx) against the Python code it stands in for.

Each compiled screen, key reader and line test must answer exactly as its
Python twin, on every lead the screen tests use (rule cases, the benchmark
leads, generated leads, corpus values in every field), so both paths keep
the findings ``tests/test_screens.py`` and the rule tests prove. The suite
needs the compiled module (``pip install -e .`` builds it); with
``LEADLINT_PURE_PYTHON=1`` leadlint itself runs the Python code, and these
tests still compare the two.
"""

from __future__ import annotations

import importlib
import io
import itertools
import json
import os
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_records_rules import SMALL_KEYS, shapes
from test_screens import CASES, NOW, case_settings, generate, replaced, replacements

import leadlint.core
import leadlint.rules
from leadlint.config import Settings
from leadlint.engine import Engine
from leadlint.parsing import depth_exceeds
from leadlint.readers import read_ndjson
from leadlint.records import ReadOptions, Record
from leadlint.rules import records, screens
from leadlint.rules.base import Screen
from leadlint.rules.records import (
    USUAL_SLOTS,
    DuplicateTables,
    keyed_blake2b,
    usual_key_reader,
    usual_keys,
    value_key,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def core() -> ModuleType:
    """The compiled module, whether or not this run uses it."""
    try:
        return importlib.import_module("leadlint._core")
    except ImportError:
        pytest.fail(
            "leadlint's compiled core is not built: run `pip install -e .` with a C compiler"
        )


def test_the_compiled_core_is_built_from_this_source(core: ModuleType) -> None:
    assert leadlint.core.source_digest() == core.DIGEST, "stale build: run `pip install -e .`"
    if os.environ.get("LEADLINT_PURE_PYTHON"):
        assert leadlint.core.CORE is None
    else:
        assert leadlint.core.CORE is core


def test_a_stale_or_switched_off_core_is_not_used(
    core: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LEADLINT_PURE_PYTHON", raising=False)
    assert leadlint.core.load() is core
    monkeypatch.setattr(core, "DIGEST", "0" * 64)
    assert leadlint.core.load() is None
    monkeypatch.undo()
    monkeypatch.setenv("LEADLINT_PURE_PYTHON", "1")
    assert leadlint.core.load() is None


# -- screens ---------------------------------------------------------------------


def built_screens(
    options: dict[str, Any], module: ModuleType | None, monkeypatch: pytest.MonkeyPatch
) -> list[Screen | None]:
    with monkeypatch.context() as patch:
        patch.setattr(screens, "CORE", module)
        return [factory(options) for factory, _codes in screens.SCREENS]


def pairs(
    settings: Settings, core: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> list[tuple[str, Screen, Screen]]:
    """(factory name, Python screen, compiled screen) for each family the options allow."""
    options = Engine(settings).options
    python = built_screens(options, None, monkeypatch)
    compiled = built_screens(options, core, monkeypatch)
    found = []
    for (factory, _codes), py, c in zip(screens.SCREENS, python, compiled, strict=True):
        assert (py is None) == (c is None), factory.__name__
        if py is not None and c is not None:
            assert type(c).__module__ == "leadlint._core"
            found.append((factory.__name__, py, c))
    return found


def disagreements(
    found: list[tuple[str, Screen, Screen]], leads: Iterator[Any] | list[Any]
) -> list[tuple[str, str]]:
    wrong = []
    for lead in leads:
        for name, py, c in found:
            if py(lead) != c(lead):
                wrong.append((name, json.dumps(lead, default=str)[:300]))
    return wrong


def test_compiled_screens_answer_as_python_on_the_benchmark_leads(
    core: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = pairs(Settings(now=NOW), core, monkeypatch)
    assert len(found) == len(screens.SCREENS)
    leads = list(generate(100_000, 1, 0.1))
    assert disagreements(found, leads) == []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_compiled_screens_answer_as_python_on_generated_leads(
    seed: int, core: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = pairs(Settings(now=NOW), core, monkeypatch)
    assert disagreements(found, generate(5000, seed, 0.7)) == []


def test_compiled_screens_answer_as_python_on_the_rule_cases(
    core: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = {}
    for name, settings_, leads in case_settings():
        if found := disagreements(pairs(settings_, core, monkeypatch), leads):
            wrong[name] = found
    assert wrong == {}
    assert len(list(CASES.glob("LL*.json"))) > 50


@pytest.mark.parametrize("options", [{}, {"LL605": (("require-trustedform", True),)}])
def test_compiled_screens_answer_as_python_with_any_field_replaced(
    options: dict[str, Any], core: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Corpus values and edge cases in every field a screen reads, and odd lead shapes."""
    found = pairs(Settings(now=NOW, rule_options=tuple(options.items())), core, monkeypatch)
    bases = list(generate(3, 5, 0.0))
    leads: list[Any] = [None, [], "lead", 5, {}]
    for path, values in replacements():
        for base, value in zip(itertools.cycle(bases), values, strict=False):
            leads.append(replaced(base, path, value))
    assert disagreements(found, leads) == []
    # Both answers occur for every family: the comparison is not all one verdict.
    for name, py, _c in found:
        assert {py(lead) for lead in leads} == {True, False}, name


STREETS = [
    "123 Main St", "123 Main St.", "123 main st", "1234567 Main St", "123456 Main St",
    "0 Main St", "12 Main  St", "12 Main St..", "12 Main", "12 Allen St", "12 allen Rd",
    "12 Main Street", "12 Main Stt", "12 Main St ", " 12 Main St", "12 MainSt", "12 M St",
    "12 " + "A" * 30 + " St", "12 " + "A" * 31 + " St", "12 Ma1n St", "12 Main \u212aT",
    "12 Maïn St", "12 Main Pkwy", "PO Box 12", "12 Main St Apt 4", "9 East Rd", "1 Ca Way",
]  # fmt: skip
DATES = [
    "2024-02-29", "2023-02-29", "1900-02-29", "2000-02-29", "0000-02-29", "1999-04-31",
    "1999-04-30", "1999-00-10", "1999-13-01", "1999-12-00", "1999-12-31", "1999-1-01",
    "1999/12/01", "1999-12-011", " 1999-12-01", "\u0661999-12-01", "0000-01-01", "9999-12-31",
]  # fmt: skip
TIMES = [
    "2026-03-01T10:00:00Z",
    "2026-03-01T10:00:00z",
    "2026-03-01 10:00:00Z",
    "2026-03-01T10:00:0\u0660Z",
]


def test_compiled_screens_answer_as_python_on_the_fast_paths_edges(
    core: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shapes the compiled code reads by hand, one character off either way."""
    found = pairs(Settings(now=NOW), core, monkeypatch)
    base = next(iter(generate(1, 5, 0.0)))
    certificate = "https://cert.trustedform.com/" + "a1_-" * 5
    edges: list[tuple[tuple[str, ...], list[Any]]] = [
        (("contact", "streetAddress", "line1"), STREETS),
        (
            ("contact", "email"),
            [
                "a.b@gmail.com",
                ".a@gmail.com",
                "a..b@gmail.com",
                "a.@gmail.com",
                "@gmail.com",
                "a b@gmail.com",
                "{|}~@gmail.com",
                "á@gmail.com",
                "Info+x@gmail.com",
                "x" * 54 + "@gmail.com",
                "x" * 55 + "@gmail.com",
            ],
        ),
        (
            ("contact", "phone", "number"),
            [
                "+12125550123",
                "+12125551234",
                "+12120550123",
                "+11125550123",
                "+1212555012",
                "+121255501234",
                "+1212555012a",
                "+1212555012٣",
                "-12125550123",
            ],
        ),
        (
            ("metadata", "trustedFormUrl"),
            [
                certificate,
                certificate + "/",
                certificate + "//",
                certificate[:-1],
                certificate + "a" * 237,
                certificate + "a" * 236,
                certificate + ".",
                certificate.replace("cert", "ping"),
                certificate.replace("cert", "Cert"),
            ],
        ),
        (
            ("metadata", "ipAddress"),
            [
                "8.8.8.8",
                "8.8.8.08",
                "8.255.255.255",
                "8.256.1.1",
                "8.1.1.1.",
                "8.1..1",
                "8.1.1",
                "8.1111.1.1",
                "8.1.1.1 ",
                "8.01.1.1",
                "8.0.0.0",
                "8.1.1.a",
            ],
        ),
        (
            ("metadata", "landingPage"),
            [
                "https://a.b",
                "http://a.b/x",
                "https://a.b?x",
                "https://a.b#x",
                "https://",
                "https:///x",
                "https://a b/",
                "https://a_b/",
                "https://a.b:80/",
                "https://u@a.b/",
                "HTTPS://a.b/",
                "https://a.b\t/",
                "https://[::1]/",
                "https://ä.b/",
            ],
        ),
        (("createdAt",), TIMES),
        (("metadata", "createdAt"), TIMES),
    ]
    leads = [replaced(base, path, value) for path, values in edges for value in values]
    firsts = [f"{first}.1.2.3" for first in range(260)] + ["01.1.2.3", "001.1.2.3", "8..1.2"]
    leads += [replaced(base, ("metadata", "ipAddress"), ip) for ip in firsts]
    leads += [replaced(base, ("customer", "birthDate"), day) for day in DATES]
    born = replaced(base, ("customer", "birthDate"), "2000-06-01")
    for months in range(296, 316):  # LL508: at most 12 months a year since the year of birth
        leads.append(replaced(born, ("customer", "monthsAtResidence"), months))
    assert disagreements(found, leads) == []


# -- duplicate keys ----------------------------------------------------------------


@pytest.mark.parametrize("key_of", [value_key, keyed_blake2b(b"k" * 16)], ids=["hash", "blake2b"])
def test_compiled_usual_keys_are_the_python_keys(
    key_of: Callable[[str, str], int], core: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(records, "CORE", core)
    compiled = usual_key_reader(key_of)
    assert type(compiled).__module__ == "leadlint._core"
    leads = list(shapes())
    phones = ["+16175550123", "+1617555012", "+1617555012٣", "16175550123", "+1 617 555 0123"]
    leads += [{"contact": {"phone": {"number": p}, "email": " A.b+c@GMAIL.com"}} for p in phones]
    found = [compiled(lead) for lead in leads]
    assert found == [usual_keys(lead, key_of) for lead in leads]
    assert sum(keys is not None for keys in found) > 2000


@pytest.mark.parametrize("small_keys", SMALL_KEYS)
def test_compiled_usual_repeats_are_the_python_repeats(
    small_keys: int, core: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a dict, past it in the arrays, and across the move."""
    rng = random.Random(8)
    codes = [rule.code for rule in records.RULES]
    python, compiled = DuplicateTables(codes, small_keys), DuplicateTables(codes, small_keys)
    monkeypatch.setattr(records, "CORE", core)
    repeats = compiled.usual_repeats()
    assert type(repeats).__module__ == "leadlint._core"
    expected, found = [], []
    for index in range(4000):
        keys = tuple(rng.choice([0, rng.randrange(1, 1500)]) for _slot in USUAL_SLOTS)
        ref = (index % 3, index)
        expected.append(python.repeats_usual(keys, ref))  # type: ignore[arg-type]
        found.append(repeats(keys, ref))
    assert found == expected
    assert sum(map(len, found)) > 4000
    for code, table in compiled.tables.items():
        # Past ``small_keys`` keys, a table has moved to its arrays.
        assert (table.small is None) == (len(table) > small_keys), code


# -- reading ---------------------------------------------------------------------


def read(
    lines: list[bytes], module: ModuleType | None, monkeypatch: pytest.MonkeyPatch
) -> list[Any]:
    import leadlint.readers as readers

    with monkeypatch.context() as patch:
        patch.setattr(readers, "CORE", module)
        stream = io.BytesIO(b"".join(line + b"\n" for line in lines))
        items = list(read_ndjson("x.ndjson", stream, ReadOptions(max_depth=4, locate=False)))
    return [
        (item.index, item.line, item.data, item.problems, item.checkable)
        if isinstance(item, Record)
        else item
        for item in items
    ]


LINES = [
    b'{"a":1,"a":2}', b'{"a":{"b":1,"b":1}}', b'{"a":[{"b":1},{"b":1,"b":2}]}',
    b'{"a\\"":1,"a\\"":2}', b'{"a\\\\":1,"b":"\\\\"}', b'{"a":"x:y","b":"\\":"}',
    b'{"a":"\\\\\\"","a":1}', b'{ "a" : 1 , "b" : [ 1 , 2 ] }', b'{"a":1,\t"a":1}',
    b'{"a":[[[1]]]}', b'{"a":[[[[1]]]]}', b'{"a":{"b":{"c":{}}}}', b'{"a":{"b":{"c":{"d":{}}}}}',
    b'[1,2]', b'"x"', b'{"a":1}{', b'{"\xc3\xa9":"\xe2\x82\xac","\xc3\xa9":1}', b'{"a:":1,"b":":"}',
    b'{"":1,"":2}', b'{}', b'{"a":{},"b":[]}', b'{"a:":1,"a:":2}', b'{"a":"x:y","a":"z"}',
    b'{"a":["x:",{"b:":":"}]}', b'{"\xe2\x82\xac:":"\xe2\x82\xac:","\xe2\x82\xac:":1}',
    b'{"a":"\\u003a","a":"\\u003a"}', b'{"a":"\\u003a","b":":"}', b'{"\\u003a":1,":":2}',
]  # fmt: skip


def test_the_compiled_line_test_reads_lines_as_python_does(
    core: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    leads = [orjson.dumps(lead) for lead in generate(2000, 3, 0.5)]
    lines = LINES + leads + [json.dumps(orjson.loads(line)).encode() for line in leads[:200]]
    assert read(lines, core, monkeypatch) == read(lines, None, monkeypatch)
    problems = [item[3] for item in read(lines, core, monkeypatch) if isinstance(item, tuple)]
    assert sum(bool(found) for found in problems) >= 9  # repeats and nesting are found


def test_the_compiled_line_test_on_the_bad_json_corpus(
    core: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = ROOT.parent / "shared" / "corpora"
    lines = [
        path.read_bytes().replace(b"\n", b" ").replace(b"\r", b" ")
        for path in sorted(corpus.rglob("*.json"))
        if path.stat().st_size < 20_000
    ]
    assert len(lines) > 100
    assert read(lines, core, monkeypatch) == read(lines, None, monkeypatch)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-99, 99)
    | st.text(alphabet='ab:"\\{}[], é', max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.lists(st.tuples(st.text(alphabet='ab:"\\', max_size=3), inner), max_size=4)
    ),
    max_leaves=12,
)


def write(value: Any, spaced: bool) -> str:
    """JSON text; a list of pairs is an object, written with its repeated keys."""
    gap = " " if spaced else ""
    if isinstance(value, list) and value and all(isinstance(v, tuple) for v in value):
        inner = f",{gap}".join(f"{json.dumps(k)}:{gap}{write(v, spaced)}" for k, v in value)
        return "{" + inner + "}"
    if isinstance(value, list):
        return "[" + f",{gap}".join(write(v, spaced) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.text(alphabet='ab:"\\', max_size=3), json_values), max_size=5),
    st.booleans(),
)
def test_the_compiled_line_test_agrees_on_any_object(
    pairs_: list[tuple[str, Any]], spaced: bool
) -> None:
    core = importlib.import_module("leadlint._core")
    raw = write(pairs_, spaced).encode() if pairs_ else b"{}"
    data = orjson.loads(raw)

    def repeats(text: bytes) -> bool:
        seen = []

        def hook(members: list[tuple[str, Any]]) -> dict[str, Any]:
            seen.append(len(members) != len({k for k, _v in members}))
            return dict(members)

        json.loads(text, object_pairs_hook=hook)
        return any(seen)

    for limit in (1, 2, 3, 32):
        expected = not repeats(raw) and not depth_exceeds(data, limit)
        assert core.plain_line(raw, data, limit) == expected
        assert core.depth_exceeds(data, limit) == depth_exceeds(data, limit)


# -- the audit's view --------------------------------------------------------------


@pytest.mark.parametrize(
    "path", [("metadata", "utmSource"), ("metadata",), ("customer", "income"), ("id",)]
)
def test_the_compiled_audit_view_is_the_python_view(
    path: tuple[str, ...], core: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    import leadlint.audit as audit

    with monkeypatch.context() as patch:
        patch.setattr(audit, "CORE", None)
        python = audit.make_view(path)
    compiled = (
        audit.make_view(path)
        if audit.CORE is core
        else core.AuditView(path, audit._DAYS, audit._day, audit._DAYS_KEPT)
    )
    assert type(compiled).__module__ == "leadlint._core"
    leads: list[Any] = [None, [], "x", {}, {"metadata": None}, {"metadata": []}]
    base = next(iter(generate(1, 9, 0.0)))
    odd: list[Any] = [None, True, False, 0, 1.5, -2, " a ", "  ", "", [1], {"a": 1}, "é"]
    for value in odd:
        leads.append(replaced(base, path, value))
        for field in (("createdAt",), ("metadata", "createdAt")):
            leads.append(replaced(base, field, value))
    for day in ("2026-02-29", "2026-02-28T00:00:00Z", "2026-13-01", "2026-02-2", "٢٠٢٦-01-01"):
        leads.append(replaced(base, ("createdAt",), day))
        leads.append(replaced({"metadata": {}}, ("metadata", "createdAt"), day))
    leads += list(generate(3000, 12, 0.5))
    assert [compiled(lead) for lead in leads] == [python(lead) for lead in leads]
    assert len({python(lead) for lead in leads}) > 100


# -- the screens together ----------------------------------------------------------


def test_compiled_families_run_the_groups_python_runs(
    core: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every family whose screen does not call the lead quiet, in order, unscreened ones too."""
    from leadlint.rules import check_groups, family_runner

    odd = (
        ("LL611", (("clock-skew-seconds", "300"),)),
        ("LL211", (("check-deliverability", True),)),
    )
    leads: list[Any] = [None, {}, *generate(3000, 13, 0.6)]
    for rule_options in ((), odd):
        engine = Engine(Settings(now=NOW, rule_options=rule_options))
        groups = check_groups(engine.enabled, engine.options)
        with monkeypatch.context() as patch:
            patch.setattr(leadlint.rules, "CORE", None)
            python = family_runner(groups)
        compiled = core.Families(groups)
        found = [list(compiled(lead)) for lead in leads]
        assert found == [python(lead) for lead in leads]
        assert len({len(run) for run in found}) >= 3  # leads need 0, 1, 2... families
    # A Python screen among compiled ones (the Python API can pass any callable).
    mixed = [(lambda lead: lead is None, ["a"]), (None, ["b"]), (core.Screen(), ["c"])]
    assert list(core.Families(mixed)(None)) == [["b"], ["c"]]
    assert list(core.Families(mixed)({})) == [["a"], ["b"], ["c"]]


# -- the hand-written matchers, against the patterns they stand in for ---------------


def edits(valid: str) -> list[str]:
    """``valid`` and each one-character change of it: dropped, doubled, or replaced."""
    found = [valid]
    for at in range(len(valid)):
        found += [valid[:at] + valid[at + 1 :], valid[:at] + valid[at] + valid[at:]]
        found += [valid[:at] + c + valid[at + 1 :] for c in "0aZ._-/ :@+\u0663\u212a"]
    return found


def matcher_values() -> list[str]:
    from test_screens import (
        CERTIFICATE_EDGES,
        EMAIL_EDGES,
        IP_EDGES,
        PHONE_EDGES,
        URL_EDGES,
        blns,
        example_numbers,
        isemail_addresses,
        structured_addresses,
    )

    values = [*blns(), *example_numbers(), *isemail_addresses(), *STREETS, *TIMES, *DATES]
    values += [address["line1"] or "" for address in structured_addresses()]
    values += EMAIL_EDGES + PHONE_EDGES + IP_EDGES + URL_EDGES + CERTIFICATE_EDGES
    values += [email.rpartition("@")[0] for email in isemail_addresses() + EMAIL_EDGES]
    for valid in (
        "+12125550123",
        "a.b+c@x",
        "123 Main St.",
        "8.8.8",
        "https://a.b-c/x?y#z",
        "2024-02-29",
    ):
        values += edits(valid)
    values += edits("https://cert.trustedform.com/" + "a1_-" * 5)
    return values


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="+12590.aZ_-/: @tps\u212a\u0663", max_size=40))
def test_the_matchers_agree_with_their_patterns_on_any_text(text: str) -> None:
    check_matchers(importlib.import_module("leadlint._core"), [text])


def test_the_matchers_agree_with_their_patterns_on_the_corpora(core: ModuleType) -> None:
    values = matcher_values()
    assert len(values) > 4000
    check_matchers(core, values)


def check_matchers(core: ModuleType, values: list[str]) -> None:
    from leadlint.rules.address_data import _FAST_STREET, FAST_PATH_EXCLUDED, FAST_PATH_SUFFIXES
    from leadlint.rules.customer_data import iso_date
    from leadlint.rules.metadata_data import is_absolute_http

    suffixes = frozenset(FAST_PATH_SUFFIXES)
    for text in values:
        birth = iso_date(text)
        assert core.iso_year(text) == (-1 if birth is None else birth[0]), text
        assert core.e164_nanp(text) == bool(screens._E164_NANP(text)), text
        assert core.dot_atom(text) == bool(screens._LOCAL.fullmatch(text)), text
        assert core.certificate(text) == bool(screens._CANONICAL_CERTIFICATE(text)), text
        assert core.three_octets(text) == bool(screens._THREE_OCTETS(text)), text
        match = _FAST_STREET.fullmatch(text)
        street = match is not None and match.group(1).lower() not in FAST_PATH_EXCLUDED
        assert core.plain_street(text, suffixes, FAST_PATH_EXCLUDED) == street, text
        if core.plain_http(text):  # a shortcut: only for links is_absolute_http takes
            assert is_absolute_http(text), text
