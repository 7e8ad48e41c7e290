"""Settings from ``leadlint.toml`` or ``[tool.leadlint]``, merged with CLI options.

Read once into a frozen :class:`Settings`. Unknown keys and bad values raise
:class:`ConfigError` with the file and a "did you mean" hint.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from leadlint.rules import UnknownSelectorError, expand_selector, find_rule, resolve_selection
from leadlint.schema import SchemaChoice

OUTPUT_FORMATS = ("text", "json", "jsonl", "sarif", "github", "junit", "gitlab")
FAIL_ON = ("error", "warning", "info", "never")
CONFIG_NAMES = ("leadlint.toml", "pyproject.toml")
# orjson writes and jsonschema-rs validates up to about 254 levels.
MAX_DEPTH_LIMIT = 128


class ConfigError(Exception):
    """Bad configuration or options (exit 2)."""


@dataclass(frozen=True, slots=True)
class Settings:
    schema: SchemaChoice = field(default_factory=SchemaChoice)
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    fail_on: str = "error"
    records_key: str | None = None
    max_depth: int = 32
    output_format: str = "text"
    exclude: tuple[str, ...] = ()
    show_values: bool = False
    stdin_format: str | None = None
    jobs: int = 0  # worker processes for big NDJSON files; 0 = one per core
    # Rule code -> (option, value) pairs from [tool.leadlint.rules.<code or name>].
    rule_options: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()
    now: datetime | None = None  # the clock rules see; None = the real time
    config_path: Path | None = None

    @property
    def root(self) -> Path:
        """Where relative patterns in the configuration are anchored."""
        return self.config_path.parent if self.config_path else Path.cwd()

    def enabled_codes(self) -> frozenset[str]:
        try:
            return resolve_selection(self.select, self.extend_select, self.ignore)
        except UnknownSelectorError as error:
            raise ConfigError(str(error)) from None


_KEYS: dict[str, type | tuple[type, ...]] = {
    "profile": str,
    "schema": str,
    "openapi": str,
    "component": str,
    "select": list,
    "extend-select": list,
    "ignore": list,
    "per-file-ignores": dict,
    "fail-on": str,
    "records-key": str,
    "max-depth": int,
    "format": str,
    "exclude": list,
    "rules": dict,
}


def find_config(start: Path) -> Path | None:
    """The nearest leadlint.toml, or pyproject.toml with [tool.leadlint], upwards."""
    directory = start if start.is_dir() else start.parent
    for folder in (directory.resolve(), *directory.resolve().parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_tool_table(candidate)):
                return candidate
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        return "leadlint" in _parse(path).get("tool", {})
    except ConfigError:
        return True  # report the broken file rather than silently skip it


def _parse(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None


def load_settings(path: Path | None) -> Settings:
    """Settings from a config file (defaults when ``path`` is None)."""
    if path is None:
        return Settings()
    data = _parse(path)
    table = data.get("tool", {}).get("leadlint", {}) if path.name == "pyproject.toml" else data
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.leadlint] must be a table")
    return apply_options(Settings(config_path=path), table, source=str(path), base=path.parent)


def apply_options(
    settings: Settings, options: Mapping[str, Any], *, source: str, base: Path
) -> Settings:
    """Settings with ``options`` (config keys, kebab-case) laid over them."""
    for key, value in options.items():
        expected = _KEYS.get(key)
        if expected is None:
            close = difflib.get_close_matches(key, list(_KEYS), n=1)
            hint = f"; did you mean `{close[0]}`?" if close else ""
            raise ConfigError(f"{source}: unknown setting `{key}`{hint}")
        if not isinstance(value, expected) or (isinstance(value, bool) and expected is int):
            raise ConfigError(f"{source}: `{key}` must be {_type_name(expected)}")
    return _merge(settings, options, source, base)


def _merge(settings: Settings, options: Mapping[str, Any], source: str, base: Path) -> Settings:
    schema = settings.schema
    if "profile" in options:
        schema = SchemaChoice(profile=options["profile"])
    if "schema" in options:
        schema = replace(schema, schema_path=base / options["schema"])
    if "openapi" in options:
        schema = replace(schema, openapi_path=base / options["openapi"])
    if "component" in options:
        schema = replace(schema, component=options["component"])
    changes: dict[str, Any] = {"schema": schema}
    for key, attr in (
        ("select", "select"),
        ("extend-select", "extend_select"),
        ("ignore", "ignore"),
    ):
        if key in options:
            changes[attr] = _strings(options[key], key, source)
    if "exclude" in options:
        changes["exclude"] = _strings(options["exclude"], "exclude", source)
    if "per-file-ignores" in options:
        table = options["per-file-ignores"]
        changes["per_file_ignores"] = tuple(
            (str(pattern), _strings(codes, f"per-file-ignores.{pattern}", source))
            for pattern, codes in table.items()
        )
    if "rules" in options:
        changes["rule_options"] = _rule_options(settings.rule_options, options["rules"], source)
    changes.update(_choices(options, source))
    merged = replace(settings, **changes)
    # Unknown rule selectors fail here, with the file named.
    _check_selectors(source, merged.select or (), merged.extend_select, merged.ignore)
    _check_selectors(source, *(codes for _pattern, codes in merged.per_file_ignores))
    return merged


def _rule_options(
    current: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...],
    table: Mapping[str, Any],
    source: str,
) -> tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]:
    """Validate ``[rules.<code or name>]`` tables against each rule's options."""
    merged = {code: dict(values) for code, values in current}
    for selector, values in table.items():
        rule = find_rule(selector)
        if rule is None:
            raise ConfigError(f"{source}: rules.{selector}: {_unknown_rule(selector)}")
        if not isinstance(values, dict):
            raise ConfigError(f"{source}: rules.{selector} must be a table of options")
        for key, value in values.items():
            if key not in rule.options:
                close = difflib.get_close_matches(key, list(rule.options), n=1)
                hint = f"; did you mean `{close[0]}`?" if close else ""
                known = ", ".join(rule.options) or "none"
                raise ConfigError(
                    f"{source}: {rule.code} has no option `{key}`{hint} (options: {known})"
                )
            default = rule.options[key]
            if not _same_kind(default, value):
                raise ConfigError(
                    f"{source}: {rule.code} option `{key}` must be {type(default).__name__}"
                )
            merged.setdefault(rule.code, {})[key] = value
    return tuple((code, tuple(values.items())) for code, values in sorted(merged.items()))


