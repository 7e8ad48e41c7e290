"""Build hook: compile leadlint's optional core (``leadlint/_core.pyx``) with Cython.

The compiled core is a faster copy of the per-lead hot path; leadlint
works the same without it, only slower. So a build that
cannot compile it (no C compiler, ``LEADLINT_PURE_PYTHON=1``) warns and
goes on with a pure-Python wheel. An editable install gets the extension
next to the source, where the import finds it; a wheel gets it as a file of
the package, and its tag names the platform.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = Path("leadlint") / "_core.pyx"


class CompiledCore(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        if os.environ.get("LEADLINT_PURE_PYTHON"):
            self.app.display_info("leadlint: LEADLINT_PURE_PYTHON is set, no compiled core")
            return
        root = Path(self.root)
        self.work = Path(tempfile.mkdtemp(prefix="leadlint-core-"))
        try:
            built = compile_core(root, self.work, inplace=version == "editable")
        except Exception as error:  # any failure leaves the pure-Python package
            reason = str(error).splitlines()[0][:300] if str(error) else ""
            self.app.display_warning(
                f"leadlint: the compiled core was not built ({type(error).__name__}: {reason}); "
                "leadlint will run in pure Python, slower"
            )
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if version != "editable":
            build_data["force_include"][str(built)] = f"leadlint/{built.name}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        work = getattr(self, "work", None)
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)


def compile_core(root: Path, work: Path, inplace: bool) -> Path:
    """Compile ``_core.pyx`` in ``work``; the extension's path (in the tree when ``inplace``)."""
    from Cython.Build import cythonize
    from setuptools import Distribution, Extension

    source = root / SOURCE
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    # Cython writes the C file beside its source: compile a copy, so the tree stays clean.
    copy = work / "leadlint" / SOURCE.name
    copy.parent.mkdir()
    shutil.copyfile(source, copy)
    old = Path.cwd()
    os.chdir(work)
    try:
        extension = Extension(
            "leadlint._core",
            [str(SOURCE)],
            define_macros=[("LEADLINT_CORE_DIGEST", f'"{digest}"')],
        )
        modules = cythonize([extension], compiler_directives={"language_level": 3}, quiet=True)
        distribution = Distribution({"name": "leadlint", "ext_modules": modules})
        command: Any = distribution.get_command_obj("build_ext")
        command.build_lib = str(work / "lib")
        command.build_temp = str(work / "temp")
        command.ensure_finalized()
        command.run()
    finally:
        os.chdir(old)
    [built] = (work / "lib" / "leadlint").glob("_core.*")
    if not inplace:
        return built
    target = root / "leadlint" / built.name
    shutil.copyfile(built, target)
    print(f"leadlint: compiled core at {target}", file=sys.stderr)
    return target
