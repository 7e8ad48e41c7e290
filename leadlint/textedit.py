"""Applying a fix's edits to JSON *text*, keeping the file's exact shape.

``fixes.apply_edits`` changes parsed data; ``--fix`` must instead rewrite the
file so that only the edited spans change: indentation, key order, the
trailing newline, escapes and number spellings elsewhere stay byte-identical.

Each edit re-tokenizes the lead's text (leads are small; simplicity over
speed) into a tree of spans, then splices:

* ``set`` on an existing member/item replaces the value's span with
  ``json.dumps(value, ensure_ascii=False)``; on a missing object member it
  appends ``"key": value`` as the last member in the object's own style
  (compact, spaced or pretty-printed), creating missing parent objects;
* ``remove`` deletes the member/item with exactly one adjacent comma and the
  whitespace that belonged to it;
* ``move`` keeps the moved value's text as written; a rename within one
  object only rewrites the key, so the member keeps its place.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from leadlint.models import Edit
from leadlint.positions import _TOKEN, split_pointer

_INDEX = re.compile(r"[0-9]+")
_LEADING_WS = re.compile(r"[ \t]*")
_DEFAULT_UNIT = "  "


class TextEditError(ValueError):
    """An edit that cannot be applied in place (the caller drops that record's fix)."""


@dataclass(slots=True)
class _Node:
    """One JSON value: ``text[start:end]``; ``kind`` is ``{``, ``[`` or ``""`` (a scalar)."""

    start: int
    end: int
    kind: str
    members: list[_Member] = field(default_factory=list)
    items: list[_Node] = field(default_factory=list)

    def spans(self) -> list[tuple[int, int]]:
        """``(start, end)`` of each member (key to value end) or item."""
        if self.kind == "{":
            return [(m.key_start, m.value.end) for m in self.members]
        return [(item.start, item.end) for item in self.items]

    def find(self, token: str) -> int | None:
        """Index of the member (its last copy, the one parsers keep) or item ``token``."""
        if self.kind == "{":
            for index in range(len(self.members) - 1, -1, -1):
                if self.members[index].key == token:
                    return index
        elif self.kind == "[" and _INDEX.fullmatch(token) and int(token) < len(self.items):
            return int(token)
        return None

    def child(self, index: int) -> _Node:
        return self.members[index].value if self.kind == "{" else self.items[index]


@dataclass(slots=True)
class _Member:
    key: str
    key_start: int
    key_end: int
    value: _Node


@dataclass(frozen=True, slots=True)
class _Style:
    """What the document says about how to write members into an empty object."""

    pretty: bool
    unit: str  # one indentation level
    colon: str  # the text between a key and its value, ``:`` included
    outer_indent: str  # indentation of the line where the lead starts


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
        self.pos = 0

    def parse(self) -> _Node:
        try:
            node = self._value()
        except RecursionError:
            raise TextEditError("JSON nested too deeply to edit") from None
        if self.pos != len(self.tokens):
            raise TextEditError("unexpected data after the JSON value")
        return node

    def _next(self) -> tuple[int, int]:
        if self.pos >= len(self.tokens):
            raise TextEditError("unexpected end of JSON text")
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def _peek(self) -> str:
        if self.pos >= len(self.tokens):
            raise TextEditError("unexpected end of JSON text")
        return self.text[self.tokens[self.pos][0]]

    def _expect(self, char: str) -> int:
        start, _end = self._next()
        if self.text[start] != char:
            raise TextEditError(f"expected `{char}` at offset {start}")
        return start

    def _value(self) -> _Node:
        start, end = self._next()
        first = self.text[start]
        if first == "{":
            node = _Node(start, start, "{")
            if self._peek() != "}":
                while True:
                    key_start, key_end = self._next()
                    node.members.append(self._member(key_start, key_end))
                    if self._peek() != ",":
                        break
                    self.pos += 1
            node.end = self._expect("}") + 1
            return node
        if first == "[":
            node = _Node(start, start, "[")
            if self._peek() != "]":
                while True:
                    node.items.append(self._value())
                    if self._peek() != ",":
                        break
                    self.pos += 1
            node.end = self._expect("]") + 1
            return node
        if first in "]},:":
            raise TextEditError(f"unexpected `{first}` at offset {start}")
        return _Node(start, end, "")

    def _member(self, key_start: int, key_end: int) -> _Member:
        raw = self.text[key_start:key_end]
        if raw[0] != '"':
            raise TextEditError(f"expected a key at offset {key_start}")
        try:
            key = json.loads(raw) if "\\" in raw else raw[1:-1]
        except ValueError:
            raise TextEditError(f"bad key at offset {key_start}") from None
        self._expect(":")
        return _Member(key, key_start, key_end, self._value())


def _parse(text: str) -> _Node:
    return _Parser(text).parse()


def _tokens(pointer: str) -> list[str]:
    if pointer and not pointer.startswith("/"):
        raise TextEditError(f"`{pointer}` is not a JSON Pointer")
    return split_pointer(pointer)


def _dumps(value: object) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise TextEditError(f"cannot write {value!r} as JSON: {error}") from None


def _line_indent(text: str, offset: int, outer: str) -> str:
    """Leading whitespace of the line holding ``offset`` (``outer`` on the first line)."""
    newline = text.rfind("\n", 0, offset)
    if newline < 0:
        return outer
    match = _LEADING_WS.match(text, newline + 1)
    assert match is not None
    return match.group()


def _unit(text: str, node: _Node, member_indent: str, outer: str) -> str | None:
    """One indentation level, from a pretty container's members and its own line."""
    own = _line_indent(text, node.start, outer)
    if member_indent.startswith(own) and len(member_indent) > len(own):
        return member_indent[len(own) :]
    return None


def _scan_style(text: str, root: _Node, outer: str) -> tuple[bool | None, str | None, str | None]:
    """(pretty?, indent unit, colon) from the first containers (in text order) that show them."""
    pretty: bool | None = None
    unit: str | None = None
    colon: str | None = None
    stack = [root]
    while stack and (pretty is None or colon is None):
        node = stack.pop()
        spans = node.spans()
        if colon is None and node.members:
            first = node.members[0]
            colon = text[first.key_end : first.value.start]
        if pretty is None and spans:
            gap = text[node.start + 1 : spans[0][0]]
            pretty = "\n" in gap
            if pretty:
                unit = _unit(text, node, gap[gap.rfind("\n") + 1 :], outer)
        children = [m.value for m in node.members] if node.kind == "{" else node.items
        stack.extend(child for child in reversed(children) if child.kind)
    return pretty, unit, colon


def _reindent(raw: str, source: str | None, target: str) -> str:
    """Moved multi-line text re-indented from its old line indentation to the new one."""
    if source is None or source == target or "\n" not in raw:
        return raw
    lines = raw.split("\n")
    moved = [
        target + line[len(source) :] if line.startswith(source) else line for line in lines[1:]
    ]
    return "\n".join([lines[0], *moved])


def _locate(root: _Node, tokens: list[str], pointer: str) -> tuple[_Node, int]:
    """(container, index) of an existing member or item."""
    if not tokens:
        raise TextEditError("an edit cannot replace the whole lead")
    node = root
    for token in tokens[:-1]:
        index = node.find(token)
        if index is None:
            raise TextEditError(f"no container at `{pointer}`")
        node = node.child(index)
    index = node.find(tokens[-1])
    if index is None:
        raise TextEditError(f"nothing at `{pointer}`")
    return node, index


def _check_unique(node: _Node, index: int, pointer: str) -> None:
    if node.kind == "{":
        key = node.members[index].key
        if sum(member.key == key for member in node.members) > 1:
            raise TextEditError(f"`{pointer}` names a duplicated key")


def _remove(text: str, pointer: str) -> str:
    node, index = _locate(_parse(text), _tokens(pointer), pointer)
    _check_unique(node, index, pointer)
    spans = node.spans()
    if len(spans) == 1:  # the container becomes empty: `{}` / `[]`
        start, end = node.start + 1, node.end - 1
    elif index < len(spans) - 1:  # the member, its comma and the gap before the next one
        start, end = spans[index][0], spans[index + 1][0]
    else:  # the last member and the comma (and gap) before it
        start, end = spans[index - 1][1], spans[index][1]
    return text[:start] + text[end:]


def _set(text: str, pointer: str, value: str, source_indent: str | None, style: _Style) -> str:
    """Write the JSON text ``value`` at ``pointer``, creating missing parent objects."""
    tokens = _tokens(pointer)
    if not tokens:
        raise TextEditError("an edit cannot replace the whole lead")
    node = _parse(text)
    for depth, token in enumerate(tokens):
        if not node.kind:
            raise TextEditError(f"no container at `{pointer}`")
        index = node.find(token)
        if index is None:
            if node.kind == "[":
                raise TextEditError(f"no array item at `{pointer}`")
            return _insert(text, node, tokens[depth:], value, source_indent, style)
        child = node.child(index)
        if depth == len(tokens) - 1:
            here = _line_indent(text, child.start, style.outer_indent)
            return text[: child.start] + _reindent(value, source_indent, here) + text[child.end :]
        node = child
    raise AssertionError("unreachable")


def _wrap(
    path: list[str],
    value: str,
    source_indent: str | None,
    indent: str,
    unit: str | None,
    colon: str,
) -> str:
    """``value`` nested in new objects keyed by ``path``; ``unit`` None means one line."""
    if not path:
        return _reindent(value, source_indent, indent)
    inner_indent = indent + (unit or "")
    inner = (
        _dumps(path[0]) + colon + _wrap(path[1:], value, source_indent, inner_indent, unit, colon)
    )
    if unit is None:
        return "{" + inner + "}"
    return "{\n" + inner_indent + inner + "\n" + indent + "}"


def _insert(
    text: str,
    node: _Node,
    path: list[str],
    value: str,
    source_indent: str | None,
    style: _Style,
) -> str:
    """Append member ``path[0]`` (wrapping ``value`` in objects for the rest) to ``node``."""
    key = _dumps(path[0])
    own_indent = _line_indent(text, node.start, style.outer_indent)
    if not node.members:
        gap = text[node.start + 1 : node.end - 1]
        if "\n" in gap or style.pretty:
            indent = own_indent + style.unit
            member = (
                key
                + style.colon
                + _wrap(path[1:], value, source_indent, indent, style.unit, style.colon)
            )
            inside = "\n" + indent + member + "\n" + own_indent
        else:
            inside = (
                key
                + style.colon
                + _wrap(path[1:], value, source_indent, own_indent, None, style.colon)
            )
        return text[: node.start + 1] + inside + text[node.end - 1 :]
    last = node.members[-1]
    colon = text[last.key_end : last.value.start]
    if len(node.members) > 1:
        separator = text[node.members[-2].value.end : last.key_start]
    else:
        gap = text[node.start + 1 : last.key_start]
        if "\n" in gap:
            separator = "," + gap[gap.rfind("\n") :]
        else:
            separator = ", " if gap or colon != ":" else ","
    unit: str | None = None
    indent = own_indent
    if "\n" in separator:
        indent = separator[separator.rfind("\n") + 1 :]
        unit = _unit(text, node, indent, style.outer_indent) or style.unit
    member = key + colon + _wrap(path[1:], value, source_indent, indent, unit, colon)
    at = last.value.end
    return text[:at] + separator + member + text[at:]


def _move(text: str, edit: Edit, style: _Style) -> str:
    if edit.to is None:
        raise TextEditError("a move needs a target pointer")
    source, target = _tokens(edit.pointer), _tokens(edit.to)
    if not target:
        raise TextEditError("an edit cannot replace the whole lead")
    node, index = _locate(_parse(text), source, edit.pointer)
    if source == target and node.kind == "{":
        return text  # (for an array item apply_edits pops it, then overwrites the next one)
    _check_unique(node, index, edit.pointer)
    if node.kind == "{" and source[:-1] == target[:-1] and node.find(target[-1]) is None:
        member = node.members[index]  # a rename: rewrite the key, keep the member's place
        return text[: member.key_start] + _dumps(target[-1]) + text[member.key_end :]
    value = node.child(index)
    raw = text[value.start : value.end]
    indent = _line_indent(text, value.start, style.outer_indent)
    return _set(_remove(text, edit.pointer), edit.to, raw, indent, style)


def _apply(text: str, edit: Edit, style: _Style) -> str:
    if edit.op == "set":
        return _set(text, edit.pointer, _dumps(edit.value), None, style)
    if edit.op == "remove":
        return _remove(text, edit.pointer)
    if edit.op == "move":
        return _move(text, edit, style)
    raise TextEditError(f"unknown edit operation `{edit.op}`")


def apply_text_edits(text: str, edits: Sequence[Edit], base: str = "") -> str:
    """``text`` with ``edits`` applied to the lead at pointer ``base``, in place.

    ``text`` is one JSON document (a whole file or one NDJSON line); edit
    pointers are relative to the lead. Every character outside the edited
    spans is kept. Raises ``TextEditError`` when an edit does not fit.
    """
    if not edits:
        return text
    document = _parse(text)
    lead = document
    for token in _tokens(base):
        index = lead.find(token)
        if index is None:
            raise TextEditError(f"no lead at `{base}`")
        lead = lead.child(index)
    if not lead.kind:
        raise TextEditError(f"the value at `{base}` is not an object or array")
    outer = _line_indent(text, lead.start, "")
    lead_text = text[lead.start : lead.end]
    pretty, unit, colon = _scan_style(lead_text, _parse(lead_text), outer)
    if pretty is None or unit is None or colon is None:
        doc_pretty, doc_unit, doc_colon = _scan_style(text, document, "")
        pretty = doc_pretty if pretty is None else pretty
        unit = unit or doc_unit
        colon = colon or doc_colon
    style = _Style(bool(pretty), unit or _DEFAULT_UNIT, colon or ": ", outer)
    for edit in edits:
        lead_text = _apply(lead_text, edit, style)
    try:
        json.loads(lead_text)
    except ValueError as error:
        raise TextEditError(f"the edited lead is not valid JSON: {error}") from None
    return text[: lead.start] + lead_text + text[lead.end :]
