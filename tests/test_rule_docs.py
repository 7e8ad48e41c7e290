"""Every rule is documented under the fixed headings and its examples run.

The Example must trigger the rule, Use instead must not (STYLE.md rule 4).
"""

from __future__ import annotations

import ast
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from leadlint.api import lint_leads, lint_paths
from leadlint.config import Settings
from leadlint.fixes import apply_edits
from leadlint.models import FixAvailability
from leadlint.rules import ALL_RULES, BY_CODE, expand_selector, find_rule
from leadlint.rules.base import DOC_HEADINGS, Rule
from leadlint.schema import SchemaChoice

FENCE = re.compile(r"```(\w*)\n(.*?)```", re.DOTALL)
NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
SUFFIX = {"json": ".json", "ndjson": ".ndjson", "csv": ".csv", "bytes": ".json"}


def sections(rule: Rule) -> dict[str, str]:
    parts = re.split(r"^## (.+)$", rule.doc, flags=re.MULTILINE)
    return {title.strip(): body for title, body in zip(parts[1::2], parts[2::2], strict=True)}


def blocks(text: str) -> list[tuple[str, str]]:
    return FENCE.findall(text)


def codes_for(tmp_path: Path, name: str, kind: str, body: str, schema: str | None) -> set[str]:
    path = tmp_path / (name + SUFFIX[kind])
    if kind == "bytes":
        path.write_bytes(ast.literal_eval(body.strip()))
    else:
        path.write_text(body, encoding="utf-8")
    choice = SchemaChoice()
    if schema is not None:
        schema_path = tmp_path / "schema.json"
        schema_path.write_text(schema, encoding="utf-8")
        choice = SchemaChoice(schema_path=schema_path)
    run = lint_paths([str(path)], Settings(schema=choice, now=NOW))
    return {d.code for d in run.diagnostics()}


def test_codes_and_names_are_unique_and_well_formed() -> None:
    codes = [r.code for r in ALL_RULES]
    names = [n for r in ALL_RULES for n in (r.name, *r.aliases)]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)
    assert codes == sorted(codes), "ALL_RULES is listed in code order"
    for rule in ALL_RULES:
        assert re.fullmatch(r"LL\d{3}", rule.code)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
        assert rule.summary, rule.code


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_doc_has_the_headings_in_order(rule: Rule) -> None:
    assert list(sections(rule)) == list(DOC_HEADINGS)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_example_triggers_and_use_instead_does_not(rule: Rule, tmp_path: Path) -> None:
    parts = sections(rule)
    example = blocks(parts["Example"])
    schema = next((body for kind, body in example if kind == "schema"), None)
    leads = [(kind, body) for kind, body in example if kind != "schema"]
    fixed = blocks(parts["Use instead"])
    assert leads and fixed, f"{rule.code} needs runnable Example and Use instead blocks"
    for number, (kind, body) in enumerate(leads):
        found = codes_for(tmp_path, f"example{number}", kind, body, schema)
        assert rule.code in found, f"{rule.code} Example did not trigger: {found}"
    for number, (kind, body) in enumerate(fixed):
        found = codes_for(tmp_path, f"fixed{number}", kind, body, schema)
        assert rule.code not in found, f"{rule.code} Use instead still triggers"


def test_selectors_accept_code_name_and_prefix() -> None:
    assert find_rule("ll101") is BY_CODE["LL101"]
    assert find_rule("missing-required-field") is BY_CODE["LL101"]
    assert expand_selector("LL1") == {c for c in BY_CODE if c.startswith("LL1")}
    assert expand_selector("ALL") == set(BY_CODE)


ALWAYS_FIXED = [r for r in ALL_RULES if r.fix is FixAvailability.ALWAYS and (r.check or r.across)]


@pytest.mark.parametrize("rule", ALWAYS_FIXED, ids=lambda r: r.code)
def test_fixing_the_example_gives_use_instead(rule: Rule) -> None:
    parts = sections(rule)
    example = json.loads(next(b for k, b in blocks(parts["Example"]) if k == "json"))
    expected = json.loads(next(b for k, b in blocks(parts["Use instead"]) if k == "json"))
    settings = Settings(select=(rule.code,), now=NOW)
    found = [d for d in lint_leads([example], settings) if d.fix is not None]
    assert found, f"{rule.code} Example offers no fix"
    edits = [edit for d in found if d.fix is not None for edit in d.fix.edits]
    assert apply_edits(example, edits) == expected


def test_readme_lists_every_rule() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for rule in ALL_RULES:
        assert f"| {rule.code} | {rule.name} | {rule.severity.value} | {rule.fix.value} |" in readme
