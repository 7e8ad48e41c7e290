"""The contract a lead is checked against: profile, schema file or OpenAPI.

Validation runs on jsonschema-rs (about 100x faster than python-jsonschema;
a differential test keeps the two in agreement). Schema errors become LL1xx
violations whose messages name the field and never the value.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema_rs
import orjson

from leadlint.models import Applicability, Edit, Fix, Violation
from leadlint.positions import escape_token, split_pointer
from leadlint.rules.base import Rule
from leadlint.rules.schema import (
    BAD_FORMAT,
    INT32_RANGE,
    LEGACY_FIELD,
    MISSING_REQUIRED,
    NOT_IN_ENUM,
    SCHEMA_VIOLATION,
    UNKNOWN_FIELD,
    WRONG_TYPE,
)

PROFILES = ("put", "current", "intake")
DEFAULT_PROFILE = "put"

# Old and flat-intake names the structured body drops silently -> where the
# value belongs (absolute pointer).
LEGACY_NAMES: dict[str, dict[str, str]] = {
    "/contact/streetAddress": {
        "address1": "/contact/streetAddress/line1",
        "address2": "/contact/streetAddress/line2",
        "zip": "/contact/streetAddress/postalCode",
    },
    "/customer": {"dateOfBirth": "/customer/birthDate"},
    "/metadata": {
        "trustedFormUri": "/metadata/trustedFormUrl",
        "trusted_form": "/metadata/trustedFormUrl",
    },
    "": {
        "trusted_form": "/metadata/trustedFormUrl",
        "trustedFormUrl": "/metadata/trustedFormUrl",
        "trustedFormUri": "/metadata/trustedFormUrl",
    },
}

_FORMATS = {
    "date": "a valid date (YYYY-MM-DD)",
    "date-time": "a valid RFC 3339 date-time",
    "uri": "a valid absolute URI",
    "email": "a valid email address",
}
_INT32 = (-(2**31), 2**31 - 1)


class SchemaError(Exception):
    """The schema cannot be loaded (exit 2)."""


@dataclass(frozen=True, slots=True)
class SchemaChoice:
    profile: str = DEFAULT_PROFILE
    schema_path: Path | None = None
    openapi_path: Path | None = None
    component: str | None = None


def compile_schema(choice: SchemaChoice) -> LeadSchema:
    """The compiled schema of a choice; a broken schema file is named in the error."""
    document = load_schema_document(choice)
    try:
        return LeadSchema(document)
    except SchemaError as error:
        where = choice.schema_path or choice.openapi_path
        raise SchemaError(f"{where}: {error}" if where else str(error)) from None


def load_schema_document(choice: SchemaChoice) -> dict[str, Any]:
    """The JSON Schema the choice names, as a dict."""
    if choice.schema_path is not None:
        return _read_json(choice.schema_path, "schema")
    if choice.openapi_path is not None:
        from leadlint.openapi import OpenAPIError, component_schema

        document = _read_json(choice.openapi_path, "OpenAPI document")
        name = _component_name(document, choice.component or "LeadRequest")
        try:
            return component_schema(document, name)
        except OpenAPIError as error:
            raise SchemaError(f"{choice.openapi_path}: {error}") from None
    if choice.profile not in PROFILES:
        close = difflib.get_close_matches(choice.profile, PROFILES, n=1)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        raise SchemaError(
            f"unknown profile `{choice.profile}`{hint} (choose from {', '.join(PROFILES)})"
        )
    bundled = resources.files("leadlint").joinpath("schemas", f"{choice.profile}.schema.json")
    profile: dict[str, Any] = orjson.loads(bundled.read_bytes())
    return profile


def _read_json(path: Path, what: str) -> dict[str, Any]:
    try:
        data = orjson.loads(path.read_bytes())
    except OSError as error:
        raise SchemaError(f"{path}: cannot read {what}: {error.strerror}") from None
    except orjson.JSONDecodeError as error:
        raise SchemaError(
            f"{path}:{error.lineno}:{error.colno}: {what} is not valid JSON: {error.msg}"
        ) from None
    if not isinstance(data, dict):
        raise SchemaError(f"{path}: {what} must be a JSON object")
    return data


def _component_name(document: dict[str, Any], name: str) -> str:
    """A schema component name, or the request-body schema of an operationId."""
    schemas = document.get("components", {}).get("schemas", {})
    if name in schemas:
        return name
    for item in document.get("paths", {}).values():
        for operation in item.values() if isinstance(item, dict) else ():
            if isinstance(operation, dict) and operation.get("operationId") == name:
                body = operation.get("requestBody", {}).get("content", {})
                schema = body.get("application/json", {}).get("schema", {})
                refs = [schema.get("$ref")] + [s.get("$ref") for s in schema.get("allOf", [])]
                for ref in refs:
                    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                        return ref.rsplit("/", 1)[1]
    return name


# jsonschema-rs error kinds with a rule of their own (Minimum and Maximum: by the field).
_KIND_RULES: dict[str, Rule] = {"Type": WRONG_TYPE, "Enum": NOT_IN_ENUM, "Format": BAD_FORMAT}


class LeadSchema:
    """A compiled schema: validates leads and maps errors to violations."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        try:
            self._validator = jsonschema_rs.validator_for(
                document, validate_formats=True, formats={"email": _email_shape}
            )
        except Exception as error:  # jsonschema-rs raises several types for bad schemas
            raise SchemaError(f"invalid JSON Schema: {_first_line(error)}") from None
        self._types = field_types(document)
        # Whether a lead has no violation: callers ask it before ``violations``.
        self.is_valid: Callable[[Any], bool] = _fast_validator(document, self._validator)

    def field_types(self, dotted: str) -> frozenset[str]:
        return self._types.get(dotted, frozenset())

    def violations(self, lead: Any, messages: bool = True) -> Iterator[tuple[Rule, Violation]]:
        """Every schema violation of the lead (none for a valid one).

        Without ``messages`` (a run that only counts findings), each
        violation has its rule, pointer and fix, and an empty message.
        """
        for error in self._validator.iter_errors(lead):
            yield from self._violations(error, lead, messages)

    def _violations(
        self, error: Any, lead: Any, messages: bool = True
    ) -> Iterator[tuple[Rule, Violation]]:
        pointer = "".join("/" + escape_token(str(p)) for p in error.instance_path)
        kind = error.kind
        name = type(kind).__name__
        if name == "Required":
            missing = f"{pointer}/{escape_token(kind.property)}"
            text = f"Required field `{display_field(missing)}` is missing" if messages else ""
            yield MISSING_REQUIRED, Violation(missing, text)
        elif name in ("AdditionalProperties", "UnevaluatedProperties"):
            names = getattr(kind, "unexpected", None) or []
            for key in names:
                yield self._unknown(pointer, key, error.schema_path, lead, messages)
        else:
            rule = _KIND_RULES.get(name)
            if rule is None:
                int32 = name in ("Minimum", "Maximum") and self._is_int32(error.schema_path)
                rule = INT32_RANGE if int32 else SCHEMA_VIOLATION
            text = self._message(rule, name, error, display_field(pointer)) if messages else ""
            yield rule, Violation(pointer, text)

    @staticmethod
    def _message(rule: Rule, name: str, error: Any, field: str) -> str:
        kind = error.kind
        if rule is WRONG_TYPE:
            types = sorted(map(str, _listify(kind.types)), key=lambda t: t == "null")
            expected = " or ".join(types)
            return f"`{field}` must be {expected}, not {json_type(error.instance)}"
        if rule is NOT_IN_ENUM:
            allowed = ", ".join(str(o) for o in kind.options if o is not None)
            return f"`{field}` is not one of the allowed values: {allowed}"
        if rule is BAD_FORMAT:
            wanted = _FORMATS.get(kind.format, f"in `{kind.format}` format")
            return f"`{field}` is not {wanted}"
        if rule is INT32_RANGE:
            return f"`{field}` is outside the 32-bit integer range"
        keyword = str(error.schema_path[-1]) if error.schema_path else name
        return f"`{field}` does not satisfy the schema's `{keyword}`"

    def _unknown(
        self, parent: str, key: str, schema_path: Any, lead: Any, messages: bool = True
    ) -> tuple[Rule, Violation]:
        pointer = f"{parent}/{escape_token(key)}"
        target = LEGACY_NAMES.get(parent, {}).get(key)
        if target is not None:
            new_name = display_field(target)
            message = (
                f"`{display_field(pointer)}` is a legacy name the API drops; use `{new_name}`"
                if messages
                else ""
            )
            fix = None
            if resolve_pointer(lead, target) is _MISSING:
                edit = Edit("move", pointer, to=target)
                fix = Fix(f"Rename to `{new_name}`", Applicability.UNSAFE, (edit,))
            return LEGACY_FIELD, Violation(pointer, message, fix)
        if not messages:
            return UNKNOWN_FIELD, Violation(pointer, "")
        hint = self._suggestion(tuple(schema_path)[:-1], key)
        message = f"Unknown field `{display_field(pointer)}`: the API drops it{hint}"
        return UNKNOWN_FIELD, Violation(pointer, message)

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one schema per run; keys repeat
    def _suggestion(self, schema_path: tuple[Any, ...], key: str) -> str:
        known = list(_at(self.document, list(schema_path)).get("properties", {}))
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.7)
        return f"; did you mean `{close[0]}`?" if close else ""

    def _is_int32(self, schema_path: Any) -> bool:
        node = _at(self.document, list(schema_path)[:-1])
        return (
            node.get("format") == "int32"
            or (
                node.get("minimum"),
                node.get("maximum"),
            )
            == _INT32
        )


