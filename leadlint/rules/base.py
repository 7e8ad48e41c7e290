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
# A check across the leads of one run: built once per run from the options and
# a ``describe(ref)`` that names an earlier lead ("lead 3 of a.ndjson"); then
# called with each lead and its ``ref``. It keeps hashes, never values.
Describe = Callable[[tuple[int, int]], str]
AcrossCheck = Callable[[Any, tuple[int, int]], Iterator[Violation]]
Across = Callable[[Mapping[str, Any], Describe], AcrossCheck]
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
    across: Across | None = None
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
) -> Callable[[Across], Rule]:
    """Turn a documented factory of a run-wide check into a :class:`Rule`."""

    def wrap(factory: Across) -> Rule:
        doc = _dedent_doc(factory.__doc__ or "")
        return Rule(
            code, name, severity, FixAvailability.NEVER, doc, None, options or {}, aliases, factory
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
