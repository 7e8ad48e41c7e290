"""Standalone JSON Schemas (Draft 2020-12) from the components of an OpenAPI document.

leadlint validates leads with plain JSON Schema validators, so a schema taken
from the Leadping OpenAPI must not depend on OpenAPI semantics: every
``$ref`` is inlined, OpenAPI-only keywords are translated (``nullable``) or
dropped, and, because the API silently drops fields it does not know, objects
get ``additionalProperties: false`` so that a misspelt field is reported
instead of lost.

``build_profiles`` turns the 2026-08 document into the three bundled profiles
(``put``, ``current``, ``intake``) that ``scripts/generate_schemas.py`` writes
to ``leadlint/schemas/``.
"""

from __future__ import annotations

import copy
import difflib
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

__all__ = ["DRAFT_2020_12", "OpenAPIError", "build_profiles", "component_schema"]

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
DEFAULT_SOURCE = "openapi-2026-08.json"
GENERATOR = "scripts/generate_schemas.py"

_INT_BOUNDS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
# OpenAPI-only keywords; a JSON Schema validator would ignore them at best.
_DROPPED = frozenset({"example", "discriminator", "xml", "externalDocs"})
_SUBSCHEMA = frozenset(
    {
        "additionalProperties",
        "items",
        "not",
        "contains",
        "propertyNames",
        "if",
        "then",
        "else",
        "unevaluatedItems",
        "unevaluatedProperties",
    }
)
_SUBSCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_SUBSCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "dependentSchemas"})
# Siblings that only annotate or re-type a referenced schema: with nothing else
# beside it, a `$ref` (or a one-ref `allOf`) can be replaced by the target.
_WRAPPER_KEYS = frozenset(
    {
        "type",
        "description",
        "title",
        "nullable",
        "default",
        "readOnly",
        "writeOnly",
        "deprecated",
        "example",
        "examples",
    }
)


class OpenAPIError(Exception):
    """The OpenAPI document cannot give the requested schema."""


def component_schema(
    document: dict[str, Any], name: str, *, strict_unknown: bool = True, literal: bool = False
) -> dict[str, Any]:
    """Return ``components.schemas[name]`` as a standalone Draft 2020-12 schema.

    Works for OpenAPI 3.0 (``nullable``) and 3.1 (``type: [null, ...]``)
    documents. The result contains no ``$ref``. ``literal`` reads the document
    as strict validators (and the Prism mock server) do: a nullable property
    whose ``enum`` lacks null, or that refers to an object schema, rejects
    null; otherwise null is accepted where the property's type allows it.
    With ``strict_unknown``,
    objects that list ``properties`` and say nothing about other members
    reject them.
    """
    schemas = _component_schemas(document)
    if name not in schemas:
        close = difflib.get_close_matches(name, list(schemas), n=3)
        hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
        raise OpenAPIError(f"schema {name!r} not found in components.schemas{hint}")
    ref = f"#/components/schemas/{_escape_pointer(name)}"
    body = _Inliner(document, strict_unknown, literal).inline(ref, ())
    return {"$schema": DRAFT_2020_12, "title": name, **_without(body, "title")}


def build_profiles(
    document: dict[str, Any], *, source: str = DEFAULT_SOURCE
) -> dict[str, dict[str, Any]]:
    """Return the bundled profiles ``put``, ``current`` and ``intake``.

    ``source`` is the OpenAPI file name quoted in each profile's description.
    """
    # `current` is LeadRequest as the document literally states it; `put`
    # follows the reference page, where a null is an absent value.
    current = component_schema(document, "LeadRequest", literal=True)
    lenient = component_schema(document, "LeadRequest")
    intake = component_schema(document, "LeadIntakeRequest")
    put_note = (
        "Body of PUT /leads/{id} as the update-a-lead reference page shows it: "
        "LeadRequest with nothing required, plus createdAt/modifiedAt and "
        "contact.phone.lookup."
    )
    return {
        "put": _profile(
            _put_schema(document, lenient),
            title="Leadping PUT /leads/{id} body (leadlint profile put)",
            note=put_note,
            origin=f"{source} (LeadRequest, LeadResponse, PhoneLookup)",
        ),
        "current": _profile(
            current,
            title="Leadping LeadRequest (leadlint profile current)",
            note=str(current.get("description", "")),
            origin=f"{source} (LeadRequest)",
        ),
        "intake": _profile(
            intake,
            title="Leadping LeadIntakeRequest (leadlint profile intake)",
            note=str(intake.get("description", "")),
            origin=f"{source} (LeadIntakeRequest)",
        ),
    }


