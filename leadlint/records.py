"""What readers produce: records with positions, and input problems."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Locate = Callable[[str], tuple[int, int] | None]


def _nowhere(pointer: str) -> tuple[int, int] | None:
    return None


@dataclass(slots=True)
class Record:
    """One lead read from a source.

    ``locate`` maps a JSON Pointer inside the lead to its 1-based (line,
    column) in the source; it is computed lazily because most leads have no
    finding. ``problems`` are input findings about this lead (duplicate keys,
    nesting); ``checkable`` is False when the lead must not be checked further.
    """

    source: str
    index: int
    line: int | None
    column: int | None
    data: Any
    locate: Locate = _nowhere
    problems: list[Problem] = field(default_factory=list)
    checkable: bool = True


@dataclass(frozen=True, slots=True)
class Problem:
    """An input finding (LL0xx); ``record`` is None when it is about the file."""

    code: str
    message: str
    record: int | None
    line: int | None
    column: int | None
    pointer: str = ""


@dataclass(frozen=True, slots=True)
class ReadOptions:
    records_key: str | None = None
    max_depth: int = 32
    # Dotted field path -> JSON types the schema allows (CSV cell typing).
    field_types: Callable[[str], frozenset[str]] = lambda _path: frozenset()
    # Whether a compact NDJSON lead's ``locate`` can place a field (else only
    # its line is known, at no cost per lead).
    locate: bool = True


class SourceError(Exception):
    """A source that cannot be opened at all (exit 2, not a finding)."""
