"""The across-record rules (LL7xx) beyond their case files.

The state a check keeps must hold no lead value; the phone normalization is
proven against phonenumbers on the phone corpus.
"""

from __future__ import annotations

import copy
import importlib
import json
import random
import sys
from array import array
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import phonenumbers
import pytest

from leadlint.api import lint_paths
from leadlint.config import Settings
from leadlint.rules import BY_CODE, records
from leadlint.rules.base import Rule
from leadlint.rules.records import (
    USUAL_SLOTS,
    DuplicateTables,
    KeyBatch,
    SeenTable,
    duplicate_message,
    email_key,
    keyed_blake2b,
    phone_key,
    usual_keys,
    value_key,
)

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate_leads import generate  # noqa: E402


def describe(ref: tuple[int, int]) -> str:
    return f"lead {ref[1]} of file{ref[0]}"


def run(
    code: str, leads: list[Any], file_number: int = 0, tables: DuplicateTables | None = None
) -> list[tuple[int, str, str]]:
    """What the engine does with a rule's keys: (index, pointer, message) of each repeat."""
    rule: Rule = BY_CODE[code]
    assert rule.across is not None
    tables = tables or DuplicateTables([code])
    found = []
    for index, lead in enumerate(leads):
        keyed = rule.across(lead, value_key)
        for pointer, earlier in tables.repeats_in(code, keyed, (file_number, index)):
            found.append((index, pointer, duplicate_message(pointer, describe(earlier))))
    return found


def reachable(value: Any, seen: set[int] | None = None) -> Iterator[Any]:
    """Every object reachable from a value (containers, closures, slots)."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return
    seen.add(id(value))
    yield value
    children: list[Any] = []
    if isinstance(value, dict):
        children = [*value.keys(), *value.values()]
    elif isinstance(value, list | tuple | set | frozenset):
        children = list(value)
    elif callable(value) and hasattr(value, "__closure__"):
        children = [cell.cell_contents for cell in value.__closure__ or ()]
    elif hasattr(value, "__slots__"):
        children = [getattr(value, name) for name in value.__slots__]
    for child in children:
        yield from reachable(child, seen)


LEAD_VALUES = ("a-1", "ext-100", "s-9", "+16175550123", "Ann.Lee@Example.com", "6175550123")
LEAD = {
    "id": "a-1",
    "metadata": {"externalId": "ext-100", "sellerLeadId": "s-9"},
    "contact": {"phone": {"number": "+16175550123"}, "email": "Ann.Lee@Example.com"},
}


@pytest.mark.parametrize("code", [r.code for r in records.RULES])
def test_the_state_holds_no_lead_value(code: str) -> None:
    tables = DuplicateTables([rule.code for rule in records.RULES])
    assert run(code, [LEAD, LEAD, LEAD], tables=tables)
    found = list(reachable(tables))
    assert any(isinstance(obj, SeenTable) for obj in found)
    strings = [obj for obj in found if isinstance(obj, str | bytes)]
    assert not any(value in text for text in strings for value in LEAD_VALUES)
    for obj in found:
        assert isinstance(obj, DuplicateTables | SeenTable | array | int | dict | str | tuple)


@pytest.mark.parametrize("code", [r.code for r in records.RULES])
def test_keys_are_hashes_not_values(code: str) -> None:
    keys = BY_CODE[code].across(LEAD, value_key)  # type: ignore[misc]
    assert keys
    for pointer, key in keys:
        assert isinstance(key, int) and 0 < key < 2**64
        assert pointer.startswith("/")


def test_keyed_blake2b_is_stable_for_one_secret_and_differs_between_secrets() -> None:
    one, same, other = keyed_blake2b(b"s" * 16), keyed_blake2b(b"s" * 16), keyed_blake2b()
    assert one("id", "a-1") == same("id", "a-1") != 0
    assert one("id", "a-1") != one("externalId", "a-1")
    assert one("id", "a-1") != other("id", "a-1")


@pytest.mark.parametrize(
    ("code", "pointer"),
    [
        ("LL701", "/id"),
        ("LL702", "/metadata/externalId"),
        ("LL703", "/contact/phone/number"),
        ("LL703", "/contact/email"),
    ],
)
def test_messages_name_the_field_and_the_earlier_lead_never_the_value(
    code: str, pointer: str
) -> None:
    found = [f for f in run(code, [LEAD, {}, LEAD]) if f[1] == pointer]
    assert len(found) == 1
    index, _pointer, message = found[0]
    label = pointer[1:].replace("/", ".")
    assert index == 2
    assert message == f"Same `{label}` as lead 0 of file0"
    assert not any(value.lower() in message.lower() for value in LEAD_VALUES)


def test_duplicates_are_found_across_files_of_one_run(tmp_path: Path) -> None:
    first, second = tmp_path / "a.ndjson", tmp_path / "b.json"
    first.write_text(json.dumps({"id": "x"}) + "\n" + json.dumps({"id": "y"}) + "\n")
    second.write_text(json.dumps([{"id": "z"}, {"id": "y"}]))
    run_ = lint_paths([str(first), str(second)], Settings(select=("LL701",), now=NOW))
    found = [(d.location.file, d.location.record, d.message) for d in run_.diagnostics()]
    assert found == [(str(second), 1, f"Same `id` as lead 1 of {first}")]


# How many keys a table keeps in its dict: always (the default is far above
# these tests), never (arrays from the start), or some (moving to the arrays midway).
SMALL_KEYS = [pytest.param(1 << 30, id="dict"), pytest.param(0, id="arrays"), 1_000]


@pytest.fixture(params=["python", "compiled"])
def tables_code(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The tables' growth and batch decisions in Python, then in the compiled core."""
    core = importlib.import_module("leadlint._core") if request.param == "compiled" else None
    monkeypatch.setattr(records, "CORE", core)
    return str(request.param)