@dataclass(frozen=True, slots=True)
class _Inliner:
    """Rewrites one schema tree; ``stack`` holds the refs being expanded."""

    document: dict[str, Any]
    strict_unknown: bool
    literal: bool = False

    def inline(self, ref: Any, stack: tuple[str, ...]) -> dict[str, Any]:
        if ref in stack:
            chain = " -> ".join((*stack, ref))
            raise OpenAPIError(f"recursive $ref cannot be inlined: {chain}")
        target = self.convert(_resolve(self.document, ref), (*stack, ref))
        if isinstance(target, dict):
            return target
        # Boolean schemas: `true` accepts anything, `false` nothing.
        return {} if target else {"not": {}}

    def convert(self, node: Any, stack: tuple[str, ...]) -> Any:
        if not isinstance(node, dict):
            return copy.deepcopy(node)
        ref = _single_ref(node)
        if ref is None:
            return self._finish(self._keywords(node, stack))
        outer = _without(node, "$ref" if "$ref" in node else "allOf")
        if set(outer) <= _WRAPPER_KEYS and self.literal:
            # Both the outer type and the target's must hold, as the document says.
            return self._finish(
                {**self._keywords(outer, stack), "allOf": [self.inline(ref, stack)]}
            )
        if set(outer) <= _WRAPPER_KEYS:
            # Flatten so the outer `type` (e.g. ["null", "object"]) replaces the
            # target's and null is accepted where the property allows it.
            return self._finish({**self.inline(ref, stack), **self._keywords(outer, stack)})
        if "$ref" in node:
            # A 3.1 `$ref` with constraining siblings: both must hold.
            node = {**outer, "allOf": [{"$ref": ref}, *node.get("allOf", [])]}
        return self._finish(self._keywords(node, stack))

    def _keywords(self, node: dict[str, Any], stack: tuple[str, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in _DROPPED or key.startswith("x-"):
                continue
            if key == "examples" and not isinstance(value, list):
                continue  # OpenAPI 3.0 map of Example Objects, not a JSON Schema array
            if key in _SUBSCHEMA_MAPS and isinstance(value, dict):
                out[key] = {name: self.convert(sub, stack) for name, sub in value.items()}
            elif key in _SUBSCHEMA_LISTS and isinstance(value, list):
                out[key] = [self.convert(sub, stack) for sub in value]
            elif key in _SUBSCHEMA:
                out[key] = self.convert(value, stack)
            else:
                out[key] = copy.deepcopy(value)
        return out

    def _finish(self, out: dict[str, Any]) -> dict[str, Any]:
        if out.pop("nullable", False) is True:
            _add_null_type(out)
        types = _types(out)
        enum = out.get("enum")
        if "null" in types and isinstance(enum, list) and None not in enum and not self.literal:
            out["enum"] = [*enum, None]  # else the enum rejects the null the type allows
        bounds = _INT_BOUNDS.get(out.get("format", "")) if "integer" in types else None
        if bounds is not None:
            out.setdefault("minimum", bounds[0])
            out.setdefault("maximum", bounds[1])
        _translate_exclusive_bounds(out)
        if self.strict_unknown and "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out


def _component_schemas(document: Any) -> dict[str, Any]:
    components = document.get("components") if isinstance(document, dict) else None
    schemas = components.get("schemas") if isinstance(components, dict) else None
    if not isinstance(schemas, dict):
        raise OpenAPIError("not an OpenAPI document: it has no components.schemas object")
    return schemas


def _single_ref(node: dict[str, Any]) -> str | None:
    """The ref of a node that is only a `$ref` or a one-`$ref` `allOf`, plus siblings."""
    if "$ref" in node:
        return str(node["$ref"])
    all_of = node.get("allOf")
    if isinstance(all_of, list) and len(all_of) == 1:
        only = all_of[0]
        if isinstance(only, dict) and set(only) == {"$ref"}:
            return str(only["$ref"])
    return None


def _resolve(document: dict[str, Any], ref: str) -> Any:
    if not ref.startswith("#/"):
        raise OpenAPIError(f"cannot resolve $ref {ref!r}: only local '#/...' refs are supported")
    node: Any = document
    for raw in ref[2:].split("/"):
        part = unquote(raw).replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise OpenAPIError(f"cannot resolve $ref {ref!r}: {part!r} does not exist")
    return node


def _escape_pointer(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def _types(schema: dict[str, Any]) -> list[Any]:
    kind = schema.get("type")
    if isinstance(kind, list):
        return kind
    return [] if kind is None else [kind]


def _add_null_type(schema: dict[str, Any]) -> None:
    # OpenAPI 3.0 ignores `nullable` without `type`; so do we.
    types = _types(schema)
    if types and "null" not in types:
        schema["type"] = ["null", *types]


def _translate_exclusive_bounds(schema: dict[str, Any]) -> None:
    """OpenAPI 3.0 boolean exclusiveMinimum/Maximum become 2020-12 numbers."""
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        if schema.get(exclusive) is True and bound in schema:
            schema[exclusive] = schema.pop(bound)
        elif isinstance(schema.get(exclusive), bool):
            del schema[exclusive]


def _without(schema: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: value for key, value in schema.items() if key not in keys}


def _put_schema(document: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """LeadRequest reshaped to the PUT /leads/{id} body of the reference page."""
    put = copy.deepcopy(current)
    # The reference page marks nothing required: PUT bodies are often partial,
    # and exported leads predate the required tagIds/tagNames/trustedFormUrl.
    put.pop("required", None)
    properties = _child(put, "properties")
    _child(properties, "metadata").pop("required", None)
    # Exports carry these response fields; a lead sent back as-is includes them.
    response = _child(component_schema(document, "LeadResponse"), "properties")
    properties["createdAt"] = _child(response, "createdAt")
    properties["modifiedAt"] = _child(response, "modifiedAt")
    # The reference page shows phone.lookup; the 2026-08 `Phone` lacks it.
    lookup = _without(component_schema(document, "PhoneLookup"), "$schema", "title")
    lookup["type"] = ["null", "object"]
    lookup["description"] = "Phone lookup result, as the update-a-lead reference page shows it."
    phone = _child(_child(_child(properties, "contact"), "properties"), "phone")
    _child(phone, "properties")["lookup"] = lookup
    return put


def _child(schema: dict[str, Any], key: str) -> dict[str, Any]:
    value = schema.get(key)
    if not isinstance(value, dict):
        raise OpenAPIError(f"unexpected lead schema shape: no object at {key!r}")
    return value


def _profile(schema: dict[str, Any], *, title: str, note: str, origin: str) -> dict[str, Any]:
    generated = f"Generated from {origin} by {GENERATOR}; do not edit."
    return {
        "$schema": DRAFT_2020_12,
        "title": title,
        "description": f"{note} {generated}".strip(),
        **_without(schema, "$schema", "title", "description"),
    }
