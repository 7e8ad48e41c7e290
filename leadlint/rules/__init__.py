"""Every rule leadlint knows, in code order, and selector resolution.

Rules are listed here by hand (no registration by import side effect).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from leadlint.core import CORE
from leadlint.rules import address, customer, email, metadata, names, phone, records
from leadlint.rules.base import Check, Rule, Screen, ScreenFactory
from leadlint.rules.input import INPUT_RULES
from leadlint.rules.schema import SCHEMA_RULES

ALL_RULES: tuple[Rule, ...] = (
    *INPUT_RULES,
    *SCHEMA_RULES,
    *names.RULES,
    *email.RULES,
    *phone.RULES,
    *address.RULES,
    *customer.RULES,
    *metadata.RULES,
    *records.RULES,
)

BY_CODE: dict[str, Rule] = {r.code: r for r in ALL_RULES}
_BY_NAME: dict[str, Rule] = {n: r for r in ALL_RULES for n in (r.name, *r.aliases)}
CHECKS: tuple[Rule, ...] = tuple(r for r in ALL_RULES if r.check is not None)
ACROSS: tuple[Rule, ...] = tuple(r for r in ALL_RULES if r.across is not None)

# Enabled per-lead checks of one family, with the family's screen (or None).
GroupChecks = list[tuple[Rule, Check, Mapping[str, Any]]]
CheckGroup = tuple[Screen | None, GroupChecks]


def check_groups(
    codes: frozenset[str], options: Mapping[str, Mapping[str, Any]]
) -> list[CheckGroup]:
    """The enabled per-lead checks in code order, grouped under their family's screen."""
    from leadlint.rules.screens import SCREENS

    groups: list[CheckGroup] = []
    built: dict[int, Screen | None] = {}
    last = -1
    for rule in CHECKS:
        if rule.code not in codes:
            continue
        assert rule.check is not None
        number = next((n for n, (_f, covered) in enumerate(SCREENS) if rule.code in covered), -1)
        if number < 0 or number != last:
            if number >= 0 and number not in built:
                built[number] = _screen(SCREENS[number][0], options)
            groups.append((built.get(number), []))
        groups[-1][1].append((rule, rule.check, options[rule.code]))
        last = number
    return groups


def family_runner(groups: list[CheckGroup]) -> Callable[[Any], Sequence[GroupChecks]]:
    """For a lead, the groups' checks to run: those whose screen does not call it quiet.

    One compiled call for all the screens with the core (:mod:`leadlint.core`).
    """
    if CORE is not None:
        return CORE.Families(groups)  # type: ignore[no-any-return]

    def run(lead: Any) -> list[GroupChecks]:
        return [checks for quiet, checks in groups if quiet is None or not quiet(lead)]

    return run


def _screen(factory: ScreenFactory, options: Mapping[str, Mapping[str, Any]]) -> Screen | None:
    # Options the configuration file would have refused (the Python API takes
    # any) can break a screen; its rules then run unscreened, as they would.
    try:
        return factory(options)
    except (TypeError, ValueError, AttributeError, KeyError):
        return None


class UnknownSelectorError(ValueError):
    """A code, name or prefix that matches no rule."""


def find_rule(selector: str) -> Rule | None:
    """The rule with this exact code or name (or alias)."""
    return BY_CODE.get(selector.upper()) or _BY_NAME.get(selector.lower())


def expand_selector(selector: str) -> frozenset[str]:
    """Codes matched by a code, a name, a code prefix (``LL1``) or ``ALL``."""
    text = selector.strip()
    if text.upper() == "ALL":
        return frozenset(BY_CODE)
    found = find_rule(text)
    if found is not None:
        return frozenset({found.code})
    prefix = text.upper()
    if prefix.startswith("LL"):
        codes = frozenset(c for c in BY_CODE if c.startswith(prefix))
        if codes:
            return codes
    raise UnknownSelectorError(_unknown_message(text))


def _unknown_message(text: str) -> str:
    # Letters typed for look-alike digits (LL1O1, LLl01) are the commonest slip.
    repaired = text.upper().replace("O", "0").replace("I", "1").replace("L", "1")
    if repaired.startswith("11") and "LL" + repaired[2:] in BY_CODE:
        return f"unknown rule selector `{text}`; did you mean `LL{repaired[2:]}`? (see `leadlint rules`)"
    candidates = [*BY_CODE, *_BY_NAME]
    close = difflib.get_close_matches(text, candidates, n=1, cutoff=0.6)
    if not close:
        close = difflib.get_close_matches(text.upper(), list(BY_CODE), n=1, cutoff=0.6)
    hint = f"; did you mean `{close[0]}`?" if close else ""
    return f"unknown rule selector `{text}`{hint} (see `leadlint rules`)"


def resolve_selection(
    select: Iterable[str] | None,
    extend_select: Iterable[str] = (),
    ignore: Iterable[str] = (),
) -> frozenset[str]:
    """The enabled codes: ``select`` (default all) plus ``extend_select`` minus ``ignore``."""
    base = frozenset(BY_CODE) if select is None else _union(select)
    return (base | _union(extend_select)) - _union(ignore)


def _union(selectors: Iterable[str]) -> frozenset[str]:
    codes: set[str] = set()
    for selector in selectors:
        codes |= expand_selector(selector)
    return frozenset(codes)
