"""Regenerate the bundled JSON Schemas in leadlint/schemas/ from the Leadping OpenAPI.

    python scripts/generate_schemas.py            # write put/current/intake.schema.json
    python scripts/generate_schemas.py --check    # exit 1 if any of them is stale
    python scripts/generate_schemas.py --openapi PATH

The schema files are derived data: edit the generator or leadlint/openapi.py,
never the JSON, and rerun this script.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OPENAPI = REPO_ROOT.parent / "shared" / "leadping" / "openapi-2026-08.json"
SCHEMA_DIR = REPO_ROOT / "leadlint" / "schemas"

# Run from a checkout without installing: import this repo's leadlint.
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from leadlint.openapi import OpenAPIError, build_profiles  # noqa: E402


def render_profiles(openapi_path: Path | str) -> dict[str, str]:
    """Return each profile's file name mapped to the exact text it should hold."""
    path = Path(openapi_path)
    document = json.loads(path.read_text(encoding="utf-8"))
    profiles = build_profiles(document, source=path.name)
    return {
        f"{name}.schema.json": json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=False)
        + "\n"
        for name, schema in profiles.items()
    }


def stale_files(rendered: dict[str, str], schema_dir: Path = SCHEMA_DIR) -> list[Path]:
    """The files under ``schema_dir`` that are missing or differ from ``rendered``."""
    stale = []
    for name, text in rendered.items():
        path = schema_dir / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(path)
    return stale


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file in the same directory so readers never see half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; the schemas are package data
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--openapi", type=Path, default=DEFAULT_OPENAPI, help="OpenAPI JSON file")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    args = parser.parse_args(argv)
    try:
        rendered = render_profiles(args.openapi)
    except (OSError, ValueError, OpenAPIError) as exc:
        print(f"generate_schemas: {args.openapi}: {exc}", file=sys.stderr)
        return 2
    stale = stale_files(rendered)
    for path in stale:
        shown = path.relative_to(REPO_ROOT)
        if args.check:
            print(f"stale: {shown}", file=sys.stderr)
        else:
            write_atomic(path, rendered[path.name])
            print(f"wrote {shown}")
    if args.check and stale:
        print("run: python scripts/generate_schemas.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
