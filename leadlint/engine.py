"""Schema and rules over records -> diagnostics.

The engine, not the checks, attaches code, name, severity and position, and
applies the selection (``select``/``ignore``/per-file ignores).
"""

from __future__ import annotations

import fnmatch
import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import orjson

from leadlint.config import Settings
from leadlint.models import Diagnostic, Location, Summary, Violation
from leadlint.readers import Source, read_source
from leadlint.records import Problem, ReadOptions, Record
from leadlint.rules import ACROSS, BY_CODE, CHECKS, check_groups, family_runner, resolve_selection
from leadlint.rules.base import Rule
from leadlint.rules.input import EMPTY_FILE
from leadlint.rules.records import (
    USUAL_SLOTS,
    DuplicateTables,
    KeyBatch,
    duplicate_message,
    usual_key_reader,
    value_key,
)
from leadlint.schema import compile_schema, resolve_pointer

_SCHEMA_BLOCK = "LL1"
USUAL_CODES = frozenset(code for code, _pointer in USUAL_SLOTS)

# What one record of a source comes to: (record index, view, diagnostics).
# The index is None for a finding not tied to a readable lead (a file-level
# problem, a line that is not JSON); ``view`` is what ``Engine.lead_view``
# made of the lead (None when unset or unreadable).
LeadResult = tuple[int | None, Any, list[Diagnostic]]
# Called once per record result, in run order, with every final diagnostic:
# (file display name, record index, view, diagnostics); the index is None for
# findings not tied to a readable lead.
LeadSink = Callable[[str, int | None, Any, list[Diagnostic]], None]
# Clean leads of a parallel range, counted by view: (file display name, counts).
CleanSink = Callable[[str, Counter[Any]], None]


