"""jsonschema-rs (the hot path) against python-jsonschema (the reference).

Both must give the same errors, as (instance pointer, keyword) pairs, for
every example lead, generated lead and lead built from the corpora, under
every bundled profile.
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from leadlint.schema import LeadSchema, SchemaChoice, _email_as_pattern, load_schema_document

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate_leads import generate  # noqa: E402


def reference_errors(validator: jsonschema.Draft202012Validator, lead: Any) -> set[tuple[str, str]]:
    found = set()
    for error in validator.iter_errors(lead):
        pointer = "".join(f"/{p}" for p in error.absolute_path)
        found.add((pointer, str(error.validator)))
    return found


def fast_errors(schema: LeadSchema, lead: Any) -> set[tuple[str, str]]:
    found = set()
    for error in schema._validator.iter_errors(lead):
        pointer = "".join(f"/{p}" for p in error.instance_path)
        keyword = str(error.schema_path[-1]) if error.schema_path else ""
        found.add((pointer, keyword))
    return found


def example_leads() -> Iterator[Any]:
    for path in sorted((ROOT / "examples").rglob("*")):
        if path.suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            yield from data if isinstance(data, list) else [data]
        elif path.suffix == ".ndjson":
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    yield json.loads(line)
                except ValueError:
                    continue


def corpus_leads() -> Iterator[Any]:
    base = next(generate(1, 7, 0.0))
    strings = json.loads((CORPORA / "fuzz" / "blns.json").read_text(encoding="utf-8"))
    tree = ET.parse(CORPORA / "email" / "isemail_tests.xml")
    emails = [node.findtext("address") or "" for node in tree.iter("test")]
    values = [
        *strings,
        *emails,
        "2024-02-30",
        "1980-13-01",
        "2026-01-02T03:04:05Z",
        "2026-01-02t03:04:05+01:00",
        "2026-01-02T23:59:60Z",
        "https://cert.trustedform.com/abc",
        "cert.trustedform.com/abc",
        "http://[::1]/x",
        "mailto:a@b.co",
        "a b@c.d",
    ]
    fields = [
        ("customer", "birthDate"),
        ("metadata", "createdAt"),
        ("metadata", "trustedFormUrl"),
        ("contact", "email"),
        ("metadata", "landingPage"),
    ]
    for value in values:
        for parent, key in fields:
            lead = json.loads(json.dumps(base))
            lead[parent][key] = value
            yield lead


def reachable(lead: Any) -> bool:
    """Leads leadlint can meet: JSON has no NaN or Infinity (orjson rejects them)."""
    return "NaN" not in json.dumps(lead) and "Infinity" not in json.dumps(lead)


def leap_second_only(difference: set[tuple[str, str]], lead: Any) -> bool:
    """The one known difference: RFC 3339 section 5.7 allows second 60.

    jsonschema-rs follows the RFC; python-jsonschema's rfc3339-validator
    rejects it.
    """
    text = json.dumps(lead)
    return ":60Z" in text and all(keyword == "format" for _pointer, keyword in difference)


LEADS = [
    lead
    for lead in (*example_leads(), *generate(3000, 11, 0.5), *corpus_leads())
    if reachable(lead)
]


@pytest.mark.parametrize("profile", ["put", "current", "intake"])
def test_fast_validator_agrees_with_reference(profile: str) -> None:
    document = load_schema_document(SchemaChoice(profile=profile))
    fast = LeadSchema(document)
    reference = jsonschema.Draft202012Validator(
        document, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    disagreements = []
    for lead in LEADS:
        expected = reference_errors(reference, lead)
        got = fast_errors(fast, lead)
        if expected != got and not leap_second_only(expected ^ got, lead):
            disagreements.append((expected ^ got, lead))
    assert len(LEADS) > 5000
    assert any(":60Z" in json.dumps(lead) for lead in LEADS)
    assert not disagreements, disagreements[:3]


NOT_STRINGS = [None, 7, 1.5, True, [], ["a@b.co"], {"address": "a@b.co"}]


@pytest.mark.parametrize("profile", ["put", "current", "intake"])
def test_fast_verdict_agrees_with_the_validator_that_gives_the_errors(profile: str) -> None:
    """``is_valid`` checks emails in Rust (a pattern), the errors come from our format."""
    fast = LeadSchema(load_schema_document(SchemaChoice(profile=profile)))
    slow = fast._validator.is_valid
    assert fast.is_valid is not slow
    leads = list(LEADS)
    for value in NOT_STRINGS:
        for email_at in (("contact", "email"), ("email",)):
            lead = json.loads(json.dumps(LEADS[0]))
            *parents, key = email_at
            node = lead
            for parent in parents:
                node = node.setdefault(parent, {})
            node[key] = value
            leads.append(lead)
    verdicts = [(slow(lead), fast.is_valid(lead)) for lead in leads]
    assert [lead for lead, (a, b) in zip(leads, verdicts, strict=True) if a != b] == []
    assert len(leads) > 5000
    if profile == "put":  # the profile the generated leads are written for
        assert {slow_verdict for slow_verdict, _ in verdicts} == {True, False}


def test_email_format_becomes_a_pattern_only_where_it_is_a_keyword() -> None:
    schema = {
        "properties": {
            "email": {"type": "string", "format": "email", "pattern": "^[a-z]"},
            "format": {"const": {"format": "email"}},
            "other": {"format": "email", "allOf": [{"minLength": 3}]},
            "kind": {"enum": [{"format": "email"}]},
        },
    }
    assert _email_as_pattern(schema) == {
        "properties": {
            "email": {"type": "string", "pattern": "^[a-z]", "allOf": [{"pattern": "@"}]},
            "format": {"const": {"format": "email"}},
            "other": {"allOf": [{"minLength": 3}, {"pattern": "@"}]},
            "kind": {"enum": [{"format": "email"}]},
        },
    }
    checked = LeadSchema(schema)
    for value in ("ann@x.co", "Ann@x.co", "ann.x.co", 5):
        assert checked.is_valid({"email": value}) == checked._validator.is_valid({"email": value})
    # A property named like a data keyword is left as it is, and keeps our lenient format.
    odd = LeadSchema(
        {
            "properties": {
                "email": {"format": "email"},  # rewritten
                "default": {"properties": {"a": {"format": "email"}}},  # left as it is
            }
        }
    )
    assert odd.is_valid is not odd._validator.is_valid
    for value in ("a@b", "x@", "nope"):
        lead = {"default": {"a": value}}
        assert odd.is_valid(lead) == odd._validator.is_valid(lead) == ("@" in value)
    assert checked.is_valid({"other": "ab@"}) and not checked.is_valid({"other": "abc"})
