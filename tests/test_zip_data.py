"""The shipped ZIP -> state table matches the installed ``zipcodes`` package."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import generate_zip_states  # noqa: E402


def test_shipped_table_is_current() -> None:
    shipped = (ROOT / "leadlint" / "data" / "zip_states.txt").read_text(encoding="utf-8")
    assert shipped == generate_zip_states.render(), "run python scripts/generate_zip_states.py"