@pytest.mark.parametrize("small_keys", SMALL_KEYS)
def test_the_table_keeps_the_first_ref_through_growth(small_keys: int, tables_code: str) -> None:
    tables = DuplicateTables(["LL701"])
    table = tables.tables["LL701"] = SeenTable(capacity=8, small_keys=small_keys)
    rng = random.Random(3)
    keys = list({rng.getrandbits(64) | 1 for _ in range(20_000)})
    for index, key in enumerate(keys):
        assert tables.repeats_in("LL701", [("/id", key)], (0, index)) == []
    for key_number, key in enumerate(keys):
        found = tables.repeats_in("LL701", [("/id", key)], (1, 5))
        assert found == [("/id", (0, key_number))]
        assert tables.first_of("LL701", key) == (0, key_number)
    assert len(table) == len(keys)
    assert (table.small is not None) == (small_keys > len(keys))
    if table.small is None:
        slots = len(table.keys)
        # A sixth to two thirds full: growth is fourfold while the table is small.
        assert 3 * len(keys) <= 2 * slots <= 12 * len(keys)


@pytest.mark.parametrize("small_keys", SMALL_KEYS)
def test_deciding_a_batch_matches_deciding_lead_by_lead(small_keys: int, tables_code: str) -> None:
    """Workers' batches (parallel runs) and the one-process path agree on every repeat."""
    rng = random.Random(7)
    pool = [rng.getrandbits(64) | 1 for _ in range(3_000)]  # few values: many repeats
    leads = [
        {code: [(f"/p{n}", rng.choice(pool)) for n in range(rng.randint(0, 3))] for code in "AB"}
        for _ in range(4_000)
    ]
    one = DuplicateTables("AB", small_keys)
    expected = []
    for index, lead in enumerate(leads):
        for code, keyed in lead.items():
            for pointer, earlier in one.repeats_in(code, keyed, (0, index)):
                expected.append((index, code, pointer, earlier))
    batched = DuplicateTables("AB", small_keys)
    found = []
    for start in range(0, len(leads), 700):  # ranges of 700 leads
        batch = KeyBatch()
        for offset, lead in enumerate(leads[start : start + 700]):
            for code, keyed in lead.items():
                if keyed:
                    batch.add(offset, offset + 1, code, keyed)
        if start == 0:
            batched.expect(batch, 6)
        for code, keys, position in batched.resolve(batch, 0, start):
            earlier = batched.first_of(code, keys.keys[position])
            found.append((keys.lead(position) + start, code, keys.pointer(position), earlier))
    assert sorted(found) == sorted(expected)
    assert len(expected) > 1_000


def rule_keys(lead: Any) -> list[tuple[str, str, int]]:
    """(code, pointer, key) of every key the three rules' own functions give, in rule order."""
    return [
        (rule.code, pointer, key)
        for rule in records.RULES
        for pointer, key in rule.across(lead, value_key)  # type: ignore[misc]
    ]