def _same_kind(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, int | float)
    if default is None:
        return True
    return isinstance(value, type(default))


def _unknown_rule(selector: str) -> str:
    try:
        expand_selector(selector)
    except UnknownSelectorError as error:
        return str(error)
    return "options are set for one rule: give its code or name"


def _check_selectors(source: str, *groups: tuple[str, ...]) -> None:
    try:
        for codes in groups:
            resolve_selection(codes)
    except UnknownSelectorError as error:
        raise ConfigError(f"{source}: {error}") from None


def _choices(options: Mapping[str, Any], source: str) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    checks = (
        ("fail-on", "fail_on", FAIL_ON),
        ("format", "output_format", OUTPUT_FORMATS),
    )
    for key, attr, allowed in checks:
        if key in options:
            value = options[key]
            if value not in allowed:
                close = difflib.get_close_matches(value, allowed, n=1)
                hint = f"; did you mean `{close[0]}`?" if close else ""
                raise ConfigError(f"{source}: `{key}` must be one of {', '.join(allowed)}{hint}")
            changes[attr] = value
    if "records-key" in options:
        changes["records_key"] = options["records-key"]
    if "max-depth" in options:
        if not 1 <= options["max-depth"] <= MAX_DEPTH_LIMIT:
            raise ConfigError(f"{source}: `max-depth` must be between 1 and {MAX_DEPTH_LIMIT}")
        changes["max_depth"] = options["max-depth"]
    return changes


def _strings(value: Any, key: str, source: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{source}: `{key}` must be a list of strings")
    return tuple(v.strip() for v in value)


def _type_name(expected: type | tuple[type, ...]) -> str:
    names = {str: "a string", list: "a list", dict: "a table", int: "an integer"}
    if isinstance(expected, tuple):
        return " or ".join(names.get(t, t.__name__) for t in expected)
    return names.get(expected, expected.__name__)
