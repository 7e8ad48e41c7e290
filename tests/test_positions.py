"""The compact-form fast path gives the same positions as the tokenizer."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from leadlint.positions import compact_offset, iter_members, member_offsets, nearest_offset

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from generate_leads import generate

MISSING = ["/customer/nothere", "/contact/streetAddress/zzz", "/x/y", "/tagIds/99", "/a/0/b"]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.floats(allow_nan=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def assert_same_positions(value: Any) -> None:
    raw = orjson.dumps(value)
    text = raw.decode()
    pointers = [pointer for pointer, _offset in iter_members(text)] + MISSING
    for pointer in pointers:
        fast = len(raw[: compact_offset(value, pointer)].decode())
        assert fast == nearest_offset(member_offsets(text), pointer), pointer


def test_generated_leads() -> None:
    for lead in generate(200, 5, 0.3):
        assert_same_positions(lead)


@settings(max_examples=300, deadline=None)  # timing is not what this tests
@given(st.dictionaries(st.text(), json_values, max_size=6))
def test_any_object(value: dict[str, Any]) -> None:
    assert_same_positions(value)
