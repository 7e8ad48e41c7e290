"""Frozen value types shared by every layer: severities, fixes, locations, diagnostics."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Applicability(StrEnum):
    """How far a fix can be trusted (Ruff's model)."""

    SAFE = "safe"
    UNSAFE = "unsafe"
    DISPLAY_ONLY = "display-only"


class FixAvailability(StrEnum):
    """Whether a rule offers fixes: shown by ``leadlint rules``."""

    NEVER = "never"
    SOMETIMES = "sometimes"
    ALWAYS = "always"


@dataclass(frozen=True, slots=True)
class Edit:
    """One change to a lead, addressed by JSON Pointer relative to the lead.

    ``set`` writes ``value`` at ``pointer``; ``remove`` deletes it; ``move``
    renames or relocates the value at ``pointer`` to ``to``.
    """

    op: Literal["set", "remove", "move"]
    pointer: str
    value: Any = None
    to: str | None = None


@dataclass(frozen=True, slots=True)
class Fix:
    title: str
    applicability: Applicability
    edits: tuple[Edit, ...] = ()


@dataclass(frozen=True, slots=True)
class Violation:
    """What a check yields: the engine adds code, severity and position."""

    pointer: str
    message: str
    fix: Fix | None = None


@dataclass(frozen=True, slots=True)
class Location:
    file: str
    record: int | None
    line: int | None
    column: int | None
    pointer: str = ""
    lead_id: str | None = None
    # What identifies the lead across runs and reorderings: its id, else its
    # external id, else a hash of its content (never a value). For baselines.
    lead_key: str | None = None


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    name: str
    severity: Severity
    message: str
    location: Location
    fix: Fix | None = None
    # Only ever filled when the user asked for --show-values (text output).
    value: str | None = None
    # True for a finding that --fix has fixed (reported in JSON, counted apart).
    applied: bool = False


@dataclass(slots=True)
class Summary:
    files: int = 0
    records: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    fixable: int = 0
    fixed: int = 0
    unsafe_fixable: int = 0
    # Leads read per file (display name), in reading order.
    records_by_file: dict[str, int] = field(default_factory=dict)

    def add(self, diagnostic: Diagnostic) -> None:
        self.count(diagnostic.severity)
        if diagnostic.fix is not None:
            self.fixable += 1
            if diagnostic.fix.applicability is Applicability.UNSAFE:
                self.unsafe_fixable += 1

    def count(self, severity: Severity) -> None:
        """One finding of ``severity`` (its fix, if any, not counted)."""
        if severity is Severity.ERROR:
            self.errors += 1
        elif severity is Severity.WARNING:
            self.warnings += 1
        else:
            self.infos += 1

    def add_counts(self, other: Summary) -> None:
        """Add the finding counts of ``other`` (a part of the run); files and records are not."""
        self.errors += other.errors
        self.warnings += other.warnings
        self.infos += other.infos
        self.fixable += other.fixable
        self.unsafe_fixable += other.unsafe_fixable

    def count_at_least(self, severity: Severity) -> int:
        counts = {Severity.ERROR: self.errors, Severity.WARNING: self.warnings}
        counts[Severity.INFO] = self.infos
        return sum(n for s, n in counts.items() if s.rank >= severity.rank)
