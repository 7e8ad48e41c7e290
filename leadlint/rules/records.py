"""Across the leads of one run."""

from __future__ import annotations

from leadlint.rules.base import Rule

RULES: tuple[Rule, ...] = ()
