"""``leadlint audit``: everything ``check`` finds, summarised per source.

A lead buyer's question about a vendor's export: which source sends bad
leads, and how bad? :class:`Audit` is fed each lead's final diagnostics (the
engine's ``lead_sink``, in run order, from one process, worker processes or
Dask partitions alike) and builds the leadlint-audit-v1 report: totals, a
table per rule, a scorecard per group (``metadata.utmSource`` by default) and
problems over the leads' ``createdAt`` days.

What is kept of a lead is its :func:`lead_view`: the group key (an
attribution value such as a utm source, never personal data: grouping by a
personal field is refused) and the day it was created. No other lead value
reaches the report.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from leadlint.core import CORE
from leadlint.models import Diagnostic, Severity
from leadlint.rules import BY_CODE

if TYPE_CHECKING:
    from leadlint.api import LintRun
    from leadlint.config import Settings

DEFAULT_GROUP_BY = "metadata.utmSource"
TOP_PROBLEMS = 5
DAY_SPAN_LIMIT = 92  # longer timelines are shown by month
DUPLICATE_PREFIX = "LL7"
_SEVERITY = {code: rule.severity for code, rule in BY_CODE.items()}
_DUPLICATE_CODES = frozenset(code for code in BY_CODE if code.startswith(DUPLICATE_PREFIX))
# Fields whose values are personal data: no grouping by them (the report
# would list them). Matched against every segment of the dotted path.
PERSONAL_FIELDS = frozenset(
    {
        "contact",
        "customer",
        "firstName",
        "lastName",
        "email",
        "phone",
        "phoneNumber",
        "ipAddress",
        "streetAddress",
        "address",
        "address1",
        "line1",
        "birthDate",
        "dateOfBirth",
        "userAgent",
        "trustedFormUrl",
        "trustedFormCertUrl",
        "jornayaLeadId",
    }
)
_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")

View = tuple[str | None, str | None]  # (group key, created day "YYYY-MM-DD")


class AuditError(ValueError):
    """A ``--group-by`` that cannot be used (exit 2)."""


def group_path(group_by: str, allow_personal: bool = False) -> tuple[str, ...]:
    """``metadata.utmSource`` -> ("metadata", "utmSource"), refusing personal fields."""
    path = tuple(part.strip() for part in group_by.split("."))
    if not group_by.strip() or not all(path):
        raise AuditError(f"--group-by `{group_by}`: give a dotted field path")
    personal = [part for part in path if part in PERSONAL_FIELDS]
    if personal and not allow_personal:
        raise AuditError(
            f"--group-by `{group_by}`: `{personal[0]}` holds personal data, and the report "
            "would list its values; group by attribution metadata such as metadata.utmSource, "
            "metadata.pubId or metadata.vendor (or pass --show-values to allow it)"
        )
    return path


def make_view(path: tuple[str, ...]) -> Callable[[Any], View]:
    """What a worker keeps of each lead: (group key, created day); compiled with the core."""
    if CORE is not None:
        return CORE.AuditView(path, _DAYS, _day, _DAYS_KEPT)  # type: ignore[no-any-return]

    def view(lead: Any) -> View:
        return _group_key(lead, path), created_day(lead)

    return view


def _group_key(lead: Any, path: tuple[str, ...]) -> str | None:
    node = lead
    for part in path:
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    if node is None or isinstance(node, dict | list):
        return None
    if isinstance(node, bool):
        return "true" if node else "false"
    text = str(node).strip()
    return text or None


def created_day(lead: Any) -> str | None:
    """The calendar day of the lead's ``createdAt`` (else ``metadata.createdAt``), as written."""
    if not isinstance(lead, dict):
        return None
    value = lead.get("createdAt")
    if not isinstance(value, str):
        metadata = lead.get("metadata")
        value = metadata.get("createdAt") if isinstance(metadata, dict) else None
    if not isinstance(value, str):
        return None
    head = value[:10]  # all that the day depends on
    try:
        return _DAYS[head]
    except KeyError:
        day = _day(head)
    if len(_DAYS) < _DAYS_KEPT:
        _DAYS[head] = day
    return day


_DAYS: dict[str, str | None] = {}  # the first ten characters -> their day (None: not a day)
_DAYS_KEPT = 1 << 16


def _day(head: str) -> str | None:
    match = _DAY.match(head)
    if match is None:
        return None
    try:
        date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return match[0]


@dataclass(slots=True)
class _Day:
    """Counts for one ``createdAt`` day (or month): what the timeline shows."""

    leads: int = 0
    clean: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0

    def merge(self, other: _Day) -> None:
        self.leads += other.leads
        self.clean += other.clean
        self.errors += other.errors
        self.warnings += other.warnings
        self.infos += other.infos


