"""Postal addresses."""

from __future__ import annotations

from leadlint.rules.base import Rule

RULES: tuple[Rule, ...] = ()
