"""The optional compiled core (``leadlint/_core.pyx``), when this install has a current one.

:data:`CORE` is the compiled module, or None when the install has none (it
was built without a C compiler, or with ``LEADLINT_PURE_PYTHON=1``), when
``LEADLINT_PURE_PYTHON`` is set now, or when the module was compiled from
another version of its source (an editable install whose ``.pyx`` changed
since: rebuild it with ``pip install -e .``). Without it, every screen and
key is computed by the Python code, with the same results, only slower.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from types import ModuleType

SOURCE = Path(__file__).with_name("_core.pyx")


def load() -> ModuleType | None:
    if os.environ.get("LEADLINT_PURE_PYTHON"):
        return None
    try:
        from leadlint import _core  # type: ignore[attr-defined]
    except ImportError:
        return None
    if SOURCE.exists() and source_digest() != _core.DIGEST:
        return None
    module: ModuleType = _core
    return module


def source_digest() -> str:
    return hashlib.sha256(SOURCE.read_bytes()).hexdigest()


def describe() -> str:
    """For ``leadlint --version``: which code this run uses, and why."""
    if CORE is not None:
        return "compiled core"
    if os.environ.get("LEADLINT_PURE_PYTHON"):
        return "pure Python: LEADLINT_PURE_PYTHON is set"
    try:
        from leadlint import _core  # type: ignore[attr-defined]  # noqa: F401
    except ImportError:
        return "pure Python: this install has no compiled core"
    return "pure Python: the compiled core is stale; rebuild it with `pip install -e .`"


CORE = load()