@dataclass(slots=True)
class _Tally(_Day):
    """Counts for one group, or the whole run: a day's, and per rule."""

    with_errors: int = 0
    duplicates: int = 0
    rule_findings: Counter[str] = field(default_factory=Counter)
    rule_leads: Counter[str] = field(default_factory=Counter)

    def count(self, diagnostic: Diagnostic) -> None:
        if diagnostic.severity is Severity.ERROR:
            self.errors += 1
        elif diagnostic.severity is Severity.WARNING:
            self.warnings += 1
        else:
            self.infos += 1
        self.rule_findings[diagnostic.code] += 1

    def merge(self, other: _Day) -> None:
        _Day.merge(self, other)
        if isinstance(other, _Tally):
            self.with_errors += other.with_errors
            self.duplicates += other.duplicates
            self.rule_findings.update(other.rule_findings)
            self.rule_leads.update(other.rule_leads)


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


@dataclass
class Audit:
    """The running audit of one run; :meth:`report` gives the JSON-ready dict.

    Audits of parts of a run (Dask partitions) combine with :meth:`merge`
    when their leads do not overlap; file order is kept by :meth:`add_file`.
    """

    group_by: str = DEFAULT_GROUP_BY
    # The findings not tied to a lead; the run's totals are these and the groups'.
    outside: _Tally = field(default_factory=_Tally)
    groups: dict[str | None, _Tally] = field(default_factory=dict)
    days: dict[str, _Day] = field(default_factory=dict)
    undated: int = 0
    file_findings: int = 0
    files: dict[str, int] = field(default_factory=dict)
    rejected: dict[tuple[str, int], list[Diagnostic]] = field(default_factory=dict)
    keep_rejected: bool = False
    names: dict[str, tuple[str, Severity]] = field(default_factory=dict)
    # Clean leads are most leads: counted by (file, view) here, folded into
    # the tallies when the report is made (one counter update per lead).
    _clean: Counter[tuple[str, Any]] = field(default_factory=Counter)

    def lead(self, display: str, index: int | None, view: Any, found: list[Diagnostic]) -> None:
        """The engine's ``lead_sink``: one lead and all its final diagnostics.

        Index None: findings not tied to a readable lead (about the file).
        """
        if index is None:
            self.add_file(display)
            for diagnostic in found:
                self.other(diagnostic)
            return
        if not found:
            if display not in self.files:
                self.files[display] = 0  # files stay in the order they were read
            self._clean[(display, view)] += 1
            return
        self.add_codes(display, view, [diagnostic.code for diagnostic in found])
        if self.keep_rejected and any(d.severity is Severity.ERROR for d in found):
            self.rejected[(display, index)] = [d for d in found if d.severity is Severity.ERROR]

    def clean(self, display: str, counts: Counter[Any]) -> None:
        """The engine's ``clean_sink``: leads with nothing to report, counted by view."""
        if display not in self.files:
            self.files[display] = 0
        for view, count in counts.items():
            self._clean[(display, view)] += count

    def fold(self) -> None:
        """Move the counted clean leads into the tallies (done before a report or merge)."""
        for (display, view), count in self._clean.items():
            self._add_clean(display, view, count)
        self._clean.clear()

    def _tallies(self, display: str, view: Any, count: int) -> tuple[_Tally, _Day | None]:
        """The group and day tallies of ``count`` leads of one file and view; counts them in the file."""
        group, day = view if view is not None else (None, None)
        self.files[display] = self.files.get(display, 0) + count
        by_group = self.groups.get(group)
        if by_group is None:
            by_group = self.groups[group] = _Tally()
        if day is None:
            self.undated += count
            return by_group, None
        by_day = self.days.get(day)
        if by_day is None:
            by_day = self.days[day] = _Day()
        return by_group, by_day

    def _add_clean(self, display: str, view: Any, count: int) -> None:
        by_group, by_day = self._tallies(display, view, count)
        by_group.leads += count
        by_group.clean += count
        if by_day is not None:
            by_day.leads += count
            by_day.clean += count

    def correct(self, display: str, view: Any, old: list[str], new: list[str]) -> None:
        """Count a lead again with the codes ``new`` found instead of ``old`` (a parallel run's repeats).

        Call after :meth:`fold`, as a worker's part comes back folded.
        """
        if old:
            self._add_lead(display, view, old, -1)
        else:
            self._add_clean(display, view, -1)
        self.add_codes(display, view, new)

    def add_codes(self, display: str, view: Any, codes: list[str]) -> None:
        """One lead with findings, given by their codes (what a worker keeps of them)."""
        self._add_lead(display, view, codes)
        names = self.names
        for code in codes:
            if code not in names:
                rule = BY_CODE[code]
                names[code] = (rule.name, rule.severity)

    def _add_lead(self, display: str, view: Any, codes: list[str], sign: int = 1) -> None:
        """One lead with findings, by the codes found (``sign`` -1: take them back)."""
        by_group, by_day = self._tallies(display, view, sign)
        # The lead's findings summed once, then added to its tallies.
        errors = warnings = 0
        for code in codes:
            severity = _SEVERITY[code]
            if severity is Severity.ERROR:
                errors += 1
            elif severity is Severity.WARNING:
                warnings += 1
        infos = len(codes) - errors - warnings
        distinct = set(codes)
        duplicate: int = not distinct.isdisjoint(_DUPLICATE_CODES)
        if sign != 1:
            errors, warnings, infos, duplicate = -errors, -warnings, -infos, -duplicate
        clean = sign if not errors and not warnings else 0
        by_group.leads += sign
        by_group.clean += clean
        if errors:
            by_group.with_errors += sign
        by_group.duplicates += duplicate
        by_group.errors += errors
        by_group.warnings += warnings
        by_group.infos += infos
        # A lead has a few findings: counted one by one, Counter.update
        # would cost more in its checks than in counting.
        findings, leads = by_group.rule_findings, by_group.rule_leads
        for code in codes:
            findings[code] += sign
        for code in distinct:
            leads[code] += sign
        if by_day is not None:
            by_day.leads += sign
            by_day.clean += clean
            by_day.errors += errors
            by_day.warnings += warnings
            by_day.infos += infos

    def other(self, diagnostic: Diagnostic) -> None:
        """A finding not tied to a readable lead (the file, a line that is not JSON)."""
        self.file_findings += 1
        self.outside.count(diagnostic)
        self.names.setdefault(diagnostic.code, (diagnostic.name, diagnostic.severity))

    def add_file(self, display: str) -> None:
        """Keep a file in the report (and in order) even if it held no lead."""
        self.files.setdefault(display, 0)

    def merge(self, other: Audit) -> None:
        """Add the counts of another part of the same run (disjoint leads)."""
        self.fold()
        other.fold()
        self.outside.merge(other.outside)
        for key, tally in other.groups.items():
            self.groups.setdefault(key, _Tally()).merge(tally)
        for day, counts in other.days.items():
            self.days.setdefault(day, _Day()).merge(counts)
        self.undated += other.undated
        self.file_findings += other.file_findings
        for display, count in other.files.items():
            self.files[display] = self.files.get(display, 0) + count
        self.rejected.update(other.rejected)
        for code, name in other.names.items():
            self.names.setdefault(code, name)

    def report(self, tool_version: str, generated_at: datetime | None = None) -> dict[str, Any]:
        self.fold()
        total = _Tally()
        for tally in (self.outside, *self.groups.values()):
            total.merge(tally)
        moment = (generated_at or datetime.now(UTC)).astimezone(UTC)
        return {
            "version": 1,
            "tool": {"name": "leadlint", "version": tool_version},
            "generatedAt": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "groupBy": self.group_by,
            "files": [{"path": path, "leads": leads} for path, leads in self.files.items()],
            "totals": {
                "leads": total.leads,
                "cleanLeads": total.clean,
                "cleanShare": _share(total.clean, total.leads),
                "leadsWithErrors": total.with_errors,
                "duplicateLeads": total.duplicates,
                "duplicateShare": _share(total.duplicates, total.leads),
                "findings": total.errors + total.warnings + total.infos,
                "errors": total.errors,
                "warnings": total.warnings,
                "infos": total.infos,
                "fileFindings": self.file_findings,
            },
            "rules": self._rules(total, None),
            "sources": [self._source(key, tally) for key, tally in self._ordered_groups()],
            "timeline": self._timeline(),
        }

    def _rules(self, tally: _Tally, limit: int | None) -> list[dict[str, Any]]:
        if limit is None:
            order = sorted(tally.rule_findings, key=lambda c: (-tally.rule_findings[c], c))
        else:
            order = sorted(
                tally.rule_leads,
                key=lambda c: (-tally.rule_leads[c], -tally.rule_findings[c], c),
            )[:limit]
        rows = []
        for code in order:
            name, severity = self.names[code]
            rows.append(
                {
                    "code": code,
                    "name": name,
                    "severity": severity.value,
                    "findings": tally.rule_findings[code],
                    "leads": tally.rule_leads[code],
                }
            )
        return rows

    def _ordered_groups(self) -> list[tuple[str | None, _Tally]]:
        return sorted(
            self.groups.items(), key=lambda item: (-item[1].leads, item[0] is None, item[0] or "")
        )

    def _source(self, key: str | None, tally: _Tally) -> dict[str, Any]:
        return {
            "source": key,
            "leads": tally.leads,
            "cleanLeads": tally.clean,
            "cleanShare": _share(tally.clean, tally.leads),
            "leadsWithErrors": tally.with_errors,
            "errors": tally.errors,
            "warnings": tally.warnings,
            "infos": tally.infos,
            "duplicateLeads": tally.duplicates,
            "duplicateShare": _share(tally.duplicates, tally.leads),
            "topProblems": self._rules(tally, TOP_PROBLEMS),
        }

    def _timeline(self) -> dict[str, Any]:
        days = sorted(self.days)
        by_month = (
            bool(days)
            and (date.fromisoformat(days[-1]) - date.fromisoformat(days[0])).days > DAY_SPAN_LIMIT
        )
        periods: dict[str, _Day] = {}
        for day in days:
            period = day[:7] if by_month else day
            periods.setdefault(period, _Day()).merge(self.days[day])
        return {
            "field": "createdAt",
            "unit": "month" if by_month else "day",
            "periods": [
                {
                    "period": period,
                    "leads": tally.leads,
                    "cleanLeads": tally.clean,
                    "findings": tally.errors + tally.warnings + tally.infos,
                    "errors": tally.errors,
                }
                for period, tally in periods.items()
            ],
            "undated": self.undated,
        }


