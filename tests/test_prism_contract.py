"""leadlint's `current` profile against the real contract, served by Prism.

Prism (tests/prism.py) validates ``PUT /leads/{id}`` bodies against
``../shared/leadping/openapi-2026-08.json``. For every lead tried:

* leadlint passes it (no error-severity LL0xx/LL1xx finding) => Prism accepts it (2xx);
* Prism rejects it (4xx) => leadlint flagged it.

leadlint is allowed to be stricter than Prism in one way only: the OpenAPI
schemas have no ``additionalProperties: false``, so Prism accepts fields the
contract does not declare, while leadlint reports legacy names of declared
fields (``zip``, ``trustedFormUri``, ...) as LL107 errors, because the API
drops them silently. Every lead leadlint rejects and Prism accepts must be
explained by such an undeclared field; any other difference fails.

Leads: examples/clean and examples/dirty (JSON, and the NDJSON lines that
parse; the CSV files hold the same leads and are skipped), 400 leads from
benchmarks/generate_leads.py (half with ``tagIds``, ``tagNames`` and
``metadata.trustedFormUrl``, half with one or all of them removed), and
hand-made edge cases. ``pytest -s`` prints the tallies.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import quote

import httpx
import orjson
import pytest
from prism import AUTH, OPENAPI, ROOT, PrismServer, violations

from leadlint.api import lint_leads
from leadlint.config import Settings
from leadlint.models import Diagnostic, Severity
from leadlint.schema import SchemaChoice

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate_leads import generate

SETTINGS = Settings(select=("LL0", "LL1"), schema=SchemaChoice(profile="current"))
TRUSTED_FORM = "https://cert.trustedform.com/0123456789abcdef0123456789abcdef01234567"
# leadlint errors that Prism cannot see: a legacy name is a field the contract
# does not declare, which Prism (no additionalProperties: false) lets through.
UNDECLARED_FIELD_CODES = frozenset({"LL107"})


@pytest.fixture(scope="session")
def prism() -> Iterator[PrismServer]:
    with PrismServer() as server:
        yield server


# --- the leads -------------------------------------------------------------


def example_leads() -> Iterator[tuple[str, Any]]:
    for folder in ("clean", "dirty"):
        for path in sorted((ROOT / "examples" / folder).iterdir()):
            name = f"examples/{folder}/{path.name}"
            if path.suffix == ".json":
                document = json.loads(path.read_text(encoding="utf-8"))
                leads = document if isinstance(document, list) else [document]
                for index, lead in enumerate(leads):
                    yield f"{name}[{index}]", lead
            elif path.suffix == ".ndjson":
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                    try:
                        lead = orjson.loads(line)  # strict: no NaN, unlike json.loads
                    except orjson.JSONDecodeError:
                        continue  # a deliberately broken line (LL0xx), not a lead
                    yield f"{name}:{number}", lead


def generated_leads() -> Iterator[tuple[str, Any]]:
    """Generator leads adapted to `current`: odd ones lose required fields."""
    for seed, dirty in ((11, 0.0), (12, 0.5)):
        for index, lead in enumerate(generate(200, seed, dirty)):
            metadata = lead.setdefault("metadata", {})
            if index % 2 == 0:
                lead.setdefault("tagIds", [])
                lead.setdefault("tagNames", [])
                metadata.setdefault("trustedFormUrl", TRUSTED_FORM)
            else:
                drop = (index // 2) % 4
                if drop in (0, 3):
                    lead.pop("tagIds", None)
                if drop in (1, 3):
                    lead.pop("tagNames", None)
                if drop in (2, 3):
                    metadata.pop("trustedFormUrl", None)
            yield f"generate(200, {seed}, {dirty})[{index}]", lead


def minimal() -> dict[str, Any]:
    return {
        "metadata": {"trustedFormUrl": TRUSTED_FORM},
        "contact": {"firstName": "Ann", "email": "ann.lee@gmail.com"},
        "customer": {"gender": "F", "creditScore": 700},
        "tagIds": [],
        "tagNames": [],
    }


def edited(**changes: Any) -> dict[str, Any]:
    """``minimal()`` with top-level keys replaced (a value of ``...`` removes the key)."""
    lead = minimal()
    for key, value in changes.items():
        if value is ...:
            lead.pop(key)
        else:
            lead[key] = value
    return lead


# name -> (lead, Prism accepts?, leadlint error codes)
EDGE_CASES: dict[str, tuple[dict[str, Any], bool, set[str]]] = {
    "minimal": (minimal(), True, set()),
    "missing metadata": (edited(metadata=...), False, {"LL101"}),
    "missing tagIds": (edited(tagIds=...), False, {"LL101"}),
    "missing tagNames": (edited(tagNames=...), False, {"LL101"}),
    "metadata without trustedFormUrl": (edited(metadata={"utmSource": "x"}), False, {"LL101"}),
    "trustedFormUrl not a URI": (
        edited(metadata={"trustedFormUrl": "cert 123"}),
        False,
        {"LL104"},
    ),
    "creditScore as a string": (
        edited(customer={"gender": "F", "creditScore": "720"}),
        False,
        {"LL102"},
    ),
    "creditScore over int32": (
        edited(customer={"gender": "F", "creditScore": 2**31}),
        False,
        {"LL105"},
    ),
    'gender "male"': (edited(customer={"gender": "male"}), False, {"LL103"}),
    "birthDate not a date": (edited(customer={"birthDate": "13/01/1980"}), False, {"LL104"}),
    "tagIds not strings": (edited(tagIds=[1, 2]), False, {"LL102"}),
    "nulls where allowed": (
        edited(
            customer={"gender": "M", "creditScore": None, "birthDate": None, "height": None},
            contact={"firstName": None, "email": None, "avatarUrl": None},
            metadata={"trustedFormUrl": TRUSTED_FORM, "createdAt": None, "sourceMetadata": None},
            id=None,
            enabled=None,
        ),
        True,
        set(),
    ),
    # Undeclared fields: Prism accepts them (no additionalProperties: false).
    "unknown field (top level)": (edited(bogus=1), True, set()),  # LL106 warning only
    "unknown field (customer)": (
        edited(customer={"gender": "F", "favouriteColour": "teal"}),
        True,
        set(),
    ),
    "legacy name trustedFormUri beside trustedFormUrl": (
        edited(metadata={"trustedFormUrl": TRUSTED_FORM, "trustedFormUri": TRUSTED_FORM}),
        True,
        {"LL107"},
    ),
    "legacy name zip": (
        edited(contact={"streetAddress": {"line1": "1 Main St", "zip": "02134"}}),
        True,
        {"LL107"},
    ),
    # A renamed required field: the legacy name is undeclared, and the real
    # name is missing, which Prism sees too.
    "legacy name trustedFormUri instead of trustedFormUrl": (
        edited(metadata={"trustedFormUri": TRUSTED_FORM}),
        False,
        {"LL101", "LL107"},
    ),
}

# Null where the OpenAPI type allows it but a sibling keyword, read by the
# letter of JSON Schema, does not: a nullable enum without null, or a nullable
# property whose allOf target says "type": "object". Prism (Ajv) follows the
# letter, and so does leadlint's `current` profile (leadlint/openapi.py,
# literal=True); the `put` profile treats such a null as an absent value.
LITERAL_NULLS: dict[str, dict[str, Any]] = {
    "customer.gender null": edited(customer={"gender": None}),
    "customer.maritalStatus null": edited(customer={"maritalStatus": None}),
    "customer.employmentType null": edited(customer={"employmentType": None}),
    "contact.streetAddress null": edited(contact={"firstName": "Ann", "streetAddress": None}),
    "contact.phone null": edited(contact={"firstName": "Ann", "phone": None}),
    "contact.coordinate null": edited(contact={"firstName": "Ann", "coordinate": None}),
}


@cache
def all_leads() -> tuple[tuple[str, Any], ...]:
    edge = ((f"edge: {name}", lead) for name, (lead, _, _) in EDGE_CASES.items())
    return (*example_leads(), *generated_leads(), *edge)


# --- leadlint and Prism ----------------------------------------------------


def leadlint_errors(leads: list[Any]) -> list[list[Diagnostic]]:
    """Error-severity findings under `current`, per lead."""
    found: list[list[Diagnostic]] = [[] for _ in leads]
    for diagnostic in lint_leads(leads, SETTINGS):
        if diagnostic.severity is Severity.ERROR:
            record = diagnostic.location.record
            assert record is not None, diagnostic
            found[record].append(diagnostic)
    return found


def put(client: httpx.Client, index: int, lead: Any) -> httpx.Response:
    lead_id = lead.get("id") if isinstance(lead, dict) else None
    if not isinstance(lead_id, str) or not lead_id:
        lead_id = f"lead-{index}"
    response = client.put(f"/leads/{quote(lead_id, safe='')}", json=lead, headers=AUTH)
    assert response.status_code < 500 and response.status_code not in (401, 403, 404), (
        f"unexpected {response.status_code} from Prism: {response.text[:500]}"
    )
    return response


@cache
def declared_properties(pointer: str) -> frozenset[str] | None:
    """The property names the OpenAPI LeadRequest declares for the object at ``pointer``."""
    document = json.loads(OPENAPI.read_text(encoding="utf-8"))
    schemas = document["components"]["schemas"]

    def properties(schema: dict[str, Any]) -> dict[str, Any]:
        if "$ref" in schema:
            schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
        merged = dict(schema.get("properties", {}))
        for part in schema.get("allOf", []):
            merged.update(properties(part))
        return merged

    current = properties(schemas["LeadRequest"])
    for token in [t for t in pointer.split("/") if t]:
        if token not in current:
            return None
        current = properties(current[token])
    return frozenset(current)


def undeclared(pointer: str) -> bool:
    parent, _, name = pointer.rpartition("/")
    declared = declared_properties(parent)
    return declared is not None and name not in declared


@dataclass
class Tally:
    tried: int = 0
    accepted_by_both: int = 0
    rejected_by_both: int = 0
    leadlint_only: list[tuple[str, list[str]]] = field(default_factory=list)
    prism_only: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)
    leadlint_only_codes: Counter[str] = field(default_factory=Counter)
    prism_statuses: Counter[int] = field(default_factory=Counter)

    def report(self) -> str:
        lines = [
            f"prism contract: {self.tried} leads tried",
            f"  accepted by both: {self.accepted_by_both}",
            f"  rejected by both: {self.rejected_by_both}",
            f"  leadlint error, Prism accepted: {len(self.leadlint_only)}"
            f" (codes: {dict(sorted(self.leadlint_only_codes.items()))})",
            f"  Prism rejected, leadlint passed: {len(self.prism_only)}",
            f"  Prism statuses: {dict(sorted(self.prism_statuses.items()))}",
        ]
        lines += [f"    leadlint only: {name}: {', '.join(e)}" for name, e in self.leadlint_only]
        lines += [f"    Prism only: {name}: {json.dumps(v)}" for name, v in self.prism_only]
        return "\n".join(lines)


def test_prism_and_leadlint_current_agree(prism: PrismServer) -> None:
    leads = all_leads()
    errors = leadlint_errors([lead for _, lead in leads])
    tally = Tally()
    with httpx.Client(base_url=prism.url, timeout=30) as client:
        for index, ((name, lead), found) in enumerate(zip(leads, errors, strict=True)):
            response = put(client, index, lead)
            tally.tried += 1
            tally.prism_statuses[response.status_code] += 1
            accepted = response.is_success
            if accepted and not found:
                tally.accepted_by_both += 1
            elif not accepted and found:
                tally.rejected_by_both += 1
            elif accepted:
                tally.leadlint_only.append(
                    (name, [f"{d.code} {d.location.pointer}" for d in found])
                )
                tally.leadlint_only_codes.update(d.code for d in found)
                # leadlint may be stricter only about fields the contract does not declare.
                for d in found:
                    assert d.code in UNDECLARED_FIELD_CODES and undeclared(
                        d.location.pointer or ""
                    ), f"{name}: Prism accepts, leadlint says {d.code} {d.location.pointer}"
            else:
                tally.prism_only.append((name, violations(response)))
    print("\n" + tally.report())
    print(f"  (Prism {prism.version}, {prism.url})")
    assert not tally.prism_only, tally.report()
    # Both outcomes, and leadlint's one stricter case, are exercised.
    assert tally.accepted_by_both > 0 and tally.rejected_by_both > 0, tally.report()
    assert tally.leadlint_only, "no lead with an undeclared legacy field reached Prism"


@pytest.mark.parametrize("name", list(EDGE_CASES))
def test_edge_case(prism: PrismServer, name: str) -> None:
    lead, prism_accepts, codes = EDGE_CASES[name]
    with httpx.Client(base_url=prism.url, timeout=30) as client:
        response = put(client, 0, lead)
    found = leadlint_errors([lead])[0]
    assert response.is_success is prism_accepts, violations(response)
    assert {d.code for d in found} == codes, [(d.code, d.location.pointer) for d in found]
    if prism_accepts:
        assert all(undeclared(d.location.pointer or "") for d in found)
    else:
        assert response.status_code in (400, 422)
        assert violations(response), "Prism gave no reason for the rejection"


@pytest.mark.parametrize("name", list(LITERAL_NULLS))
def test_nulls_the_document_forbids(prism: PrismServer, name: str) -> None:
    """Prism rejects these nulls, and leadlint (profile current) flags them at the same field."""
    lead = LITERAL_NULLS[name]
    pointer = ["request", "body", *name.removesuffix(" null").split(".")]
    with httpx.Client(base_url=prism.url, timeout=30) as client:
        response = put(client, 0, lead)
    assert response.status_code in (400, 422)
    assert [v["location"] for v in violations(response)] == [pointer]
    found = leadlint_errors([lead])[0]
    assert found, "Prism rejected, leadlint passed"
    assert {d.location.pointer for d in found} == {"/" + "/".join(pointer[2:])}


def test_prism_needs_the_bearer_scheme(prism: PrismServer) -> None:
    """The security scheme is enforced, so the 2xx above are not a lax server."""
    with httpx.Client(base_url=prism.url, timeout=30) as client:
        anonymous = client.put("/leads/x", json=minimal())
        basic = client.put("/leads/x", json=minimal(), headers={"Authorization": "Basic eDp5"})
        bearer = client.put("/leads/x", json=minimal(), headers=AUTH)
    assert anonymous.status_code == 401
    assert basic.status_code == 401
    assert bearer.status_code == 200