def shapes() -> Iterator[Any]:
    """Leads of the usual shape and of every other shape the rules read."""
    yield from generate(3000, 11, 0.5)
    for path in sorted((ROOT / "tests" / "cases").glob("LL70*.json")):
        for case in json.loads(path.read_text(encoding="utf-8")):
            yield from case.get("leads") or [case["lead"]]
    yield from (None, [], "lead", {}, {"contact": None}, {"contact": [LEAD["contact"]]})
    phones: list[Any] = [None, 7, "", " ", "+1 (617) 555-0123 ext 9", "12", {"number": 1}]
    emails: list[Any] = [None, 7, "", "@", "a@", " A.B+x@GoogleMail.com "]
    usual = copy.deepcopy(LEAD)
    del usual["metadata"]["sellerLeadId"]
    for field, values in (
        ("id", [None, 7, "", "x"]),
        ("metadata", [None, [], {}, {"externalId": ""}, {"externalId": 5}, {"sellerLeadId": ""}]),
        ("contact", [{}, {"phone": "+16175550123"}, {"email": None}]),
        ("externalId", ["ext-100", ""]),
        ("sellerLeadId", ["s-9", None]),
        ("sellerLeadIdentifier", ["s-9"]),
        ("phone", ["+16175550123"]),
        ("email", ["ann@example.com"]),
    ):
        for value in values:
            for base in (LEAD, usual):
                lead = copy.deepcopy(base)
                lead[field] = value
                yield lead
    for phone in phones:
        for email in emails:
            yield {"id": "a", "contact": {"phone": {"number": phone}, "email": email}}
        yield {"contact": {"phone": phone}}


def test_usual_keys_are_the_rules_keys() -> None:
    """The one-call keys equal the three rules' keys, or step aside (None)."""
    usual = 0
    for lead in shapes():
        keys = usual_keys(lead, value_key)
        if keys is None:
            continue
        usual += 1
        slots = [
            (code, pointer, key)
            for (code, pointer), key in zip(USUAL_SLOTS, keys, strict=True)
            if key
        ]
        assert slots == rule_keys(lead), lead
    assert usual > 2000  # most leads take the one-call path


def test_usual_keys_step_aside_for_what_only_the_rules_read() -> None:
    flat = {"id": "a", "phone": "+16175550123", "email": "ann@example.com"}
    assert usual_keys(flat, value_key) is None
    seller = copy.deepcopy(LEAD)
    assert usual_keys(seller, value_key) is None  # metadata.sellerLeadId
    del seller["metadata"]["sellerLeadId"]
    assert usual_keys(seller, value_key) is not None
    for name in ("externalId", "sellerLeadId", "sellerLeadIdentifier"):
        assert usual_keys({**seller, name: "x"}, value_key) is None


@pytest.mark.parametrize("small_keys", SMALL_KEYS)
def test_usual_repeats_match_the_rules_repeats(small_keys: int) -> None:
    """One lead's usual keys decide repeats as the rules' keys do, in a dict or in arrays."""
    rng = random.Random(5)
    pool = [f"v{n}" for n in range(1_500)]  # fewer values than leads: many repeats
    leads = [
        {
            "id": rng.choice(pool),
            "metadata": {"externalId": rng.choice(pool)},
            "contact": {"phone": {"number": f"+1617555{rng.randrange(1_500):04d}"}},
            "email": "flat@example.com",  # read only by flat leads: not here
        }
        for _ in range(3_000)
    ]
    for lead in leads[::3]:
        lead["contact"]["email"] = rng.choice(pool) + "@example.com"
    codes = [rule.code for rule in records.RULES]
    by_rules, by_usual = DuplicateTables(codes, small_keys), DuplicateTables(codes, small_keys)
    expected, found = [], []
    for index, lead in enumerate(leads):
        for code, pointer, key in rule_keys(lead):
            for at, earlier in by_rules.repeats_in(code, [(pointer, key)], (0, index)):
                expected.append((index, code, at, earlier))
        keys = usual_keys(lead, value_key)
        assert keys is not None
        for code, pointer, earlier in by_usual.repeats_usual(keys, (0, index)):
            found.append((index, code, pointer, earlier))
    assert found == expected
    assert len(expected) > 3_000
    for code, table in by_usual.tables.items():
        # Past ``small_keys`` keys, a table has moved to its arrays.
        assert (table.small is None) == (len(table) > small_keys), code


