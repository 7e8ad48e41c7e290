"""Source positions inside JSON text, computed only when a finding needs one.

The hot path parses with orjson, which keeps no positions. For the few leads
that have findings, a tokenizer walks the lead's text once and maps every
JSON Pointer to the offset of its key (object members) or value (array
items and the root).
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from typing import Any

import orjson

_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\],:]|[^\s{}\[\],:"]+')


def escape_token(key: str) -> str:
    """One RFC 6901 reference token."""
    return key.replace("~", "~0").replace("/", "~1")


def join_pointer(parent: str, key: str | int) -> str:
    return f"{parent}/{escape_token(str(key))}"


def split_pointer(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]


def iter_members(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[str, int]]:
    """Yield ``(pointer, offset)`` for the root and every member and item.

    Object members point at their key, array items at their value. Assumes
    ``text[start:end]`` is one valid JSON value.
    """
    for pointer, offset, _repeated in _walk(text, start, end):
        yield pointer, offset


def _walk(text: str, start: int, end: int | None) -> Iterator[tuple[str, int, bool]]:
    """``(pointer, offset, repeated)``: ``repeated`` marks a key seen before in its object."""
    # Each frame: [pointer, is_object, next array index, pending key pointer, keys seen]
    stack: list[list[object]] = []
    expect_key = False
    for match in _TOKEN.finditer(text, start, len(text) if end is None else end):
        token = match.group()
        first = token[0]
        if first in ",:":
            if first == "," and stack:
                expect_key = bool(stack[-1][1])
            continue
        if first in "}]":
            stack.pop()
            expect_key = False
            continue
        if expect_key:
            frame = stack[-1]
            key = json.loads(token) if "\\" in token else token[1:-1]
            pointer = join_pointer(str(frame[0]), key)
            frame[3] = pointer
            seen = frame[4]
            assert isinstance(seen, set)
            yield pointer, match.start(), key in seen
            seen.add(key)
            expect_key = False
            continue
        pointer = _value_pointer(stack)
        if not stack or not stack[-1][1]:
            yield pointer, match.start(), False
        if first in "{[":
            stack.append([pointer, first == "{", 0, "", set()])
            expect_key = first == "{"


def _value_pointer(stack: list[list[object]]) -> str:
    if not stack:
        return ""
    frame = stack[-1]
    if frame[1]:
        return str(frame[3])
    index = frame[2]
    assert isinstance(index, int)
    frame[2] = index + 1
    return join_pointer(str(frame[0]), index)


def member_offsets(
    text: str, start: int = 0, end: int | None = None, *, last_wins: bool = False
) -> LazyOffsets:
    """Pointer -> offset; for duplicated keys the first occurrence wins, or
    with ``last_wins`` the last one (the copy whose value parsers keep)."""
    offsets = LazyOffsets(iter_members(text, start, end))
    if last_wins:
        offsets.read_all(overwrite=True)
    return offsets


class LazyOffsets:
    """A pointer -> offset map that tokenizes only as far as it is asked.

    Findings usually sit in the first half of a lead, so most lookups stop
    early; a miss scans to the end once.
    """

    __slots__ = ("_found", "_members")

    def __init__(self, members: Iterator[tuple[str, int]]) -> None:
        self._members: Iterator[tuple[str, int]] | None = members
        self._found: dict[str, int] = {}

    def read_all(self, *, overwrite: bool) -> None:
        if self._members is not None:
            for member, offset in self._members:
                if overwrite:
                    self._found[member] = offset
                else:
                    self._found.setdefault(member, offset)
            self._members = None

    def get(self, pointer: str) -> int | None:
        found = self._found.get(pointer)
        if found is not None or self._members is None:
            return found
        for member, offset in self._members:
            self._found.setdefault(member, offset)
            if member == pointer:
                return self._found[member]
        self._members = None
        return None


def duplicate_keys(text: str, start: int = 0, end: int | None = None) -> list[tuple[str, int]]:
    """Pointers (and offsets) of keys that repeat within one object.

    Only the repeated key itself is reported, not the members of its value
    (whose pointers repeat those of the first value).
    """
    return [(pointer, offset) for pointer, offset, repeated in _walk(text, start, end) if repeated]


def nearest_offset(offsets: LazyOffsets, pointer: str) -> int | None:
    """Offset of ``pointer``, or of its nearest existing ancestor."""
    while True:
        found = offsets.get(pointer)
        if found is not None or not pointer:
            return found
        pointer = pointer[: pointer.rfind("/")]


class LineIndex:
    """Offset -> 1-based (line, column), columns counted in characters."""

    __slots__ = ("_starts",)

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


def compact_offset(value: Any, pointer: str) -> int:
    """Byte offset of ``pointer`` (or its nearest ancestor) in ``orjson.dumps(value)``.

    For a line that is exactly orjson's compact form of its value (most
    machine-written NDJSON), offsets follow from the lengths of the siblings'
    serialisations, which orjson computes at C speed, so no tokenizing is
    needed. The caller checks that form first. Members point at their key.
    """
    here = start = 0  # offset reported for the pointer so far; where its value starts
    node = value
    for token in split_pointer(pointer):
        if isinstance(node, dict):
            found = _member_offset(node, token, start)
            if found is None:
                return here
            here, start, node = found
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            start += 1
            for item in node[: int(token)]:
                start += len(orjson.dumps(item)) + 1
            here, node = start, node[int(token)]
        else:
            return here
    return here


def _member_offset(node: dict[str, Any], key: str, start: int) -> tuple[int, int, Any] | None:
    """(offset of ``key``'s key, of its value, the value) in a compact object at ``start``."""
    position = start + 1
    for name, child in node.items():
        encoded = len(orjson.dumps(name))
        if name == key:
            return position, position + encoded + 1, child
        position += encoded + 1 + len(orjson.dumps(child)) + 1
    return None
