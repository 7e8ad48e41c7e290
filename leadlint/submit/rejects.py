"""Rejected leads, written back in the input's format, with a findings sidecar.

The sidecar names rule codes, messages and pointers, never lead values, so it
can go back to the vendor with the leads it describes.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path
from typing import IO, Any

import orjson

from leadlint.models import Diagnostic
from leadlint.records import Record
from leadlint.writer import cell_text, write_atomic


class RejectsWriter:
    """Writes ``FILE`` (leads: NDJSON for .ndjson/.jsonl, a JSON array for .json,
    CSV with dotted headers for .csv; ``kind`` overrides) and ``FILE.findings.json``.

    Both files appear whole or not at all: NDJSON streams into a temporary
    file beside ``FILE`` that :meth:`close` renames into place.
    """

    def __init__(self, path: Path, kind: str | None = None) -> None:
        self.path = path
        self.kind = kind or {".json": "json", ".csv": "csv"}.get(path.suffix.lower(), "ndjson")
        self._leads: list[Any] = []
        self._findings: list[dict[str, Any]] = []
        self._out: IO[str] | None = None
        self._temp: Path | None = None
        if self.kind == "ndjson":
            directory = path.parent if str(path.parent) else Path(".")
            handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
            self._temp = Path(name)
            self._out = os.fdopen(handle, "w", encoding="utf-8")

    def add(self, record: Record, lead: Any, codes: list[str], errors: list[Diagnostic]) -> None:
        entry = {
            "file": record.source,
            "record": record.index,
            "lead_id": lead.get("id")
            if isinstance(lead, dict) and isinstance(lead.get("id"), str)
            else None,
            "codes": sorted(set(codes)),
            "findings": [
                {"code": d.code, "message": d.message, "pointer": d.location.pointer}
                for d in errors
            ],
        }
        self._findings.append(entry)
        if self._out is not None:
            self._out.write(orjson.dumps(lead).decode() + "\n")
        else:
            self._leads.append(lead)

    def add_unreadable(self, record: Record, codes: list[str], errors: list[Diagnostic]) -> None:
        """A lead that could not be read as an object: listed in the sidecar only."""
        self._findings.append(
            {
                "file": record.source,
                "record": record.index,
                "line": record.line,
                "lead_id": None,
                "unreadable": True,
                "codes": sorted(set(codes)),
                "findings": [
                    {"code": d.code, "message": d.message, "pointer": d.location.pointer}
                    for d in errors
                ],
            }
        )

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
            assert self._temp is not None
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(self._temp, 0o666 & ~umask)  # as a file written in place would be
            os.replace(self._temp, self.path)
        elif self.kind == "json":
            write_atomic(self.path, orjson.dumps(self._leads, option=orjson.OPT_INDENT_2) + b"\n")
        else:
            write_atomic(self.path, self._csv_text().encode("utf-8"))
        sidecar = self.path.with_name(self.path.name + ".findings.json")
        write_atomic(sidecar, orjson.dumps(self._findings, option=orjson.OPT_INDENT_2) + b"\n")

    def abort(self) -> None:
        """Leave no partial file behind (an interrupted run)."""
        if self._out is not None:
            self._out.close()
            assert self._temp is not None
            self._temp.unlink(missing_ok=True)

    def _csv_text(self) -> str:
        rows = [dict(_flatten(lead)) for lead in self._leads if isinstance(lead, dict)]
        header: list[str] = []
        seen: set[str] = set()
        for row in rows:
            for key in row:
                if key not in seen:
                    seen.add(key)
                    header.append(key)
        out = io.StringIO(newline="")
        writer = csv.writer(out)
        writer.writerow(header)
        for row in rows:
            writer.writerow([cell_text(row[k]) if k in row else "" for k in header])
        return out.getvalue()


def _flatten(value: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for key, child in value.items():
        name = f"{prefix}{key}"
        if isinstance(child, dict) and child:
            found.extend(_flatten(child, name + "."))
        else:
            found.append((name, child))
    return found
