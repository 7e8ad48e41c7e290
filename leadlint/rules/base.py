"""The rule type, the ``@rule`` decorator and ``declare`` for engine-emitted codes.

A checking rule is a pure function ``(record, options) -> Iterator[Violation]``.
Input (LL0xx) and schema (LL1xx) findings are produced by the readers and the
schema layer, so those codes are declared with their documentation only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from leadlint.models import FixAvailability, Severity, Violation

Check = Callable[[Any, Mapping[str, Any]], Iterator[Violation]]
# A check across the leads of one run (duplicates) is split in two, so that
# worker processes and Dask partitions can do the per-lead half: ``keys``
# gives each (pointer, key) of a lead, a key being ``key_of(kind, normalized
# value)``, a nonzero 64-bit hash; the engine keeps one table per rule from key
# to the first lead that had it (hashes, never values), in lead order.
KeyOf = Callable[[str, str], int]
AcrossKeys = Callable[[Any, KeyOf], list[tuple[str, int]]]
# A family's screen (see ``rules/screens.py``): True only when none of the
# family's rules reports anything for the lead, so the engine may skip them.
# Built once per file from every rule's options (code -> options); a factory
# returns None for options it does not model.
Screen = Callable[[Any], bool]
ScreenFactory = Callable[[Mapping[str, Mapping[str, Any]]], Screen | None]

DOC_HEADINGS = (
    "What it does",
    "Why is this bad?",
    "Example",
    "Use instead",
    "Fix safety",
    "Options",
)


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: Severity
    fix: FixAvailability
    doc: str
    check: Check | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    across: AcrossKeys | None = None
    # Schema codes this rule reports more precisely: at a pointer where this
    # rule fires, the engine drops their findings (one problem, one finding).
    supersedes: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        """The first sentence under "What it does"."""
        lines = self.doc.strip().splitlines()
        try:
            start = lines.index("## What it does") + 1
        except ValueError:
            return lines[0] if lines else ""
        text = []
        for line in lines[start:]:
            if line.startswith("## "):
                break
            if line.strip():
                text.append(line.strip())
        sentence = " ".join(text)
        return sentence.split(". ")[0].rstrip(".")


def rule(
    *,
    code: str,
    name: str,
    severity: Severity,
    fix: FixAvailability = FixAvailability.NEVER,
    options: Mapping[str, Any] | None = None,
    aliases: tuple[str, ...] = (),
    supersedes: tuple[str, ...] = (),
) -> Callable[[Check], Rule]:
    """Turn a documented check function into a :class:`Rule`."""

    def wrap(check: Check) -> Rule:
        doc = _dedent_doc(check.__doc__ or "")
        return Rule(code, name, severity, fix, doc, check, options or {}, aliases, None, supersedes)

    return wrap


def across_rule(
    *,
    code: str,
    name: str,
    severity: Severity,
    options: Mapping[str, Any] | None = None,
    aliases: tuple[str, ...] = (),
) -> Callable[[AcrossKeys], Rule]:
    """Turn a documented ``keys`` function of a run-wide check into a :class:`Rule`."""

    def wrap(keys: AcrossKeys) -> Rule:
        doc = _dedent_doc(keys.__doc__ or "")
        return Rule(
            code, name, severity, FixAvailability.NEVER, doc, None, options or {}, aliases, keys
        )

    return wrap


def declare(
    *,
    code: str,
    name: str,
    severity: Severity,
    doc: str,
    fix: FixAvailability = FixAvailability.NEVER,
) -> Rule:
    """A code emitted by the readers or the schema layer rather than a check."""
    return Rule(code, name, severity, fix, _dedent_doc(doc))


def _dedent_doc(doc: str) -> str:
    import inspect

    return inspect.cleandoc(doc)