def _fast_validator(document: dict[str, Any], validator: Any) -> Callable[[Any], bool]:
    """``validator.is_valid``, without calling back into Python for each email.

    The ``email`` format is ours (:func:`_email_shape`), and jsonschema-rs
    calls it through Python for every lead, which costs more than the rest of
    the validation. ``{"pattern": "@"}`` says the same (a string containing
    ``@``, other types pass) and stays in Rust. Only verdicts come from this
    validator: errors, with their kinds and messages, come from the original.
    """
    fast = _email_as_pattern(document)
    if fast == document:
        return validator.is_valid  # type: ignore[no-any-return]
    # A "format" the rewrite left alone (under a property named like a data
    # keyword, say) must keep our meaning. Registering the format costs every
    # lead a Python call even when none is left, so only then.
    formats = {"email": _email_shape} if _mentions_email_format(fast) else None
    try:
        fast_validator = jsonschema_rs.validator_for(fast, validate_formats=True, formats=formats)
    except Exception:  # any trouble: the original is always right
        return validator.is_valid  # type: ignore[no-any-return]
    return fast_validator.is_valid


# Keywords whose values are data, not schemas: a "format" inside them is a value.
_DATA_KEYWORDS = frozenset({"const", "enum", "default", "examples", "example"})


def _email_as_pattern(node: Any) -> Any:
    """A copy of a schema with each ``"format": "email"`` turned into ``"pattern": "@"``."""
    if isinstance(node, list):
        return [_email_as_pattern(item) for item in node]
    if not isinstance(node, dict):
        return node
    copy = {
        key: value if key in _DATA_KEYWORDS else _email_as_pattern(value)
        for key, value in node.items()
    }
    if copy.get("format") == "email":
        del copy["format"]
        # Under allOf, so a pattern already there is kept as it is.
        copy["allOf"] = [*copy.get("allOf", []), {"pattern": "@"}]
    return copy