def audit_exit_code(report: dict[str, Any], fail_on: str, unreadable: bool) -> int:
    """As ``check``: 1 when a finding at ``--fail-on`` or worse was made; 2 for unreadable input."""
    if unreadable:
        return 2
    if fail_on == "never":
        return 0
    totals = report["totals"]
    order = ["info", "warning", "error"]
    counted = {"error": totals["errors"], "warning": totals["warnings"], "info": totals["infos"]}
    return 1 if any(counted[level] for level in order[order.index(fail_on) :]) else 0


def audit_paths(
    paths: Sequence[str],
    settings: Settings,
    group_by: str = DEFAULT_GROUP_BY,
    *,
    stdin: IO[bytes] | None = None,
    keep_rejected: bool = False,
    diagnostics: bool = True,
) -> tuple[LintRun, Audit]:
    """Prepare an audit: drain ``run.diagnostics()``, then read ``audit.report(...)``.

    The run's diagnostics point at their lead's line, not at the field. With
    ``diagnostics=False`` the run yields none, and the worker processes of a
    parallel run tally their own leads, which spares the process that puts
    the run together most of its work (not with ``keep_rejected``).

    Raises :class:`AuditError` for a personal ``group_by`` (unless
    ``settings.show_values``).
    """
    from leadlint.api import lint_paths

    view = make_view(group_path(group_by, settings.show_values))
    run = lint_paths(paths, settings, stdin=stdin)
    # No part of an audit shows where in a lead a finding is: its diagnostics
    # carry the lead's line only, which spares most of a finding's cost.
    run.engine.locate_findings = False
    audit = Audit(group_by, keep_rejected=keep_rejected)
    run.engine.lead_view = view
    run.engine.lead_sink = audit.lead
    run.engine.clean_sink = audit.clean
    if not diagnostics:
        if keep_rejected:
            raise ValueError("keep_rejected needs the run's diagnostics")
        run.engine.range_audit = lambda: Audit(group_by)
        run.engine.range_sink = audit.merge
    return run, audit


