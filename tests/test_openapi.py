"""Tests for leadlint.openapi and the bundled schemas generated from the OpenAPI."""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
LEADPING = SHARED / "leadping"
OPENAPI_2026 = LEADPING / "openapi-2026-08.json"
OPENAPI_2025 = LEADPING / "openapi-2025-06.json"
SCHEMA_DIR = ROOT / "leadlint" / "schemas"
PROFILES = ("put", "current", "intake")

# The package is not installed in a bare checkout; import it from the repo.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from leadlint.openapi import OpenAPIError, build_profiles, component_schema  # noqa: E402


def _load_generator() -> Any:
    spec = importlib.util.spec_from_file_location(
        "generate_schemas", ROOT / "scripts" / "generate_schemas.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generate_schemas = _load_generator()


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(OPENAPI_2026.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def profiles() -> dict[str, dict[str, Any]]:
    return {
        name: json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
        for name in PROFILES
    }


def reference_examples() -> tuple[dict[str, Any], dict[str, Any]]:
    """The request body (the `--data '...'` block) and response JSON of the reference page."""
    text = (LEADPING / "update-a-lead-reference.txt").read_text(encoding="utf-8")
    decoder = json.JSONDecoder()
    start = text.index("{", text.index("--data '"))
    request, end = decoder.raw_decode(text, start)
    response, _ = decoder.raw_decode(text, text.index("\n{", end) + 1)
    return request, response


def key_paths(value: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    if isinstance(value, dict):
        for key, child in value.items():
            yield (*prefix, key)
            yield from key_paths(child, (*prefix, key))


def schema_has_path(schema: dict[str, Any], path: tuple[str, ...]) -> bool:
    node = schema
    for key in path:
        properties = node.get("properties", {})
        if key not in properties:
            return False
        node = properties[key]
    return True


def contains_ref(node: Any) -> bool:
    if isinstance(node, dict):
        return "$ref" in node or any(contains_ref(v) for v in node.values())
    if isinstance(node, list):
        return any(contains_ref(v) for v in node)
    return False


def is_valid(schema: dict[str, Any], instance: Any) -> bool:
    """Verdict of python-jsonschema, checked to agree with jsonschema-rs."""
    checker = Draft202012Validator.FORMAT_CHECKER
    verdict = Draft202012Validator(schema, format_checker=checker).is_valid(instance)
    rs_verdict = jsonschema_rs.Draft202012Validator(schema, validate_formats=True).is_valid(
        instance
    )
    assert verdict == rs_verdict, "jsonschema and jsonschema-rs disagree"
    return bool(verdict)


# Valid for both `current` and `put`.
BASE_LEAD: dict[str, Any] = {
    "id": "lead_01HZX3",
    "metadata": {
        "trustedFormUrl": "https://cert.trustedform.com/0123456789abcdef",
        "utmSource": "google",
        "sourceMetadata": {"campaign": "spring", "adGroup": "term life"},
    },
    "contact": {
        "firstName": "Dana",
        "lastName": "Reyes",
        "streetAddress": {
            "line1": "12 Main St",
            "line2": None,
            "city": "Springfield",
            "state": "IL",
            "postalCode": "62701",
            "country": "US",
        },
        "phone": {"number": "+12175550123"},
        "email": "dana.reyes@example.com",
    },
    "customer": {
        "gender": "F",
        "height": 66,
        "weight": 140,
        "birthDate": "1985-04-12",
        "income": 72000,
        "isHomeowner": True,
        "monthsAtResidence": 48,
        "creditScore": 710,
        "hasBankruptcy": False,
        "numberOfDependents": 2,
        "hasMedicalCondition": False,
    },
    "tagIds": ["tag_1"],
    "tagNames": ["web"],
}


def reference_lead() -> dict[str, Any]:
    """A realistic lead with every key path of the reference page examples."""
    lead = copy.deepcopy(BASE_LEAD)
    lead["createdAt"] = "2024-03-01T12:00:00Z"
    lead["modifiedAt"] = None
    lead["metadata"].update(
        utmMedium="cpc",
        utmCampaign="spring",
        referrer="https://www.google.com/",
        landingPage="https://quotes.example.com/life",
        subId="s1",
        pubId="p9",
        ipAddress="203.0.113.7",
        userAgent="Mozilla/5.0",
        externalId="crm-991",
        createdAt="2024-03-01T11:59:00Z",
        price=12.5,
        userId="user_7",
    )
    lead["contact"]["streetAddress"].update(province=None, region=None, additionalInfo="")
    lead["contact"]["phone"]["lookup"] = {
        "id": "lkp_1",
        "createdAt": "2024-03-01T12:00:01Z",
        "modifiedAt": "2024-03-01T12:00:02Z",
        "number": "+12175550123",
        "isValid": True,
        "location": {"location": "Springfield, IL", "state": "IL", "countryCode": "US"},
    }
    return lead


def without(lead: dict[str, Any], *path: str) -> dict[str, Any]:
    copied = copy.deepcopy(lead)
    node = copied
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return copied


def with_value(lead: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    copied = copy.deepcopy(lead)
    node = copied
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return copied


def test_committed_schemas_are_up_to_date() -> None:
    rendered = generate_schemas.render_profiles(OPENAPI_2026)
    assert sorted(rendered) == sorted(f"{name}.schema.json" for name in PROFILES)
    for name, text in rendered.items():
        committed = (SCHEMA_DIR / name).read_text(encoding="utf-8")
        assert committed == text, f"{name} is stale: run python scripts/generate_schemas.py"


def test_check_mode_reports_nothing_stale() -> None:
    assert generate_schemas.main(["--check"]) == 0


def test_check_mode_lists_a_stale_file(tmp_path: Path) -> None:
    rendered = generate_schemas.render_profiles(OPENAPI_2026)
    for name, text in rendered.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "put.schema.json").write_text("{}\n", encoding="utf-8")
    assert generate_schemas.stale_files(rendered, tmp_path) == [tmp_path / "put.schema.json"]


@pytest.mark.parametrize("name", PROFILES)
def test_profile_is_valid_draft_2020_12_without_refs(
    profiles: dict[str, dict[str, Any]], name: str
) -> None:
    schema = profiles[name]
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "scripts/generate_schemas.py" in schema["description"]
    assert not contains_ref(schema)


def test_build_profiles_matches_bundled(
    document: dict[str, Any], profiles: dict[str, dict[str, Any]]
) -> None:
    assert build_profiles(document) == profiles


def test_put_schema_has_every_reference_key_path(profiles: dict[str, dict[str, Any]]) -> None:
    request, response = reference_examples()
    paths = set(key_paths(request)) | set(key_paths(response))
    assert ("contact", "phone", "lookup", "location", "countryCode") in paths
    missing = sorted(p for p in paths if not schema_has_path(profiles["put"], p))
    assert not missing
    assert set(key_paths(reference_lead())) >= paths


def test_put_accepts_realistic_reference_lead(profiles: dict[str, dict[str, Any]]) -> None:
    assert is_valid(profiles["put"], reference_lead())


def test_put_has_no_required_at_top_or_in_metadata(profiles: dict[str, dict[str, Any]]) -> None:
    put = profiles["put"]
    assert "required" not in put
    assert "required" not in put["properties"]["metadata"]
    assert is_valid(put, {})


def test_base_lead_is_valid_in_current_and_put(profiles: dict[str, dict[str, Any]]) -> None:
    assert is_valid(profiles["current"], BASE_LEAD)
    assert is_valid(profiles["put"], BASE_LEAD)


@pytest.mark.parametrize("path", [("tagIds",), ("tagNames",), ("metadata", "trustedFormUrl")])
def test_current_requires_what_put_does_not(
    profiles: dict[str, dict[str, Any]], path: tuple[str, ...]
) -> None:
    lead = without(BASE_LEAD, *path)
    assert not is_valid(profiles["current"], lead)
    assert is_valid(profiles["put"], lead)


@pytest.mark.parametrize(
    "path", [("contact", "streetAddress"), ("customer", "gender"), ("contact", "phone")]
)
def test_put_accepts_null_for_nullable_ref_and_enum(
    profiles: dict[str, dict[str, Any]], path: tuple[str, ...]
) -> None:
    assert is_valid(profiles["put"], with_value(BASE_LEAD, path, None))


def test_enum_still_rejects_unknown_values(profiles: dict[str, dict[str, Any]]) -> None:
    assert not is_valid(profiles["put"], with_value(BASE_LEAD, ("customer", "gender"), "Male"))


def test_int32_bounds(profiles: dict[str, dict[str, Any]]) -> None:
    path = ("customer", "creditScore")
    for name in ("put", "current"):
        assert not is_valid(profiles[name], with_value(BASE_LEAD, path, 2**31))
        assert is_valid(profiles[name], with_value(BASE_LEAD, path, 2**31 - 1))


@pytest.mark.parametrize("name", ["put", "current"])
def test_unknown_field_is_invalid(profiles: dict[str, dict[str, Any]], name: str) -> None:
    lead = with_value(BASE_LEAD, ("contact", "fristName"), "Dana")
    assert not is_valid(profiles[name], lead)
    assert not is_valid(profiles[name], with_value(BASE_LEAD, ("createdBy",), "x"))


def test_source_metadata_accepts_arbitrary_string_values(
    profiles: dict[str, dict[str, Any]],
) -> None:
    path = ("metadata", "sourceMetadata")
    metadata = {"anything": "goes", "x-custom": "1", "": "empty key"}
    assert is_valid(profiles["put"], with_value(BASE_LEAD, path, metadata))
    assert not is_valid(profiles["put"], with_value(BASE_LEAD, path, {"n": 1}))


def test_formats_are_checked(profiles: dict[str, dict[str, Any]]) -> None:
    put = profiles["put"]
    assert not is_valid(put, with_value(BASE_LEAD, ("customer", "birthDate"), "04/12/1985"))
    assert not is_valid(put, with_value(BASE_LEAD, ("contact", "email"), "dana.example.com"))


def test_intake_profile_is_flat(profiles: dict[str, dict[str, Any]]) -> None:
    intake = profiles["intake"]
    lead = {"firstName": "Dana", "phone": "+12175550123", "zip": "62701", "tagNames": ["web"]}
    assert is_valid(intake, lead)
    assert not is_valid(intake, {"address": "12 Main St"})
    assert "example" not in intake


def test_openapi_30_document_with_nullable() -> None:
    document = json.loads(OPENAPI_2025.read_text(encoding="utf-8"))
    schema = component_schema(document, "LeadRequest")
    Draft202012Validator.check_schema(schema)
    assert not contains_ref(schema)
    assert "nullable" not in json.dumps(schema)
    lead = {"metadata": {"trustedFormUri": "https://cert.trustedform.com/abc", "utmSource": None}}
    assert is_valid(schema, lead)
    assert not is_valid(schema, {"metadata": {}})
    height = with_value(lead, ("customer",), {"height": None})
    assert is_valid(schema, height)
    assert not is_valid(schema, with_value(height, ("customer", "height"), 2**31))


def test_unknown_component_suggests_close_match(document: dict[str, Any]) -> None:
    with pytest.raises(OpenAPIError, match="did you mean") as caught:
        component_schema(document, "LeadRequst")
    assert "'LeadRequest'" in str(caught.value)


def test_not_an_openapi_document() -> None:
    with pytest.raises(OpenAPIError, match=r"components\.schemas"):
        component_schema({"openapi": "3.1.0"}, "LeadRequest")


def test_unresolvable_ref() -> None:
    document = {"components": {"schemas": {"A": {"$ref": "#/components/schemas/Missing"}}}}
    with pytest.raises(OpenAPIError, match="cannot resolve"):
        component_schema(document, "A")


def test_recursive_ref() -> None:
    node = {"type": "object", "properties": {"child": {"$ref": "#/components/schemas/Node"}}}
    with pytest.raises(OpenAPIError, match="recursive"):
        component_schema({"components": {"schemas": {"Node": node}}}, "Node")


def test_openapi_only_keywords_dropped_and_existing_additional_properties_kept() -> None:
    schemas = {
        "A": {
            "type": "object",
            "x-internal": True,
            "discriminator": {"propertyName": "kind"},
            "example": {"kind": "a"},
            "properties": {
                "kind": {"type": "string", "nullable": True, "enum": ["a"]},
                "tags": {"type": "object", "additionalProperties": {"type": "string"}},
                "big": {"type": "integer", "format": "int64", "readOnly": True},
            },
        }
    }
    schema = component_schema({"components": {"schemas": schemas}}, "A")
    assert {"x-internal", "discriminator", "example"}.isdisjoint(schema)
    kind = schema["properties"]["kind"]
    assert kind == {"type": ["null", "string"], "enum": ["a", None]}
    assert schema["properties"]["tags"]["additionalProperties"] == {"type": "string"}
    assert schema["properties"]["big"]["maximum"] == 2**63 - 1
    assert schema["properties"]["big"]["readOnly"] is True
    loose = component_schema({"components": {"schemas": schemas}}, "A", strict_unknown=False)
    assert "additionalProperties" not in loose