class Engine:
    """Checks sources with one settled configuration."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.enabled = settings.enabled_codes()
        self.schema = compile_schema(settings.schema)
        self.read_options = ReadOptions(
            records_key=settings.records_key,
            max_depth=settings.max_depth,
            field_types=self.schema.field_types,
        )
        self._ignores = [
            (pattern, resolve_selection(codes)) for pattern, codes in settings.per_file_ignores
        ]
        self.options = rule_options(settings)
        # Called once per lead read (a progress display); None on the hot path.
        self.on_record: Callable[[], None] | None = None
        # Audit hooks: ``lead_view`` picks what to remember of each lead (run
        # where the lead is read, also in workers); ``lead_sink`` gets it.
        self.lead_view: Callable[[Any], Any] | None = None
        self.lead_sink: LeadSink | None = None
        # Optional: takes a parallel range's clean leads at once (else lead_sink, one by one).
        self.clean_sink: CleanSink | None = None
        # An audit that needs its tallies only: ``range_audit`` makes an empty
        # tally, which a parallel run's worker fills with its range's leads;
        # the parent corrects the few leads that gain a repeat and hands the
        # part to ``range_sink``, so it rebuilds no finding. Such a run yields
        # no diagnostics, in one process too (its summary still counts them).
        self.range_audit: Callable[[], Any] | None = None
        self.range_sink: Callable[[Any], None] | None = None
        self._files: list[str] = []
        # Run-wide checks (duplicates across leads): their tables, and how
        # keys are hashed (a Dask run ships a keyed hash to its workers).
        self._across_rules = [r for r in ACROSS if r.code in self.enabled]
        self.duplicates = DuplicateTables(r.code for r in self._across_rules)
        self.key_of = value_key
        # In worker processes: duplicate keys are collected here, decided by the parent.
        self.deferred: KeyBatch | None = None
        self._locate = True

    @property
    def locate_findings(self) -> bool:
        """Whether a finding gets its own line and column (else its lead's line).

        An audit shows no position, and finding one is most of a finding's
        cost; the reader then does not prepare records for it either.
        """
        return self._locate

    @locate_findings.setter
    def locate_findings(self, value: bool) -> None:
        self._locate = value
        self.read_options = replace(self.read_options, locate=value)

    def _describe(self, ref: tuple[int, int]) -> str:
        file_number, index = ref
        return f"lead {index} of {self._files[file_number]}"

    def codes_for(self, path: Path | None) -> frozenset[str]:
        """Enabled codes for one file, after per-file ignores."""
        if path is None or not self._ignores:
            return self.enabled
        names = path_names(path, self.settings.root)
        enabled = self.enabled
        for pattern, codes in self._ignores:
            if any(fnmatch.fnmatchcase(name, pattern) for name in names):
                enabled = enabled - codes
        return enabled

    def lint_source(
        self, source: Source, stream: IO[bytes], path: Path | None, summary: Summary
    ) -> Iterator[Diagnostic]:
        """Diagnostics of one source, in file order; counts go into ``summary``."""
        display = source.display
        sink, tick = self.lead_sink, self.on_record
        emit = self.range_audit is None
        # Leads with nothing to report go to the clean sink at once, by view.
        clean: list[Any] | None = [] if sink is not None and self.clean_sink else None
        try:
            for index, view, found in self.lead_results(source, stream, path, summary):
                if tick is not None and index is not None:
                    tick()
                if found:
                    if sink is not None:
                        sink(display, index, view, found)
                    for diagnostic in found:
                        summary.add(diagnostic)
                    if emit:
                        yield from found
                elif clean is not None:
                    clean.append(view)
                elif sink is not None:
                    sink(display, index, view, found)
        finally:
            if clean and self.clean_sink is not None:
                self.clean_sink(display, Counter(clean))

    def start_file(self, display: str) -> int:
        """Number the next file of the run (duplicate messages name it)."""
        self._files.append(display)
        return len(self._files) - 1

    def lead_results(
        self, source: Source, stream: IO[bytes], path: Path | None, summary: Summary
    ) -> Iterator[LeadResult]:
        """Each record's diagnostics, in file order (records counted in ``summary``).

        Readable leads come with their (possibly empty) list; findings about
        the file or an unreadable line come with index None.
        """
        codes = self.codes_for(path)
        schema_on = any(code.startswith(_SCHEMA_BLOCK) for code in codes)
        # Bound once per file: the per-lead loop below is the hot path.
        families = family_runner(check_groups(codes, self.options))
        across = [(rule, rule.across) for rule in self._across_rules if rule.code in codes]
        key_of, deferred, duplicates = self.key_of, self.deferred, self.duplicates
        shown = self._shown if self.settings.show_values else None
        # All three duplicate rules on: most leads' keys come from one call.
        usual = (
            shown is None
            and duplicates.usual is not None
            and {rule.code for rule, _keys_of in across} == USUAL_CODES
        )
        usual_keys = usual_key_reader(key_of)
        repeats_usual = duplicates.usual_repeats()
        view_of = self.lead_view
        is_valid = self.schema.is_valid
        file_number = self.start_file(source.display)
        summary.files += 1
        display = source.display
        records = 0
        try:
            for item in read_source(source, stream, self.read_options):
                if isinstance(item, Problem):
                    if item.code in codes:
                        yield None, None, [self._from_problem(display, item)]
                    continue
                records += 1
                found = (
                    [self._from_problem(display, p, item) for p in item.problems if p.code in codes]
                    if item.problems
                    else []
                )
                view = None
                if item.checkable:
                    data = item.data
                    if view_of is not None:
                        view = view_of(data)
                    if schema_on and not is_valid(data):
                        found.extend(self._schema_findings(item, codes))
                    for checks in families(data):  # the families with something to report
                        for rule, check_lead, options in checks:
                            for violation in check_lead(data, options):
                                found.append(self._stamp(rule, violation, item))
                    if usual and (keys := usual_keys(data)) is not None:
                        if deferred is not None:
                            deferred.add_usual(item.index, item.line, keys)
                        else:
                            ref = (file_number, item.index)
                            for code, pointer, earlier in repeats_usual(keys, ref):
                                found.append(self._repeat(BY_CODE[code], pointer, earlier, item))
                    else:
                        for rule, keys_of in across:
                            keyed = keys_of(data, key_of)  # type: ignore[misc]
                            if not keyed:
                                continue
                            if deferred is not None:
                                see = None if shown is None else (lambda p, d=data: shown(d, p))
                                deferred.add(item.index, item.line, rule.code, keyed, see)
                                continue
                            ref = (file_number, item.index)
                            for pointer, earlier in duplicates.repeats_in(rule.code, keyed, ref):
                                found.append(self._repeat(rule, pointer, earlier, item))
                if len(found) > 1:
                    found = _without_superseded(found)
                    found.sort(key=_position_key)
                yield item.index, view, found
        finally:
            summary.records += records
            summary.records_by_file[display] = summary.records_by_file.get(display, 0) + records

    def _repeat(
        self, rule: Rule, pointer: str, earlier: tuple[int, int], record: Record
    ) -> Diagnostic:
        """The LL7xx finding of a key that ``earlier`` (file number, index) had first."""
        message = duplicate_message(pointer, self._describe(earlier))
        return self._stamp(rule, Violation(pointer, message), record)

    @staticmethod
    def _shown(data: Any, pointer: str) -> str | None:
        return _shown_value(resolve_pointer(data, pointer))

    def repeat(
        self,
        code: str,
        pointer: str,
        earlier: tuple[int, int],
        location: Location,
        value: str | None,
    ) -> Diagnostic:
        """The LL7xx finding of a repeated key decided after the fact (parallel runs)."""
        rule = BY_CODE[code]
        message = duplicate_message(pointer, self._describe(earlier))
        return Diagnostic(rule.code, rule.name, rule.severity, message, location, None, value)

    def check_lead(self, data: Any, codes: frozenset[str], display: str = "") -> list[Diagnostic]:
        """The schema and per-lead findings of one lead, without positions (for fixing)."""
        record = Record(display, 0, None, None, data)
        found = [] if self.schema.is_valid(data) else list(self._schema_findings(record, codes))
        for rule in CHECKS:
            if rule.code in codes:
                assert rule.check is not None
                found.extend(
                    self._stamp(rule, violation, record)
                    for violation in rule.check(data, self.options[rule.code])
                )
        return _without_superseded(found) if len(found) > 1 else found

    def empty_file_diagnostic(self, display: str, line: int, path: Path) -> Iterator[Diagnostic]:
        """LL006 for a file that held no lead (decided after a parallel run)."""
        if EMPTY_FILE.code in self.codes_for(path):
            problem = Problem(EMPTY_FILE.code, "File has no leads", None, max(line, 1), 1)
            yield self._from_problem(display, problem)

    def _schema_findings(self, record: Record, codes: frozenset[str]) -> Iterator[Diagnostic]:
        # A run that only tallies findings (``range_audit``) never shows their messages.
        messages = self.range_audit is None
        for rule, violation in self.schema.violations(record.data, messages):
            if rule.code in codes:
                yield self._stamp(rule, violation, record)

    def _stamp(self, rule: Rule, violation: Violation, record: Record) -> Diagnostic:
        located = record.locate(violation.pointer) if self._locate else None
        line, column = located or (record.line, record.column)
        found_id = lead_id(record.data)
        location = Location(
            record.source,
            record.index,
            line,
            column,
            violation.pointer,
            found_id,
            found_id if found_id is not None else lead_key(record.data),
        )
        value = None
        if self.settings.show_values:
            value = _shown_value(resolve_pointer(record.data, violation.pointer))
        return Diagnostic(
            rule.code, rule.name, rule.severity, violation.message, location, violation.fix, value
        )

    def _from_problem(
        self, display: str, problem: Problem, record: Record | None = None
    ) -> Diagnostic:
        rule = BY_CODE[problem.code]
        lead = lead_id(record.data) if record is not None else None
        location = Location(
            display, problem.record, problem.line, problem.column, problem.pointer, lead
        )
        return Diagnostic(rule.code, rule.name, rule.severity, problem.message, location)


def _without_superseded(found: list[Diagnostic]) -> list[Diagnostic]:
    """Drop schema findings that a more precise rule reported at the same pointer."""
    dropped = {(code, d.location.pointer) for d in found for code in BY_CODE[d.code].supersedes}
    if not dropped:
        return found
    return [d for d in found if (d.code, d.location.pointer) not in dropped]


def rule_options(settings: Settings) -> dict[str, dict[str, Any]]:
    """Each rule's options: its defaults, the configured values, and ``now``.

    ``now`` (timezone-aware) is how rules about ages and timestamps learn the
    time without reading the clock themselves.
    """
    now = settings.now or datetime.now(UTC)
    configured = dict(settings.rule_options)
    return {
        code: {**rule.options, **dict(configured.get(code, ())), "now": now}
        for code, rule in BY_CODE.items()
    }


def _position_key(diagnostic: Diagnostic) -> tuple[int, int, str]:
    loc = diagnostic.location
    return (loc.line or 0, loc.column or 0, diagnostic.code)


def path_names(path: Path, root: Path) -> list[str]:
    """A path as given, its name, and relative to ``root``: what glob settings match."""
    names = [path.as_posix(), path.name]
    try:
        names.append(path.resolve().relative_to(root.resolve()).as_posix())
    except ValueError:
        pass
    return names


def lead_id(data: Any) -> str | None:
    """The lead's own id, else its external or seller id (never personal data)."""
    if not isinstance(data, dict):
        return None
    candidates = [data.get("id"), data.get("externalId"), data.get("sellerLeadId")]
    metadata = data.get("metadata")
    if isinstance(metadata, dict):
        candidates += [metadata.get("externalId"), metadata.get("sellerLeadId")]
    for candidate in candidates:
        if isinstance(candidate, str | int) and not isinstance(candidate, bool):
            return str(candidate)
    return None


def lead_key(data: Any) -> str | None:
    """The lead's id or external id, else a short hash of its content."""
    found = lead_id(data)
    if found is not None:
        return found
    try:
        digest = hashlib.sha256(orjson.dumps(data, option=orjson.OPT_SORT_KEYS)).hexdigest()
    except TypeError:
        return None
    return "sha256:" + digest[:20]


def _shown_value(value: Any) -> str | None:
    try:
        text = orjson.dumps(value).decode()
    except TypeError:
        return None
    return text if len(text) <= 80 else text[:77] + "..."
