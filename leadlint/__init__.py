"""leadlint: validation and data-quality linter for Leadping lead payloads.

The small Python API for pipeline code::

    >>> import leadlint
    >>> codes = [d.code for d in leadlint.lint({"contact": {"firstName": " Ann"}})]
    >>> result = leadlint.fix({"contact": {"firstName": " Ann"}})

Importing ``leadlint`` stays fast: the linter (schema compiler, phone and
email libraries) is only imported when one of these functions is first called.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path

    from leadlint.config import Settings
    from leadlint.models import Diagnostic

__version__ = "0.1.0"

__all__ = ["FixResult", "__version__", "audit_report", "fix", "lint", "lint_file"]


@dataclass(frozen=True)
class FixResult:
    """What :func:`fix` made of one lead.

    ``lead`` is a new object (the input is never modified), ``applied`` the
    findings whose fixes were applied, in order, and ``remaining`` what
    :func:`lint` still reports on the fixed lead.
    """

    lead: Any
    applied: list[Diagnostic]
    remaining: list[Diagnostic]


def _settings(
    profile: str,
    select: Sequence[str] | None,
    ignore: Sequence[str],
    now: datetime | None,
) -> Settings:
    from leadlint.config import Settings
    from leadlint.schema import SchemaChoice

    return Settings(
        schema=SchemaChoice(profile=profile),
        select=None if select is None else tuple(select),
        ignore=tuple(ignore),
        now=now,
    )


def lint(
    lead: dict[str, Any],
    *,
    profile: str = "put",
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    now: datetime | None = None,
) -> list[Diagnostic]:
    """Check one lead held in memory; the findings, in report order.

    ``select`` and ``ignore`` take rule codes, prefixes or names as on the
    command line; ``now`` pins the clock that date rules see. Positions refer
    to the lead written as one line of compact JSON (record 0, line 1).
    """
    from leadlint.api import lint_leads

    return list(lint_leads([lead], _settings(profile, select, ignore, now)))


def fix(
    lead: dict[str, Any],
    *,
    unsafe: bool = False,
    profile: str = "put",
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    now: datetime | None = None,
) -> FixResult:
    """Apply the available fixes to one lead, as ``leadlint check --fix`` does.

    Only safe fixes unless ``unsafe``. The input lead is left unchanged.
    """
    from leadlint.engine import Engine
    from leadlint.fixes import fix_lead

    settings = _settings(profile, select, ignore, now)
    engine = Engine(settings)
    codes = engine.enabled
    fixed = fix_lead(lead, lambda candidate: engine.check_lead(candidate, codes), unsafe)
    result = fixed.lead
    if result is lead:  # nothing applied: still hand back a new object
        import copy

        result = copy.deepcopy(lead)
    remaining = lint(result, profile=profile, select=select, ignore=ignore, now=now)
    return FixResult(lead=result, applied=list(fixed.applied), remaining=remaining)


def lint_file(
    path: str | Path,
    *,
    profile: str = "put",
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    now: datetime | None = None,
) -> Iterator[Diagnostic]:
    """Stream the findings of one lead file (JSON, NDJSON or CSV), as the CLI reports them.

    Raises :class:`leadlint.api.InputError` if the path does not exist.
    """
    from leadlint.api import lint_paths

    run = lint_paths([str(path)], _settings(profile, select, ignore, now))
    yield from run.diagnostics()


def audit_report(
    paths: str | Path | Sequence[str | Path],
    *,
    group_by: str = "metadata.utmSource",
    profile: str = "put",
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    now: datetime | None = None,
) -> dict[str, Any]:
    """Audit lead files as ``leadlint audit --format json`` does: the leadlint-audit-v1 dict.

    Totals, findings per rule, a scorecard per ``group_by`` value and the
    ``createdAt`` timeline; uses every core for big NDJSON and CSV files.
    """
    from pathlib import Path as _Path

    from leadlint.audit import audit_paths

    given = [paths] if isinstance(paths, str | _Path) else list(paths)
    run, found = audit_paths(
        [str(p) for p in given],
        _settings(profile, select, ignore, now),
        group_by,
        diagnostics=False,
    )
    for _diagnostic in run.diagnostics():
        pass
    return found.report(__version__)