def test_usual_keys_in_a_batch_match_the_rules_keys() -> None:
    """A worker's batch holds the same keys, owners and pointers either way.

    Leads of other shapes come in between (through ``add``, as the engine
    does), so :meth:`KeyBatch.finish` must merge the two in lead order.
    """
    leads = [lead for lead in shapes() if isinstance(lead, dict)]
    by_rules, by_usual = KeyBatch(), KeyBatch()
    others = 0
    for index, lead in enumerate(leads):
        for rule in records.RULES:
            keyed = rule.across(lead, value_key)  # type: ignore[misc]
            if keyed:
                by_rules.add(index, index + 1, rule.code, keyed)
        keys = usual_keys(lead, value_key)
        if keys is not None:
            by_usual.add_usual(index, index + 1, keys)
            continue
        for rule in records.RULES:
            keyed = rule.across(lead, value_key)  # type: ignore[misc]
            if keyed:
                others += 1
                by_usual.add(index, index + 1, rule.code, keyed)
    assert others > 30  # other shapes with keys, among the usual ones
    by_usual.finish()
    assert not by_usual.usual
    assert by_usual.by_code.keys() == by_rules.by_code.keys()
    for code, batch in by_rules.by_code.items():
        other = by_usual.by_code[code]
        assert list(other.keys) == list(batch.keys)
        assert [other.pointer(n) for n in range(len(other.keys))] == [
            batch.pointer(n) for n in range(len(batch.keys))
        ]
        owners = [other.lead(n) for n in range(len(other.keys))]
        assert owners == [batch.lead(n) for n in range(len(batch.keys))]
        # The line of each lead with a key (what the parent reads again).
        assert [by_usual.line(i) for i in owners] == [by_rules.line(i) for i in owners]


def test_usual_and_flat_leads_share_the_tables(tmp_path: Path) -> None:
    """A structured lead and a flat one with the same phone and email are duplicates."""
    structured = {"id": "a", "contact": {"phone": {"number": "+16175550123"}, "email": "a@b.co"}}
    flat = {"id": "b", "phone": "(617) 555-0123", "email": "A@B.co"}
    path = tmp_path / "leads.ndjson"
    path.write_text("".join(json.dumps(lead) + "\n" for lead in (structured, flat, structured)))
    run_ = lint_paths([str(path)], Settings(select=("LL70",), now=NOW))
    found = [(d.code, d.location.record, d.location.pointer) for d in run_.diagnostics()]
    assert found == [
        ("LL703", 1, "/phone"),
        ("LL703", 1, "/email"),
        ("LL701", 2, "/id"),
        ("LL703", 2, "/contact/phone/number"),
        ("LL703", 2, "/contact/email"),
    ]


def test_value_keys_are_nonzero_and_separate_kinds() -> None:
    assert value_key("externalId", "x") != value_key("sellerLeadId", "x")
    assert all(value_key("id", str(n)) for n in range(1000))
    assert value_key("id", "\ud800") != 0  # a lone surrogate from a lenient JSON parser


# --- phone normalization == phonenumbers on the corpus ----------------------


@cache
def corpus_numbers() -> tuple[dict[str, Any], ...]:
    path = CORPORA / "phone" / "phonenumbers_examples.json"
    return tuple(json.loads(path.read_text(encoding="utf-8"))["numbers"])


def test_nanp_formats_normalize_like_phonenumbers() -> None:
    valid = [n for n in corpus_numbers() if n["libphonenumber_valid"]]
    nanp = [n for n in valid if n["e164"].startswith("+1")]
    assert len(nanp) > 100
    misses = set()
    for number in nanp:
        parsed = phonenumbers.parse(number["e164"])
        expected = str(parsed.national_number)
        national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
        for text in (number["e164"], number["international"], national, "1 " + national):
            if phone_key(text) != expected:
                misses.add(number["e164"])
    # Canada's 7-digit 310-xxxx numbers: with and without the country code
    # they stay two keys (only 11-digit numbers lose their leading 1).
    assert misses == {"+13101234"}


def test_distinct_corpus_numbers_never_share_a_key() -> None:
    keys: dict[str, str] = {}
    clashes = []
    for number in corpus_numbers():
        key = phone_key(number["international"])
        if key is None:
            continue
        if keys.setdefault(key, number["e164"]) != number["e164"]:
            clashes.append((keys[key], number["e164"]))
    assert clashes == []


@cache
def isemail_valid() -> tuple[str, ...]:
    import xml.etree.ElementTree as ET

    root = ET.parse(CORPORA / "email" / "isemail_tests.xml").getroot()
    return tuple(
        test.findtext("address") or ""
        for test in root.iter("test")
        if test.findtext("category") == "ISEMAIL_VALID_CATEGORY"
    )


def test_email_keys_fold_case_and_gmail_only() -> None:
    assert isemail_valid()
    for address in isemail_valid():
        key = email_key(address)
        assert key is None or key == email_key(address.upper())
    assert email_key(" A.B+c@GoogleMail.com ") == email_key("ab@gmail.com") == "ab@gmail.com"
    assert email_key("a.b+c@example.com") == "a.b+c@example.com"
    assert email_key("nobody") is None
