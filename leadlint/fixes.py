"""Fixes: applying a fix's edits to a lead, and the fixed-point fix loop.

The edits are what rules build (``models.Edit``); ``apply_edits`` applies them
to a copy of the lead and never drops a field that an edit does not name.
``fix_lead`` chooses which fixes to apply (safety, overlap, no new error) and
loops until nothing changes. Writing the result back in the file's own shape
is ``writer``'s job.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import orjson

from leadlint.models import Applicability, Diagnostic, Edit, Fix, Severity
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


MAX_PASSES = 5


@dataclass(frozen=True, slots=True)
class FixedLead:
    """A lead after the fix loop: the result, the fixes applied, their edits in order."""

    lead: Any
    applied: tuple[Diagnostic, ...]
    edits: tuple[Edit, ...]


def fix_lead(lead: Any, findings_of: Callable[[Any], list[Diagnostic]], unsafe: bool) -> FixedLead:
    """Apply fixes until none is left, a state repeats, or MAX_PASSES.

    A fix is applied only if its edits do not overlap an edit already taken in
    the same pass, and only if the lead has no error afterwards that it did not
    have before (a fix must never make another rule fire).
    """
    applied: list[Diagnostic] = []
    edits: list[Edit] = []
    seen = {_state(lead)}
    findings = findings_of(lead)
    for _ in range(MAX_PASSES):
        taken: list[str] = []
        changed = False
        for finding in findings:
            fix = finding.fix
            if fix is None or not fix.edits or not _allowed(fix, unsafe):
                continue
            touched = _touched(fix.edits)
            if any(_overlap(p, q) for p in touched for q in taken):
                continue
            try:
                candidate = apply_edits(lead, fix.edits)
            except EditError:
                continue
            after = findings_of(candidate)
            if _errors(after) - _errors(findings):
                continue  # the fix would create a new error: drop it
            lead, findings = candidate, after
            applied.append(finding)
            edits.extend(fix.edits)
            taken.extend(touched)
            changed = True
        state = _state(lead)
        if not changed or state in seen:
            break
        seen.add(state)
    return FixedLead(lead, tuple(applied), tuple(edits))


def _allowed(fix: Fix, unsafe: bool) -> bool:
    if fix.applicability is Applicability.SAFE:
        return True
    return unsafe and fix.applicability is Applicability.UNSAFE


def _touched(edits: Iterable[Edit]) -> list[str]:
    return [p for edit in edits for p in (edit.pointer, edit.to) if p is not None]


def _overlap(first: str, second: str) -> bool:
    """Whether one pointer is the other or inside it."""
    return first == second or first.startswith(second + "/") or second.startswith(first + "/")


def _errors(findings: Iterable[Diagnostic]) -> set[tuple[str, str]]:
    return {(d.code, d.location.pointer) for d in findings if d.severity is Severity.ERROR}


def _state(lead: Any) -> bytes:
    return orjson.dumps(lead, option=orjson.OPT_SORT_KEYS)