def write_rejects(
    path: Path, run: LintRun, audit: Audit, stdin: IO[bytes] | None = None
) -> tuple[int, int]:
    """Write the leads with errors (and a findings sidecar) by reading the sources again.

    The rejects file takes its format from its extension (.ndjson/.jsonl,
    .json, .csv), else the first input's. Returns (leads written, leads that
    could not be read back as objects and are only in the sidecar).
    """
    from leadlint.readers import read_source
    from leadlint.records import Record
    from leadlint.submit.rejects import RejectsWriter

    first = next((source.format for source, _p in run.sources if source.format), "ndjson")
    kind = {".json": "json", ".csv": "csv", ".ndjson": "ndjson", ".jsonl": "ndjson"}.get(
        path.suffix.lower(), first
    )
    writer = RejectsWriter(path, kind)
    written = unreadable = 0
    wanted = audit.rejected
    try:
        for source, source_path in run.sources:
            stream = stdin if source_path is None else source_path.open("rb")
            if stream is None:
                continue
            with contextlib.ExitStack() as stack:
                if source_path is not None:
                    stack.enter_context(stream)
                for item in read_source(source, stream, run.engine.read_options):
                    if not isinstance(item, Record):
                        continue
                    errors = wanted.get((source.display, item.index))
                    if errors is None:
                        continue
                    codes = [d.code for d in errors]
                    if item.checkable:
                        writer.add(item, item.data, codes, errors)
                        written += 1
                    else:
                        writer.add_unreadable(item, codes, errors)
                        unreadable += 1
    except BaseException:
        writer.abort()
        raise
    writer.close()
    return written, unreadable
