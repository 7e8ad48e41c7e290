"""One generic runner for the rule case files in tests/cases/ (STYLE.md rule 10).

``tests/cases/LLxxx.json`` is a list of cases for that rule::

    {"name": "why this case exists",
     "lead": {...}            or  "leads": [{...}, {...}],
     "expect": ["/pointer"]   or  [[record_index, "/pointer"], ...] with "leads",
     "fixed": {...},          optional: the lead after this rule's fixes
     "options": {...},        optional: rule options
     "now": "2026-11-26T12:00:00+00:00"}   optional: the clock rules see

Codes and pointers are asserted, never message prose.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from leadlint.api import lint_leads
from leadlint.config import Settings
from leadlint.fixes import apply_edits
from leadlint.rules import ALL_RULES, BY_CODE

CASES = Path(__file__).parent / "cases"
DEFAULT_NOW = "2026-11-26T12:00:00+00:00"


def load_cases() -> list[tuple[str, int, dict[str, Any]]]:
    found = []
    for path in sorted(CASES.glob("LL*.json")):
        for number, case in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            found.append((path.stem, number, case))
    return found


def settings_for(code: str, case: dict[str, Any]) -> Settings:
    options = tuple(case.get("options", {}).items())
    now = datetime.fromisoformat(case.get("now", DEFAULT_NOW))
    return Settings(select=(code,), rule_options=((code, options),), now=now)


@pytest.mark.parametrize(
    ("code", "number", "case"),
    load_cases(),
    ids=[f"{code}-{n}-{c.get('name', '')}"[:80] for code, n, c in load_cases()],
)
def test_case(code: str, number: int, case: dict[str, Any]) -> None:
    assert code in BY_CODE, f"case file for unknown rule {code}"
    many = "leads" in case
    leads = case["leads"] if many else [case["lead"]]
    found = [d for d in lint_leads(leads, settings_for(code, case)) if d.code == code]
    if many:
        got = sorted([d.location.record, d.location.pointer] for d in found)
        assert got == sorted(case["expect"])
    else:
        assert sorted(d.location.pointer for d in found) == sorted(case["expect"])
    if "fixed" in case:
        edits = [edit for d in found if d.fix is not None for edit in d.fix.edits]
        assert edits, "a case with `fixed` must produce a fix"
        assert apply_edits(leads[0], edits) == case["fixed"]


def test_every_checking_rule_has_cases_that_trigger_and_pass() -> None:
    cases = load_cases()
    for rule in ALL_RULES:
        if rule.check is None and rule.across is None:
            continue
        own = [case for code, _n, case in cases if code == rule.code]
        assert any(case["expect"] for case in own), f"{rule.code} has no triggering case"
        assert any(not case["expect"] for case in own), f"{rule.code} has no passing case"


FIXED_CASES = [(code, n, case) for code, n, case in load_cases() if "fixed" in case]


@pytest.mark.parametrize(
    ("code", "number", "case"),
    FIXED_CASES,
    ids=[f"{code}-{n}" for code, n, _case in FIXED_CASES],
)
def test_a_fix_never_makes_another_rule_fire(code: str, number: int, case: dict[str, Any]) -> None:
    """Every rule on: the fixed lead has no finding the original did not have."""
    settings = Settings(ignore=("LL7",), now=datetime.fromisoformat(case.get("now", DEFAULT_NOW)))
    before = {(d.code, d.location.pointer) for d in lint_leads([case["lead"]], settings)}
    after = {(d.code, d.location.pointer) for d in lint_leads([case["fixed"]], settings)}
    assert after <= before, after - before
    expected = case["expect"] if "leads" not in case else [p for _i, p in case["expect"]]
    assert not any((code, pointer) in after for pointer in expected), "the fix did not fix it"


def test_schema_violations_without_messages_keep_rule_pointer_and_fix() -> None:
    """What a run that only tallies findings gets: all but the message prose."""
    from leadlint.engine import Engine

    schema = Engine(Settings()).schema
    leads = [
        lead
        for _code, _number, case in load_cases()
        for lead in case.get("leads") or [case["lead"]]
        if not schema.is_valid(lead)
    ]
    assert len(leads) > 50
    kinds, fixes = set(), 0
    for lead in leads:
        told = list(schema.violations(lead))
        counted = list(schema.violations(lead, messages=False))
        assert [(r, v.pointer, v.fix) for r, v in counted] == [
            (r, v.pointer, v.fix) for r, v in told
        ]
        assert all(v.message for _r, v in told)
        assert not any(v.message for _r, v in counted)
        kinds |= {rule.code for rule, _v in told}
        fixes += sum(v.fix is not None for _r, v in counted)
    assert len(kinds) >= 5 and fixes > 0  # types, enums, formats, unknown and legacy names
