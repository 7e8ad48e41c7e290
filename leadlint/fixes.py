"""Applying a fix's edits to a lead (JSON Pointer edits, RFC 6901).

The edits are what rules build (``models.Edit``); this module applies them to
a copy of the lead and never drops a field that an edit does not name.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from leadlint.models import Edit
from leadlint.positions import split_pointer


class EditError(ValueError):
    """An edit that does not fit the lead (its path is gone or not a container)."""


def apply_edits(lead: Any, edits: Iterable[Edit]) -> Any:
    """A new lead with ``edits`` applied in order; the input is not changed."""
    result = copy.deepcopy(lead)
    for edit in edits:
        if edit.op == "set":
            _set(result, edit.pointer, copy.deepcopy(edit.value))
        elif edit.op == "remove":
            _pop(result, edit.pointer)
        elif edit.op == "move":
            if edit.to is None:
                raise EditError("a move needs a target pointer")
            _set(result, edit.to, _pop(result, edit.pointer))
        else:
            raise EditError(f"unknown edit operation `{edit.op}`")
    return result


def _parent(lead: Any, pointer: str, create: bool) -> tuple[Any, str]:
    tokens = split_pointer(pointer)
    if not tokens:
        raise EditError("an edit cannot replace the whole lead")
    node = lead
    for token in tokens[:-1]:
        if isinstance(node, dict):
            if token not in node and create:
                node[token] = {}
            node = node.get(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            node = None
        if not isinstance(node, dict | list):
            raise EditError(f"no container at `{pointer}`")
    return node, tokens[-1]


def _set(lead: Any, pointer: str, value: Any) -> None:
    parent, key = _parent(lead, pointer, create=True)
    if isinstance(parent, list):
        parent[int(key)] = value
    else:
        parent[key] = value


def _pop(lead: Any, pointer: str) -> Any:
    parent, key = _parent(lead, pointer, create=False)
    try:
        return parent.pop(int(key) if isinstance(parent, list) else key)
    except (KeyError, IndexError, ValueError):
        raise EditError(f"nothing at `{pointer}`") from None