def _mentions_email_format(node: Any) -> bool:
    """Whether ``"format": "email"`` is anywhere in ``node``, as a keyword or not."""
    if isinstance(node, list):
        return any(_mentions_email_format(item) for item in node)
    if not isinstance(node, dict):
        return False
    return node.get("format") == "email" or any(map(_mentions_email_format, node.values()))


def _email_shape(value: str) -> bool:
    """The schema-level email check: an address has an ``@``.

    Full syntax is the email rules' job (email-validator), so one typo is
    reported once; this matches python-jsonschema's ``email`` format.
    """
    return "@" in value


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _listify(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _at(document: Any, path: list[Any]) -> dict[str, Any]:
    node = document
    for token in path:
        try:
            node = node[token]
        except (KeyError, IndexError, TypeError):
            return {}
    return node if isinstance(node, dict) else {}


_MISSING = object()


def resolve_pointer(document: Any, pointer: str) -> Any:
    """The value at ``pointer``, or a sentinel when absent."""
    node = document
    for token in split_pointer(pointer):
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return _MISSING
    return node


def display_field(pointer: str) -> str:
    """``/contact/phone/number`` -> ``contact.phone.number``."""
    return ".".join(split_pointer(pointer)) or "lead"


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def field_types(document: dict[str, Any]) -> dict[str, frozenset[str]]:
    """Dotted property path -> JSON types the schema allows there."""
    found: dict[str, frozenset[str]] = {}
    _collect(document, document, "", found, 0)
    return found


def _collect(
    root: Any, node: Any, prefix: str, found: dict[str, frozenset[str]], depth: int
) -> None:
    if not isinstance(node, dict) or depth > 16:
        return
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        _collect(root, _at(root, split_pointer(ref[1:])), prefix, found, depth + 1)
    for combinator in ("allOf", "anyOf", "oneOf"):
        for branch in node.get(combinator, []):
            _collect(root, branch, prefix, found, depth + 1)
    for key, child in node.get("properties", {}).items():
        dotted = f"{prefix}.{key}" if prefix else key
        found[dotted] = found.get(dotted, frozenset()) | _types_of(root, child)
        _collect(root, child, dotted, found, depth + 1)


def _types_of(root: Any, node: Any) -> frozenset[str]:
    if not isinstance(node, dict):
        return frozenset()
    declared = node.get("type")
    if declared is not None:
        return frozenset(_listify(declared))
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        return _types_of(root, _at(root, split_pointer(ref[1:])))
    types: frozenset[str] = frozenset()
    for combinator in ("allOf", "anyOf", "oneOf"):
        for branch in node.get(combinator, []):
            types |= _types_of(root, branch)
    return types
